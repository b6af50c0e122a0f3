"""Fault injection for the sample site: what a real wire does to a crawler, on demand.

Every fault is deterministic, so tests can assert exact outcomes. Faults pick releases by
their generation index ``i`` (``SampleRelease.index``): a fault set to ``every=N`` hits the
Nth, 2Nth, 3Nth ... release, i.e. those with ``(i + 1) % N == 0``. They apply to release
pages only (duplicate entries to the RSS feed and listing pages); robots.txt is touched only by
the robots bomb (see *Hostile faults*).

**Transient faults** fail the first request(s) on a release path, then the path is served
normally for good. Requests are counted per path: the query string is ignored, so the
tracking variants of a URL count together (another slug for the same id is another path).
Counts never reset, not even on ``advance()``. In the order of precedence:

- ``429``: ``burst`` answers ``429 Too Many Requests`` with ``Retry-After: <retry_after>``
  (whole seconds; with ``retry_after_date`` an HTTP-date at least that many seconds ahead).
- ``5xx``: one answer ``503`` (the 1st, 3rd ... release this fault hits) or ``500`` (the
  2nd, 4th ...), without ``Retry-After``.
- ``dropped``: one request gets no response at all; the connection is shut.
- ``truncated``: one ``200`` whose ``Content-Length`` is the full page's but which carries
  only its first half, then the connection is closed (an incomplete read for the client).
- ``slow``: one answer (the normal page) comes after ``slow_seconds`` of silence; a client
  with a shorter read timeout sees a timeout.

A release picked by several transient faults gets only the first of them, so **a client
that retries a release path ``burst`` times (once for the other faults) always ends with the
page**: :meth:`Faults.failing_requests` is the exact number of failing requests. A client
that retries less leaves the page failed until a later run pushes the count past the fault.

The site's ``request_counts`` get a key per fault answer (``429``, ``5xx``, ``dropped``,
``truncated``, ``slow``, and ``cp1252`` / ``no_charset`` per page served so); ``release``
counts only pages sent in full (slow ones included). ``retry_after_log`` holds
``(path, t_429, t_next)``: the ``time.monotonic()`` of each 429 and of the next request on
its path, to measure whether a client honoured ``Retry-After``.

**Charset faults** hold for every serve of the release (the page is simply made that way):
``cp1252`` serves the page in windows-1252 with ``Content-Type: text/html;
charset=windows-1252`` and ``<meta charset="windows-1252"/>``; ``no_charset`` serves the same
bytes as plain ``text/html`` with the meta charset removed, so no label exists anywhere.
Characters windows-1252 lacks (``Ł``, Japanese names, combining accents) are written as
numeric character references, or as ``\\uXXXX`` inside the JSON-LD script (where HTML
references are not decoded), so the decoded document equals the UTF-8 one.
``cp1252`` wins when both hit a release. An unlabelled page that is not valid UTF-8 must be
read as windows-1252 (what browsers do, per WHATWG): charset detection alone guesses
windows-1250 for most of these mostly-ASCII pages and garbles ``ñ``, ``ã``, ``è``.

**Duplicate entries**: the feed and each listing page list every third release
(``(i + 1) % 3 == 0``) a second time, at the end, under another URL of the same path:
tracking query strings, http/https, with or without ``www``, a regional mirror.

**Changing releases**: :meth:`Faults.revised` gives release ``i`` as served in epoch ``e``
(the site's :attr:`~newswire_sample_site.server.SampleSite.epoch`, bumped by ``advance()``):
from epoch 1 on, every ``changing_releases``-th release carries one extra sentence at the end
of its second paragraph naming the epoch; :meth:`Faults.expected_at` is its true record.
Feed and listings stay as they were: a client sees a correction only by fetching the page.

**Hostile faults** (issue 11, defects 5-8): what a client must survive without losing a worker,
memory or data; a client does so by rejecting the page (retried by its next run) or by
reading only what it needs. Each counts under its name in ``request_counts``:
``element_bomb`` and ``attribute_bomb`` describe a page also counted as ``release`` (like
``cp1252``), the others are answers of their own.

- ``robots_bomb``: ``/robots.txt`` is a gzip bomb: the rules, then ``ROBOTS_BOMB_MIB`` MiB of
  comment lines, sent as ``Content-Encoding: gzip`` in 1 MiB members (about 400 KiB on the
  wire). RFC 9309 asks a crawler to parse at least 500 KiB: the rules are on top.
- ``trickle``: the first request on the path gets the page one byte every
  ``trickle_interval`` seconds (hours for a whole page); later requests get it normally.
- ``huge_retry_after``: the first request on the path gets ``429`` with
  ``Retry-After: HUGE_RETRY_AFTER`` (about 11 days); later requests get the page.
- ``element_bomb``: every serve of the page carries ``ELEMENT_BOMB`` tiny paragraphs more
  (about 1.2 MB): more elements than a parser should build.
- ``attribute_bomb``: every serve of the page carries one paragraph of ``ATTRIBUTE_BOMB``
  attributes (about 0.9 MB): libxml2 compares each attribute with those before it.

A request answered by a transient fault above gets no hostile one (so a trickle or a huge
Retry-After hitting a release with a transient fault never shows), and hostile faults are not
in :meth:`Faults.failing_requests`: a bomb never serves the normal page.

**Pages to store** (issue 11, defects 1-3), which a warehouse must store without losing
another page:
``huge_every`` releases carry a table of about 5 MB (:class:`HugeRelease`: 6,000 rows of
distinct tokens, past PostgreSQL's 1 MB tsvector limit; it is part of the true record, and
such a release never changes); ``no_id_every`` releases have a relative canonical link (and
``og:url``) without the release id, so only the fetched URL names the release;
``nul_header_every`` releases answer with a NUL byte in their ``ETag`` header. Request
counts: ``huge``, ``no_id``, ``nul_header``.
"""

