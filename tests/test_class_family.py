"""Rules that read a class's own methods (AIO701 for ``self.session``, AIO602 for
``self.queue``) stay silent when a project base class or a subclass in another module may
close the session or mark the queue's items done."""

from __future__ import annotations

from pathlib import Path

from asynclint.api import lint_paths
from asynclint.config import Config

BASE = """\
import asyncio

import aiohttp


class Client:
    def __init__(self):
        self.session = aiohttp.ClientSession()


class Lonely:
    def __init__(self):
        self.session = aiohttp.ClientSession()


class Pipeline:
    def __init__(self):
        self.queue = asyncio.Queue()

    async def run(self, items):
        for item in items:
            await self.queue.put(item)
        await self.queue.join()


class LonelyPipeline:
    def __init__(self):
        self.queue = asyncio.Queue()

    async def run(self, items):
        for item in items:
            await self.queue.put(item)
        await self.queue.join()
"""

CHILD = """\
from app.base import Client, Pipeline


class Closing(Client):
    async def close(self):
        await self.session.close()


class Consuming(Pipeline):
    async def consume(self):
        while True:
            await self.queue.get()
            self.queue.task_done()
"""


def _findings(root: Path) -> list[tuple[str, int, str]]:
    result = lint_paths([str(root)], Config(select=("AIO602", "AIO701")), jobs=1, use_cache=False)
    return sorted((Path(d.path).name, d.line, d.code) for d in result.diagnostics)


def test_subclass_in_another_module_silences_only_its_base(tmp_path):
    package = tmp_path / "app"
    package.mkdir()
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "base.py").write_text(BASE, encoding="utf-8")
    (package / "child.py").write_text(CHILD, encoding="utf-8")
    # ``Client`` and ``Pipeline`` have subclasses that close / mark done; the lonely ones do not
    assert _findings(tmp_path) == [("base.py", 13, "AIO701"), ("base.py", 33, "AIO602")]
