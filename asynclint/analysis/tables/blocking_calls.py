"""Calls that block the event loop, as data: each mapped to the rule that reports it.

One table for every blocking-call rule (AIO200-AIO208, AIO211, AIO212) and the helper analysis
(AIO209). Keys are the names :func:`~asynclint.analysis.python.receivers.call_names` gives a
call: a qualified name (``os.path.exists``, ``builtins.input``) or, for a method,
``Type.method`` where the receiver's type is known by construction (``socket.socket.recv``
for ``socket.socket().recv(...)``), never from a variable's name.
"""

from __future__ import annotations

from asynclint.analysis.tables.nonblocking import Argument


def _methods(code: str, prefix: str, names: str) -> dict[str, str]:
    return {f"{prefix}.{name}": code for name in names.split()}


_HTTP_VERBS = "get options head post put patch delete request"
_CERTIFICATE_LOADERS = "load_cert_chain load_verify_locations load_dh_params"
_TEMP_FILES = "TemporaryFile NamedTemporaryFile"  # opened files: AIO201
_TEMP_PATHS = "mkstemp mkdtemp TemporaryDirectory"  # a file or directory made: AIO202
_POOL_REQUESTS = "request urlopen request_encode_url request_encode_body"

# The names of a coroutine that is a start-up or shutdown step (``start``, ``_cleanup``,
# ``on_shutdown``): it runs once per service, so a file or filesystem call there (a socket's
# chmod, a certificate read) costs once (AIO201, AIO202).
ONE_OFF_STEPS: frozenset[str] = frozenset(
    {"start", "startup", "stop", "shutdown", "close", "aclose", "cleanup", "teardown", "setup"}
)

# Sync clients (AIO207): constructor -> the asyncio replacement named in the message.
SYNC_CLIENTS: dict[str, str] = {
    **dict.fromkeys(
        ("netmiko.ConnectHandler", "netmiko.ssh_dispatcher.ConnectHandler"),
        "scrapli's `AsyncScrapli` (netmiko has no asyncio API)",
    ),
    "scrapli.Scrapli": '`scrapli.AsyncScrapli` with an asyncio transport (`transport="asyncssh"`)',
    **{
        f"scrapli.driver.core.{platform}Driver": f"`scrapli.driver.core.Async{platform}Driver`"
        for platform in ("IOSXE", "IOSXR", "NXOS", "EOS", "Junos")
    },
    "scrapli.driver.GenericDriver": "`scrapli.driver.AsyncGenericDriver`",
    "scrapli.driver.NetworkDriver": "`scrapli.driver.AsyncNetworkDriver`",
    "psycopg2.connect": (
        "asyncpg (`await asyncpg.connect(...)`) or psycopg 3 (`await psycopg.AsyncConnection.connect(...)`)"
    ),
    **dict.fromkeys(
        ("pymysql.connect", "pymysql.Connect", "pymysql.connections.Connection"),
        "aiomysql (`await aiomysql.connect(...)`)",
    ),
    "sqlite3.connect": "aiosqlite (`async with aiosqlite.connect(path) as db:`)",
    **dict.fromkeys(
        ("redis.Redis", "redis.StrictRedis", "redis.client.Redis", "redis.client.StrictRedis"),
        "`redis.asyncio.Redis` (the same commands, awaited)",
    ),
    **dict.fromkeys(
        ("pymongo.MongoClient", "pymongo.mongo_client.MongoClient"),
        "`pymongo.AsyncMongoClient` (PyMongo 4.9+) or motor's `AsyncIOMotorClient`",
    ),
    **dict.fromkeys(
        ("smtplib.SMTP", "smtplib.SMTP_SSL", "smtplib.LMTP"),
        "aiosmtplib (`await aiosmtplib.send(message, hostname=...)`)",
    ),
    **dict.fromkeys(("ftplib.FTP", "ftplib.FTP_TLS"), "aioftp (`async with aioftp.Client.context(host) as client:`)"),
    **dict.fromkeys(
        ("paramiko.SSHClient", "paramiko.client.SSHClient"), "asyncssh (`async with asyncssh.connect(host) as conn:`)"
    ),
    **dict.fromkeys(
        ("imaplib.IMAP4", "imaplib.IMAP4_SSL", "imaplib.IMAP4_stream"),
        "aioimaplib (`aioimaplib.IMAP4_SSL(host)`, then `await client.wait_hello_from_server()`)",
    ),
    **dict.fromkeys(
        ("poplib.POP3", "poplib.POP3_SSL", "nntplib.NNTP", "nntplib.NNTP_SSL"),
        "`await asyncio.to_thread(...)` for the whole session (no asyncio API in the stdlib)",
    ),
}

