"""AIO200 blocking-sleep: ``time.sleep`` (any alias) inside a coroutine.

The sleep holds the event loop's only thread, so every other task, callback and timer waits
with it; ``await asyncio.sleep(...)`` suspends just this coroutine, which is the safe fix."""

from typing import Optional

import libcst as cst

from asynclint.checks._blocking import BlockingCallCheck
from asynclint.fixes import NodeFix, awaited, module_ref, replace


class BlockingSleep(BlockingCallCheck):
    CODE = "AIO200"

    def fix(self, call: cst.Call) -> Optional[NodeFix]:
        """``time.sleep(x)`` -> ``await asyncio.sleep(x)``."""
        asyncio = module_ref(self.scope, "asyncio")
        if asyncio is None:
            return None
        return replace(call, awaited(call.with_changes(func=asyncio.attribute("sleep"))), asyncio.header)
