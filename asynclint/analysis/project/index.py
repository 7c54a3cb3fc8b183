"""The project index: which callables anywhere in the project are coroutine functions,
which sync functions block (and through which chain), which names are used as values.

Built once per run from per-module summaries (:mod:`summary`), before any file is
checked, and shared read-only by every check. Lookups follow imports, re-exports
(``from .net import download`` in ``__init__.py``, star imports), module-level aliases
(``fetch = _impl.fetch``) and base classes.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from asynclint.analysis.project.modules import absolute_name
from asynclint.analysis.project.summary import ANNOTATED, Summary
from asynclint.analysis.tables.asyncio_names import renamed
from asynclint.analysis.tables.builtins import TRANSPARENT_DECORATORS

_MAX_HOPS = 12
_PREFIXES = ("await ", ANNOTATED)
Reads = dict[str, "str | None"]  # what :meth:`ProjectIndex.reads` records


@dataclass(frozen=True)
class ModuleEntry:
    name: str
    is_package: bool
    path: str
    # path -> summary, shared by the index's entries: a cached index decodes its summaries when
    # one is first read, and a run the result cache answers reads none
    summaries: Mapping[str, Summary] = field(repr=False, compare=False)
    digest: str = ""  # the file's content hash ("" for an in-memory module)
    # the hash of the summary: all the index knows of the module, so all its importers' findings
    # can depend on (a comment or a reformatted body leaves it, and them, alone)
    facts: str = ""

    @property
    def summary(self) -> Summary:
        return self.summaries[self.path]

    def absolute(self, ref: str) -> str:
        """A summary reference (``:name``, ``..pkg.x``, ``requests.get``) made absolute."""
        if ref.startswith(":"):
            return f"{self.name}.{ref[1:]}"
        return absolute_name(ref, self.name, self.is_package)


@dataclass(frozen=True)
class Target:
    """What a qualified name denotes in the project."""

    kind: str  # "module" | "function" | "class" | "method"
    qualname: str
    module: ModuleEntry
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChainLink:
    caller: str  # qualified name of the sync function making the call
    callee: str  # qualified name it calls
    path: str
    line: int
    display: str  # how the callee reads in a message: ``open``, ``time.sleep``, ``Store.flush``


class ProjectIndex:
    def __init__(self, modules: Mapping[str, ModuleEntry], paths: Mapping[str, ModuleEntry]) -> None:
        self.modules = dict(modules)
        self.by_path = dict(paths)
        self._values: frozenset[str] | None = None
        self._calls: tuple[frozenset[str], frozenset[str]] | None = None
        # memoised answers, each with the modules it read (see :meth:`reads`)
        self._chains: dict[str, tuple[tuple[ChainLink, ...] | None, Reads]] = {}
        self._resolved: dict[tuple[str, int], tuple[Target | None, Reads]] = {}  # asked again and again
        self._async_modules: tuple[frozenset[str], frozenset[str]] | None = None
        self._bases: frozenset[str] | None = None
        self._mentioned: frozenset[str] | None = None
        self._readers: list[dict[str, str | None]] = []

    def with_module(self, path: str, summary: Summary, digest: str) -> ProjectIndex:
        """This index with the module at ``path`` (already in it) described by ``summary``: an
        editor buffer, or a file just saved, without rebuilding the rest."""
        changed = {"summaries": {path: summary}, "digest": digest, "facts": summary_digest(summary)}
        modules = {
            name: replace(entry, **changed) if entry.path == path else entry  # type: ignore[arg-type]
            for name, entry in self.modules.items()
        }
        paths = dict(self.by_path)
        paths[path] = replace(paths[path], **changed)  # type: ignore[arg-type]
        return ProjectIndex(modules, paths)

    def load(self) -> None:
        """Read every module's summary now: done before worker processes fork, so that they
        share the parent's copy of a cached index instead of each decoding its own."""
        for entry in self.by_path.values():
            entry.summary  # noqa: B018 (the read is the point)

    # ------------------------------------------------------------------ what a file used

    @contextmanager
    def reads(self) -> Iterator[dict[str, str | None]]:
        """Record what the index answers in the block depend on: module name -> its content
        hash (None: no such module, which a new file could change), ``path:<file>`` for
        :meth:`module_for`, and the answers to project-wide questions (see :meth:`current`).
        The per-file result cache reuses a file's findings while these are the same."""
        found: dict[str, str | None] = {}
        self._readers.append(found)
        try:
            yield found
        finally:
            self._readers.pop()
            self._note(found)

    def current(self, key: str) -> str | None:
        """What ``key`` of :meth:`reads` stands for in this index now: a module's content hash,
        or the answer to a project-wide question (``value:<name>``, ``dropped:<name>``,
        ``subclasses:<class>``, ``async-imports:<path>``, ``mentions:<name>``,
        ``conftest:<hook>``), so that a change elsewhere in the project re-checks only the files
        whose answers it changes."""
        kind, _, argument = key.partition(":")
        if kind == "path":
            entry = self.by_path.get(argument)
            return entry.facts if entry is not None else None
        if kind in _QUESTIONS:
            return self._answered(kind, argument)
        entry = self.modules.get(key)  # a module name: it has no colon
        return entry.facts if entry is not None else None

    @functools.cached_property
    def fingerprint(self) -> str | None:
        """A hash of everything the index knows (each module's names, path and facts): equal
        fingerprints give equal answers to every question, so answers can be kept by it. None
        when a module's facts are unknown (an index built from in-memory summaries)."""
        if any(not entry.facts for entry in self.by_path.values()):
            return None
        by_path = sorted((path, entry.name, entry.is_package, entry.facts) for path, entry in self.by_path.items())
        modules = sorted((name, entry.path) for name, entry in self.modules.items())
        return hashlib.sha1(repr((by_path, modules)).encode("utf-8", "surrogateescape")).hexdigest()

    def _note(self, found: Mapping[str, str | None]) -> None:
        if self._readers and found:
            self._readers[-1].update(found)

    def _ask(self, kind: str, argument: str) -> bool:
        """The answer to a project-wide question of :data:`_QUESTIONS`, recorded by its key."""
        said = self._answered(kind, argument)
        if self._readers:
            self._readers[-1][f"{kind}:{argument}"] = said
        return said == "1"

    def _answered(self, kind: str, argument: str) -> str:
        return "1" if _QUESTIONS[kind](self, argument) else "0"

    def _note_key(self, key: str) -> None:
        if self._readers:
            self._readers[-1][key] = self.current(key)

    # ------------------------------------------------------------------ lookups

    def module_for(self, path: str) -> ModuleEntry | None:
        self._note_key(f"path:{path}")
        return self.by_path.get(path)

    def resolve(self, qualname: str, hops: int = 0) -> Target | None:
        key = (qualname, hops)
        cached = self._resolved.get(key)
        if cached is None:
            with self.reads() as found:
                target = self._resolve(qualname, hops)
            cached = self._resolved[key] = (target, found)
        else:
            self._note(cached[1])
        return cached[0]

    def _resolve(self, qualname: str, hops: int) -> Target | None:
        if hops > _MAX_HOPS or not qualname:
            return None
        parts = qualname.split(".")
        for cut in range(len(parts), 0, -1):
            name = ".".join(parts[:cut])
            self._note_key(name)
            entry = self.modules.get(name)
            if entry is not None:
                return self._inside(entry, parts[cut:], hops)
        return None

    def _inside(self, entry: ModuleEntry, rest: list[str], hops: int) -> Target | None:
        if not rest:
            return Target("module", entry.name, entry)
        summary = entry.summary
        name, tail = rest[0], rest[1:]
        qualname = f"{entry.name}.{name}"
        if name in summary["functions"]:
            return Target("function", qualname, entry, summary["functions"][name]) if not tail else None
        if name in summary["classes"]:
            if not tail:
                return Target("class", qualname, entry, summary["classes"][name])
            return self.method(qualname, tail[0], hops) if len(tail) == 1 else None
        for table in ("imports", "aliases"):
            if name in summary[table]:
                return self.resolve(".".join([entry.absolute(summary[table][name]), *tail]), hops + 1)
        for star in summary["star"]:
            found = self.resolve(".".join([entry.absolute(star), *rest]), hops + 1)
            if found is not None:
                return found
        return None

    def method(self, class_qualname: str, name: str, hops: int = 0, seen: set[str] | None = None) -> Target | None:
        """A method of a project class, found through its project base classes."""
        seen = seen if seen is not None else set()
        target = self.resolve(class_qualname, hops + 1)
        if target is None or target.kind != "class" or target.qualname in seen:
            return None
        seen.add(target.qualname)
        facts = target.facts
        if name in facts["methods"]:
            return Target("method", f"{target.qualname}.{name}", target.module, facts["methods"][name])
        for base in facts["bases"]:
            if base != "?":
                found = self.method(target.module.absolute(base), name, hops + 1, seen)
                if found is not None:
                    return found
        return None

    def async_only_class(self, class_qualname: str) -> bool:
        """Whether instances of the project class speak only the asynchronous context-manager
        protocol: ``__aenter__`` found and no ``__enter__`` anywhere in its bases, every base a
        project class (or ``object``), none decorated (a decorator may add methods)."""
        target = self.resolve(class_qualname)
        if target is None or target.kind != "class":
            return False
        return self.method(target.qualname, "__aenter__") is not None and self._lacks(target, "__enter__", set())

    def _lacks(self, target: Target, name: str, seen: set[str]) -> bool:
        """No class of ``target``'s hierarchy defines ``name``, and the whole hierarchy is known."""
        facts = target.facts
        if target.qualname in seen:
            return True
        seen.add(target.qualname)
        if facts["decorators"] or name in facts["methods"] or name in facts["assigned"]:
            return False
        for base in facts["bases"]:
            absolute = target.module.absolute(base) if base != "?" else "?"
            if absolute == "builtins.object":
                continue
            found = self.resolve(absolute) if absolute != "?" else None
            if found is None or found.kind != "class" or not self._lacks(found, name, seen):
                return False
        return True

    def attribute_type(self, class_qualname: str, attribute: str) -> str | None:
        """The constructor assigned to ``self.<attribute>`` in the class (or a project base),
        prefixed ``await `` when its result was awaited (``self.conn = await connect()``), or
        the class its annotation names prefixed :data:`ANNOTATED` (``self.fh: TextIO``)."""
        target = self.resolve(class_qualname)
        if target is None or target.kind != "class":
            return None
        constructor = target.facts["attributes"].get(attribute)
        if constructor is not None:
            prefix = next((p for p in _PREFIXES if constructor.startswith(p)), "")
            return prefix + target.module.absolute(constructor[len(prefix) :])
        for base in target.facts["bases"]:
            if base != "?":
                found = self.attribute_type(target.module.absolute(base), attribute)
                if found:
                    return found
        return None

    def has_subclasses(self, class_qualname: str) -> bool:
        """Whether a class anywhere in the project names ``class_qualname`` as a base."""
        return self._ask("subclasses", class_qualname)

    def _has_subclasses(self, class_qualname: str) -> bool:
        return class_qualname in self._base_classes()

    def _base_classes(self) -> frozenset[str]:
        """Every class some project class names as a base, as written and as resolved: one
        pass over the project for all the questions of a run (one pass per question cost a
        warm run of 3,000 files a third of a second). The files asking depend on the answer
        (``subclasses:<class>``), not on the modules read here, so nothing is recorded."""
        if self._bases is None:
            readers, self._readers = self._readers, []
            try:
                names: set[str] = set()
                for entry in self.modules.values():
                    for facts in entry.summary["classes"].values():
                        for base in facts["bases"]:
                            if base != "?":
                                name = entry.absolute(base)
                                target = self.resolve(name)
                                names.update((name, target.qualname) if target is not None else (name,))
            finally:
                self._readers = readers
            self._bases = frozenset(names)
        return self._bases

    # ------------------------------------------------------------------ facts

    def is_coroutine_function(self, qualname: str) -> bool:
        target = self.resolve(qualname)
        return target is not None and is_coroutine_target(target)

    def is_value(self, name: str) -> bool:
        """Whether ``name`` is used as a value (not only called) anywhere in the project."""
        return self._ask("value", name)

    def _is_value(self, name: str) -> bool:
        if self._values is None:
            self._values = frozenset(n for e in self.modules.values() for n in e.summary["values"])
        return name in self._values

    def only_dropped_calls(self, name: str) -> bool:
        """Whether every call of something named ``name`` anywhere in the project (a function
        or a method of that name, by name only) is a statement outside coroutines whose result
        is dropped, and there is at least one: no caller awaits it or uses what it returns."""
        return self._ask("dropped", name)

    def _only_dropped_calls(self, name: str) -> bool:
        if self._calls is None:
            dropped = frozenset(n for e in self.modules.values() for n in e.summary["dropped_calls"])
            other = frozenset(n for e in self.modules.values() for n in e.summary["other_calls"])
            self._calls = dropped, other
        return name in self._calls[0] and name not in self._calls[1]

    def mentions(self, name: str) -> bool:
        """Whether any module imports ``name`` (or something inside it), decorates a function
        or method with it, or binds a module-level alias to it (``pytestmark = pytest.mark.asyncio``)."""
        return self._ask("mentions", name)

    def _mentions(self, name: str) -> bool:
        if self._mentioned is None:
            self._mentioned = frozenset(_mentioned_names(self.modules.values()))
        prefix = name + "."
        return name in self._mentioned or any(found.startswith(prefix) for found in self._mentioned)

    def conftest_defines(self, function: str) -> bool:
        """Whether a ``conftest`` module defines the module-level function (a pytest hook)."""
        return self._ask("conftest", function)

    def _conftest_defines(self, function: str) -> bool:
        return any(
            entry.name.rpartition(".")[2] == "conftest" and function in entry.summary["functions"]
            for entry in self.modules.values()
        )

    def imports_async(self, entry: ModuleEntry) -> bool:
        """Whether the module refers (an import, an alias, a star import) to a project module
        that defines coroutine functions, async generators or async methods, or re-exports them:
        through such a name, code without any ``async`` of its own can misuse a coroutine."""
        return self._ask("async-imports", entry.path)

    def _imports_async(self, entry: ModuleEntry) -> bool:
        if self._async_modules is None:
            self._async_modules = self._modules_with_async()
        return self._refers_to(entry, *self._async_modules)

    def _modules_with_async(self) -> tuple[frozenset[str], frozenset[str]]:
        """(the modules with async callables or re-exporting them, to a fixpoint; the packages
        above them, which reach them through attributes: ``import app`` -> ``app.net.download``)."""
        tainted = {name for name, entry in self.modules.items() if _defines_async(entry.summary)}
        while True:
            found = frozenset(tainted), _packages_above(tainted)
            more = {
                name for name, entry in self.modules.items() if name not in tainted and self._refers_to(entry, *found)
            }
            if not more:
                return found
            tainted |= more

    def _refers_to(self, entry: ModuleEntry, modules: frozenset[str], packages: frozenset[str]) -> bool:
        """Whether a name the module imports or aliases lives in one of ``modules`` (the
        longest project module its dotted name starts with) or is a package above one."""
        summary = entry.summary
        for ref in [*summary["imports"].values(), *summary["aliases"].values(), *summary["star"]]:
            name = entry.absolute(ref)
            if name in packages:
                return True
            parts = name.split(".")
            home = next(
                (p for p in (".".join(parts[:cut]) for cut in range(len(parts), 0, -1)) if p in self.modules), None
            )
            if home in modules:
                return True
        return False

    def blocking_chain(self, qualname: str, blocking: Mapping[str, str], depth: int) -> tuple[ChainLink, ...] | None:
        """How a project sync function reaches a blocking call: the calls from it to the
        first call found in ``blocking`` (qualified name -> rule), at most ``depth`` deep."""
        return self._chain(qualname, blocking, depth, frozenset())

    def _chain(
        self, qualname: str, blocking: Mapping[str, str], depth: int, stack: frozenset[str]
    ) -> tuple[ChainLink, ...] | None:
        key = f"{qualname}@{depth}@{id(blocking)}"  # tables are long-lived (blocking.helper_table)
        cached = self._chains.get(key)
        if cached is not None:
            self._note(cached[1])
            return cached[0]
        with self.reads() as found:
            result = self._chain_uncached(qualname, blocking, depth, stack)
        self._chains[key] = (result, found)
        return result

    def _chain_uncached(
        self, qualname: str, blocking: Mapping[str, str], depth: int, stack: frozenset[str]
    ) -> tuple[ChainLink, ...] | None:
        target = self.resolve(qualname)
        result: tuple[ChainLink, ...] | None = None
        if target is not None and target.kind in ("function", "method") and target.facts.get("kind") == "sync":
            calls = [(target.module.absolute(ref), line) for ref, line in target.facts.get("calls", ())]
            for callee, line in calls:
                if callee in blocking or renamed(callee) in blocking:  # ``httpx2.get`` is ``httpx.get``
                    display = callee[len("builtins.") :] if callee.startswith("builtins.") else callee
                    result = (ChainLink(target.qualname, callee, target.module.path, line, display),)
                    break
            if result is None and depth > 1:
                for callee, line in calls:
                    if callee in stack or callee == target.qualname:
                        continue
                    rest = self._chain(callee, blocking, depth - 1, stack | {target.qualname})
                    if rest:
                        helper = self.resolve(callee)  # it resolved, or it would have no chain
                        assert helper is not None
                        display = helper.qualname[len(helper.module.name) + 1 :]
                        result = (ChainLink(target.qualname, callee, target.module.path, line, display), *rest)
                        break
        return result