from __future__ import annotations

import argparse
import codecs
import functools
import gzip
import json
import math
import random
import re
import threading
import time
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from http import HTTPStatus

from newswire_sample_site.releases import CANONICAL_ORIGIN, Block, Run, SampleRelease
from newswire_sample_site.render import _card, rss_item

DUPLICATE_EVERY = 3
# Other URLs of one release: the path is kept (discovery re-roots links on its base URL);
# ``{origin}`` is the site itself (the base URL in the feed, nothing: a relative link, in listings).
_DUPLICATE_URLS = (
    "{origin}{path}?utm_source=rss&utm_medium=feed",
    CANONICAL_ORIGIN + "{path}?utm_campaign=newsroom&utm_content=wire",
    "http://prnewswire.com{path}",
    "https://prnewswire.com{path}?utm_source=twitter",
    "https://www.prnewswire.co.uk{path}?rss=1",  # a regional mirror
)
_UTF8_META = '<meta charset="utf-8"/>'
_JSON_LD = re.compile(r'(<script type="application/ld\+json">.*?</script>)', re.S)
_TRANSIENT = ("429", "5xx", "dropped", "truncated", "slow")  # priority order

# -- hostile faults (issue 11: 5-8) --------------------------------------------------------
ROBOTS_BOMB_MIB = 400  # decoded size of the robots bomb
HUGE_RETRY_AFTER = 999_999  # seconds
ELEMENT_BOMB = 150_000  # extra elements: a parser should refuse more than 100,000
ATTRIBUTE_BOMB = 100_000  # attributes of one element (0.9 MB): libxml2 takes 20 s over them
_HOSTILE = ("trickle", "huge_retry_after", "element_bomb", "attribute_bomb")  # priority order
_EVERY_SERVE = ("element_bomb", "attribute_bomb")  # the others hit a path's first request


