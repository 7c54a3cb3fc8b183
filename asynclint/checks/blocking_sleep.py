"""AIO200 blocking-sleep: ``time.sleep`` (any alias) inside a coroutine."""

from asynclint.analysis.blocking import BlockingCallCheck


class BlockingSleep(BlockingCallCheck):
    CODE = "AIO200"
