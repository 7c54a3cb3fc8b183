"""Calls that block the event loop, as data, and how to recognise them.

One table maps each blocking call to the rule that reports it, so that every
blocking-call rule (AIO200-AIO208, AIO211) and the helper analysis (AIO209) share it.
Keys are the names :func:`~asynclint.analysis.receivers.call_names` gives a call: a
qualified name (``os.path.exists``, ``builtins.input``) or, for a method, ``Type.method``
where the receiver's type is known by construction (``socket.socket.recv`` for
``socket.socket().recv(...)``), never from a variable's name.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, Iterator, Mapping, Optional, Tuple

import libcst as cst

from asynclint.analysis.functions import suspends
from asynclint.analysis.index import EMPTY_INDEX, ProjectIndex
from asynclint.analysis.nonblocking import NON_BLOCKING_WHEN, Arg, Argument, given_nonzero, says_non_blocking
from asynclint.analysis.receivers import Built, built, call_names, type_names
from asynclint.analysis.scope import ScopeTracker
from asynclint.check import Check
from asynclint.fixes import NodeFix, awaited, module_ref, replace


def _names(code: str, prefix: str, names: str) -> Dict[str, str]:
    return {f"{prefix}.{name}": code for name in names.split()}


_HTTP_VERBS = "get options head post put patch delete request"
_POOL_REQUESTS = "request urlopen request_encode_url request_encode_body"

# Sync clients (AIO207): constructor -> the asyncio replacement named in the message.
SYNC_CLIENTS: Dict[str, str] = {
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
    "psycopg2.connect": "asyncpg (`await asyncpg.connect(...)`) or psycopg 3 (`await psycopg.AsyncConnection.connect(...)`)",
    **dict.fromkeys(
        ("pymysql.connect", "pymysql.Connect", "pymysql.connections.Connection"),
        "aiomysql (`await aiomysql.connect(...)`)",
    ),
    "sqlite3.connect": "aiosqlite (`async with aiosqlite.connect(path) as db:`)",
    **dict.fromkeys(
        ("redis.Redis", "redis.StrictRedis", "redis.client.Redis", "redis.client.StrictRedis"),
        "`redis.asyncio.Redis` (the same commands, awaited)",
    ),
    **dict.fromkeys(("redis.from_url", "redis.Redis.from_url"), "`redis.asyncio.from_url(...)`"),
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
}

# Name of a call (see the module docstring) -> the rule that reports it.
BLOCKING_CALLS: Dict[str, str] = {
    "time.sleep": "AIO200",
    # AIO201 blocking-file-open
    "builtins.open": "AIO201",
    "io.open": "AIO201",
    "codecs.open": "AIO201",
    "os.fdopen": "AIO201",
    **_names("AIO201", "pathlib.Path", "open read_text read_bytes write_text write_bytes"),
    # AIO202 blocking-filesystem: calls that touch the disk (not path string functions)
    **_names(
        "AIO202", "os.path",
        "exists lexists isfile isdir islink ismount isjunction getsize getmtime getatime getctime"
        " samefile sameopenfile",
    ),
    **_names(
        "AIO202", "os",
        "stat lstat listdir scandir walk fwalk remove unlink rename renames replace mkdir makedirs rmdir"
        " removedirs chmod lchmod chown lchown link symlink readlink access utime truncate statvfs fsync mkfifo",
    ),
    **_names(
        "AIO202", "shutil",
        "copyfile copy copy2 copytree copymode copystat move rmtree make_archive unpack_archive disk_usage chown",
    ),
    **_names("AIO202", "glob", "glob iglob"),
    **_names(
        "AIO202", "pathlib.Path",
        "exists is_file is_dir is_symlink is_mount is_socket is_fifo is_block_device is_char_device is_junction"
        " stat lstat owner group samefile iterdir glob rglob walk mkdir unlink rmdir rename replace touch chmod"
        " lchmod symlink_to hardlink_to readlink copy copy_into move move_into",
    ),
    # AIO203 blocking-http
    **_names("AIO203", "requests", _HTTP_VERBS),
    **_names("AIO203", "requests.api", _HTTP_VERBS),
    **_names("AIO203", "requests.Session", _HTTP_VERBS + " send"),
    **_names("AIO203", "urllib.request", "urlopen urlretrieve"),
    "urllib.request.OpenerDirector.open": "AIO203",
    "urllib3.request": "AIO203",
    **_names("AIO203", "urllib3.PoolManager", _POOL_REQUESTS),
    **_names("AIO203", "urllib3.HTTPConnectionPool", _POOL_REQUESTS),
    **_names("AIO203", "http.client.HTTPConnection", "connect request getresponse endheaders send"),
    **_names("AIO203", "httpx", _HTTP_VERBS + " stream"),
    **_names("AIO203", "httpx.Client", _HTTP_VERBS + " send stream"),
    # AIO204 blocking-subprocess
    **_names("AIO204", "subprocess", "run call check_call check_output Popen getoutput getstatusoutput"),
    **_names(
        "AIO204", "os",
        "system popen spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe posix_spawn posix_spawnp"
        " wait waitpid wait3 wait4 waitid",
    ),
    # AIO205 blocking-input
    "builtins.input": "AIO205",
    "getpass.getpass": "AIO205",
    # AIO206 blocking-socket
    **_names(
        "AIO206", "socket",
        "create_connection getaddrinfo gethostbyname gethostbyname_ex gethostbyaddr getnameinfo getfqdn",
    ),
    **_names(
        "AIO206", "socket.socket",
        "accept connect connect_ex recv recvfrom recv_into recvfrom_into recvmsg recvmsg_into"
        " send sendall sendto sendmsg sendfile",
    ),
    "ssl.wrap_socket": "AIO206",
    "ssl.SSLContext.wrap_socket": "AIO206",
    **_names("AIO206", "ssl.SSLSocket", "do_handshake read write unwrap"),
    # AIO207 blocking-sync-client
    **dict.fromkeys(SYNC_CLIENTS, "AIO207"),
    # AIO208 threading-primitive-in-async
    **_names("AIO208", "threading.Lock", "acquire"),
    **_names("AIO208", "threading.RLock", "acquire"),
    **_names("AIO208", "threading.Semaphore", "acquire"),
    **_names("AIO208", "threading.Condition", "acquire wait wait_for"),
    **_names("AIO208", "threading.Event", "wait"),
    **_names("AIO208", "threading.Barrier", "wait"),
    **_names("AIO208", "threading.Thread", "join"),
    **_names("AIO208", "queue.Queue", "get put join"),
    **_names("AIO208", "queue.SimpleQueue", "get"),
    # AIO211 executor-shutdown-in-async
    **_names("AIO211", "concurrent.futures.ThreadPoolExecutor", "shutdown"),
    **_names("AIO211", "concurrent.futures.ProcessPoolExecutor", "shutdown"),
}

# Calls reported with a message variant of their rule.
VARIANTS: Dict[str, str] = {
    **dict.fromkeys(
        ("subprocess.Popen", "os.popen", "os.posix_spawn", "os.posix_spawnp",
         *(f"os.spawn{suffix}" for suffix in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe"))),
        "spawn",
    ),
    **dict.fromkeys(("os.wait", "os.waitpid", "os.wait3", "os.wait4", "os.waitid"), "wait"),
    **dict.fromkeys(
        (f"socket.{name}" for name in "getaddrinfo gethostbyname gethostbyname_ex gethostbyaddr getnameinfo getfqdn".split()),
        "resolve",
    ),
    "concurrent.futures.ThreadPoolExecutor.shutdown": "shutdown",
    "concurrent.futures.ProcessPoolExecutor.shutdown": "shutdown",
}

# Types whose sync ``with obj:`` blocks on enter or exit -> (rule, message variant).
BLOCKING_WITH: Dict[str, Tuple[str, Optional[str]]] = {
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
BLOCKS_WHEN_BUILT_WITH: Dict[str, Argument] = {"queue.Queue.put": Argument("maxsize", 0)}

# Types whose methods do not block once the object is switched to non-blocking mode by
# this method in the same function (``sock.setblocking(False)``, then ``sock.send(...)``
# guarded by ``except BlockingIOError``).
NON_BLOCKING_MODE: Dict[str, str] = {"socket.socket": "setblocking"}


@dataclass(frozen=True)
class BlockingCall:
    """A call found in :data:`BLOCKING_CALLS`."""

    name: str  # the table key
    code: str
    receiver: Optional[Built] = None  # for a method: the receiver's type and constructor

    @property
    def variant(self) -> Optional[str]:
        return VARIANTS.get(self.name)

    @property
    def replacement(self) -> str:
        return SYNC_CLIENTS.get(self.name, "")


def blocking_call(call: cst.Call, scope: ScopeTracker, index: ProjectIndex = EMPTY_INDEX) -> Optional[BlockingCall]:
    """The table entry for a call that blocks, or None (unknown, or a non-blocking form)."""
    global _memo
    if _memo[0] is call and _memo[1] is index:
        return _memo[2]
    found = _lookup(call, scope, index)
    _memo = (call, index, found)
    return found


# Every blocking rule asks about the same call in a row during the one traversal.
_memo: Tuple[Optional[cst.Call], Optional[ProjectIndex], Optional[BlockingCall]] = (None, None, None)


def _lookup(call: cst.Call, scope: ScopeTracker, index: ProjectIndex) -> Optional[BlockingCall]:
    for name in call_names(call, scope, index):
        code = BLOCKING_CALLS.get(name)
        if code is None:
            continue
        if name in NON_BLOCKING_WHEN and says_non_blocking(name, call_args(call)):
            return None
        receiver = _method_receiver(call, scope, index)
        bound = BLOCKS_WHEN_BUILT_WITH.get(name)
        if bound is not None and (receiver is None or receiver.call is None or not given_nonzero(call_args(receiver.call), bound)):
            return None
        return BlockingCall(name, code, receiver)
    return None


def _method_receiver(call: cst.Call, scope: ScopeTracker, index: ProjectIndex) -> Optional[Built]:
    """The receiver of a method call named by its type (not by an import: ``os.path.exists``)."""
    func = call.func
    if not isinstance(func, cst.Attribute) or scope.qualified_name(func) is not None:
        return None
    return built(func.value, scope, index)


def blocking_code(call: cst.Call, scope: ScopeTracker, index: ProjectIndex = EMPTY_INDEX) -> Optional[str]:
    """The rule code for a blocking call, or None when the call is not known to block."""
    found = blocking_call(call, scope, index)
    return found.code if found is not None else None


def blocking_with(receiver: Built) -> Optional[Tuple[str, Optional[str]]]:
    """(rule, variant) for a sync ``with`` on an object of this type, if it blocks."""
    for type_name in type_names(receiver.type):
        found = BLOCKING_WITH.get(type_name)
        if found is not None:
            return found
    return None


def non_blocking_switch(receiver: Optional[Built]) -> Optional[str]:
    """The method that switches objects of the receiver's type to non-blocking mode."""
    if receiver is None:
        return None
    return next((NON_BLOCKING_MODE[t] for t in type_names(receiver.type) if t in NON_BLOCKING_MODE), None)


