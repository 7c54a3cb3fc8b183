"""AIO205 blocking-input: the built-in ``input()`` (unless shadowed) and ``getpass.getpass()``
inside a coroutine.

Waiting for the user on the event loop's only thread stops every other task, timer and
connection until Enter is pressed."""

from asynclint.checks._blocking import BlockingCallCheck


class BlockingInput(BlockingCallCheck):
    CODE = "AIO205"
    OFFLOAD = True
