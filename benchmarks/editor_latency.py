"""How fast the editor shows findings: the real ``asynclint server`` over stdio, timed like a user.

    python benchmarks/editor_latency.py FILE [--lines 1000] [--edits 30]

The file's first ``--lines`` lines are opened as a document in its own project (so the project
index is built and warm, as in an editor after start-up); then ``--edits`` edits are made one
at a time, each adding a line inside the function body nearest the middle of the text (where
typing is: not the end of the file, the cheapest place to reparse), and the time from sending
``didChange`` to receiving the ``publishDiagnostics`` of that version is recorded. Also timed:
``initialize``, and the first ``didOpen`` to its diagnostics. Speaks plain JSON-RPC, so it
needs no LSP client library.

The project is checked with the default configuration (a ``[tool.asynclint]`` file written in
its root for the run, passed as the ``configuration`` setting), whatever config lies above
it: a project kept inside another's tree (``.cache/realcode/`` inside asynclint's) would
otherwise be checked with that config, whose excludes leave the file out of the index the
measurement is meant to warm.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, BinaryIO

CONFIG_NAME = ".asynclint-editor.toml"  # the project's config for the run (the config root is its root)


class Client:
    """A minimal LSP client: framed JSON-RPC to a server process, server requests answered."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin: BinaryIO = self.process.stdin
        self.stdout: BinaryIO = self.process.stdout
        self.next_id = 0

    def send(self, payload: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **payload}).encode("utf-8")
        self.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.wait(lambda message: message.get("id") == self.next_id and "method" not in message)

    def receive(self) -> dict[str, Any]:
        length = 0
        while (line := self.stdout.readline()) not in (b"\r\n", b"\n"):
            if not line:
                raise RuntimeError("the server exited")
            name, _, value = line.strip().partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        message: dict[str, Any] = json.loads(self.stdout.read(length))
        if "method" in message and "id" in message:  # a server request (configuration, registration)
            result: Any = (
                [None] * len(message["params"]["items"]) if message["method"] == "workspace/configuration" else None
            )
            self.send({"id": message["id"], "result": result})
        return message

    def wait(self, wanted: Any) -> dict[str, Any]:
        while True:
            message = self.receive()
            if wanted(message):
                return message

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.process.wait(timeout=10)
        except (OSError, RuntimeError, subprocess.TimeoutExpired):
            self.process.kill()


def published(uri: str, version: int) -> Any:
    return lambda message: (
        message.get("method") == "textDocument/publishDiagnostics"
        and message["params"]["uri"] == uri
        and message["params"].get("version") == version
    )


def typing_place(text: str) -> tuple[int, str]:
    """The line (0-based) of the simple statement in a function body nearest the middle of
    ``text``, and its indentation: a line inserted before it, so indented, is still valid."""
    lines = text.splitlines(keepends=True)
    places = [
        (statement.lineno - 1, statement.col_offset)
        for function in ast.walk(ast.parse(text))
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        for statement in function.body
        if isinstance(statement, (ast.Assign, ast.Expr, ast.Return, ast.AugAssign))
        and lines[statement.lineno - 1][: statement.col_offset].strip() == ""
    ]
    if not places:
        return len(lines), ""
    line, column = min(places, key=lambda place: abs(place[0] - len(lines) // 2))
    return line, lines[line][:column]


def measure(path: Path, lines: int = 1000, edits: int = 30, python: str = sys.executable) -> dict[str, object]:
    """Latencies in seconds (``edit_p50``/``edit_p95``: didChange to that version's diagnostics)."""
    text = "".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:lines])
    root = path.resolve().parent
    while root.parent != root and not any(
        (root / marker).exists() for marker in ("pyproject.toml", "setup.py", ".git")
    ):
        root = root.parent
    uri = path.resolve().as_uri()
    config = root / CONFIG_NAME
    config.write_text("[tool.asynclint]\n", encoding="utf-8")
    try:
        return _measure(uri, text, root, edits, python, config) | {"editor_file": str(path)}
    finally:
        config.unlink(missing_ok=True)


def _measure(uri: str, text: str, root: Path, edits: int, python: str, config: Path) -> dict[str, object]:
    started = time.perf_counter()
    client = Client([python, "-m", "asynclint", "server"], root)
    try:
        capabilities = {"textDocument": {"publishDiagnostics": {"versionSupport": True}}}
        initialize = {
            "processId": os.getpid(),
            "rootUri": root.as_uri(),
            "capabilities": capabilities,
            "initializationOptions": {"configuration": str(config)},
        }
        client.request("initialize", initialize)
        client.notify("initialized", {})
        initialized = time.perf_counter() - started
        opened_at = time.perf_counter()
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
        )
        client.wait(published(uri, 1))
        opened = time.perf_counter() - opened_at
        timings = []
        line, indentation = typing_place(text)
        for version in range(2, edits + 2):
            lines = text.splitlines(keepends=True)
            text = "".join([*lines[:line], f"{indentation}edited_{version} = {version}\n", *lines[line:]])
            sent = time.perf_counter()
            change = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}
            client.notify("textDocument/didChange", change)
            client.wait(published(uri, version))
            timings.append(time.perf_counter() - sent)
            time.sleep(0.05)  # a pause between keystrokes: each edit is measured on its own
    finally:
        client.close()
    ordered = sorted(timings)
    return {
        "editor_lines": text.count("\n"),
        "editor_initialize_seconds": initialized,
        "editor_open_seconds": opened,
        "editor_edit_p50_seconds": statistics.median(ordered),
        "editor_edit_p95_seconds": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "editor_edits": len(ordered),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="a Python file inside a project (its first --lines lines are used)")
    parser.add_argument("--lines", type=int, default=1000, help="lines of the file to open (default 1000)")
    parser.add_argument("--edits", type=int, default=30, help="edits to time (default 30)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = measure(args.file, args.lines, args.edits)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            shown = f"{value * 1000:.0f} ms" if key.endswith("_seconds") and isinstance(value, float) else value
            print(f"{key.removeprefix('editor_').removesuffix('_seconds')}: {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
