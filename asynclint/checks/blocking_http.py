"""AIO203 blocking-http: ``requests``, ``urllib.request``, ``urllib3``, ``http.client`` and sync
``httpx`` calls (module functions, and methods of clients built in view) inside a coroutine."""

from asynclint.analysis.blocking import BlockingCallCheck


class BlockingHttp(BlockingCallCheck):
    CODE = "AIO203"
    OFFLOAD = True
