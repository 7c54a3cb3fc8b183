"""Calls of blocking APIs made in a form that returns at once, as data.

``lock.acquire(blocking=False)``, ``queue.get(False)``, ``event.wait(0)`` and
``os.waitpid(pid, os.WNOHANG)`` do not wait. The libcst checks (:mod:`blocking`) and the
``ast`` project summaries (:mod:`summary`, for AIO209's blocking helpers) both ask here, each
describing a call's arguments as :class:`Arg` facts, so the two agree on what blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Argument:
    """Where an argument is: its keyword and its position among positional arguments."""

    keyword: str
    position: int
    flag: str = ""  # a flag such as ``WNOHANG``: the call does not block when it is mentioned


@dataclass(frozen=True)
class Arg:
    """What matters about one argument of a call, whichever parser read it."""

    keyword: str | None  # None for a positional argument
    star: bool = False  # ``*args`` or ``**kwargs``: the positions after it are unknown
    zero: bool = False  # the literal ``False``, ``0`` or ``0.0``
    names: frozenset[str] = frozenset()  # names and attribute names an ``|`` of flags mentions
    text: str | None = None  # the value of a string literal


_BLOCKING_ARG = Argument("blocking", 0)
_ACQUIRE = (_BLOCKING_ARG, Argument("timeout", 1))
_TIMEOUT_FIRST = (Argument("timeout", 0),)

# A call does not block when one of these arguments is a false or zero literal
# (``acquire(blocking=False)``, ``get(False)``, ``wait(0)``), or mentions the flag.
NON_BLOCKING_WHEN: dict[str, tuple[Argument, ...]] = {
    "threading.Lock.acquire": _ACQUIRE,
    "threading.RLock.acquire": _ACQUIRE,
    "threading.Semaphore.acquire": _ACQUIRE,
    "threading.Condition.acquire": _ACQUIRE,
    "threading.Condition.wait": _TIMEOUT_FIRST,
    "threading.Condition.wait_for": (Argument("timeout", 1),),
    "threading.Event.wait": _TIMEOUT_FIRST,
    "threading.Barrier.wait": _TIMEOUT_FIRST,
    "threading.Thread.join": _TIMEOUT_FIRST,
    "queue.Queue.get": (Argument("block", 0), Argument("timeout", 1)),
    "queue.SimpleQueue.get": (Argument("block", 0), Argument("timeout", 1)),
    "queue.Queue.put": (Argument("block", 1), Argument("timeout", 2)),
    "os.waitpid": (Argument("options", 1, "WNOHANG"),),
    "os.wait3": (Argument("options", 0, "WNOHANG"),),
    "os.wait4": (Argument("options", 1, "WNOHANG"),),
    "os.waitid": (Argument("options", 2, "WNOHANG"),),
    # a numeric address is parsed, never looked up
    "socket.getaddrinfo": (Argument("flags", 5, "AI_NUMERICHOST"),),
    "ssl.SSLContext.wrap_socket": (Argument("do_handshake_on_connect", 2),),
    "ssl.wrap_socket": (Argument("do_handshake_on_connect", 7),),
    "concurrent.futures.ThreadPoolExecutor.shutdown": (Argument("wait", 0),),
    "concurrent.futures.ProcessPoolExecutor.shutdown": (Argument("wait", 0),),
    "concurrent.futures.Future.result": _TIMEOUT_FIRST,
    "concurrent.futures.Future.exception": _TIMEOUT_FIRST,
}


def find(args: Sequence[Arg], where: Argument) -> Arg | None:
    """The argument passed at ``where`` (by keyword or position), if known."""
    positional = 0
    for arg in args:
        if arg.star:
            return None
        if arg.keyword is not None:
            if arg.keyword == where.keyword:
                return arg
        else:
            if positional == where.position:
                return arg
            positional += 1
    return None


# Clients whose constructor connects only when given the server: ``smtplib.SMTP()`` waits for
# nothing until ``connect()``.
CONNECTS_ONLY_WITH: dict[str, Argument] = {
    name: Argument("host", 0)
    for name in ("smtplib.SMTP", "smtplib.SMTP_SSL", "smtplib.LMTP", "ftplib.FTP", "ftplib.FTP_TLS")
}
# Calls that touch nothing for this literal argument: an in-memory SQLite database.
NON_BLOCKING_LITERAL: dict[str, tuple[Argument, str]] = {"sqlite3.connect": (Argument("database", 0), ":memory:")}
NON_BLOCKING_NAMES = frozenset(NON_BLOCKING_WHEN) | frozenset(CONNECTS_ONLY_WITH) | frozenset(NON_BLOCKING_LITERAL)


def says_non_blocking(name: str, args: Sequence[Arg]) -> bool:
    """Whether a call of ``name`` with these arguments returns without waiting."""
    if name in CONNECTS_ONLY_WITH and find(args, CONNECTS_ONLY_WITH[name]) is None:
        return True
    literal = NON_BLOCKING_LITERAL.get(name)
    if literal is not None:
        found = find(args, literal[0])
        if found is not None and found.text == literal[1]:
            return True
    for where in NON_BLOCKING_WHEN.get(name, ()):
        found = find(args, where)
        if found is not None and (where.flag in found.names if where.flag else found.zero):
            return True
    return False


def given_nonzero(args: Sequence[Arg], where: Argument) -> bool:
    """Whether the argument at ``where`` is passed and is not a zero literal."""
    found = find(args, where)
    return found is not None and not found.zero
