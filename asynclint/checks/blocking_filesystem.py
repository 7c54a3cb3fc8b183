"""AIO202 blocking-filesystem: ``os``/``os.path``/``shutil``/``glob`` calls and ``pathlib.Path``
methods that touch the disk, inside a coroutine (path string functions are not in the table)."""

from asynclint.analysis.blocking import BlockingCallCheck


class BlockingFilesystem(BlockingCallCheck):
    CODE = "AIO202"
    OFFLOAD = True
