"""The cycle collector is held off while a file's trees are built and back on after, and
worker processes are forked with the parent's objects frozen (see asynclint/collector.py)."""

from __future__ import annotations

import gc

import libcst
import pytest

from asynclint import collector, engine
from asynclint.analysis.project import summary
from asynclint.workers import run_in_workers
from tests.conftest import lint


def test_paused_restores_the_collector_and_leaves_one_turned_off_alone() -> None:
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block leaves the switch to the outer one
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_paused_turns_it_back_on_when_the_block_raises() -> None:
    with pytest.raises(ValueError), collector.paused():
        raise ValueError
    assert gc.isenabled()


def test_libcst_and_ast_parse_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, bool]] = []
    parse_module, parse = libcst.parse_module, summary.ast.parse

    def recording_cst(source: object) -> object:
        seen.append(("libcst", gc.isenabled()))
        return parse_module(source)  # type: ignore[arg-type]

    def recording_ast(source: object, *args: object, **kwargs: object) -> object:
        seen.append(("ast", gc.isenabled()))
        return parse(source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine.cst, "parse_module", recording_cst)
    monkeypatch.setattr(summary.ast, "parse", recording_ast)
    findings = lint("import time\n\nasync def main():\n    time.sleep(1)\n", ["AIO200"])
    assert [(d.code, d.line) for d in findings] == [("AIO200", 4)]
    assert ("libcst", False) in seen and ("ast", False) in seen
    assert all(not enabled for _parser, enabled in seen)
    assert gc.isenabled()


def _collector_state(_item: object, _options: object) -> tuple[bool, int]:
    return gc.isenabled(), gc.get_freeze_count()


def test_workers_inherit_the_parents_objects_frozen_and_the_parent_gets_them_back() -> None:
    states = run_in_workers([1, 2], None, 2, _collector_state, lambda *_: None, budget=30)
    assert all(enabled and frozen > 0 for enabled, frozen in states)
    assert gc.get_freeze_count() == 0
