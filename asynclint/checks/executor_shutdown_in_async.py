"""AIO211 executor-shutdown-in-async: ``with ThreadPoolExecutor()/ProcessPoolExecutor():`` or
``executor.shutdown()`` (``wait=True``, the default) inside a coroutine: both wait for every job."""

from asynclint.analysis.blocking import BlockingWithCheck


class ExecutorShutdownInAsync(BlockingWithCheck):
    CODE = "AIO211"
