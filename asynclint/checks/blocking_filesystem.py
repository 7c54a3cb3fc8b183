"""AIO202 blocking-filesystem: ``os``/``os.path``/``shutil``/``glob`` calls and ``pathlib.Path``
methods that touch the disk, inside a coroutine (path string functions are not in the table).

Metadata and directory calls wait for the disk (or a network file system) on the event loop's
only thread, so every other task waits too. The calls are data in the blocking table
(:mod:`asynclint.analysis.asyncio.blocking`), shared with AIO209's helper search."""

from asynclint.checks._blocking import BlockingCallCheck


class BlockingFilesystem(BlockingCallCheck):
    CODE = "AIO202"
    OFFLOAD = True
    ONCE_IS_CHEAP = True