def _mentioned_names(entries: Iterable[ModuleEntry]) -> Iterator[str]:
    """Import targets, decorators of functions and methods, and alias values, made absolute."""
    for entry in entries:
        summary = entry.summary
        functions = [*summary["functions"].values()]
        functions += [m for c in summary["classes"].values() for m in c.get("methods", {}).values()]
        refs = [*summary["imports"].values(), *summary["aliases"].values()]
        refs += [d for f in functions for d in f.get("decorators", ()) if d != "?"]
        for ref in refs:
            yield entry.absolute(ref)


def _defines_async(summary: Summary) -> bool:
    kinds = [facts["kind"] for facts in summary["functions"].values()]
    kinds += [m["kind"] for facts in summary["classes"].values() for m in facts["methods"].values()]
    return any(kind in ("async", "agen") for kind in kinds)


def _packages_above(modules: set[str]) -> frozenset[str]:
    return frozenset(
        ".".join(parts[:cut]) for name in modules for parts in [name.split(".")] for cut in range(1, len(parts))
    )


def is_coroutine_target(target: Target) -> bool:
    if target.kind not in ("function", "method") or target.facts.get("kind") != "async":
        return False
    return all(_transparent(decorator) for decorator in target.facts.get("decorators", ()))


def _transparent(decorator: str) -> bool:
    return decorator.replace("builtins.", "", 1) in TRANSPARENT_DECORATORS