# ------------------------------------------------------------------ arguments


def call_args(call: cst.Call) -> Tuple[Arg, ...]:
    """The facts :mod:`~asynclint.analysis.nonblocking` needs about a call's arguments."""
    return tuple(
        Arg(arg.keyword.value if arg.keyword else None, bool(arg.star), _is_zero(arg.value), _names(arg.value))
        for arg in call.args
    )


def _is_zero(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.Name):
        return expr.value == "False"
    if isinstance(expr, (cst.Integer, cst.Float)):
        try:
            return float(expr.value.replace("_", "")) == 0
        except ValueError:
            return False
    return False


def _names(expr: cst.BaseExpression) -> FrozenSet[str]:
    """Names and attribute names in ``A | b.C`` (flags), else nothing."""
    if isinstance(expr, cst.Name):
        return frozenset({expr.value})
    if isinstance(expr, cst.Attribute):
        return frozenset({expr.attr.value})
    if isinstance(expr, cst.BinaryOperation):
        return _names(expr.left) | _names(expr.right)
    return frozenset()


# ------------------------------------------------------------------ user-configured calls


@lru_cache(maxsize=8)
def configured_matcher(entries: Tuple[Tuple[str, str], ...]) -> Tuple[Tuple["re.Pattern[str]", str], ...]:
    """``blocking-calls`` patterns (fnmatch-style, over the names of :func:`call_names`)
    compiled once per configuration, in configuration order."""
    return tuple((re.compile(fnmatch.translate(pattern)), advice) for pattern, advice in entries)


