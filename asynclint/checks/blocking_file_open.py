"""AIO201 blocking-file-open: ``open``, ``io.open``, ``os.fdopen`` and ``Path`` file I/O
inside a coroutine."""

from asynclint.analysis.blocking import BlockingCallCheck


class BlockingFileOpen(BlockingCallCheck):
    CODE = "AIO201"
    OFFLOAD = True
