"""Parsing an edited document from its last tree: the tree ``parse_module`` makes of the new
text, node for node, under every line edit of sources with the shapes that decide who owns a
blank or comment line (the ends of blocks, decorators, headers and footers, tabs, CR LF, no
final newline); only the edited part parsed; and the editor's findings those of a fresh lint."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import libcst as cst
import pytest
from conftest import FIXTURES

from asynclint.analysis.python.parsing import parse_accepted_module
from asynclint.analysis.python.reparse import Parsed, Reparser, measure, reparse
from asynclint.api import Project
from asynclint.documents import Projects

CLASSES = '''"""A module."""
import asyncio

# a comment about the class


class Pool:
    """A pool."""

    size = 1

    def acquire(self):
        return self.size
        # commented out, deeper

    # at the class's indentation
    @property
    def free(self):
        if self.size:
            return 1
        else:
            return 2

# at column 0, inside the class
    async def close(self):
        try:
            await asyncio.sleep(0)
        except OSError:
            pass
        finally:
            self.size = 0

    def last(self):
        return None


async def main():
    async def inner():
        await asyncio.sleep(1)

    await inner()
    x = [
        1,
    ]
# trailing comment

'''

FLAT = "import os\nimport sys\n\nx = 1\ny = 2\n\n\ndef f():\n    return x\nz = 3"
TABS = "import os\n\n\nclass A:\n\tdef f(self):\n\t\treturn 1\n\n\tdef g(self):\n\t\treturn 2\n\n\ndef h():\n\tpass\n"
FIRST_BLOCK = "import os\nimport sys\nx = 1\n\n\ndef f():\n  return 1\n\n\ndef g():\n    return 2\n"
# the first indented block sets the default indentation every other block is read against
WITH_FIRST = "import sys\n\nwith open(sys.argv[1]) as file:\n    data = file.read()\n\nif data:\n    sys.exit(1)\nelse:\n    sys.exit(0)\n"
SOURCES = {
    "classes": CLASSES,
    "crlf": CLASSES.replace("\n", "\r\n"),
    "no final newline": FLAT,
    "tabs": TABS,
    "first block two spaces": FIRST_BLOCK,
    "first block at the top level": WITH_FIRST,
}
INSERTED = ("x = 1", "# note", "    # note", "        # deep", "", "    pass", "if x:", "    y = 2")


def line_edits(text: str) -> Iterator[str]:
    """Every text one line edit makes of ``text``: a line inserted (of several indentations
    and kinds), deleted, indented, dedented or with a character typed into it."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    for number, line in enumerate(lines):
        for inserted in INSERTED:
            yield "".join([*lines[:number], inserted + newline, *lines[number:]])
        yield "".join([*lines[:number], *lines[number + 1 :]])
        yield "".join([*lines[:number], "    " + line, *lines[number + 1 :]])
        yield "".join([*lines[:number], line[4:] if line.startswith("    ") else line.lstrip(), *lines[number + 1 :]])
        yield "".join([*lines[:number], line[1:] if line.startswith(" ") else line, *lines[number + 1 :]])
        middle = len(line.rstrip()) // 2
        yield "".join([*lines[:number], line[:middle] + "q" + line[middle:], *lines[number + 1 :]])
    yield text + "edited = 1" + newline


def parse_whole(text: str) -> Parsed:
    module = parse_accepted_module(text)
    layout = measure(module, text)
    assert layout is not None
    return Parsed(text, module, layout)


def accepted(text: str) -> bool:
    """What the engine reparses: text Python's parser accepts (and libcst parses)."""
    try:
        ast.parse(text)
        cst.parse_module(text)
    except (SyntaxError, cst.ParserSyntaxError):
        return False
    return True


def same_tree(mine: cst.Module, theirs: cst.Module) -> bool:
    fields = ("default_indent", "default_newline", "has_trailing_newline", "encoding")
    return mine.deep_equals(theirs) and all(getattr(mine, name) == getattr(theirs, name) for name in fields)


@pytest.mark.parametrize("name", SOURCES)
def test_every_line_edit_gives_the_tree_of_a_whole_parse(name: str) -> None:
    text = SOURCES[name]
    previous = parse_whole(text)
    reparsed = 0
    for edited in filter(accepted, line_edits(text)):
        result = reparse(previous, edited, parse_accepted_module)
        if result is None:
            continue  # parsed whole: right by construction
        reparsed += 1
        whole = parse_accepted_module(edited)
        assert same_tree(result.module, whole), edited
        assert result.module.code == edited
        assert result.layout == measure(whole, edited), edited  # the next edit is found where it is
    assert reparsed > 20  # most edits are reparsed in part


