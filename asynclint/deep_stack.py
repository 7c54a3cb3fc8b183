"""Run the parse and the checks of a file on a thread with a deep stack.

libcst's parser and its visitors recurse once per level of nesting. On the main thread's
stack (8 MB) a few thousand nested brackets or a long ``a and b and ...`` chain overflow it
and the process dies with a segmentation fault, taking every other file's findings with it.
On a thread with a large stack the native parser finishes, and Python code that goes too
deep raises ``RecursionError``, which the engine reports as AIO001 for that file. The stack is
reserved address space: only the pages a deep file touches are ever used.

The recursion limit is raised only around libcst's work (:func:`deep_recursion`): up to
Python 3.11 it also sets how deep ``ast.parse`` goes, and Python's own parser refusing a file
first is what keeps libcst from spending minutes on it.
"""

from __future__ import annotations

import os
import queue
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from typing import TypeVar

STACK_BYTES = 256 * 1024 * 1024
# Python frames libcst's visitors may nest on the deep thread: well within STACK_BYTES
RECURSION_LIMIT = 15_000

T = TypeVar("T")
_Job = tuple[Callable[[], object], Future[object]]  # a call to make, and where its outcome goes
_jobs: queue.SimpleQueue[_Job] | None = None
_lock = threading.Lock()
_deep = threading.local()


def run_deep(function: Callable[..., T], *args: object, timeout: float | None = None) -> T:
    """``function(*args)`` on the deep-stack thread (directly when already there). Past
    ``timeout`` seconds, raises ``TimeoutError`` and leaves the call to finish on its own: the
    thread is abandoned (a daemon, it ends with the process) and the next call gets a new one."""
    if getattr(_deep, "inside", False):
        return function(*args)
    done: Future[object] = Future()
    jobs = _queue()
    jobs.put((lambda: function(*args), done))
    try:
        return done.result(timeout)  # type: ignore[return-value]
    except FutureTimeout:
        _abandon(jobs)
        raise TimeoutError(f"took longer than {timeout:g} s") from None


def _abandon(jobs: queue.SimpleQueue[_Job]) -> None:
    global _jobs
    with _lock:
        if _jobs is jobs:
            _jobs = None


def _queue() -> queue.SimpleQueue[_Job]:
    """The deep thread's work queue, starting the thread the first time. A daemon: Ctrl-C or
    SIGTERM ends the process without waiting for the file it is on."""
    global _jobs
    with _lock:
        if _jobs is None:
            jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
            previous = threading.stack_size()
            threading.stack_size(STACK_BYTES)
            try:
                threading.Thread(target=_serve, args=(jobs,), name="asynclint-deep", daemon=True).start()
            finally:
                threading.stack_size(previous)
            _jobs = jobs
        return _jobs


def _serve(jobs: queue.SimpleQueue[_Job]) -> None:
    _deep.inside = True
    while True:
        job, done = jobs.get()
        try:
            done.set_result(job())
        except BaseException as error:  # noqa: BLE001 - handed to the caller, who re-raises it
            done.set_exception(error)


def _forget_thread() -> None:
    """In a forked child (a worker process) the deep thread does not exist, only its queue:
    forget both, so that the child starts its own thread instead of waiting forever."""
    global _jobs, _lock
    _jobs, _lock = None, threading.Lock()
    if threading.current_thread() is threading.main_thread():  # the parent's SIGTERM handler
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # raises mid-fork: the worker sets its own


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_thread)


@contextmanager
def deep_recursion() -> Iterator[None]:
    """A raised recursion limit for the block, on the deep-stack thread only."""
    if not getattr(_deep, "inside", False) or getattr(_deep, "raised", False):
        yield
        return
    previous = sys.getrecursionlimit()
    _deep.raised = True
    sys.setrecursionlimit(max(previous, RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)
        _deep.raised = False
