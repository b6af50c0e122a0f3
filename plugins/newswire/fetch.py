"""Polite HTTP for the wires: one pooled session, retries with backoff, robots.txt, a rate limit.

Retries are urllib3's own machinery (exponential backoff with jitter on connection errors,
429 and 5xx, honouring ``Retry-After``), not a home-made loop. Every failure that survives
the retries comes out as a :class:`FetchError` with a short reason, so the caller can record
it and go on.
"""

from __future__ import annotations

import ipaddress
import re
import threading
import time
import urllib.robotparser
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from newswire import settings

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
MAX_BYTES = 10 * 1024 * 1024
POLITE_RPS = 1.0  # default request rate per host for real sites
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)


class FetchError(Exception):
    """A page that could not be fetched; ``reason`` is a short code for the rejects table."""

    def __init__(self, reason: str, detail: str = "", status: int | None = None):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.status = status


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

    def __init__(self, base_url: str, max_rps: float | None = None, retries: int = 4,
                 backoff_factor: float = 0.5):
        self.base_url = base_url.rstrip("/")
        if max_rps is None:
            max_rps = 0 if is_loopback(self.base_url) else POLITE_RPS
        self.min_interval = 1.0 / max_rps if max_rps else 0.0
        self.session = requests.Session()
        self.session.headers["User-Agent"] = settings.user_agent()
        retry = Retry(
            total=retries, connect=retries, read=retries, status=retries,
            backoff_factor=backoff_factor, backoff_jitter=backoff_factor, backoff_max=60,
            status_forcelist=(429, 500, 502, 503, 504), allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=True, raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=8)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()
        self.requests_made = 0

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(self, url: str, expect: tuple[str, ...] = ("html",), headers: dict | None = None) -> Page:
        """GET ``url`` politely; raise :class:`FetchError` unless it answers 2xx (or 304)
        with one of the ``expect``-ed content types and no more than MAX_BYTES."""
        if not self.allowed_by_robots(url):
            raise FetchError("robots_disallowed", url)
        response = self._request(url, headers)
        with response:
            if response.status_code == 304:
                return self._page(response, b"")
            if response.status_code >= 400:
                raise FetchError(f"http_{response.status_code}", response.reason or "",
                                 response.status_code)
            content_type = response.headers.get("Content-Type", "")
            if not any(kind in content_type for kind in expect):
                raise FetchError("unexpected_content_type", content_type, response.status_code)
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
        return robots.can_fetch(self.session.headers["User-Agent"], url)

    # -- plumbing -------------------------------------------------------------------------
    def _request(self, url: str, headers: dict | None = None) -> requests.Response:
        self._wait_for_slot(urlsplit(url).netloc)
        try:
            self.requests_made += 1
            return self.session.get(url, headers=headers, stream=True,
                                    timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
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
                    raise FetchError("too_large", f"more than {MAX_BYTES} bytes", response.status_code)
                chunks.append(chunk)
        except requests.exceptions.RequestException as exc:
            raise FetchError("truncated", str(exc), response.status_code) from None
        return b"".join(chunks)

    @staticmethod
    def _page(response: requests.Response, content: bytes) -> Page:
        return Page(
            url=response.url, status=response.status_code, content=content,
            content_type=response.headers.get("Content-Type", ""),
            fetched_at=datetime.now(timezone.utc),
            headers={k: v for k, v in response.headers.items()
                     if k.lower() in ("etag", "last-modified", "content-type")},
        )
