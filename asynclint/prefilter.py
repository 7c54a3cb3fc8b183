"""Files no enabled rule can fire on, whose libcst parse (most of a run's time and memory) is
skipped.

Each rule's TOML lists its ``triggers``: identifiers that must appear in a file's text for the
rule to possibly fire (``get_event_loop``), or a kind: ``async`` (the words ``async`` or
``await``), ``asyncio-names`` (every library module the tables know async APIs of, such as
``asyncio``, ``aiohttp``, ``uvloop``, and the names a loop goes by), ``suppression`` (a comment
that may name an asynclint code or rule: ``asynclint:``, or ``noqa`` with ``aio`` after it, the
test AIO002 itself starts with), ``project-async`` (the file imports a project module with coroutine
functions, see :meth:`~asynclint.analysis.project.index.ProjectIndex.imports_async`). A rule
without triggers can fire anywhere. The words are looked for as whole words in the raw bytes, comments and
strings included, so a doubt always means the file is checked.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from asynclint.analysis.project.index import ModuleEntry, ProjectIndex
from asynclint.analysis.tables import asyncio_api, library_apis
from asynclint.analysis.tables.asyncio_names import RENAMED_MODULES
from asynclint.catalog import Rule
from asynclint.suppression import may_be_stale

PROJECT_ASYNC = "project-async"
SUPPRESSION = "suppression"


def _library_modules() -> tuple[str, ...]:
    """The top-level modules of every name the async API tables list (``aiohttp``, ``asyncio``)."""
    tables: list[Mapping[str, object]] = [
        library_apis.ASYNC_METHODS,
        library_apis.ASYNC_FUNCTIONS,
        library_apis.CALL_RESULTS,
        library_apis.AWAIT_RESULTS,
        library_apis.TUPLE_RESULTS,
        asyncio_api.ASYNC_ONLY_CONTEXT_MANAGER_TYPES,
    ]
    names = {name for table in tables for name in table} | {
        value for table in tables for value in table.values() if isinstance(value, str)
    }
    names |= (
        asyncio_api.ASYNC_ONLY_CONTEXT_MANAGERS | asyncio_api.LOOP_RUNNER_FUNCTIONS | asyncio_api.NEW_LOOP_FACTORIES
    )
    modules = {name.split(".")[0] for name in names if "." in name}  # values may be kinds
    return tuple(sorted(modules | {old for old, new in RENAMED_MODULES.items() if new in modules}))


_KIND_WORDS = {
    "async": ("async", "await"),
    "asyncio-names": (*_library_modules(), *sorted(asyncio_api.LOOP_NAMES), "coroutine"),
}


def _names_asynclint(source: bytes) -> bool:
    """Whether a suppression comment may name an asynclint code or rule (undecodable: maybe)."""
    try:
        return may_be_stale(source.decode("utf-8"))
    except UnicodeDecodeError:
        return True


_KIND_TESTS = {SUPPRESSION: _names_asynclint}


def could_fire(source: bytes, rules: Iterable[Rule], index: ProjectIndex, entry: ModuleEntry) -> bool:
    """Whether any of ``rules`` might report something in ``source`` (the file of ``entry``)."""
    words: set[str] = set()
    tests: set[str] = set()
    project = False
    for rule in rules:
        if not rule.triggers:
            return True
        for trigger in rule.triggers:
            if trigger == PROJECT_ASYNC:
                project = True
            elif trigger in _KIND_TESTS:
                tests.add(trigger)
            else:
                words.update(_KIND_WORDS.get(trigger, (trigger,)))
    if words and _pattern(frozenset(words)).search(source) is not None:
        return True
    if any(_KIND_TESTS[kind](source) for kind in tests):
        return True
    return project and index.imports_async(entry)


@functools.lru_cache(maxsize=32)
def _pattern(words: frozenset[str]) -> re.Pattern[bytes]:
    alternatives = b"|".join(re.escape(word.encode("ascii")) for word in sorted(words))
    return re.compile(rb"(?<![A-Za-z0-9_])(?:" + alternatives + rb")(?![A-Za-z0-9_])")
