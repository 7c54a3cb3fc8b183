"""What a function's summary reads from its own nodes, collected in one walk for every fact:
what it must still leave out (nested scopes, calls that depend on the kind of argument, even
when the kind test sits in a lambda), the error path's calls listed last, and a method's
``self`` attributes (a nested function's assignment is not the method's)."""

from __future__ import annotations

from conftest import summary_of


def test_calls_leave_out_nested_scopes_and_argument_kind_branches_and_list_the_error_path_last():
    functions = summary_of(
        """
        import functools, os, time

        @functools.lru_cache()
        def load(path, retries=os.cpu_count()):
            def helper():
                yield time.sleep(1)
            if isinstance(path, str):
                open(path)
            value = os.getcwd() if callable(path) else os.listdir(path)
            try:
                os.stat(path)
            except OSError:
                time.sleep(2)
            os.fsync(3)
            if not path.startswith("data:"):
                raise ValueError(path)
            os.unlink(path)

        def remove(path):
            if any(map(lambda p: hasattr(path, "read"), [1])):  # its only kind test
                os.remove(path)
        """
    )["functions"]
    load = functions["load"]
    assert load["kind"] == "sync"  # the ``yield`` is the nested helper's
    calls = [target for target, _ in load["calls"]]
    main_path = [
        "builtins.callable",
        "builtins.isinstance",
        "functools.lru_cache",
        "os.cpu_count",
        "os.fsync",
        "os.stat",
    ]
    assert sorted(calls[:-1]) == main_path
    assert calls[-1] == "time.sleep"  # only when ``os.stat`` fails
    assert sorted(target for target, _ in functions["remove"]["calls"]) == ["builtins.any", "builtins.map"]


def test_method_attributes_come_from_its_own_assignments():
    store = summary_of(
        """
        import sqlite3, socket

        class Store:
            def open(self):
                def later():
                    self.db = socket.create_connection(("h", 1))
                self.db = sqlite3.connect("shop.db")
        """
    )["classes"]["Store"]
    assert store["attributes"] == {"db": "sqlite3.connect"}
    assert store["methods"]["open"]["calls"] == [["sqlite3.connect", 8]]


def test_calls_are_listed_in_source_order_within_each_path():
    """A chain names the first blocking call a helper makes, as the code reads."""
    functions = summary_of(
        """
        import os, time

        def sync():
            try:
                time.sleep(1)
                os.listdir(".")
            except OSError:
                time.sleep(2)
                os.remove("x")
            open("a").read()
        """
    )["functions"]
    assert functions["sync"]["calls"] == [
        ["time.sleep", 6],
        ["os.listdir", 7],
        ["builtins.open", 11],
        ["time.sleep", 9],
        ["os.remove", 10],
    ]
