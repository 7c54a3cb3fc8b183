"""Receivers typed by explicit annotations: the annotation forms understood, the summary facts
the project index keeps for them, and what users see across modules."""

from __future__ import annotations

import ast
import textwrap

import libcst as cst
import pytest
from conftest import summary_of

from asynclint.analysis.project.summary import ANNOTATED, SUMMARY_FORMAT, _ModuleSummarizer
from asynclint.analysis.python.annotations import annotated_class
from asynclint.api import lint_paths
from asynclint.config import Config

_IMPORTS = {"Path": "pathlib.Path", "Optional": "typing.Optional", "Union": "typing.Union", "typing": "typing"}


def _qualified(expr: cst.BaseExpression) -> str | None:
    """A stand-in for the scope tracker: names resolve through ``_IMPORTS`` only."""
    if isinstance(expr, cst.Name):
        return _IMPORTS.get(expr.value) or ("builtins.list" if expr.value == "list" else None)
    if isinstance(expr, cst.Attribute):
        base = _qualified(expr.value)
        return f"{base}.{expr.attr.value}" if base else None
    return None


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        ("Path", "pathlib.Path"),
        ("Optional[Path]", "pathlib.Path"),
        ("typing.Optional[Path]", "pathlib.Path"),
        ("Path | None", "pathlib.Path"),
        ("None | Path", "pathlib.Path"),
        ("Union[Path, None]", "pathlib.Path"),
        ('"Path"', "pathlib.Path"),
        ('Optional["Path | None"]', "pathlib.Path"),
        ("typing.Annotated[Path, 'doc']", "pathlib.Path"),
        ("typing.Final[Path]", "pathlib.Path"),
        ("Union[Path, str]", None),
        ("Path | str", None),
        ("Optional", None),
        ("Unknown", None),
        ('"not valid ("', None),
        ("list[Path]", "builtins.list"),
    ],
)
def test_annotated_class_unwraps_optional_union_and_strings(annotation, expected):
    assert annotated_class(cst.parse_expression(annotation), _qualified) == expected


def test_summary_keeps_annotated_attributes_and_return_annotations():
    summary = summary_of(
        """
        import sys
        from pathlib import Path
        from typing import IO, Optional, TextIO

        def target() -> Optional[Path]:
            return None

        class Store:
            log: IO[str]
            out: TextIO = sys.stdout

            def __init__(self, path):
                self.root: "Path" = path
                self.db = open(path)
                self.err: TextIO = sys.stderr
        """
    )
    assert summary["functions"]["target"]["returns"] == "pathlib.Path"
    attributes = summary["classes"]["Store"]["attributes"]
    assert attributes == {"db": "builtins.open", "log": ANNOTATED + "typing.IO", "root": ANNOTATED + "pathlib.Path"}
    assert SUMMARY_FORMAT >= 8  # the facts above are new in format 8


def test_summary_drops_constructors_whose_objects_touch_nothing():
    summary = summary_of(
        """
        import sqlite3

        class Cache:
            def __init__(self):
                self.memory = sqlite3.connect(":memory:")
                self.disk = sqlite3.connect("cache.db")
        """
    )
    assert summary["classes"]["Cache"]["attributes"] == {"disk": "sqlite3.connect"}


def test_summary_annotation_of_a_union_of_two_classes_is_none():
    summarizer = _ModuleSummarizer(ast.parse("from pathlib import Path\nx: int"))
    assert summarizer.annotation(ast.parse("Path | str", mode="eval").body) is None
    assert summarizer.annotation(ast.parse("'Path | None'", mode="eval").body) == "pathlib.Path"


def test_annotations_across_modules(tmp_path):
    """A project function's ``-> Path`` and a base class's ``self.fh: TextIO`` in another module
    type the receivers of a coroutine; what the user sees is pinned."""
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "paths.py").write_text(
        textwrap.dedent(
            """
            from pathlib import Path
            from typing import Optional, TextIO


            def data_dir() -> "Optional[Path]":
                return Path("data")


            class Base:
                def __init__(self, fh: TextIO):
                    self.fh: TextIO = fh
            """
        )
    )
    (package / "jobs.py").write_text(
        textwrap.dedent(
            """
            import asyncio

            from app.paths import Base, data_dir


            class Job(Base):
                async def run(self):
                    await asyncio.sleep(0)
                    self.fh.write("started")
                    return data_dir().exists()
            """
        )
    )
    result = lint_paths([str(tmp_path)], Config(select=("AIO201", "AIO202")), jobs=1, use_cache=False)
    seen = [(d.code, d.line, d.column, d.message) for d in result.diagnostics]
    assert seen == [
        ("AIO201", 10, 9, "`self.fh.write()` does blocking file I/O in coroutine `run`"),
        ("AIO202", 11, 16, "`data_dir().exists()` blocks on the filesystem in coroutine `run`"),
    ]
