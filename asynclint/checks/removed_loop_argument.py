"""AIO504 removed-loop-argument: ``loop=`` passed to an asyncio API that dropped it in 3.10.

``target-version`` is the oldest Python the code supports, so the code also runs on 3.10+
where the call raises TypeError: it is reported at every target, with a message saying
"deprecated, and a TypeError from 3.10" when the target is older than 3.10. Code that only
runs on older Pythons (``if sys.version_info < (3, 10):`` and the like) and tests expecting
the TypeError (``with pytest.raises(TypeError):``) are left alone.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.tasks import keyword
from asynclint.analysis.python.expected_errors import ExpectedErrorTracker
from asynclint.analysis.python.guards import VersionGateTracker
from asynclint.analysis.tables.asyncio_versions import (
    LOOP_ARGUMENT_REMOVED,
    LOOP_ARGUMENT_REMOVED_IN,
)
from asynclint.check import Check
from asynclint.fixes import NodeFix, replace


class RemovedLoopArgument(Check):
    CODE = "AIO504"
    USES = (
        ExpectedErrorTracker,
        VersionGateTracker,
    )

    def visit_Call(self, node: cst.Call) -> None:
        argument = keyword(node, "loop")
        if argument is None or self.scope.qualified_name(node.func) not in LOOP_ARGUMENT_REMOVED:
            return
        gated = self.version_gates.runs_only_before(node)
        if (gated is not None and gated <= LOOP_ARGUMENT_REMOVED_IN) or self.expected_errors.active:
            return
        variant = "deprecated" if self.context.target_version < LOOP_ARGUMENT_REMOVED_IN else None
        fix = self._without(node, argument)
        self.report(
            argument, variant, fix=fix, call=self.context.code(node.func), argument=self.context.code(argument.value)
        )

    def _without(self, call: cst.Call, argument: cst.Arg) -> NodeFix | None:
        """The call without ``loop=`` (none when that would drop a comment): unsafe where the
        code still runs on Pythons that use the loop passed (before 3.10), as it may not be
        the running one."""
        if "#" in self.context.code(argument):
            return None
        args = [arg for arg in call.args if arg is not argument]
        last = args[-1] if args else None
        if last is not None and call.args[-1] is argument and isinstance(argument.comma, cst.MaybeSentinel):
            if isinstance(last.comma, cst.Comma) and isinstance(last.comma.whitespace_after, cst.SimpleWhitespace):
                args[-1] = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)  # ``f(x, loop=l)`` -> ``f(x)``
        unsafe = self.context.target_version < LOOP_ARGUMENT_REMOVED_IN
        return replace(call, call.with_changes(args=args), unsafe=unsafe)
