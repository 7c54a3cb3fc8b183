"""Async library APIs beyond asyncio's own functions, as data: which methods of which
library types are coroutine functions, and the types their calls and awaits return."""

from __future__ import annotations

_QUEUE = frozenset({"get", "put", "join"})
_HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
_REDIS = frozenset(
    {
        "get",
        "set",
        "delete",
        "exists",
        "expire",
        "incr",
        "decr",
        "mget",
        "mset",
        "keys",
        "scan",
        "hget",
        "hset",
        "hgetall",
        "hdel",
        "lpush",
        "rpush",
        "lpop",
        "rpop",
        "lrange",
        "sadd",
        "smembers",
        "srem",
        "zadd",
        "zrange",
        "publish",
        "ping",
        "close",
        "aclose",
        "execute_command",
    }
)

# Methods returning an awaitable, per receiver type.
ASYNC_METHODS: dict[str, frozenset[str]] = {
    "asyncio.Queue": _QUEUE,
    "asyncio.LifoQueue": _QUEUE,
    "asyncio.PriorityQueue": _QUEUE,
    "asyncio.Lock": frozenset({"acquire"}),
    "asyncio.Event": frozenset({"wait"}),
    "asyncio.Condition": frozenset({"acquire", "wait", "wait_for"}),
    "asyncio.Semaphore": frozenset({"acquire"}),
    "asyncio.BoundedSemaphore": frozenset({"acquire"}),
    "asyncio.Barrier": frozenset({"wait", "reset", "abort"}),
    "asyncio.StreamReader": frozenset({"read", "readline", "readexactly", "readuntil"}),
    "asyncio.StreamWriter": frozenset({"drain", "wait_closed", "start_tls"}),
    "asyncio.subprocess.Process": frozenset({"wait", "communicate"}),
    "aiofiles.file": frozenset(
        {"read", "write", "readline", "readlines", "writelines", "flush", "close", "seek", "tell", "truncate"}
    ),
    "aiohttp.ClientSession": _HTTP_VERBS | {"close", "ws_connect"},
    "aiohttp.ClientResponse": frozenset({"read", "json", "text"}),
    "httpx.AsyncClient": _HTTP_VERBS | {"send", "aclose"},
    "httpx.Response": frozenset({"aread", "aclose"}),
    "asyncpg.Connection": frozenset(
        {
            "execute",
            "executemany",
            "fetch",
            "fetchrow",
            "fetchval",
            "prepare",
            "close",
            "reset",
            "copy_from_table",
            "copy_to_table",
            "copy_records_to_table",
            "set_type_codec",
        }
    ),
    "asyncpg.Pool": frozenset(
        {"execute", "executemany", "fetch", "fetchrow", "fetchval", "close", "release", "expire_connections"}
    ),
    "redis.asyncio.Redis": _REDIS,
    "aiokafka.AIOKafkaProducer": frozenset({"start", "stop", "send", "send_and_wait", "flush"}),
    "aiokafka.AIOKafkaConsumer": frozenset(
        {"start", "stop", "getone", "getmany", "commit", "seek_to_beginning", "seek_to_end", "seek_to_committed"}
    ),
    "aiosqlite.Connection": frozenset({"execute", "executemany", "executescript", "commit", "rollback", "close"}),
    "aiosqlite.Cursor": frozenset({"execute", "executemany", "fetchone", "fetchall", "fetchmany", "close"}),
}

# Library functions that return an awaitable (merged into the asyncio table by the checks).
ASYNC_FUNCTIONS: dict[str, str] = {
    **{
        f"aiofiles.os.{name}": "coroutine"
        for name in (
            "stat",
            "remove",
            "unlink",
            "rename",
            "renames",
            "replace",
            "mkdir",
            "makedirs",
            "rmdir",
            "removedirs",
            "listdir",
            "scandir",
            "link",
            "symlink",
            "readlink",
            "access",
            "sendfile",
        )
    },
    **{
        f"aiofiles.os.path.{name}": "coroutine"
        for name in (
            "exists",
            "isfile",
            "isdir",
            "islink",
            "ismount",
            "getsize",
            "getmtime",
            "getatime",
            "getctime",
            "samefile",
        )
    },
    "asyncpg.connect": "coroutine",
}

# The type of ``x = f(...)`` and of ``with f(...) as x`` (constructors are their own type).
CALL_RESULTS: dict[str, str] = {
    **{
        t: t
        for t in ASYNC_METHODS
        if not t.startswith(
            (
                "aiohttp.ClientResponse",
                "httpx.Response",
                "asyncpg",
                "aiosqlite",
                "aiofiles",
                "asyncio.Stream",
                "asyncio.subprocess",
            )
        )
    },
    "asyncio.TaskGroup": "asyncio.TaskGroup",
    "asyncio.Runner": "asyncio.Runner",
    "concurrent.futures.ThreadPoolExecutor": "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.ProcessPoolExecutor": "concurrent.futures.ProcessPoolExecutor",
    "redis.asyncio.StrictRedis": "redis.asyncio.Redis",
    "redis.asyncio.from_url": "redis.asyncio.Redis",
    "redis.asyncio.client.Redis": "redis.asyncio.Redis",
    "aiofiles.open": "aiofiles.file",
    "asyncpg.create_pool": "asyncpg.Pool",
    "aiosqlite.connect": "aiosqlite.Connection",
    **{f"aiohttp.ClientSession.{verb}": "aiohttp.ClientResponse" for verb in _HTTP_VERBS},
    "asyncpg.Pool.acquire": "asyncpg.Connection",
    "aiosqlite.Connection.execute": "aiosqlite.Cursor",
}

# The type of ``x = await f(...)``.
AWAIT_RESULTS: dict[str, str] = {
    "asyncpg.connect": "asyncpg.Connection",
    "asyncpg.create_pool": "asyncpg.Pool",
    "asyncpg.Pool.acquire": "asyncpg.Connection",
    "asyncio.create_subprocess_exec": "asyncio.subprocess.Process",
    "asyncio.create_subprocess_shell": "asyncio.subprocess.Process",
    "aiosqlite.connect": "aiosqlite.Connection",
    "aiosqlite.Connection.execute": "aiosqlite.Cursor",
    "aiofiles.open": "aiofiles.file",
    **{f"aiohttp.ClientSession.{verb}": "aiohttp.ClientResponse" for verb in _HTTP_VERBS},
    **{f"httpx.AsyncClient.{verb}": "httpx.Response" for verb in _HTTP_VERBS | {"send"}},
}

# The types of ``a, b = await f(...)``.
TUPLE_RESULTS: dict[str, tuple[str, ...]] = {
    "asyncio.open_connection": ("asyncio.StreamReader", "asyncio.StreamWriter"),
    "asyncio.open_unix_connection": ("asyncio.StreamReader", "asyncio.StreamWriter"),
}