# Clients whose constructor does no I/O (a connection pool or background threads connect
# later): reported at the commands that wait for the server, on a client built in view.
_REDIS_COMMANDS = (
    "get set delete exists expire incr decr mget mset hget hset hgetall hdel lpush rpush lpop rpop"
    " blpop brpop lrange sadd smembers srem zadd zrange publish keys scan ping flushdb execute_command"
)
LAZY_CLIENTS: dict[str, str] = {
    **dict.fromkeys(
        ("redis.Redis", "redis.StrictRedis", "redis.client.Redis", "redis.client.StrictRedis"), _REDIS_COMMANDS
    ),
    **dict.fromkeys(
        ("pymongo.MongoClient", "pymongo.mongo_client.MongoClient"), "server_info list_database_names drop_database"
    ),
    **dict.fromkeys(("paramiko.SSHClient", "paramiko.client.SSHClient"), "connect exec_command open_sftp"),
}
_SQLITE_QUERIES = "execute executemany executescript"
# Database types whose queries block: type -> the constructor whose replacement the message names.
DATABASE_TYPES: dict[str, str] = dict.fromkeys(("sqlite3.Connection", "sqlite3.Cursor"), "sqlite3.connect")
_LAZY_CALLS = {f"{client}.{method}" for client, methods in LAZY_CLIENTS.items() for method in methods.split()}

# Name of a call (see the module docstring) -> the rule that reports it.
BLOCKING_CALLS: dict[str, str] = {
    "time.sleep": "AIO200",
    # AIO201 blocking-file-open
    "builtins.open": "AIO201",
    "io.open": "AIO201",
    "codecs.open": "AIO201",
    "io.open_code": "AIO201",
    # ``SpooledTemporaryFile`` stays in memory until it rolls over: not listed
    **_methods("AIO201", "tempfile", _TEMP_FILES),
    # reading certificates and keys from files (``load_verify_locations(cadata=...)`` reads none)
    **_methods("AIO201", "ssl.SSLContext", _CERTIFICATE_LOADERS),
    "ssl.create_default_context": "AIO201",
    **_methods("AIO201", "pathlib.Path", "open read_text read_bytes write_text write_bytes"),
    # a file object known by annotation or stored on ``self`` (``open()`` in ``__init__``)
    **_methods("AIO201", "io.TextIOWrapper", "read read1 readinto readline readlines write writelines flush truncate"),
    # AIO202 blocking-filesystem: calls that touch the disk (not path string functions)
    **_methods(
        "AIO202",
        "os.path",
        "exists lexists isfile isdir islink ismount isjunction getsize getmtime getatime getctime"
        " samefile sameopenfile",
    ),
    **_methods(
        "AIO202",
        "os",
        "stat lstat listdir scandir walk fwalk remove unlink rename renames replace mkdir makedirs rmdir"
        " removedirs chmod lchmod chown lchown link symlink readlink access utime truncate statvfs fsync mkfifo",
    ),
    **_methods(
        "AIO202",
        "shutil",
        "copyfile copy copy2 copytree copymode copystat move rmtree make_archive unpack_archive disk_usage chown",
    ),
    **_methods("AIO202", "glob", "glob iglob"),
    **_methods("AIO202", "tempfile", _TEMP_PATHS),
    # waits for another process to release the lock (unless ``LOCK_NB``)
    **_methods("AIO202", "fcntl", "flock lockf"),
    **_methods(
        "AIO202",
        "pathlib.Path",
        "exists is_file is_dir is_symlink is_mount is_socket is_fifo is_block_device is_char_device is_junction"
        " stat lstat owner group samefile iterdir glob rglob walk mkdir unlink rmdir rename replace touch chmod"
        " lchmod symlink_to hardlink_to readlink copy copy_into move move_into",
    ),
    # AIO203 blocking-http
    **_methods("AIO203", "requests", _HTTP_VERBS),
    **_methods("AIO203", "requests.api", _HTTP_VERBS),
    **_methods("AIO203", "requests.Session", _HTTP_VERBS + " send"),
    **_methods("AIO203", "urllib.request", "urlopen urlretrieve"),
    "urllib.request.OpenerDirector.open": "AIO203",
    "urllib3.request": "AIO203",
    **_methods("AIO203", "urllib3.PoolManager", _POOL_REQUESTS),
    **_methods("AIO203", "urllib3.HTTPConnectionPool", _POOL_REQUESTS),
    **_methods("AIO203", "http.client.HTTPConnection", "connect request getresponse endheaders send"),
    # ``httpx2`` (the maintained continuation) resolves to ``httpx``: see ``RENAMED_MODULES``
    **_methods("AIO203", "httpx", _HTTP_VERBS + " stream"),
    **_methods("AIO203", "httpx.Client", _HTTP_VERBS + " send stream close"),
    # AIO204 blocking-subprocess
    **_methods("AIO204", "subprocess", "run call check_call check_output getoutput getstatusoutput"),
    # ``Popen(...)`` itself only starts the child (its pipes may go to async readers); waiting blocks
    **_methods("AIO204", "subprocess.Popen", "wait communicate"),
    **_methods(
        "AIO204",
        "os",
        "system popen spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe posix_spawn posix_spawnp"
        " wait waitpid wait3 wait4 waitid",
    ),
    # AIO205 blocking-input
    "builtins.input": "AIO205",
    "getpass.getpass": "AIO205",
    # AIO206 blocking-socket
    **_methods(
        "AIO206",
        "socket",
        "create_connection getaddrinfo gethostbyname gethostbyname_ex gethostbyaddr getnameinfo getfqdn",
    ),
    **_methods(
        "AIO206",
        "socket.socket",
        "accept connect connect_ex recv recvfrom recv_into recvfrom_into recvmsg recvmsg_into"
        " send sendall sendto sendmsg sendfile",
    ),
    "ssl.wrap_socket": "AIO206",
    "ssl.SSLContext.wrap_socket": "AIO206",
    **_methods("AIO206", "ssl.SSLSocket", "do_handshake read write unwrap"),
    # AIO207 blocking-sync-client
    **dict.fromkeys((client for client in SYNC_CLIENTS if client not in LAZY_CLIENTS), "AIO207"),
    **dict.fromkeys(_LAZY_CALLS, "AIO207"),
    **_methods("AIO207", "sqlite3.Connection", _SQLITE_QUERIES + " commit rollback backup"),
    **_methods("AIO207", "sqlite3.Cursor", _SQLITE_QUERIES + " fetchone fetchmany fetchall"),
    # AIO208 threading-primitive-in-async
    **_methods("AIO208", "threading.Lock", "acquire"),
    **_methods("AIO208", "threading.RLock", "acquire"),
    **_methods("AIO208", "threading.Semaphore", "acquire"),
    **_methods("AIO208", "threading.Condition", "acquire wait wait_for"),
    **_methods("AIO208", "threading.Event", "wait"),
    **_methods("AIO208", "threading.Barrier", "wait"),
    **_methods("AIO208", "threading.Thread", "join"),
    **_methods("AIO208", "queue.Queue", "get put join"),
    **_methods("AIO208", "queue.SimpleQueue", "get"),
    # AIO211 executor-shutdown-in-async
    **_methods("AIO211", "concurrent.futures.ThreadPoolExecutor", "shutdown"),
    **_methods("AIO211", "concurrent.futures.ProcessPoolExecutor", "shutdown"),
    # AIO212 blocking-future-result
    **_methods("AIO212", "concurrent.futures.Future", "result exception"),
}

