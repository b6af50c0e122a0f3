"""Polite HTTP for the wires: one pooled session, retries with backoff, robots.txt, a rate limit.

Retries are urllib3's own machinery (exponential backoff with jitter on connection errors,
429 and 5xx, honouring ``Retry-After``), not a home-made loop; the one thing urllib3 cannot
retry, a body cut off mid-read, is fetched once more. Redirects are followed by hand so
that every hop is checked against the allow-list (:mod:`newswire.fetching.allowlist`). Every failure
that survives comes out as a :class:`FetchError` with a short reason, so the caller can
record it and go on. One client may be shared by worker threads: each thread has its own
session, the rate limit and robots.txt are shared.
"""

from __future__ import annotations

import ipaddress
import re
import threading
import time
import urllib.robotparser
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from newswire import settings
from newswire.fetching.allowlist import AllowList, HostNotAllowed

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
POLITE_RPS = 1.0  # default request rate per host for real sites
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


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class PoliteClient:
    """An HTTP client for one source site.

    ``max_rps`` caps requests per second per host (default: polite for real sites, no limit
    for a loopback sample site). robots.txt is read once per host and obeyed.
    """

    def __init__(
        self,
        base_url: str,
        max_rps: float | None = None,
        retries: int = 4,
        backoff_factor: float = 0.5,
        allowed_hosts: tuple[str, ...] = (),
    ):
        self.base_url = base_url.rstrip("/")
        if max_rps is None:
            max_rps = 0 if is_loopback(self.base_url) else POLITE_RPS
        self.min_interval = 1.0 / max_rps if max_rps else 0.0
        self.allow = AllowList(self.base_url, allowed_hosts)
        self.user_agent = settings.user_agent()
        self._retry = Retry(
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
        )
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()
        self.requests_made = 0

    @property
    def session(self) -> requests.Session:
        """This thread's pooled session (requests does not promise thread safety)."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = self.user_agent
            adapter = HTTPAdapter(max_retries=self._retry, pool_connections=4, pool_maxsize=8)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
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
        try:
            return self._get(url, expect, headers)
        except FetchError as exc:
            if exc.reason != "truncated":
                raise
            return self._get(url, expect, headers)  # urllib3 cannot retry a cut-off body

    def _get(self, url: str, expect: tuple[str, ...], headers: dict | None) -> Page:
        try:
            self.allow.check(url)  # before robots.txt: a foreign host gets no request at all
        except HostNotAllowed as exc:
            raise FetchError(exc.reason, exc.detail) from None
        if not self.allowed_by_robots(url):
            raise FetchError("robots_disallowed", url)
        response = self._request(url, headers)
        with response:
            if response.status_code == 304:
                return self._page(response, b"")
            if response.status_code >= 400:
                raise FetchError(
                    f"http_{response.status_code}",
                    response.reason or "",
                    response.status_code,
                    response.url,
                )
            content_type = response.headers.get("Content-Type", "")
            if not any(kind in content_type for kind in expect):
                raise FetchError(
                    "unexpected_content_type", content_type, response.status_code, response.url
                )
            return self._page(response, self._read_capped(response))

    def allowed_by_robots(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            robots = self._robots.get(origin)
        if robots is None:
            robots = urllib.robotparser.RobotFileParser()
            try:
                response = self._request(f"{origin}/robots.txt")
                with response:
                    text = response.text if response.status_code < 400 else ""
                    # RFC 9309: 4xx means no rules; 5xx means assume full disallow.
                    if response.status_code >= 500:
                        text = "User-agent: *\nDisallow: /\n"
            except FetchError:
                text = "User-agent: *\nDisallow: /\n"
            robots.parse(text.splitlines())
            with self._lock:
                self._robots[origin] = robots
        return robots.can_fetch(self.user_agent, url)

    # -- plumbing -------------------------------------------------------------------------
    def _request(self, url: str, headers: dict | None = None) -> requests.Response:
        """GET with retries; redirects followed by hand, each hop checked."""
        for _ in range(MAX_REDIRECTS + 1):
            try:
                self.allow.check(url)
            except HostNotAllowed as exc:
                raise FetchError(exc.reason, exc.detail) from None
            self._wait_for_slot(urlsplit(url).netloc)
            response = self._send(url, headers)
            location = response.headers.get("Location")
            if not (response.is_redirect and location):
                return response
            response.close()
            url = urljoin(url, location)
        raise FetchError("too_many_redirects", url)

    def _send(self, url: str, headers: dict | None) -> requests.Response:
        try:
            with self._lock:
                self.requests_made += 1
            return self.session.get(
                url,
                headers=headers,
                stream=True,
                allow_redirects=False,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            )
        except requests.exceptions.RetryError as exc:
            raise FetchError("retries_exhausted", str(exc)) from None
        except requests.exceptions.Timeout as exc:
            raise FetchError("timeout", str(exc)) from None
        except requests.exceptions.ConnectionError as exc:
            raise FetchError("connection_error", str(exc)) from None
        except requests.exceptions.RequestException as exc:
            raise FetchError("request_error", str(exc)) from None

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
    def _read_capped(response: requests.Response) -> bytes:
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise FetchError(
                        "too_large", f"more than {MAX_BYTES} bytes", response.status_code
                    )
                chunks.append(chunk)
        except requests.exceptions.RequestException as exc:
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
