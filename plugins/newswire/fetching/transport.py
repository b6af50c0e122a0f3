"""How a checked request goes on the wire: to the checked address, within a deadline.

:class:`GuardedAdapter` is a requests adapter whose urllib3 connections never resolve a
host themselves: they connect to the address the allow-list checked
(:class:`~newswire.fetching.allowlist.Target`) and still speak HTTP and TLS (Host header,
SNI, certificate check) as the host name. A connection may only be opened inside an
:class:`Exchange`, which names that target.

An :class:`Exchange` also bounds wall-clock time. Socket timeouts bound each read, not a
response: a server that sends one byte every few seconds never trips them. When an
exchange's deadline passes, the sockets it uses are shut down, which ends the blocking
read at once, and :class:`GuardedRetry` does not retry it. Each attempt of urllib3's
retries gets the full deadline; the waits between attempts do not count, but a
``Retry-After`` longer than the cap refuses the page instead of holding a worker for hours.
"""

from __future__ import annotations

import socket
import threading

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.retry import Retry

from newswire.fetching.allowlist import HostNotAllowed, Target

_local = threading.local()


class DeadlineExceeded(Exception):
    """An exchange ran past its deadline (not a urllib3 error: nothing retries it)."""


class RetryAfterTooLong(Exception):
    """The server asked to come back later than the client will wait."""


class Exchange:
    """One request in this thread (urllib3's retries included): the target its connections
    go to and its deadline. Use as a context manager around sending and reading the body."""

    def __init__(self, target: Target, deadline: float):
        self.target = target
        self.deadline = deadline
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> Exchange:
        _local.exchange = self
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
        _local.exchange = None

    def start(self) -> None:
        """Start (or, after a wait between attempts, restart) the deadline."""
        self._timer = threading.Timer(self.deadline, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._sockets.clear()

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the deadline passes (at once if it has)."""
        with self._lock:
            if not self.expired:
                self._sockets.append(sock)
                return
        _shut_down(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut_down(sock)


def current() -> Exchange:
    exchange = getattr(_local, "exchange", None)
    if exchange is None:
        raise RuntimeError("a connection may only be opened inside an Exchange")
    return exchange


def _shut_down(sock: socket.socket) -> None:
    try:  # the plain socket's shutdown, also for a TLS socket: no TLS close_notify dance
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # closed already


class GuardedRetry(Retry):
    """urllib3's Retry, except that an exchange past its deadline is not retried, and a
    ``Retry-After`` longer than ``max_retry_after`` raises :class:`RetryAfterTooLong`
    (urllib3 would sleep up to six hours per attempt)."""

    def __init__(self, *args, max_retry_after: float = 120.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_retry_after = max_retry_after

    def new(self, **kwargs) -> GuardedRetry:
        return super().new(max_retry_after=self.max_retry_after, **kwargs)

    def increment(self, *args, **kwargs) -> GuardedRetry:
        if current().expired:
            raise DeadlineExceeded(f"no answer within {current().deadline:g} s")
        return super().increment(*args, **kwargs)

    def get_retry_after(self, response) -> float | None:
        seconds = super().get_retry_after(response)
        if seconds is not None and seconds > self.max_retry_after:
            raise RetryAfterTooLong(
                f"Retry-After: {response.headers.get('Retry-After')}, the cap is"
                f" {self.max_retry_after:g} s"
            )
        return seconds

    def sleep(self, response=None) -> None:
        exchange = current()
        exchange.stop()  # the wait between attempts does not count against the deadline
        super().sleep(response)
        exchange.start()


class _Guarded:
    """A urllib3 connection that connects only to the current exchange's checked address."""

    def _new_conn(self) -> socket.socket:
        exchange = current()
        target = exchange.target
        if (self.host, self.port) != (target.host, target.port):
            raise HostNotAllowed("host_not_allowed", f"{self.host}:{self.port} was not checked")
        name, self._dns_host = self._dns_host, str(target.address)  # the one urllib3 resolves
        try:
            sock = super()._new_conn()
        finally:
            self._dns_host = name
        exchange.watch(sock)
        return sock

    def request(self, *args, **kwargs):
        if self.sock is not None:  # a kept-alive connection, or a new TLS one
            current().watch(self.sock)
        return super().request(*args, **kwargs)


class _HTTPConnection(_Guarded, HTTPConnection):
    pass


class _HTTPSConnection(_Guarded, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose connections are :class:`_Guarded` (see the module doc)."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