# Calls reported with a message variant of their rule.
VARIANTS: dict[str, str] = {
    **{name: "query" for name in BLOCKING_CALLS if name.rsplit(".", 1)[0] in DATABASE_TYPES},
    **dict.fromkeys(_LAZY_CALLS, "command"),
    **dict.fromkeys(
        (
            "os.popen",
            "os.posix_spawn",
            "os.posix_spawnp",
            *(f"os.spawn{suffix}" for suffix in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe")),
        ),
        "spawn",
    ),
    **dict.fromkeys(
        (
            "os.wait",
            "os.waitpid",
            "os.wait3",
            "os.wait4",
            "os.waitid",
            "subprocess.Popen.wait",
            "subprocess.Popen.communicate",
        ),
        "wait",
    ),
    **dict.fromkeys(
        (
            f"socket.{name}"
            for name in "getaddrinfo gethostbyname gethostbyname_ex gethostbyaddr getnameinfo getfqdn".split()
        ),
        "resolve",
    ),
    "concurrent.futures.ThreadPoolExecutor.shutdown": "shutdown",
    "concurrent.futures.ProcessPoolExecutor.shutdown": "shutdown",
    **dict.fromkeys(
        ("ssl.create_default_context", *_methods("", "ssl.SSLContext", _CERTIFICATE_LOADERS)), "certificates"
    ),
    **dict.fromkeys(_methods("", "tempfile", f"{_TEMP_FILES} {_TEMP_PATHS}"), "tempfile"),
    **dict.fromkeys(("fcntl.flock", "fcntl.lockf"), "lock"),
    "httpx.Client.close": "close",
}

# Types whose sync ``with obj:`` blocks on enter or exit -> (rule, message variant).
BLOCKING_WITH: dict[str, tuple[str, str | None]] = {
    **dict.fromkeys(
        ("threading.Lock", "threading.RLock", "threading.Semaphore", "threading.Condition"), ("AIO208", "with")
    ),
    "concurrent.futures.ThreadPoolExecutor": ("AIO211", None),
    "concurrent.futures.ProcessPoolExecutor": ("AIO211", None),
}

# Variants reported only when the ``with`` block awaits: a threading lock held across a
# suspension point stalls the threads that need it and deadlocks other tasks of the loop,
# while a short synchronous critical section shared with threads is its normal use.
WITH_ACROSS_AWAIT = frozenset({"with"})

# Methods that block only when the receiver was built in view with this argument given
# and not zero: ``queue.Queue(maxsize=10).put(x)`` waits for room, an unbounded queue never.
BLOCKS_WHEN_BUILT_WITH: dict[str, Argument] = {"queue.Queue.put": Argument("maxsize", 0)}

# Types whose methods do not block once the object is switched to non-blocking mode by
# this method in the same function (``sock.setblocking(False)``, then ``sock.send(...)``
# guarded by ``except BlockingIOError``).
NON_BLOCKING_MODE: dict[str, str] = {"socket.socket": "setblocking"}
