"""AIO201 blocking-file-open: ``open``, ``io.open`` and ``Path`` file I/O
inside a coroutine.

The event loop runs every task on one thread: while it waits for the disk (seconds on a
network file system), no other task, callback or timer runs. The calls are data in the
blocking table (:mod:`asynclint.analysis.asyncio.blocking`), shared with AIO209's helper search."""

from asynclint.checks._blocking import BlockingCallCheck


class BlockingFileOpen(BlockingCallCheck):
    CODE = "AIO201"
    OFFLOAD = True
    ONCE_IS_CHEAP = True