@dataclass(frozen=True)
class Faults:
    """Which faults the sample site injects; all off by default (``0`` / ``False``)."""

    rate_limit_every: int = 0
    burst: int = 1  # consecutive 429 answers on a rate-limited path
    retry_after: int = 1  # seconds
    retry_after_date: bool = False  # Retry-After as an HTTP-date instead of seconds
    server_error_every: int = 0
    slow_every: int = 0
    slow_seconds: float = 2.0
    drop_every: int = 0
    truncate_every: int = 0
    cp1252_every: int = 0
    no_charset_every: int = 0
    duplicate_feed_entries: bool = False
    changing_releases: int = 0  # every Nth release changes at each epoch
    # -- hostile faults (issue 11: 5-8), see the module docstring
    robots_bomb: bool = False
    trickle_every: int = 0
    trickle_interval: float = 0.5  # seconds between two bytes of a trickled page
    huge_retry_after_every: int = 0
    element_bomb_every: int = 0
    attribute_bomb_every: int = 0
    # -- pages to store (issue 11: 1-3), see the module docstring
    huge_every: int = 0  # every Nth release carries a ~5 MB table
    no_id_every: int = 0  # every Nth release's canonical link is relative, without its id
    nul_header_every: int = 0  # every Nth release answers with a NUL byte in its ETag

    def __post_init__(self):
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise ValueError(f"{f.name} must not be negative")
        if self.burst < 1:
            raise ValueError("burst must be at least 1")

    @property
    def enabled(self) -> bool:
        return self != Faults()

    def describe(self) -> str:
        """The settings that differ from the defaults, for the CLI's start-up line."""
        changed = [
            f"{f.name}={getattr(self, f.name)}"
            for f in fields(self)
            if getattr(self, f.name) != f.default
        ]
        return ", ".join(changed) or "none"

    # -- which release gets what ------------------------------------------------------------
    def transient_fault(self, index: int) -> str | None:
        """The transient fault of release ``index`` (see the module docstring), or None."""
        every = (
            self.rate_limit_every,
            self.server_error_every,
            self.drop_every,
            self.truncate_every,
            self.slow_every,
        )
        return next((kind for kind, n in zip(_TRANSIENT, every) if _hits(n, index)), None)

    def failing_requests(self, index: int) -> int:
        """How many requests on the path of release ``index`` do not get the page in time
        (a slow answer counts, for a client with a shorter read timeout)."""
        kind = self.transient_fault(index)
        return 0 if kind is None else self.burst if kind == "429" else 1

    def charset_fault(self, index: int) -> str | None:
        if _hits(self.cp1252_every, index):
            return "cp1252"
        if _hits(self.no_charset_every, index):
            return "no_charset"
        return None

    def changes(self, index: int) -> bool:
        return _hits(self.changing_releases, index)

    # -- hostile faults (issue 11: 5-8) -----------------------------------------------------
    def hostile_fault(self, index: int) -> str | None:
        """The hostile fault of release ``index`` (``trickle``, ``huge_retry_after``: its
        first request; ``element_bomb``, ``attribute_bomb``: every serve), or None."""
        every = (
            self.trickle_every,
            self.huge_retry_after_every,
            self.element_bomb_every,
            self.attribute_bomb_every,
        )
        return next((kind for kind, n in zip(_HOSTILE, every) if _hits(n, index)), None)

    @staticmethod
    def huge_retry_after_response() -> tuple[int, dict[str, str], bytes]:
        status = HTTPStatus.TOO_MANY_REQUESTS
        body = f"<!DOCTYPE html><html><body><h1>{status.value} {status.phrase}</h1></body></html>"
        headers = {"Content-Type": "text/html; charset=utf-8", "Retry-After": str(HUGE_RETRY_AFTER)}
        return status, headers, body.encode()

    @staticmethod
    def add_element_bomb(html: str) -> str:
        return _insert_before(html, "</main>", "<p>.</p>" * ELEMENT_BOMB)

    @staticmethod
    def add_attribute_bomb(html: str) -> str:
        attributes = " ".join(f"a{n}" for n in range(ATTRIBUTE_BOMB))
        return _insert_before(html, "</main>", f"<p {attributes}>.</p>")

    # -- pages to store (issue 11: 1-3) --------------------------------------------------
    def stored_faults(self, index: int) -> tuple[str, ...]:
        """The pages-to-store faults of release ``index``: ``huge``, ``no_id``, ``nul_header``."""
        every = (self.huge_every, self.no_id_every, self.nul_header_every)
        return tuple(k for k, n in zip(("huge", "no_id", "nul_header"), every) if _hits(n, index))

    # -- what is served ---------------------------------------------------------------------
    def revised(self, rel: SampleRelease, epoch: int) -> SampleRelease:
        """Release ``rel`` as the site serves it in ``epoch``."""
        if "huge" in self.stored_faults(rel.index):  # never revised
            return HugeRelease(**{f.name: getattr(rel, f.name) for f in fields(SampleRelease)})
        if epoch == 0 or not self.changes(rel.index):
            return rel
        copied = {f.name: getattr(rel, f.name) for f in fields(SampleRelease)}
        return RevisedRelease(**copied, epoch=epoch)

    def expected_at(self, rel: SampleRelease, epoch: int) -> dict:
        """The true record of ``rel`` as served in ``epoch``."""
        return self.revised(rel, epoch).expected

    def encode_page(self, html: str, index: int) -> tuple[bytes, str, str | None]:
        """(body, Content-Type, charset fault or None) of release ``index``'s page."""
        kind = self.charset_fault(index)
        if kind is None:
            return html.encode("utf-8"), "text/html; charset=utf-8", None
        if _UTF8_META not in html:
            raise ValueError("the page template lost its meta charset")
        if kind == "cp1252":
            html = html.replace(_UTF8_META, '<meta charset="windows-1252"/>', 1)
            return encode_cp1252(html), "text/html; charset=windows-1252", kind
        return encode_cp1252(html.replace(_UTF8_META, "", 1)), "text/html", kind

    def error_response(self, kind: str, index: int) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) of a ``"429"`` or ``"5xx"`` answer."""
        if kind == "429":
            status, headers = HTTPStatus.TOO_MANY_REQUESTS, {"Retry-After": self._retry_after()}
        else:
            nth_hit = (index + 1) // self.server_error_every
            status = (
                HTTPStatus.SERVICE_UNAVAILABLE if nth_hit % 2 else HTTPStatus.INTERNAL_SERVER_ERROR
            )
            headers = {}
        body = f"<!DOCTYPE html><html><body><h1>{status.value} {status.phrase}</h1></body></html>"
        return status, {"Content-Type": "text/html; charset=utf-8", **headers}, body.encode()

    def _retry_after(self) -> str:
        if not self.retry_after_date:
            return str(self.retry_after)
        # HTTP-dates have whole seconds: round up so the wait is never shorter than asked.
        when = math.ceil(time.time()) + self.retry_after
        return format_datetime(datetime.fromtimestamp(when, UTC), usegmt=True)

    # -- duplicate entries ------------------------------------------------------------------
    def add_duplicate_items(self, rss: str, releases: list[SampleRelease], base_url: str) -> str:
        """The feed with a second ``<item>`` for each duplicated release, before ``</channel>``."""
        if not self.duplicate_feed_entries:
            return rss
        items = "".join(rss_item(rel, link) for rel, link in _duplicates(releases, base_url))
        return _insert_before(rss, "\n  </channel>", items)

    def add_duplicate_cards(self, listing: str, shown: list[SampleRelease]) -> str:
        """The listing page with a second card for each duplicated release it shows."""
        if not self.duplicate_feed_entries:
            return listing
        cards = "".join(
            _card(rel).replace(f'href="{escape(rel.path)}"', f'href="{escape(link)}"', 1)
            for rel, link in _duplicates(shown, "")
        )
        return _insert_before(listing, '\n    </div>\n    <nav aria-label="pagination">', cards)


# The mix behind ``--faults all``: primes, so few releases are hit by two faults.
ALL = Faults(
    rate_limit_every=23,
    burst=2,
    retry_after=1,
    server_error_every=29,
    slow_every=41,
    slow_seconds=0.5,
    drop_every=31,
    truncate_every=37,
    cp1252_every=11,
    no_charset_every=13,
    duplicate_feed_entries=True,
    changing_releases=17,
    # -- hostile faults (issue 11: 5-8)
    robots_bomb=True,
    trickle_every=43,
    huge_retry_after_every=47,
    element_bomb_every=53,
    attribute_bomb_every=59,
    # -- pages to store (issue 11: 1-3)
    huge_every=97,
    no_id_every=19,
    nul_header_every=41,
)


@dataclass(frozen=True)
class RevisedRelease(SampleRelease):
    """A release as corrected in ``epoch``: one sentence added to its second paragraph."""

    epoch: int = 0

    @property
    def blocks(self) -> tuple[Block, ...]:
        first, second, *rest = super().blocks
        note = Run(
            "text",
            f" Updated in revision {self.epoch}: an earlier version of this "
            "release gave an incomplete list of markets.",
        )
        return (first, Block("p", (*second.content, note)), *rest)


# -- pages to store (issue 11: 1-3) -----------------------------------------------------------
HUGE_ROWS = 6_000  # rows of the huge table: about 4.8 MB of page, 2.2 MB of distinct tokens


@dataclass(frozen=True)
class HugeRelease(SampleRelease):
    """A release with a long filing's table at the end of its body."""

    @property
    def blocks(self) -> tuple[Block, ...]:
        rng = random.Random(f"{self.seed}:{self.index}:huge")
        rows = tuple(
            tuple(" ".join(f"k{rng.getrandbits(40):010x}" for _ in range(6)) for _ in range(5))
            for _ in range(HUGE_ROWS)
        )
        return (*super().blocks, Block("table", (("Item", "A", "B", "C", "D"), *rows)))


