"""AIO204 blocking-subprocess: ``subprocess`` and ``os`` process APIs (run, spawn, wait) inside a
coroutine; ``os.waitpid(..., os.WNOHANG)`` does not wait and is not reported.

The fix rewrites to asyncio's own subprocess API only where the result is the same
(:func:`_native`); every other statement-level call is moved to a thread (``to_thread``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import libcst as cst

from asynclint.analysis.asyncio.blocking import blocking_call
from asynclint.checks._blocking import BlockingCallCheck
from asynclint.fixes import (
    ModuleRef,
    NodeFix,
    StatementLineTracker,
    awaited,
    fresh_name,
    module_ref,
    replace,
)

# Calls that wait for the child and report nothing but how it ended -> what the rewrite may
# stand for: "status" (the return code, so also an assignment or a ``return``) or "none"
# (the value differs, ``CompletedProcess`` or a wait status: only a dropped result).
_WAITING = {"subprocess.call": "status", "subprocess.run": "none", "os.system": "none"}

# Keywords passed on unchanged to ``subprocess.Popen`` by ``asyncio.create_subprocess_*``.
_PASSED_ON = frozenset({"cwd", "env", "start_new_session"})
_STREAMS = frozenset({"stdin", "stdout", "stderr"})
# Stream values that are not pipes (a pipe would be read by asyncio, not by nobody).
_NOT_PIPES = frozenset(
    {"subprocess.DEVNULL", "asyncio.subprocess.DEVNULL", "subprocess.STDOUT", "asyncio.subprocess.STDOUT"}
)
_STRINGS = (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)


class BlockingSubprocess(BlockingCallCheck):
    CODE = "AIO204"
    USES = (*BlockingCallCheck.USES, StatementLineTracker)
    OFFLOAD = True
    _dropped: cst.BaseExpression | None = None  # the value of the current expression statement

    def visit_Expr(self, node: cst.Expr) -> None:
        super().visit_Expr(node)
        self._dropped = node.value

    def fix(self, call: cst.Call) -> NodeFix | None:
        return self._native(call) or self.to_thread(call)

    def _native(self, call: cst.Call) -> NodeFix | None:
        """``subprocess.run([...])`` -> ``process = await asyncio.create_subprocess_exec(...)``
        and ``await process.wait()`` (:meth:`_two_lines`; else in one expression), with
        ``create_subprocess_shell`` for ``shell=True`` and ``os.system``, when the call only
        starts a child with inherited or discarded streams and waits for its exit."""
        found = blocking_call(call, self.scope, self.context.index)
        name = found.name if found is not None else ""
        result = _WAITING.get(name)
        if result is None or (result == "none" and call is not self._dropped):
            return None
        asyncio = module_ref(self.scope, "asyncio")
        if asyncio is None or not call.args or call.args[0].keyword is not None or call.args[0].star:
            return None
        command, *options = call.args
        shell = True if name == "os.system" else self._shell(options)
        if shell is None:
            return None
        if shell:
            if name != "os.system" and not isinstance(command.value, _STRINGS):
                return None  # ``shell=True`` with a list runs its first item only
            program: list[cst.Arg] = [cst.Arg(command.value, comma=command.comma)]
        else:
            items = command.value
            if (
                not isinstance(items, (cst.List, cst.Tuple))
                or not items.elements
                or _has_comment(*items.lpar, *items.rpar)
            ):
                return None  # a string or a variable: one program name, or a list we cannot see
            if isinstance(items, cst.List) and _has_comment(items.lbracket, items.rbracket):
                return None
            program = [_as_arg(element) for element in items.elements]
            program[-1] = program[-1].with_changes(comma=command.comma)
        kept = [
            option for option in options if option.keyword is not None and option.keyword.value in _PASSED_ON | _STREAMS
        ]
        if _has_comment(*(option for option in options if not any(option is k for k in kept))):
            return None  # a dropped ``check=False`` would take its comment along
        start = call.with_changes(
            func=_subprocess_api(asyncio, shell), args=_with_commas([*program, *kept], call.args[-1].comma)
        )
        two_lines = self._two_lines(call, start)
        if two_lines is not None:
            return replace(two_lines[0], two_lines[1], asyncio.header)
        waited = cst.Call(
            cst.Attribute(
                awaited(start).with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]), cst.Name("wait")
            )
        )
        return replace(call, awaited(waited), asyncio.header)

    def _two_lines(
        self, call: cst.Call, start: cst.Call
    ) -> tuple[cst.SimpleStatementLine, list[cst.SimpleStatementLine]] | None:
        """A statement alone on its line reads better in two: ``process = await start(...)``,
        then the statement with ``await process.wait()`` for the call, under a name the
        function and the module do not use."""
        line, function = self.tracker(StatementLineTracker).current_line, self.scope.function
        if line is None or len(line.body) != 1 or getattr(line.body[0], "value", None) is not call or function is None:
            return None
        name = fresh_name(self.scope, self.context.usage(function.node), ("process", "child_process"))
        if name is None:
            return None
        start_line = cst.SimpleStatementLine(
            [cst.Assign([cst.AssignTarget(cst.Name(name))], awaited(start))], leading_lines=line.leading_lines
        )
        waited = awaited(cst.Call(cst.Attribute(cst.Name(name), cst.Name("wait"))))
        wait_line = line.with_changes(leading_lines=[], body=[line.body[0].with_changes(value=waited)])
        return line, [start_line, wait_line]

    def _shell(self, options: Sequence[cst.Arg]) -> bool | None:
        """Whether ``shell=True`` is given, or None when an option makes the rewrite
        inexact (``check=True``, pipes, ``timeout``, ``text``, ``*args``...)."""
        shell = False
        for option in options:
            name = option.keyword.value if option.keyword is not None else None
            value = option.value
            if name in _PASSED_ON:
                continue
            if name in _STREAMS and (_is_none(value) or self.scope.qualified_name(value) in _NOT_PIPES):
                continue
            if name in ("check", "shell") and isinstance(value, cst.Name) and value.value in ("True", "False"):
                if name == "check" and value.value == "True":
                    return None
                shell = shell or (name == "shell" and value.value == "True")
                continue
            return None
        return shell


def _subprocess_api(asyncio: ModuleRef, shell: bool) -> cst.Attribute:
    return asyncio.attribute("create_subprocess_shell" if shell else "create_subprocess_exec")


def _as_arg(element: cst.BaseElement) -> cst.Arg:
    """A list item as a call argument (``*rest`` stays starred), with its comma."""
    star: Literal["", "*"] = "*" if isinstance(element, cst.StarredElement) else ""
    return cst.Arg(element.value, star=star, comma=element.comma)


def _with_commas(args: Sequence[cst.Arg], last: cst.Comma | cst.MaybeSentinel) -> list[cst.Arg]:
    """Arguments separated by commas (kept where they were), the last one ending like the
    original call's last argument (a trailing comma or none)."""
    spaced = [
        arg
        if isinstance(arg.comma, cst.Comma)
        else arg.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        for arg in args[:-1]
    ]
    return [*spaced, args[-1].with_changes(comma=last)]


def _has_comment(*nodes: cst.CSTNode) -> bool:
    return any(_comments(node) for node in nodes)


def _comments(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Comment) or any(_comments(child) for child in node.children)


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"
