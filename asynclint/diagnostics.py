"""Plain data passed between the engine and the front ends.

Frozen dataclasses so that diagnostics can cross process boundaries (pickling) and be
compared in tests without surprises.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

# Codes the engine reports itself (no check, never suppressed): a file that could not be
# read, parsed or checked; a suppression comment that silences nothing.
PARSE_ERROR = "AIO001"
UNUSED_SUPPRESSION = "AIO002"
ENGINE_CODES = frozenset({PARSE_ERROR, UNUSED_SUPPRESSION})


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Applicability(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Edit:
    """Replace the text between two 1-based (line, column) positions."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str
    cell: int | None = None  # in a notebook: the cell the lines count in (1-based)


@dataclass(frozen=True)
class Fix:
    title: str
    applicability: Applicability
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True)
class Diagnostic:
    """One finding. Lines and columns are 1-based; columns count code points."""

    code: str
    name: str
    severity: Severity
    message: str
    suggestion: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    fix: Fix | None = None
    # the catalog variant whose message was rendered (None: the rule's main message)
    variant: str | None = None
    source_line: str = field(default="", compare=False)
    # in a notebook: the cell (1-based among all its cells) the lines count in
    cell: int | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.cell or 0, self.line, self.column, self.code)
