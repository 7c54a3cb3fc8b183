"""Other linters' codes for the same mistakes, as data: a line the author already silenced for
ruff or flake8-async (``# noqa: RUF006``, ``# noqa: ASYNC230``) is deliberate for asynclint too.

Codes from ruff's rule index (RUF006 asyncio-dangling-task, RUF029 unused-async) and
flake8-async's (ASYNC2xx blocking calls), mapped to the asynclint rule that reports the same call.
"""

from __future__ import annotations

PEER_CODES: dict[str, tuple[str, ...]] = {
    "RUF006": ("AIO300",),  # asyncio-dangling-task
    "RUF029": ("AIO101",),  # unused-async
    "ASYNC101": ("AIO311",),  # yield-in-cancel-scope
    "ASYNC110": ("AIO902",),  # async-busy-wait
    "ASYNC119": ("AIO311",),  # yield-in-cm-in-async-gen
    "ASYNC210": ("AIO203",),  # blocking HTTP call
    "ASYNC211": ("AIO203",),  # blocking HTTP call (urllib3)
    "ASYNC212": ("AIO203",),  # blocking HTTP call (httpx)
    "ASYNC220": ("AIO204",),  # create-subprocess-in-async-function
    "ASYNC221": ("AIO204",),  # run-process-in-async-function
    "ASYNC222": ("AIO204",),  # wait-for-process-in-async-function
    "ASYNC230": ("AIO201",),  # blocking-open-call-in-async-function
    "ASYNC240": ("AIO202",),  # blocking-path-method-in-async-function
    "ASYNC250": ("AIO205",),  # blocking-input-in-async-function
    "ASYNC251": ("AIO200",),  # blocking-sleep-in-async-function
}
