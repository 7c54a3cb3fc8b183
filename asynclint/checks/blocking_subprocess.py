"""AIO204 blocking-subprocess: ``subprocess`` and ``os`` process APIs (run, spawn, wait) inside a
coroutine; ``os.waitpid(..., os.WNOHANG)`` does not wait and is not reported."""

from asynclint.analysis.blocking import BlockingCallCheck


class BlockingSubprocess(BlockingCallCheck):
    CODE = "AIO204"
    OFFLOAD = True
