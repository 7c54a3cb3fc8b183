"""The engine's parse of source Python accepted: the same tree, without node validation, and
validation back for every other node built (fixes build nodes by hand); the faster node
constructors build the same trees."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import libcst as cst
import pytest

from asynclint.analysis.python import node_constructors, parsing
from asynclint.analysis.python.parsing import parse_accepted_module

SOURCE = "import asyncio\n\nasync def main(x):\n    await asyncio.sleep((x + 1) * 2)  # nap\n"


def test_the_tree_is_the_one_libcst_builds() -> None:
    tree = parse_accepted_module(SOURCE)
    assert tree.code == SOURCE
    assert tree.deep_equals(cst.parse_module(SOURCE))


def test_nodes_built_by_hand_are_validated_again_afterwards() -> None:
    parse_accepted_module(SOURCE)
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not an identifier")


def test_validation_comes_back_when_the_parse_fails() -> None:
    with pytest.raises(cst.ParserSyntaxError):
        parse_accepted_module("def (:\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("1x")


def test_the_parse_skips_validation_while_it_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    validated: list[str] = []
    original = cst.Name._validate

    def counting(self: cst.Name) -> None:
        validated.append(self.value)
        original(self)

    monkeypatch.setattr(cst.Name, "_validate", counting)
    parse_accepted_module(SOURCE)
    assert validated == []
    cst.parse_module(SOURCE)
    assert "main" in validated


def test_overlapping_parses_restore_validation_only_when_the_last_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """An abandoned deep-stack thread may still be parsing when the next file's parse starts."""
    inside = threading.Event()
    release = threading.Event()
    real_parse = cst.parse_module

    def slow_parse(source: str | bytes) -> cst.Module:
        inside.set()
        release.wait(5)
        return real_parse(source)

    monkeypatch.setattr(parsing.cst, "parse_module", slow_parse)
    first = threading.Thread(target=parse_accepted_module, args=(SOURCE,))
    first.start()
    assert inside.wait(5)
    monkeypatch.setattr(parsing.cst, "parse_module", real_parse)
    parse_accepted_module(SOURCE)  # ends while the first is still under way
    cst.Name("still unvalidated")  # no error: the first parse is not done
    release.set()
    first.join(5)
    with pytest.raises(cst.CSTValidationError):
        cst.Name("validated again")


# Parses every fixture and prints a digest of the trees (their repr holds every field), with the
# faster node constructors installed first or not.
_TREE_DIGEST = """
import hashlib, pathlib, sys
import libcst
if sys.argv[1] == "fast":
    from asynclint.analysis.python import node_constructors
    print(node_constructors.install())
digest = hashlib.sha256()
for path in sorted(pathlib.Path("fixtures").glob("*.py")):
    tree = libcst.parse_module(path.read_bytes())
    digest.update(repr(tree).encode())
    digest.update(tree.code.encode())
print(digest.hexdigest())
"""


def test_the_faster_node_constructors_build_the_same_trees() -> None:
    root = Path(__file__).resolve().parent.parent

    def digest(mode: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", _TREE_DIGEST, mode], cwd=root, capture_output=True, text=True, check=True
        )
        return done.stdout.split()

    plain, fast = digest("plain"), digest("fast")
    assert int(fast[0]) > 150  # node classes given one: libcst has about 170
    assert fast[1] == plain[0]


def test_the_faster_node_constructors_keep_defaults_and_validation() -> None:
    node_constructors.install()
    assert cst.Name.__init__.__code__.co_name.startswith("__init___")
    call = cst.Call(cst.Name("f"))
    assert call.args == () and call.whitespace_before_args.deep_equals(cst.SimpleWhitespace(""))
    assert call.deep_equals(cst.parse_expression("f()"))
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not an identifier")
    with pytest.raises(TypeError):
        cst.Name()  # type: ignore[call-arg]
