"""AIO203 blocking-http: ``requests``, ``urllib.request``, ``urllib3``, ``http.client`` and sync
``httpx`` calls (module functions, and methods of clients built in view) inside a coroutine.

A synchronous request holds the event loop's only thread for the whole round trip (DNS,
connect, TLS, response), so no other task runs meanwhile. The calls are data in the blocking
table (:mod:`asynclint.analysis.asyncio.blocking`), shared with AIO209's helper search."""

from asynclint.checks._blocking import BlockingCallCheck


class BlockingHttp(BlockingCallCheck):
    CODE = "AIO203"
    OFFLOAD = True
