"""AIO206 blocking-socket: ``socket`` connection and name-resolution functions, and blocking
methods of sockets and SSL sockets built in view, inside a coroutine. A function that switches
its socket to non-blocking mode (``sock.setblocking(False)``) is not reported.

A blocking socket call waits for the network on the event loop's only thread, so no other
task runs until it returns; asyncio streams and ``loop.sock_*`` wait without blocking it."""

from asynclint.checks._blocking import BlockingCallCheck


class BlockingSocket(BlockingCallCheck):
    CODE = "AIO206"
    OFFLOAD = True
