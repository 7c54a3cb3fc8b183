"""AIO205 blocking-input: the built-in ``input()`` (unless shadowed) and ``getpass.getpass()``
inside a coroutine."""

from asynclint.analysis.blocking import BlockingCallCheck


class BlockingInput(BlockingCallCheck):
    CODE = "AIO205"
    OFFLOAD = True
