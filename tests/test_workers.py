"""Worker processes: a worker hands the heap a large file left free back to the system, and
only then (``asynclint.workers._release_free_memory``); items sent ahead of the one a worker
works on survive its being stopped or dying."""

from __future__ import annotations

import os
import signal
import time

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


def _slow_or_dying(item: str, options: object) -> str:
    """A task: ``slow`` outlasts any budget, ``die`` ends its process, anything else is echoed."""
    if item == "slow":
        time.sleep(60)
    if item == "die":
        os._exit(3)
    return f"done {item} in {os.getpid()}"


def _not_done(item: str, options: object, reason: str) -> str:
    return f"{item}: {reason}"


@pytest.mark.parametrize("ahead", [0, 1, 2])
def test_items_sent_ahead_are_not_lost_when_a_worker_is_stopped_or_dies(ahead: int) -> None:
    """A worker stopped past its budget, or dead, had the next items in its pipe: they are
    handed to its replacement, and every result stays in its item's place."""
    items = ["a", "slow", "b", "c", "die", "d", "e"]
    results = workers.run_in_workers(items, None, 1, _slow_or_dying, _not_done, budget=1.5, ahead=ahead)
    assert [result.rsplit(" in ", 1)[0] for result in results] == [
        "done a",
        "slow: took longer than 1.5 s to analyse",
        "done b",
        "done c",
        "die: the process analysing it died (exit status 3)",
        "done d",
        "done e",
    ]
    # three processes in turn: the first until `slow`, the second until `die`, then a third
    assert len({result.rsplit(" ", 1)[1] for result in results if result.startswith("done")}) == 3


def test_a_worker_is_sent_its_next_item_before_it_finishes_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``ahead=1`` each worker holds one item beyond the one it works on."""
    sent: list[int] = []
    send = workers._assign

    def spy(worker: workers._Worker, *args: object) -> None:
        send(worker, *args)  # type: ignore[arg-type]
        sent.append(len(worker.queue))

    monkeypatch.setattr(workers, "_assign", spy)
    results = workers.run_in_workers(list("abcdef"), None, 1, _slow_or_dying, _not_done, budget=30, ahead=1)
    assert [result.split(" in ")[0] for result in results] == [f"done {item}" for item in "abcdef"]
    assert sent[0] == 2  # the first two at once
    assert max(sent) == 2
