"""AIO208 threading-primitive-in-async: blocking ``acquire``/``wait``/``get``/``put``/``join`` on
``threading`` and ``queue`` objects built in view, and ``with threading_lock:``, inside a
coroutine. Non-blocking forms (``acquire(blocking=False)``, ``get(False)``, ``wait(0)``) and
``put`` on unbounded queues are not reported."""

from asynclint.analysis.blocking import BlockingWithCheck


class ThreadingPrimitiveInAsync(BlockingWithCheck):
    CODE = "AIO208"
