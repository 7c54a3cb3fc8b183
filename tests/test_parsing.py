"""The engine's parse of source Python accepted: the same tree, without node validation, and
validation back for every other node built (fixes build nodes by hand)."""

from __future__ import annotations

import threading

import libcst as cst
import pytest

from asynclint.analysis.python import parsing
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
