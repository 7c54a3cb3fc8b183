"""AIO207 blocking-sync-client: constructing a synchronous network or database client (netmiko,
scrapli, psycopg2, pymysql, sqlite3, redis, pymongo, smtplib, ftplib, paramiko) inside a
coroutine; the message names the asyncio replacement from the blocking table.

Connecting and every later command of such a client wait for the server on the event loop's
only thread; catching the constructor flags the client once instead of each of its calls."""

from asynclint.checks._blocking import BlockingCallCheck


class BlockingSyncClient(BlockingCallCheck):
    CODE = "AIO207"
    OFFLOAD = True
