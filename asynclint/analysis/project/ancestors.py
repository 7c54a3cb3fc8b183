"""The directories a per-directory setting is looked up in: pytest's configuration,
``requires-python``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path


def directories_up(current: Path, stop: Path | None) -> Iterator[Path]:
    """``current`` and the directories above it, up to ``stop`` (without one, up to the
    repository's top: ``.git``/``.hg``)."""
    while True:
        yield current
        if is_top(current, stop):
            return
        current = current.parent


def is_top(current: Path, stop: Path | None) -> bool:
    """Whether a walk up from below ends at ``current`` (see :func:`directories_up`)."""
    if stop is None:
        at_top = any((current / marker).exists() for marker in (".git", ".hg"))
    else:
        at_top = current == stop or stop not in current.parents
    return at_top or current.parent == current
