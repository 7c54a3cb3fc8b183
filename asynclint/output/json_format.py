"""``--format json``: the machine contract described in the docs (1-based positions).

``cell`` is ``null`` outside notebooks; in a notebook it is the cell (1-based among all its
cells) that the lines count in, of the finding and of each edit of its fix (an edit has the key
only in a notebook).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from typing import Any

from asynclint.diagnostics import Diagnostic
from asynclint.version import __version__


def as_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    data = asdict(diagnostic)
    data.pop("source_line")
    data["severity"] = diagnostic.severity.value
    if diagnostic.fix is not None:
        data["fix"]["applicability"] = diagnostic.fix.applicability.value
        for edit in data["fix"]["edits"]:
            if edit["cell"] is None:
                del edit["cell"]
    return data


def render(diagnostics: list[Diagnostic], colour: bool = False) -> str:
    return dumps({"version": __version__, "diagnostics": [as_dict(d) for d in diagnostics]})


# the undecodable bytes of a file name that is not UTF-8 (``os.fsdecode``'s surrogate escapes)
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def dumps(payload: Any) -> str:
    """Indented JSON that is valid UTF-8 whatever the file names: an undecodable byte of a name
    is written as its ``\\udcXX`` escape, which ``json.loads`` and ``os.fsencode`` turn back
    into the exact name."""
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    return _ESCAPED_BYTE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