def test_edits_in_a_row_build_on_each_other() -> None:
    previous = parse_whole(CLASSES)
    text = CLASSES
    for step in range(12):
        text = text.replace("return self.size\n", f"return self.size + {step}\n        # step {step}\n", 1)
        result = reparse(previous, text, parse_accepted_module)
        assert result is not None
        assert same_tree(result.module, cst.parse_module(text))
        previous = result


def test_typing_in_a_method_reparses_that_method_alone() -> None:
    previous = parse_whole(CLASSES)
    edited = CLASSES.replace("            return 1\n", "            return 10\n")
    result = reparse(previous, edited, parse_accepted_module)
    assert result is not None
    old_pool, new_pool = previous.module.body[2], result.module.body[2]
    assert isinstance(old_pool, cst.ClassDef) and isinstance(new_pool, cst.ClassDef)
    old_methods, new_methods = old_pool.body.body, new_pool.body.body
    assert [new is old for new, old in zip(new_methods, old_methods)] == [True, True, True, False, True, True]
    assert result.module.body[3] is previous.module.body[3]  # main() is shared too


@pytest.mark.parametrize(
    "edited",
    [
        "# -*- coding: latin-1 -*-\n" + CLASSES,  # the encoding is read off the first two lines
        CLASSES.replace('"""A module."""\n', '"""A module."""\r\n'),  # the newline off the first
        CLASSES.replace("import asyncio\n", "import asyncio, os\n"),
    ],
)
def test_an_edit_of_the_first_two_lines_is_parsed_whole(edited: str) -> None:
    assert reparse(parse_whole(CLASSES), edited, parse_accepted_module) is None


def test_the_reparser_keeps_the_last_good_tree_and_raises_the_parse_error() -> None:
    reparser = Reparser(documents=2)
    first = reparser.parse("a.py", CLASSES, parse_accepted_module)
    assert reparser.parse("a.py", CLASSES, parse_accepted_module) is first  # unchanged text: the same tree
    with pytest.raises(cst.ParserSyntaxError):
        reparser.parse("a.py", CLASSES + "def (:\n", parse_accepted_module)
    edited = CLASSES.replace("size = 1", "size = 2")
    tree = reparser.parse("a.py", edited, parse_accepted_module)
    assert same_tree(tree, cst.parse_module(edited)) and tree.body[0] is first.body[0]


def test_a_tree_nested_too_deep_to_measure_is_still_given_and_parsed_whole_next_time() -> None:
    deep = "x = " + " and ".join(["a"] * 3000) + "\n"
    reparser = Reparser()
    first = reparser.parse("deep.py", deep, parse_accepted_module)  # its code generation recurses too deep
    assert isinstance(first, cst.Module) and len(first.body) == 1
    second = reparser.parse("deep.py", deep + "y = 1\n", parse_accepted_module)
    assert len(second.body) == 2 and second.body[0] is not first.body[0]  # parsed whole


def test_a_text_libcst_does_not_give_back_is_parsed_whole_each_time() -> None:
    # libcst's code of this tree drops a line of the comments indented at the end
    text = "def f():\n    return 1\n\n\nx = 1\n\n    # deeper\n"
    assert cst.parse_module(text).code != text
    reparser = Reparser()
    first = reparser.parse("a.py", text, parse_accepted_module)
    second = reparser.parse("a.py", text.replace("x = 1", "x = 2"), parse_accepted_module)
    assert second.body[0] is not first.body[0]  # nothing was kept to reparse from


def test_the_reparser_keeps_a_few_documents_and_forgets_closed_ones() -> None:
    reparser = Reparser(documents=2)
    trees = {name: reparser.parse(name, CLASSES, parse_accepted_module) for name in ("a", "b", "c")}
    assert reparser.parse("c", CLASSES, parse_accepted_module) is trees["c"]
    assert reparser.parse("a", CLASSES, parse_accepted_module) is not trees["a"]  # the oldest went
    reparser.forget("c")
    assert reparser.parse("c", CLASSES, parse_accepted_module) is not trees["c"]


def fixture_texts() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("AIO[0-9][0-9][0-9]_*.py") if not p.name.endswith(".fixed.py"))


@pytest.mark.parametrize("path", fixture_texts(), ids=lambda p: p.name)
def test_the_editor_finds_in_an_edited_fixture_what_a_fresh_lint_finds(path: Path, tmp_path: Path) -> None:
    """Every fixture, a line at a time taken out and put back: each version, linted from the
    last tree, gives the findings (fixes included) of linting that text from scratch."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    projects = Projects()
    target = str(tmp_path / path.name)
    fresh = Project(projects.config_for(tmp_path))
    versions = [text]
    for number in range(len(lines) // 3, len(lines), max(1, len(lines) // 3)):
        versions += ["".join([*lines[:number], *lines[number + 1 :]]), text]
    for version in versions:
        assert projects.lint(version, target, tmp_path).diagnostics == tuple(fresh.lint_source(version, target))
