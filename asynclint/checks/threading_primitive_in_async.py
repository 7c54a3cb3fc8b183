"""AIO208 threading-primitive-in-async: blocking ``acquire``/``wait``/``get``/``put``/``join`` on
``threading`` and ``queue`` objects built in view, and ``with threading_lock:``, inside a
coroutine. Non-blocking forms (``acquire(blocking=False)``, ``get(False)``, ``wait(0)``) and
``put`` on unbounded queues are not reported.

A thread-blocking wait puts the event loop's only thread to sleep until another thread acts;
if that thread needs the loop to get there, the program deadlocks."""

from asynclint.checks._blocking import BlockingWithCheck


class ThreadingPrimitiveInAsync(BlockingWithCheck):
    CODE = "AIO208"
