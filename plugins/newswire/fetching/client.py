"""Polite HTTP for the wires: one pooled session, retries with backoff, robots.txt, a rate limit.

Retries are urllib3's own machinery (exponential backoff with jitter on connection errors,
429 and 5xx, honouring ``Retry-After`` up to a cap), not a home-made loop; the one thing
urllib3 cannot retry, a body cut off mid-read, is fetched once more. Redirects are followed
by hand so that every hop is checked against the allow-list
(:mod:`newswire.fetching.allowlist`) and sent to the address that was checked, within a
wall-clock deadline (:mod:`newswire.fetching.transport`). robots.txt is read with Protego
(RFC 9309, wildcards included). Every failure that survives comes out as a
:class:`FetchError` with a short reason, so the caller can record it and go on. One client
may be shared by worker threads: each thread has its own session, the rate limit and
robots.txt are shared. :func:`post` sends what the project sends out (a webhook's alert)
on the same terms: the checked address, the same deadline.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

import requests
from protego import Protego
from requests import PreparedRequest, Response
from urllib3.util import Url

from newswire import settings
from newswire.fetching.allowlist import AllowList, HostNotAllowed, Target, is_loopback, parse
from newswire.fetching.transport import (
    DeadlineExceeded,
    Exchange,
    GuardedAdapter,
    GuardedRetry,
    RetryAfterTooLong,
)

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
MAX_BYTES = 10 * 1024 * 1024
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 2.5: parse at least 500 KiB, ignore the rest
ROBOTS_MAX_AGE = 24 * 3600.0  # RFC 9309 2.4: a cached robots.txt is never older than 24 h
ROBOTS_FAILURE_AGE = 300.0  # an unreachable robots.txt is asked for again after 5 minutes
DISALLOW_ALL = "User-agent: *\nDisallow: /\n"
MAX_REDIRECTS = 5
POLITE_RPS = 1.0  # default request rate per host for real sites
log = logging.getLogger(__name__)
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)


class FetchError(Exception):
    """A page that could not be fetched; ``reason`` is a short code for the rejects table.
    ``url`` is where the answer came from when that is known (after redirects)."""

    def __init__(
        self, reason: str, detail: str = "", status: int | None = None, url: str | None = None
    ):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.status = status
        self.url = url


@dataclass
class Page:
    url: str  # the URL finally fetched (after redirects)
    status: int
    content: bytes
    content_type: str
    fetched_at: datetime
    headers: dict = field(default_factory=dict)

    @property
    def charset(self) -> str | None:
        return charset_from_content_type(self.content_type)


def charset_from_content_type(content_type: str | None) -> str | None:
    """The charset a server declared, if any (requests' ISO-8859-1 guess is not one)."""
    match = _CHARSET.search(content_type or "")
    return match[1] if match else None


def _origin(parts: Url) -> str:
    return f"{parts.scheme}://{parts.netloc}"


def _os_error(exc: BaseException) -> str:
    """What the system said about a failed connection ("[Errno 111] Connection refused"),
    found under requests' and urllib3's wrappers; their own text when there is no such cause.
    A reject or an error line gets the reason, not the library's internals."""
    seen = {id(exc)}
    while not isinstance(exc, OSError) or isinstance(exc, requests.RequestException):
        wrapped = getattr(exc, "reason", None)  # urllib3's MaxRetryError
        inner = next(
            (
                e
                for e in (wrapped, exc.__cause__, exc.__context__, *exc.args[:1])
                if isinstance(e, BaseException) and id(e) not in seen
            ),
            None,
        )
        if inner is None:
            return str(exc)
        seen.add(id(inner))
        exc = inner
    return str(exc)


def _in_time(exchange: Exchange) -> None:
    if exchange.expired:
        raise FetchError("deadline_exceeded", f"no full answer within {exchange.deadline:g} s")


@dataclass(frozen=True)
class Robots:
    """The robots.txt rules of an origin; ``unreachable`` says why everything is disallowed
    when robots.txt could not be read."""

    rules: Protego
    unreachable: str | None = None

    @classmethod
    def unreachable_at(cls, why: str) -> Robots:
        log.info("%s: everything disallowed", why)
        return cls(Protego.parse(DISALLOW_ALL), f"{why}: everything disallowed")


class RobotsCache:
    """robots.txt per origin, read by ``read(origin)`` and kept ROBOTS_MAX_AGE seconds (an
    unreachable one ROBOTS_FAILURE_AGE), so a client that lives for days, as the feed
    watcher's does, obeys a Disallow added since, and one failure does not stop it for
    good. Shared by threads; ``clock`` is ``time.monotonic``."""

    def __init__(self, read: Callable[[str], Robots], clock: Callable[[], float] = time.monotonic):
        self.read, self.clock = read, clock
        self._kept: dict[str, tuple[Robots, float]] = {}  # origin: rules, when they expire
        self._lock = threading.Lock()

    def of(self, origin: str) -> Robots:
        with self._lock:
            robots, expires = self._kept.get(origin, (None, 0.0))
        if robots is None or self.clock() >= expires:
            robots = self.read(origin)
            age = ROBOTS_FAILURE_AGE if robots.unreachable else ROBOTS_MAX_AGE
            with self._lock:
                self._kept[origin] = (robots, self.clock() + age)
        return robots


class PoliteClient:
    """An HTTP client for one source site.

    ``max_rps`` caps requests per second per host (default: polite for real sites, no limit
    for a loopback sample site). robots.txt is obeyed, read again when its copy is a day old
    (:class:`RobotsCache`). ``deadline`` bounds each request's wall-clock time (connect,
    headers and body; default ``NEWSWIRE_REQUEST_DEADLINE``) and ``max_retry_after`` the
    wait a server may ask for (default ``NEWSWIRE_MAX_RETRY_AFTER``): a page that needs
    more is a reject, retried by the next run.
    """

    def __init__(
        self,
        base_url: str,
        max_rps: float | None = None,
        retries: int = 4,
        backoff_factor: float = 0.5,
        allowed_hosts: tuple[str, ...] = (),
        deadline: float | None = None,
        max_retry_after: float | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        try:
            self.allow = AllowList(self.base_url, allowed_hosts)
        except HostNotAllowed as exc:  # e.g. `newswire parse` of a URL that hides its host
            raise FetchError(exc.reason, exc.detail) from None
        if max_rps is None:
            max_rps = 0 if is_loopback(self.base_url) else POLITE_RPS
        self.min_interval = 1.0 / max_rps if max_rps else 0.0
        self.deadline = deadline or settings.request_deadline()
        self.user_agent = settings.user_agent()
        self._retry = GuardedRetry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            redirect=0,
            backoff_factor=backoff_factor,
            backoff_jitter=backoff_factor,
            backoff_max=60,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=True,
            raise_on_status=False,
            max_retry_after=max_retry_after or settings.max_retry_after(),
        )
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self.robots = RobotsCache(self._robots_txt)
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()

    @property
    def session(self) -> requests.Session:
        """This thread's pooled session (requests does not promise thread safety)."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = guarded_session(self._retry)
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(
        self, url: str, expect: tuple[str, ...] = ("html",), headers: dict | None = None
    ) -> Page:
        """GET ``url`` politely; raise :class:`FetchError` unless it answers 2xx (or 304)
        with one of the ``expect``-ed content types and no more than MAX_BYTES."""
        origin = _origin(self._check(url))  # first: no request to a foreign host
        robots = self.robots.of(origin)
        if not robots.rules.can_fetch(url, self.user_agent):
            if robots.unreachable:
                raise FetchError("robots_unreachable", robots.unreachable)
            raise FetchError("robots_disallowed", url)

        def accept(response: requests.Response) -> None:
            if response.status_code >= 400:
                raise FetchError(
                    f"http_{response.status_code}",
                    response.reason or "",
                    response.status_code,
                    response.url,
                )
            content_type = response.headers.get("Content-Type", "")
            if response.status_code != 304 and not any(kind in content_type for kind in expect):
                raise FetchError(
                    "unexpected_content_type", content_type, response.status_code, response.url
                )

        response, content = self._fetch(url, headers, accept=accept)
        return self._page(response, content)

    def allowed_by_robots(self, url: str) -> bool:
        """Whether robots.txt lets us fetch ``url``; :class:`FetchError` for a URL that may
        not be requested at all (checked before robots.txt is asked for)."""
        return self.robots.of(_origin(self._check(url))).rules.can_fetch(url, self.user_agent)

    def _robots_txt(self, origin: str) -> Robots:
        """The rules of ``origin`` per RFC 9309: those of a 2xx answer (its first
        ROBOTS_MAX_BYTES, the parsing limit), none for a 4xx answer; a 5xx answer or any
        failure to read it (unreachable) disallows everything, and its pages are rejected
        as ``robots_unreachable`` until it is asked again."""
        try:
            response, content = self._fetch(
                f"{origin}/robots.txt", limit=ROBOTS_MAX_BYTES, truncate=True
            )
        except FetchError as exc:
            return Robots.unreachable_at(f"robots.txt of {origin} unreachable ({exc})")
        if response.status_code >= 500:
            return Robots.unreachable_at(f"robots.txt of {origin} answers {response}")
        text = "" if response.status_code >= 400 else content.decode("utf-8", "replace")
        return Robots(Protego.parse(text))

    # -- plumbing -------------------------------------------------------------------------
    def _check(self, url: str) -> Url:
        """``url`` parsed, once the allow-list accepts it."""
        try:
            self.allow.check(url)
            return parse(url)
        except HostNotAllowed as exc:
            raise FetchError(exc.reason, exc.detail) from None

    def _fetch(self, url: str, headers: dict | None = None, **read) -> tuple[Response, bytes]:
        try:
            return self._fetch_once(url, headers, **read)
        except FetchError as exc:
            if exc.reason != "truncated":
                raise
            return self._fetch_once(url, headers, **read)  # urllib3 cannot retry a cut body

    def _fetch_once(
        self,
        url: str,
        headers: dict | None,
        limit: int = MAX_BYTES,
        truncate: bool = False,
        accept: Callable[[Response], None] | None = None,
    ) -> tuple[Response, bytes]:
        """GET with retries; redirects followed by hand, each hop checked and sent to the
        checked address. ``accept`` may refuse a response before its body is read; a body
        over ``limit`` bytes is refused, or cut there with ``truncate``."""
        for _ in range(MAX_REDIRECTS + 1):
            prepared, target = _prepare(self.session, self.allow, "GET", url, headers)
            self._wait_for_slot(target.host)
            with Exchange(target, self.deadline) as exchange:
                response = _send(self.session, prepared, self.deadline)
                with response:
                    _in_time(exchange)  # headers cut short by the deadline may look whole
                    location = response.headers.get("Location")
                    if response.is_redirect and location:
                        url = urljoin(prepared.url, location)
                        continue
                    if accept:
                        accept(response)
                    content = self._read(response, exchange, limit, truncate)
                    _in_time(exchange)  # so may a body without Content-Length
                    return response, content
        raise FetchError("too_many_redirects", url)

    def _wait_for_slot(self, host: str) -> None:
        """Space requests to one host at least ``min_interval`` apart (thread-safe)."""
        if not self.min_interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + self.min_interval
        time.sleep(max(0.0, slot - now))

    @staticmethod
    def _read(response: Response, exchange: Exchange, limit: int, truncate: bool) -> bytes:
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(64 * 1024):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    if truncate:
                        return b"".join(chunks)[:limit]
                    raise FetchError("too_large", f"more than {limit} bytes", response.status_code)
        except requests.exceptions.RequestException as exc:
            _in_time(exchange)
            raise FetchError("truncated", str(exc), response.status_code) from None
        return b"".join(chunks)

    @staticmethod
    def _page(response: requests.Response, content: bytes) -> Page:
        return Page(
            url=response.url,
            status=response.status_code,
            content=content,
            content_type=response.headers.get("Content-Type", ""),
            fetched_at=datetime.now(UTC),
            headers={
                k: v
                for k, v in response.headers.items()
                if k.lower() in ("etag", "last-modified", "content-type", "date")
            },
        )


# -- every outgoing request: checked, sent to the checked address, within the deadline ------
def guarded_session(retry: GuardedRetry) -> requests.Session:
    """A session whose connections go only to the address an :class:`Exchange` names
    (:mod:`newswire.fetching.transport`), with ``retry`` as urllib3's retries."""
    session = requests.Session()
    # No proxy, .netrc or CA bundle from the environment: connections go to the checked
    # address and carry no credentials.
    session.trust_env = False
    session.headers["User-Agent"] = settings.user_agent()
    adapter = GuardedAdapter(max_retries=retry, pool_connections=4, pool_maxsize=8)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def post(
    url: str,
    body: bytes,
    headers: dict,
    allow: AllowList,
    deadline: float | None = None,
) -> int:
    """POST ``body`` to ``url`` once (no retry, no redirect followed) on the terms of every
    fetch: the address ``allow`` checked, and the wall-clock ``deadline`` (default
    ``NEWSWIRE_REQUEST_DEADLINE``) from connect to the answer's headers. Returns the
    answer's status; its body is never read. Raises :class:`FetchError`."""
    deadline = deadline or settings.request_deadline()
    with guarded_session(GuardedRetry(total=0, redirect=0, raise_on_status=False)) as session:
        prepared, target = _prepare(session, allow, "POST", url, headers, body)
        with Exchange(target, deadline) as exchange:
            with _send(session, prepared, deadline) as response:
                _in_time(exchange)  # headers cut short by the deadline may look whole
                return response.status_code


def _prepare(
    session: requests.Session,
    allow: AllowList,
    method: str,
    url: str,
    headers: dict | None,
    body: bytes | None = None,
) -> tuple[PreparedRequest, Target]:
    """The request as requests will send it, and the target checked for exactly that URL
    (read by urllib3's parser, which is what decides where to connect)."""
    try:
        parse(url)  # no backslash, userinfo, whitespace or control characters
        request = requests.Request(method, url, headers=headers, data=body)
        prepared = session.prepare_request(request)
        return prepared, allow.check(prepared.url)
    except HostNotAllowed as exc:
        raise FetchError(exc.reason, exc.detail) from None
    except requests.exceptions.RequestException as exc:
        raise FetchError("bad_url", str(exc)) from None


def _send(session: requests.Session, prepared: PreparedRequest, deadline: float) -> Response:
    try:
        return session.send(
            prepared,
            stream=True,
            allow_redirects=False,
            timeout=(min(CONNECT_TIMEOUT, deadline), READ_TIMEOUT),
        )
    except DeadlineExceeded as exc:
        raise FetchError("deadline_exceeded", str(exc)) from None
    except RetryAfterTooLong as exc:
        raise FetchError("retry_after_too_long", str(exc)) from None
    except HostNotAllowed as exc:
        raise FetchError(exc.reason, exc.detail) from None
    except requests.exceptions.RetryError as exc:
        raise FetchError("retries_exhausted", str(exc)) from None
    except requests.exceptions.Timeout as exc:
        raise FetchError("timeout", str(exc)) from None
    except requests.exceptions.ConnectionError as exc:
        raise FetchError("connection_error", _os_error(exc)) from None
    except requests.exceptions.RequestException as exc:
        raise FetchError("request_error", str(exc)) from None
