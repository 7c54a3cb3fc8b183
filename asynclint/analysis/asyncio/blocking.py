"""How to recognise a blocking call: the table entry a call matches (through its receiver's
type), minus the argument forms that do not wait, plus the user's ``blocking-calls``."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

import libcst as cst

from asynclint.analysis.project.index import EMPTY_INDEX, ProjectIndex
from asynclint.analysis.python.receivers import Built, built, call_names, type_names
from asynclint.analysis.python.scope import ScopeTracker
from asynclint.analysis.tables.blocking_calls import (
    BLOCKING_CALLS,
    BLOCKING_WITH,
    BLOCKS_WHEN_BUILT_WITH,
    DATABASE_TYPES,
    NON_BLOCKING_MODE,
    ONE_OFF_STEPS,
    SYNC_CLIENTS,
    VARIANTS,
)
from asynclint.analysis.tables.nonblocking import (
    NON_BLOCKING_NAMES,
    Arg,
    given_nonzero,
    says_non_blocking,
)


@dataclass(frozen=True)
class BlockingCall:
    """A call found in :data:`BLOCKING_CALLS`."""

    name: str  # the table key
    code: str
    receiver: Built | None = None  # for a method: the receiver's type and constructor

    @property
    def variant(self) -> str | None:
        return VARIANTS.get(self.name)

    @property
    def replacement(self) -> str:
        """The asyncio client to use: of the constructor, or of the client a command is sent on."""
        owner = self.name.rsplit(".", 1)[0]
        return SYNC_CLIENTS.get(self.name) or SYNC_CLIENTS.get(DATABASE_TYPES.get(owner, owner), "")


def blocking_call(call: cst.Call, scope: ScopeTracker, index: ProjectIndex = EMPTY_INDEX) -> BlockingCall | None:
    """The table entry for a call that blocks, or None (unknown, or a non-blocking form)."""
    global _memo
    if _memo[0] is call and _memo[1] is index:
        return _memo[2]
    found = _lookup(call, scope, index)
    _memo = (call, index, found)
    return found


# Every blocking rule asks about the same call in a row during the one traversal.
_memo: tuple[cst.Call | None, ProjectIndex | None, BlockingCall | None] = (None, None, None)


def _lookup(call: cst.Call, scope: ScopeTracker, index: ProjectIndex) -> BlockingCall | None:
    for name in call_names(call, scope, index):
        code = BLOCKING_CALLS.get(name)
        if code is None:
            continue
        if name in NON_BLOCKING_NAMES and says_non_blocking(name, call_args(call)):
            return None
        receiver = _method_receiver(call, scope, index)
        bound = BLOCKS_WHEN_BUILT_WITH.get(name)
        if bound is not None and (
            receiver is None or receiver.call is None or not given_nonzero(call_args(receiver.call), bound)
        ):
            return None
        return BlockingCall(name, code, receiver)
    return None


def _method_receiver(call: cst.Call, scope: ScopeTracker, index: ProjectIndex) -> Built | None:
    """The receiver of a method call named by its type (not by an import: ``os.path.exists``)."""
    func = call.func
    if not isinstance(func, cst.Attribute) or scope.qualified_name(func) is not None:
        return None
    return built(func.value, scope, index)


def one_off_step(function_name: str) -> bool:
    """A coroutine named as a start-up or shutdown step: ``start``, ``_cleanup``,
    ``on_shutdown`` (see :data:`ONE_OFF_STEPS`); not ``start_download``, which may run per
    request."""
    name = function_name.lstrip("_")
    return name.removeprefix("on_") in ONE_OFF_STEPS


def blocking_code(call: cst.Call, scope: ScopeTracker, index: ProjectIndex = EMPTY_INDEX) -> str | None:
    """The rule code for a blocking call, or None when the call is not known to block."""
    found = blocking_call(call, scope, index)
    return found.code if found is not None else None


def blocking_with(receiver: Built) -> tuple[str, str | None] | None:
    """(rule, variant) for a sync ``with`` on an object of this type, if it blocks."""
    for type_name in type_names(receiver.type):
        found = BLOCKING_WITH.get(type_name)
        if found is not None:
            return found
    return None


def non_blocking_switch(receiver: Built | None) -> str | None:
    """The method that switches objects of the receiver's type to non-blocking mode."""
    if receiver is None:
        return None
    return next((NON_BLOCKING_MODE[t] for t in type_names(receiver.type) if t in NON_BLOCKING_MODE), None)


# ------------------------------------------------------------------ arguments


def call_args(call: cst.Call) -> tuple[Arg, ...]:
    """The facts :mod:`~asynclint.analysis.tables.nonblocking` needs about a call's arguments."""
    return tuple(
        Arg(
            arg.keyword.value if arg.keyword else None,
            bool(arg.star),
            _is_zero(arg.value),
            _names(arg.value),
            _text(arg.value),
            isinstance(arg.value, cst.Name) and arg.value.value == "None",
        )
        for arg in call.args
    )


def _text(expr: cst.BaseExpression) -> str | None:
    value = expr.evaluated_value if isinstance(expr, cst.SimpleString) else None
    return value if isinstance(value, str) else None


def _is_zero(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.Name):
        return expr.value == "False"
    if isinstance(expr, (cst.Integer, cst.Float)):
        try:
            return float(expr.value.replace("_", "")) == 0
        except ValueError:
            return False
    return False


def _names(expr: cst.BaseExpression) -> frozenset[str]:
    """Names and attribute names in ``A | b.C`` (flags), else nothing."""
    if isinstance(expr, cst.Name):
        return frozenset({expr.value})
    if isinstance(expr, cst.Attribute):
        return frozenset({expr.attr.value})
    if isinstance(expr, cst.BinaryOperation):
        return _names(expr.left) | _names(expr.right)
    return frozenset()


# ------------------------------------------------------------------ user-configured calls


@lru_cache(maxsize=8)
def configured_matcher(entries: tuple[tuple[str, str], ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    """``blocking-calls`` patterns (fnmatch-style, over the names of :func:`call_names`)
    compiled once per configuration, in configuration order."""
    return tuple((re.compile(fnmatch.translate(pattern)), advice) for pattern, advice in entries)


def configured_advice(names: Iterable[str], matcher: tuple[tuple[re.Pattern[str], str], ...]) -> tuple[str, str] | None:
    """(matched name, the user's advice) for the first configured pattern a name matches."""
    for name in names:
        for pattern, advice in matcher:
            if pattern.match(name):
                return name, advice
    return None


class HelperTable(Mapping[str, str]):
    """What the project index treats as blocking inside helpers (AIO209): the table, then
    the configured ``blocking-calls`` patterns (their rule is AIO210)."""

    def __init__(self, matcher: tuple[tuple[re.Pattern[str], str], ...]) -> None:
        self.matcher = matcher

    def __getitem__(self, name: str) -> str:
        code = BLOCKING_CALLS.get(name)
        if code is None and configured_advice((name,), self.matcher) is not None:
            code = "AIO210"
        if code is None:
            raise KeyError(name)
        return code

    def __iter__(self) -> Iterator[str]:
        return iter(BLOCKING_CALLS)  # patterns have no finite list of names

    def __len__(self) -> int:
        return len(BLOCKING_CALLS)


@cache  # one object per configuration: the index caches chains per table
def helper_table(entries: tuple[tuple[str, str], ...]) -> Mapping[str, str]:
    """The blocking table for helpers under a configuration's ``blocking-calls``."""
    return HelperTable(configured_matcher(entries)) if entries else BLOCKING_CALLS
