"""Python's cycle collector held off where a run allocates objects that reference counting
alone frees.

A file's libcst tree, its ``ast`` tree and a cache's JSON are hundreds of thousands of
objects with no reference cycles: they are freed the moment the last reference goes. The
collector does not know that. It runs every few hundred allocations, and every so often it
walks every object the process holds (the project index included), so building one tree
pays for walking the process's whole heap again and again: 15-40% of libcst's parse.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No automatic collection inside the block. Whatever cycles the block leaves (a few
    dozen objects per file) are collected once it is back on. A collector someone else turned
    off stays off, and a nested or concurrent block leaves the switch to the outermost."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def frozen() -> Iterator[None]:
    """Every object alive now out of the collector's sight for the block, in which worker
    processes are forked: a child's collections would otherwise write to the header of each
    object it inherited (the project index), and each page written to is a page copied into
    the child. The child keeps them frozen for its life; the parent takes them back after."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