def strip_release_id(html: str, rel: SampleRelease) -> str:
    """The page with its canonical link and ``og:url`` relative and without the id."""
    id_less = rel.path.replace(f"-{rel.release_id}", "")
    for attribute in ("href", "content"):
        html = html.replace(f'{attribute}="{rel.url}"', f'{attribute}="{id_less}"')
    return html


def nul_etag(rel: SampleRelease) -> dict[str, str]:
    return {"ETag": f'"{rel.release_id}\x00"'}


class FaultState:
    """The per-path request counts that decide transient faults, and the 429 timing log
    (``retry_after_log``, see the module docstring)."""

    def __init__(self, faults: Faults):
        self.faults = faults
        self.retry_after_log: list[tuple[str, float, float]] = []
        self._requests: dict[str, int] = {}
        self._last_429: dict[str, float] = {}
        self._lock = threading.Lock()

    def next_fault(self, path: str, index: int) -> str | None:
        """Count a request on ``path`` (release ``index``): the transient fault to answer
        it with, or None for the normal page."""
        now = time.monotonic()
        with self._lock:
            n = self._requests[path] = self._requests.get(path, 0) + 1
            if path in self._last_429:
                self.retry_after_log.append((path, self._last_429.pop(path), now))
            kind = self.faults.transient_fault(index)
            if kind is None or n > self.faults.failing_requests(index):
                return None
            if kind == "429":
                self._last_429[path] = now
            return kind

    def hostile_fault(self, path: str, index: int) -> str | None:
        """The hostile fault to answer this request on ``path`` with (the request was
        counted by :meth:`next_fault`), or None."""
        kind = self.faults.hostile_fault(index)
        with self._lock:
            first = self._requests.get(path) == 1
        return kind if first or kind in _EVERY_SERVE else None


