"""A worker process hands the heap a large file left free back to the system, and only then
(see ``asynclint.workers._release_free_memory``)."""

from __future__ import annotations

import signal

import pytest

from asynclint import workers


class _Pipe:
    """The worker's end of its pipe: the tasks to receive, then the parent gone."""

    def __init__(self, tasks: list[float]) -> None:
        self.tasks = tasks
        self.sent: list[object] = []

    def recv(self) -> float:
        if not self.tasks:
            raise EOFError
        return self.tasks.pop(0)

    def send(self, result: object) -> None:
        self.sent.append(result)


def test_a_worker_trims_its_heap_after_a_long_task_only(monkeypatch: pytest.MonkeyPatch) -> None:
    trims: list[str] = []
    now = [0.0]
    monkeypatch.setattr(workers, "_release_free_memory", lambda: trims.append(f"after {now[0]:g}"))
    monkeypatch.setattr(workers.time, "monotonic", lambda: now[0])
    # _serve installs a worker's signal handlers: not in the test's own process
    monkeypatch.setattr(signal, "signal", lambda *_: None)
    monkeypatch.setattr(signal, "pthread_sigmask", lambda *_: set(), raising=False)

    def task(seconds: float, _options: object) -> float:
        now[0] += seconds
        return seconds

    connection = _Pipe([0.01, workers._TRIM_AFTER, 0.2])
    workers._serve(connection, task, None)  # type: ignore[arg-type]
    assert connection.sent == [0.01, workers._TRIM_AFTER, 0.2]
    assert trims == [f"after {0.01 + workers._TRIM_AFTER:g}"]
