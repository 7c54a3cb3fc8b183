"""A small crawler with the asyncio mistakes asynclint finds (run `asynclint check examples/`)."""

import asyncio
import time
from pathlib import Path


async def fetch(url: str) -> str:
    await asyncio.sleep(0.1)  # stands in for a real HTTP request
    return f"<html>{url}</html>"


async def save(url: str, html: str) -> None:
    Path("pages", url.replace("/", "_")).write_text(html)  # blocks the event loop


async def crawl(urls: list) -> None:
    for url in urls:
        html = await fetch(url)
        save(url, html)  # forgotten await: the page is never saved
        time.sleep(0.5)  # "politeness delay" that freezes every other task


async def report(pages: int) -> str:
    return f"{pages} pages crawled"


async def main() -> None:
    asyncio.create_task(crawl(["a", "b"]))  # nobody keeps the task
    tasks = [asyncio.create_task(fetch(u)) for u in ("c", "d")]
    done, _ = await asyncio.wait(tasks, timeout=1)  # the slow ones keep running
    print(len(done), await report(len(done)))


def entry_point() -> None:
    main()  # a sync function calling a coroutine function: nothing runs


if __name__ == "__main__":
    asyncio.run(main())