def configured_advice(names: Iterable[str], matcher: Tuple[Tuple["re.Pattern[str]", str], ...]) -> Optional[Tuple[str, str]]:
    """(matched name, the user's advice) for the first configured pattern a name matches."""
    for name in names:
        for pattern, advice in matcher:
            if pattern.match(name):
                return name, advice
    return None


class HelperTable(Mapping[str, str]):
    """What the project index treats as blocking inside helpers (AIO209): the table, then
    the configured ``blocking-calls`` patterns (their rule is AIO210)."""

    def __init__(self, matcher: Tuple[Tuple["re.Pattern[str]", str], ...]) -> None:
        self.matcher = matcher

    def __getitem__(self, name: str) -> str:
        code = BLOCKING_CALLS.get(name)
        if code is None and configured_advice((name,), self.matcher) is not None:
            code = "AIO210"
        if code is None:
            raise KeyError(name)
        return code

    def __iter__(self) -> Iterator[str]:
        return iter(BLOCKING_CALLS)  # patterns have no finite list of names

    def __len__(self) -> int:
        return len(BLOCKING_CALLS)


@lru_cache(maxsize=None)  # one object per configuration: the index caches chains per table
def helper_table(entries: Tuple[Tuple[str, str], ...]) -> Mapping[str, str]:
    """The blocking table for helpers under a configuration's ``blocking-calls``."""
    return HelperTable(configured_matcher(entries)) if entries else BLOCKING_CALLS


