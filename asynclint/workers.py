"""Worker processes that lint or fix files in parallel, each file under a time budget.

libcst's native parser holds the GIL while it works, so no thread can interrupt a file that
takes it minutes, and a crash in native code ends the process it runs in. Each worker
therefore takes one file at a time; the parent waits with a deadline, and a worker past its
deadline is killed and replaced: that one file becomes an AIO001 finding ("took longer than
N s"), as does a file whose worker died (a segmentation fault), and the run goes on.
Ctrl-C and SIGTERM reach the parent, which stops every worker (a worker defers SIGTERM only
while it rewrites a file in place).
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import functools
import multiprocessing
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

from asynclint import collector

# lint_file or fix_file: (path, options) -> result; or an index summary: (path, max_bytes) -> outcome
Task = Callable[[Any, Any], Any]
Fallback = Callable[[Any, Any, str], Any]  # (item, options, why it was not analysed) -> result


def run_in_workers(
    files: Sequence[Any],
    options: Any,
    jobs: int,
    task: Task,
    fallback: Fallback,
    budget: float,
    done: Callable[[Any], None] | None = None,
    received: Callable[[Any], Any] | None = None,
    ahead: int = 0,
) -> list[Any]:
    """``[task(path, options) for path in files]`` on ``jobs`` worker processes; ``done`` is
    called with each result as it arrives (a progress line), after ``received`` has replaced
    it (a compacted summary: see :func:`~asynclint.analysis.project.summary.compact`).

    ``ahead``: items sent to a worker beyond the one it works on, so that it starts the next
    as soon as it has sent a result instead of waiting for the parent to take it and send
    another (about 0.5 ms per file, more than a file the prefilter skips takes). Only for
    small items such as paths: a send that fills the pipe while the worker waits to send a
    large result to the parent would block both."""
    results: list[Any] = [None] * len(files)
    pending = collections.deque(range(len(files)))
    _release_free_memory()
    workers = [_Worker(task, options) for _ in range(min(jobs, len(files)))]
    try:
        for worker in workers:
            _assign(worker, files, pending, budget, ahead)
        while any(worker.queue for worker in workers):
            busy = [worker for worker in workers if worker.queue]
            timeout = max(0.0, min(worker.deadline for worker in busy) - time.monotonic())
            ready = wait([worker.connection for worker in busy], timeout)
            for position, worker in enumerate(workers):
                if not worker.queue:
                    continue
                index = worker.queue[0]  # the item it works on: the others wait in the pipe
                if worker.connection in ready:
                    try:
                        result = worker.connection.recv()
                    except (EOFError, OSError):
                        result = fallback(files[index], options, _died(worker))
                        worker = workers[position] = worker.replaced(pending)
                    else:
                        worker.queue.popleft()
                        worker.deadline = time.monotonic() + budget  # it starts the next one now
                        if received is not None:
                            result = received(result)
                elif time.monotonic() >= worker.deadline:
                    result = fallback(files[index], options, too_slow(budget))
                    worker = workers[position] = worker.replaced(pending)
                else:
                    continue
                results[index] = result
                if done is not None:
                    done(result)
                _assign(worker, files, pending, budget, ahead)
    finally:
        for worker in workers:
            worker.stop()
    return results


# A worker trims its heap after a task this long (one of the largest files): each trim gives
# back pages the next files fault in again, which after every file cost 2 s more system time in
# the benchmark's cold run for the same peak.
_TRIM_AFTER = 0.5


def _release_free_memory() -> None:
    """Hand the heap's free pages back to the system (glibc only; elsewhere nothing to do).

    Before forking: a worker starts with every page the parent has resident, and the index
    build leaves tens of megabytes free but mapped (the files' contents, the summaries as they
    arrived), which each worker would carry. After a large file in a worker: glibc keeps what
    the file's tree freed, so a worker grew by each large file it had seen (the four largest
    files of the benchmark left one at 265 MB; trimmed after each, 101 MB)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None


def _assign(worker: _Worker, files: Sequence[Any], pending: collections.deque[int], budget: float, ahead: int) -> None:
    """Send the worker items until it has ``ahead`` waiting beyond the one it works on."""
    while pending and len(worker.queue) <= ahead:
        index = pending.popleft()
        if not worker.queue:
            worker.deadline = time.monotonic() + budget
        worker.queue.append(index)
        try:
            worker.connection.send(files[index])
        except OSError:
            worker.deadline = time.monotonic()  # it died: the loop finds out at once
            return


def too_slow(budget: float) -> str:
    """Why a file past its time budget was not analysed."""
    return f"took longer than {budget:g} s to analyse"


def _died(worker: _Worker) -> str:
    worker.process.join(timeout=5)
    code = worker.process.exitcode
    if code is not None and code < 0:
        try:
            return f"the process analysing it was killed by {signal.Signals(-code).name}"
        except ValueError:
            pass
    return f"the process analysing it died (exit status {code})"


class _Worker:
    def __init__(self, task: Task, options: Any) -> None:
        self.task, self.options = task, options
        self.connection, child = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=_serve, args=(child, task, options), daemon=True)
        # SIGTERM waits until the worker has its own handler: arriving while the forked child
        # still runs the parent's (in threading's after-fork hook), it printed a traceback
        with _sigterm_blocked(), collector.frozen():
            self.process.start()
        child.close()
        self.queue: collections.deque[int] = collections.deque()  # items sent, the first being worked on
        self.deadline = 0.0

    def replaced(self, pending: collections.deque[int]) -> _Worker:
        """A new worker in place of this one, which is stopped; the items it had not started
        go back to the front of ``pending``."""
        self.stop()
        pending.extendleft(reversed(list(self.queue)[1:]))
        return _Worker(self.task, self.options)

    def stop(self) -> None:
        _stop(self.process)
        self.connection.close()


def _stop(process: multiprocessing.process.BaseProcess) -> None:
    """SIGTERM: it ends a worker at once, also inside native code, except while it rewrites a
    file in place (deferred until the file is whole); SIGKILL if it is still there after 5 s."""
    if process.is_alive():
        process.terminate()
    process.join(timeout=5)
    if process.is_alive():
        process.kill()
        process.join()


def stop_every_worker() -> None:
    """Stop the workers a signal left running (it can arrive inside :meth:`_Worker.stop`), so
    that the process can leave at once without leaving them behind."""
    for process in multiprocessing.active_children():
        _stop(process)


@contextlib.contextmanager
def _sigterm_blocked() -> Iterator[None]:
    """SIGTERM held back in this thread (and so in a child forked meanwhile), then let through."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _serve(connection: Connection, task: Task, options: Any) -> None:
    """One worker: a path in, its result out, until the parent closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the group: the parent stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})  # blocked since the fork
    while True:
        try:
            path = connection.recv()
        except (EOFError, OSError):
            return
        started = time.monotonic()
        connection.send(task(path, options))
        if time.monotonic() - started >= _TRIM_AFTER:
            _release_free_memory()
