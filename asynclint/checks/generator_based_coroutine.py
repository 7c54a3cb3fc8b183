"""AIO503 generator-based-coroutine: a function decorated with ``@asyncio.coroutine`` (any
alias), removed in Python 3.11, or an application-style generator coroutine built with
``@types.coroutine`` (one that delegates with ``yield from``).

Low-level ``@types.coroutine`` awaitables with a bare ``yield`` are what that decorator is
for and stay silent (see :mod:`asynclint.analysis.legacy_coroutines`). ``@asyncio.coroutine``
in code gated to Pythons before 3.11 is deliberate compatibility code.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio_versions import ASYNCIO_COROUTINE_REMOVED_IN
from asynclint.analysis.guards import VersionGated
from asynclint.analysis.legacy_coroutines import TYPES_COROUTINE, legacy_coroutine_decorator
from asynclint.check import Check


class GeneratorBasedCoroutine(VersionGated, Check):
    CODE = "AIO503"

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not node.decorators:
            return
        found = legacy_coroutine_decorator(node, self.scope)
        if found is None:
            return
        decorator, kind = found
        if kind == TYPES_COROUTINE:
            variant = "types_coroutine"
        else:
            gate = self.version_gates.runs_only_before()
            if gate is not None and gate <= ASYNCIO_COROUTINE_REMOVED_IN:
                return
            variant = None if self.context.target_version >= ASYNCIO_COROUTINE_REMOVED_IN else "deprecated"
        self.report(
            decorator.decorator,
            variant,
            decorator=self.context.code(decorator.decorator),
            function=node.name.value,
            target="{}.{}".format(*self.context.target_version),
        )