@functools.cache
def robots_bomb(robots: str) -> bytes:
    """``robots`` gzipped, then ROBOTS_BOMB_MIB MiB of comment lines as 1 MiB gzip members
    (a gzip stream may hold several members: each is about 1 KiB)."""
    padding = gzip.compress(b"#" * (1024 * 1024 - 1) + b"\n", 9)
    return gzip.compress(robots.encode("utf-8")) + padding * ROBOTS_BOMB_MIB


def encode_cp1252(html: str) -> bytes:
    """``html`` in windows-1252; characters it lacks become ``&#N;``, or JSON ``\\uXXXX``
    escapes inside JSON-LD scripts, so a decoder that knows the charset gets the same page."""
    parts = _JSON_LD.split(html)  # odd parts are the JSON-LD scripts
    return b"".join(
        part.encode("cp1252", "sample-site-json" if n % 2 else "xmlcharrefreplace")
        for n, part in enumerate(parts)
    )


def _json_escape(error: UnicodeEncodeError) -> tuple[str, int]:
    unencodable = error.object[error.start : error.end]
    return json.dumps(unencodable)[1:-1], error.end


codecs.register_error("sample-site-json", _json_escape)


def _hits(every: int, index: int) -> bool:
    return every > 0 and (index + 1) % every == 0