def build_index(
    summaries: Mapping[str, tuple[list[str], bool, Summary]],
    digests: Mapping[str, str] | None = None,
    facts: Mapping[str, str] | None = None,
) -> ProjectIndex:
    """``path -> (module names, is_package, summary)`` (and the files' content hashes and
    their summaries' hashes, see :func:`summary_digest`) to an index."""
    names = {path: (found, is_package) for path, (found, is_package, _) in summaries.items()}
    return index_of(names, {path: summary for path, (_, _, summary) in summaries.items()}, digests, facts)


def index_of(
    names: Mapping[str, tuple[list[str], bool]],
    summaries: Mapping[str, Summary],
    digests: Mapping[str, str] | None = None,
    facts: Mapping[str, str] | None = None,
) -> ProjectIndex:
    """``path -> (module names, is_package)`` to an index whose entries read their summaries
    from ``summaries`` (``path -> summary``) only when asked (see :class:`ModuleEntry`)."""
    modules: dict[str, ModuleEntry] = {}
    paths: dict[str, ModuleEntry] = {}
    for path, (found, is_package) in sorted(names.items()):
        digest = (digests or {}).get(path, "")
        summarised = (facts or {}).get(path, "")
        primary = ModuleEntry(found[0], is_package, path, summaries, digest, summarised)
        paths[path] = primary
        for name in found:
            alias = primary if name == found[0] else replace(primary, name=name)
            modules.setdefault(name, alias)
    return ProjectIndex(modules, paths)


def summary_digest(summary: Summary | None) -> str:
    """The hash of a summary (``""`` for none), as ``ModuleEntry.facts`` holds it."""
    if summary is None:
        return ""
    return hashlib.sha1(json.dumps(summary, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _imports_async_at(index: ProjectIndex, path: str) -> bool:
    entry = index.by_path.get(path)
    return entry is not None and index._imports_async(entry)


# The project-wide questions a file's check may ask, by their key in ``ProjectIndex.reads``:
# asked again when a cached file's findings are checked for reuse.
_QUESTIONS: dict[str, Callable[[ProjectIndex, str], bool]] = {
    "value": ProjectIndex._is_value,
    "dropped": ProjectIndex._only_dropped_calls,
    "subclasses": ProjectIndex._has_subclasses,
    "async-imports": _imports_async_at,
    "mentions": ProjectIndex._mentions,
    "conftest": ProjectIndex._conftest_defines,
}


def project_wide(key: str) -> bool:
    """Whether a key of :meth:`ProjectIndex.reads` is a project-wide question (its answer may
    depend on any module, and takes the modules' summaries to find)."""
    return key.partition(":")[0] in _QUESTIONS


EMPTY_INDEX = ProjectIndex({}, {})
