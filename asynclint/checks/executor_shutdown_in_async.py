"""AIO211 executor-shutdown-in-async: ``with ThreadPoolExecutor()/ProcessPoolExecutor():`` or
``executor.shutdown()`` (``wait=True``, the default) inside a coroutine: both wait for every job.

The wait happens on the event loop's only thread, so no other task runs until the slowest job
has finished (even when the block is left by an exception or a cancellation)."""

from asynclint.checks._blocking import BlockingWithCheck


class ExecutorShutdownInAsync(BlockingWithCheck):
    CODE = "AIO211"