# ------------------------------------------------------------------ the shared checks


class BlockingCallCheck(Check):
    """Reports the calls of :data:`BLOCKING_CALLS` whose rule is this check's ``CODE``,
    when the nearest enclosing function is a coroutine."""

    # Rules whose calls may be moved to a thread as they are (``to_thread``, an unsafe fix).
    OFFLOAD = False
    _statement_value: Optional[cst.BaseExpression] = None

    def fix(self, call: cst.Call) -> Optional[NodeFix]:
        """The fix of a blocking call that is the whole value of a statement (``f(x)``,
        ``y = f(x)``, ``return f(x)``)."""
        return self.to_thread(call) if self.OFFLOAD else None

    def to_thread(self, call: cst.Call) -> Optional[NodeFix]:
        """``f(args)`` -> ``await asyncio.to_thread(f, args)`` (Python 3.9+)."""
        asyncio = module_ref(self.scope, "asyncio")
        if asyncio is None or self.context.target_version < (3, 9):
            return None
        comma = cst.Comma(whitespace_after=_next_argument_space(call)) if call.args else cst.MaybeSentinel.DEFAULT
        moved = call.with_changes(func=asyncio.attribute("to_thread"), args=[cst.Arg(call.func, comma=comma), *call.args])
        return replace(call, awaited(moved), asyncio.header)

    def visit_Expr(self, node: cst.Expr) -> None:
        self._statement_value = node.value

    def visit_Assign(self, node: cst.Assign) -> None:
        self._statement_value = node.value

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._statement_value = node.value

    def visit_Return(self, node: cst.Return) -> None:
        self._statement_value = node.value

    def visit_Call(self, node: cst.Call) -> None:
        function = self.scope.function
        if function is None or not function.is_async:
            return
        found = blocking_call(node, self.scope, self.context.index)
        if found is None or found.code != self.CODE:
            return
        switch = non_blocking_switch(found.receiver)
        if switch is not None and self._switched(node, function.node, switch):
            return  # e.g. ``sock.setblocking(False)``: a non-blocking socket
        self.report(
            node,
            variant=found.variant,
            fix=self.fix(node) if node is self._statement_value else None,
            call=self.context.code(node.func),
            function=function.function_name,
            replacement=found.replacement,
        )

    def _switched(self, call: cst.Call, function: cst.CSTNode, switch: str) -> bool:
        """Whether the receiver may be in non-blocking mode: ``switch`` is called in this
        function, or anywhere in the class for a ``self.attr`` receiver (set up in ``__init__``)."""
        if switch in self.context.usage(function).attributes:
            return True
        receiver = call.func.value if isinstance(call.func, cst.Attribute) else None
        owner = self.scope.self_class(receiver.value) if isinstance(receiver, cst.Attribute) else None
        return owner is not None and switch in self.context.usage(owner.node).attributes


def _next_argument_space(call: cst.Call) -> cst.BaseParenthesizableWhitespace:
    """After ``f,`` in ``to_thread(f, ...)``: a space, or a line break when the arguments
    start on their own line (so that ``f`` gets a line of its own, without the comment)."""
    before = call.whitespace_before_args
    if isinstance(before, cst.ParenthesizedWhitespace):
        return before.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
    return cst.SimpleWhitespace(" ")


class BlockingWithCheck(BlockingCallCheck):
    """Also reports a sync ``with obj:`` inside a coroutine when ``obj``'s type blocks on
    enter or exit (:data:`BLOCKING_WITH`): an executor waits for its jobs; a threading lock
    held across an ``await`` (:data:`WITH_ACROSS_AWAIT`) waits for its holder."""

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None:
            return
        function = self.scope.function
        if function is None or not function.is_async:
            return
        for item in node.items:
            receiver = built(item.item, self.scope, self.context.index)
            found = blocking_with(receiver) if receiver is not None else None
            if found is None or found[0] != self.CODE:
                continue
            if found[1] in WITH_ACROSS_AWAIT and not suspends(node.body):
                continue
            self.report(item.item, variant=found[1], obj=self.context.code(item.item), function=function.function_name)