def _duplicates(releases: list[SampleRelease], origin: str) -> list[tuple[SampleRelease, str]]:
    """(release, other URL) for the duplicated ones among ``releases``."""
    return [
        (
            rel,
            _DUPLICATE_URLS[(rel.index // DUPLICATE_EVERY) % len(_DUPLICATE_URLS)].format(
                origin=origin, path=rel.path
            ),
        )
        for rel in releases
        if _hits(DUPLICATE_EVERY, rel.index)
    ]


def _insert_before(text: str, marker: str, insert: str) -> str:
    if marker not in text:
        raise ValueError(f"template changed: {marker!r} not found")
    head, tail = text.rsplit(marker, 1)
    return head + insert + marker + tail


# -- command line -------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The fault options of ``newswire sample-site`` (individual flags override ``--faults``)."""
    group = parser.add_argument_group("fault injection (release pages only; default: none)")
    group.add_argument(
        "--faults",
        choices=("none", "all"),
        default="none",
        help=f"'all' switches on a mix: {ALL.describe()}",
    )
    for flag, kind, metavar, help_text in (
        ("--rate-limit-every", int, "N", "429 for every Nth release"),
        ("--burst", int, "N", "consecutive 429s per rate-limited release"),
        ("--retry-after", int, "S", "Retry-After seconds on 429"),
        ("--server-error-every", int, "N", "one 503/500 for every Nth release"),
        ("--slow-every", int, "N", "one slow answer for every Nth release"),
        ("--slow-seconds", float, "S", "delay of a slow answer"),
        ("--drop-every", int, "N", "one dropped connection for every Nth release"),
        ("--truncate-every", int, "N", "one truncated page for every Nth release"),
        ("--cp1252-every", int, "N", "every Nth release served in windows-1252 (labelled)"),
        ("--no-charset-every", int, "N", "every Nth release in windows-1252, unlabelled"),
        # pages to store (issue 11: 1-3)
        ("--huge-every", int, "N", "every Nth release carries a ~5 MB table"),
        ("--no-id-every", int, "N", "every Nth release's canonical link has no id"),
        ("--nul-header-every", int, "N", "every Nth release has a NUL byte in its ETag"),
    ):
        group.add_argument(flag, type=kind, metavar=metavar, help=help_text)
    group.add_argument(
        "--retry-after-date",
        action="store_true",
        default=None,
        help="send Retry-After as an HTTP-date",
    )
    group.add_argument(
        "--duplicate-feed-entries",
        action="store_true",
        default=None,
        help="list some releases twice in feed and listings, with tracking URLs",
    )
    group.add_argument(
        "--changing-releases",
        type=int,
        nargs="?",
        const=ALL.changing_releases,
        metavar="N",
        help="every Nth release changes when the epoch advances (SIGUSR1)",
    )
    # -- hostile faults (issue 11: 5-8)
    group.add_argument(
        "--robots-bomb",
        action="store_true",
        default=None,
        help=f"robots.txt as a gzip bomb ({ROBOTS_BOMB_MIB} MiB of comments after the rules)",
    )
    for flag, kind, metavar, help_text in (
        ("--trickle-every", int, "N", "every Nth release trickles its first answer"),
        ("--trickle-interval", float, "S", "seconds between two trickled bytes"),
        (
            "--huge-retry-after-every",
            int,
            "N",
            f"first answer 429 with Retry-After: {HUGE_RETRY_AFTER} for every Nth release",
        ),
        (
            "--element-bomb-every",
            int,
            "N",
            f"every Nth release page carries {ELEMENT_BOMB} extra elements",
        ),
        (
            "--attribute-bomb-every",
            int,
            "N",
            f"every Nth release page carries an element of {ATTRIBUTE_BOMB} attributes",
        ),
    ):
        group.add_argument(flag, type=kind, metavar=metavar, help=help_text)


def faults_from_args(args: argparse.Namespace) -> Faults:
    base = ALL if args.faults == "all" else Faults()
    given = {
        f.name: getattr(args, f.name)
        for f in fields(Faults)
        if getattr(args, f.name, None) is not None
    }
    return replace(base, **given)
