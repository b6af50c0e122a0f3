"""The sample site on loopback: ``http.server`` serving RSS, listing pages and release pages.

Pages are rendered on demand from the generated releases; only the RSS feed (small, and
needed for its ETag) is rendered once. Routing is :meth:`SampleSite.respond`, a function of
the path, the headers and (with faults on) the requests seen so far, so the handler thread
only does I/O. Faults (429s, 5xx, dropped or truncated answers, charsets, duplicate entries,
changing releases, and the hostile ones: a robots.txt bomb, trickled pages, a huge
Retry-After, element bombs) are described in :mod:`newswire_sample_site.faults`; they are off unless
asked for.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import random
import re
import signal
import socket
import sys
import threading
import time
from bisect import bisect_right
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

from newswire import wires
from newswire.record import content_sha256
from newswire_sample_site import faults as fault_options
from newswire_sample_site import render
from newswire_sample_site.blocking import Blocking
from newswire_sample_site.faults import Faults, FaultState
from newswire_sample_site.releases import (
    ET,
    WINDOW_DAYS,
    SampleRelease,
    corrected,
    correction_release,
    generate_releases,
    live_release,
)
from newswire_sample_site.render import (
    LISTING_PATH,
    RSS_PATH,
    newest_first,
    render_listing,
    render_news_sitemap,
    render_news_sitemap_index,
    render_release_page,
    render_robots,
    render_rss,
)

DEFAULT_PAGESIZE = 25
MAX_PAGESIZE = 100
_RELEASE_PATH = re.compile(r"^/news-releases/[^/]*-(\d{9})\.html$")
_NEWS_SITEMAP_PATH = re.compile(r"^/sitemap-news-(\d{1,2})\.xml$")
NEWS_SITEMAP_HOURS = 48  # a news sitemap lists the releases of the last two days
_HTML = "text/html; charset=utf-8"


def served_wires() -> tuple[str, ...]:
    """The wires the site can publish: those whose declaration names a renderer of it."""
    return tuple(wire.name for wire in wires.all() if wire.sample_renderer)


class Response(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes
    fault: str | None = None  # "dropped" / "truncated" / "slow": the handler acts on it


class SampleSite:
    """The sample wire on ``http://host:port``; a context manager that serves it from a
    daemon thread. ``port=0`` picks a free port (see :attr:`base_url`).

    ``faults`` switches on fault injection; ``epoch`` (bumped by :meth:`advance`) decides
    which version of a changing release is served.

    The site has a clock, :attr:`now` (set it; by default a minute after the newest
    release): it shows only what was published by then, answers with it as its ``Date``,
    and, like the real site, prints only the time on the cards of its Eastern today.
    ``days`` is the depth of its archive (the releases spread over that many days).

    ``wire`` is one of :func:`served_wires`, each published by the renderer its declaration
    names (:mod:`newswire.wires`): PR Newswire's (:mod:`newswire_sample_site.render`) with
    everything below, another's (``wire="globenewswire"``: :mod:`newswire_sample_site.globe`)
    as its feed, listing and release pages only, for multi-source runs (no faults).
    ``blocking`` puts the real site's bot management in front (:mod:`.blocking`);
    ``pubdate_variants`` writes the feed's dates in every shape feeds use; ``mirror``
    serves as a caching proxy or internal mirror does, each release page stating its own URL
    (canonical link, ``og:url``) on this site, not on the wire's.

    Live (:meth:`go_live`, ``--live-every 5-20``): the site publishes a new release at random
    intervals, dated the moment it went out, and corrects some earlier ones; each shows at
    once in the feed (new ETag and Last-Modified), the listing and the news sitemaps, and the
    site's clock moves with it. Release pages answer conditional GETs (ETag, Last-Modified:
    the release's publication or its last correction).

    ``state`` (a folder) makes the live site keep its promises across restarts: each
    publication and correction is written there (``live.jsonl``) before it is served, and a
    site started on the same folder serves them again as they were and publishes on after
    the highest id it served, never an id again with other content."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        count: int = 120,
        seed: int = 7,
        rss_size: int = 50,
        verbose: bool = False,
        faults: Faults | None = None,
        days: int = WINDOW_DAYS,
        now: datetime | None = None,
        wire: str = wires.DEFAULT_SOURCE,
        blocking: Blocking | None = None,
        pubdate_variants: bool = False,
        mirror: bool = False,
        state: Path | None = None,
    ):
        if wire not in served_wires():
            raise ValueError(f"unknown wire {wire!r}: one of {', '.join(served_wires())}")
        self.wire = wire
        self._declared = wires.get(wire)
        self._renderer = importlib.import_module(self._declared.sample_renderer)
        self.blocking = blocking or Blocking()
        self.pubdate_variants = pubdate_variants
        self.mirror = mirror
        self.seed = seed
        self.releases: list[SampleRelease] = generate_releases(count, seed, days)
        self.rss_size = rss_size
        self.verbose = verbose
        self.request_counts: dict[str, int] = defaultdict(int)
        self.faults = faults or Faults()
        self.epoch = 0
        self._fault_state = FaultState(self.faults)
        self._newest_first = newest_first(self.releases)
        self._times_ascending = [rel.published_utc for rel in reversed(self._newest_first)]
        self.now = now or (
            self._times_ascending[-1] + timedelta(minutes=1)
            if self.releases
            else datetime(2025, 11, 1, tzinfo=UTC)
        )
        self._feeds: dict[datetime, tuple[bytes, str, str]] = {}
        self._corrected_at: datetime | None = None  # the last live correction (Last-Modified)
        self._corrections: dict[str, datetime] = {}  # release id -> its last live correction
        self._live: list[SampleRelease] = []  # what go_live published, oldest first
        self._stop_live = threading.Event()
        self._by_id = {rel.release_id: rel for rel in self.releases}
        self._by_issuer: dict[str, list[SampleRelease]] = defaultdict(list)
        for rel in self._newest_first:
            self._by_issuer[rel.issuer.slug].append(rel)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._journal = _LiveJournal(state, seed=seed, count=count, wire=wire) if state else None
        if self._journal is not None:
            self._journal.replay(self)
        self._httpd = _Server((host, port), _Handler)
        self._httpd.site = self

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def retry_after_log(self) -> list[tuple[str, float, float]]:
        """``(path, t_429, t_next)``: each 429 answer and the next request on its path."""
        return self._fault_state.retry_after_log

    def advance(self) -> int:
        """Start the next epoch: changing releases are served in their next version."""
        with self._lock:
            self.epoch += 1
            return self.epoch

    def expected(self, rel: SampleRelease) -> dict:
        """The true record of ``rel`` as served now (differs from ``rel.expected`` only for
        a changing release after :meth:`advance`, and for an id-less page, whose URL is
        where it was fetched from)."""
        record = self.faults.expected_at(rel, self.epoch)
        if self.mirror or "no_id" in self.faults.stored_faults(rel.index):
            record = {**record, "url": "https" + self.base_url.removeprefix("http") + rel.path}
            record["content_sha256"] = content_sha256(record)
        return record

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> SampleSite:
        # A short poll interval keeps stop() quick (shutdown waits for the next poll).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="sample-site", daemon=True
        )
        self._thread.start()
        return self

    def stop_live(self) -> None:
        """Stop publishing (:meth:`go_live`); the site goes on serving."""
        self._stop_live.set()

    @property
    def live_releases(self) -> list[SampleRelease]:
        """What :meth:`publish` published, oldest first, as served now (corrections in)."""
        return list(self._live)

    def stop(self) -> None:
        self._stop_live.set()
        if self._thread:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (the CLI's Ctrl-C)."""
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()

    def __enter__(self) -> SampleSite:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- live publishing ------------------------------------------------------------------
    def publish(self, at: datetime | None = None) -> SampleRelease:
        """Publish a new release at ``at`` (default: now, to the second): it is the newest in
        the feed, the listing and the sitemaps from now on, and the clock moves to it."""
        at = at or datetime.now(UTC)
        return self._publish(lambda index, when: live_release(index, self.seed, when), at)

    def publish_correction(self, rel: SampleRelease, at: datetime | None = None) -> SampleRelease:
        """Correct ``rel`` with a release of its own, published at ``at`` (default: now): a
        new id titled "CORRECTION -- <title>" whose body says what changed and ends with the
        complete corrected release; ``rel`` stays as it was."""
        at = at or datetime.now(UTC)
        return self._publish(
            lambda index, when: correction_release(rel, index, when), at, corrects=rel.release_id
        )

    def _publish(self, make, at: datetime, corrects: str | None = None) -> SampleRelease:
        """The release ``make(index, time)`` made newest at ``at`` or the site's clock
        (``corrects``: the id of the release it is a correction of, for the journal)."""
        with self._lock:
            rel = make(len(self.releases), max(at, self.now))
            if self._journal is not None:  # written down before anyone can see it
                event = {"published": rel.index, "at": rel.published_utc}
                self._journal.write(event | ({"corrects": corrects} if corrects else {}))
            self.releases.append(rel)
            self._live.append(rel)
            self._by_id[rel.release_id] = rel
            self._by_issuer[rel.issuer.slug].insert(0, rel)
            # Readers take these without the lock: the list first, then the times, then
            # the clock, so a reader never counts a release it cannot find.
            self._newest_first = [rel, *self._newest_first]
            self._times_ascending = [*self._times_ascending, rel.published_utc]
            self.now = rel.published_utc
        return rel

    def correct(self, rel: SampleRelease, at: datetime | None = None) -> SampleRelease:
        """Re-issue ``rel`` with a correction (a ``CORRECTION --`` title, same id and time)."""
        fixed = corrected(rel)
        at = at or datetime.now(UTC)
        with self._lock:
            if self._journal is not None:
                self._journal.write({"corrected": rel.release_id, "at": at})

            def swapped(releases: list[SampleRelease]) -> list[SampleRelease]:
                return [
                    fixed if other.release_id == rel.release_id else other for other in releases
                ]

            self.releases[rel.index] = fixed
            self._live = swapped(self._live)
            self._by_id[rel.release_id] = fixed
            self._by_issuer[rel.issuer.slug] = swapped(self._by_issuer[rel.issuer.slug])
            self._newest_first = swapped(self._newest_first)
            self._corrected_at = self._corrections[rel.release_id] = at
            self._feeds.clear()
        return fixed

    def go_live(
        self,
        every: tuple[float, float],
        corrections: float = 0.2,
        on_change=None,
        correction_releases: float = 0.5,
    ) -> threading.Thread:
        """Publish a release every ``every`` = (min, max) seconds (drawn from a generator
        seeded with the site's seed) until :meth:`stop`; after a publication, with
        probability ``corrections``, correct one of the earlier live releases: in place (a
        new version, :meth:`correct`) or, with probability ``correction_releases``, by a
        release of its own (:meth:`publish_correction`). ``on_change(kind, release)`` is
        called with ``"published"``, ``"corrected"`` (in place) or ``"correction"`` (the
        new release)."""
        low, high = every
        if not 0 < low <= high:
            raise ValueError(f"live interval {low}-{high}: want 0 < min <= max seconds")
        rng = random.Random(f"{self.seed}:live")
        kinds = random.Random(f"{self.seed}:live-correction-kind")

        def loop() -> None:
            while not self._stop_live.wait(rng.uniform(low, high)):
                changes = [("published", self.publish())]
                done = {r.corrects.release_id for r in self._live if r.corrects is not None}
                earlier = [
                    r
                    for r in self._live[:-1]
                    if not r.title.startswith("CORRECTION") and r.release_id not in done
                ]
                if earlier and rng.random() < corrections:
                    chosen = rng.choice(earlier)
                    if kinds.random() < correction_releases:
                        changes.append(("correction", self.publish_correction(chosen)))
                    else:
                        changes.append(("corrected", self.correct(chosen)))
                for kind, rel in changes:
                    if on_change is not None:
                        on_change(kind, rel)

        thread = threading.Thread(target=loop, name="sample-site-live", daemon=True)
        thread.start()
        return thread

    # -- routing ----------------------------------------------------------------------------
    def respond(self, target: str, headers) -> Response:
        """The response to ``GET target`` (path and query) with request ``headers``."""
        parts = urlsplit(target)
        path = parts.path
        if path == "/robots.txt":
            if self.faults.robots_bomb:  # issue 11: 5
                self._count("robots_bomb")
                headers = {"Content-Type": "text/plain; charset=utf-8", "Content-Encoding": "gzip"}
                return Response(HTTPStatus.OK, headers, fault_options.robots_bomb(render_robots()))
            return self._ok("robots", render_robots(), "text/plain; charset=utf-8")
        blocked = self.blocking.answer(path, self._renderer.RSS_PATH, self._renderer.LISTING_PATH)
        if blocked is not None:
            kind, *answer = blocked
            self._count(kind)
            return Response(*answer)
        if self._renderer is not render:
            return self._pages_only(path, parse_qs(parts.query))
        if path == RSS_PATH:
            return self._rss(headers)
        if path == LISTING_PATH:
            return self._listing(parse_qs(parts.query))
        if path == "/sitemap-news.xml" or _NEWS_SITEMAP_PATH.match(path):
            return self._news_sitemap(path)
        match = _RELEASE_PATH.match(path)
        rel = self._by_id.get(match[1]) if match else None
        if rel is None or rel.published_utc > self.now:  # unknown, unpublished, not a release
            return self._not_found()
        # Like the real site, the id alone decides: a wrong or outdated slug still answers.
        also = list(islice((o for o in self._by_issuer[rel.issuer.slug] if o is not rel), 2))
        fault = self._fault_state.next_fault(path, rel.index)
        if fault in ("429", "5xx"):
            self._count(fault)
            return Response(*self.faults.error_response(fault, rel.index))
        # hostile faults (issue 11: 5-8), only where no transient fault answers
        hostile = None if fault else self._fault_state.hostile_fault(path, rel.index)
        if hostile == "huge_retry_after":
            self._count(hostile)
            return Response(*self.faults.huge_retry_after_response())
        page = render_release_page(self.faults.revised(rel, self.epoch), also)
        stored = self.faults.stored_faults(rel.index)  # pages to store (issue 11: 1-3)
        if self.mirror:  # as a caching proxy serves it: its own URL is on the mirror
            page = page.replace(rel.url, self.base_url + rel.path)
        if "no_id" in stored:
            page = fault_options.strip_release_id(page, rel)
        if hostile == "element_bomb":
            page = self.faults.add_element_bomb(page)
        if hostile == "attribute_bomb":
            page = self.faults.add_attribute_bomb(page)
        extra = fault_options.nul_etag(rel) if "nul_header" in stored else {}
        body, content_type, charset_fault = self.faults.encode_page(page, rel.index)
        for kind in (fault, charset_fault, hostile, *stored):
            if kind:
                self._count(kind)
        changed = max(rel.published_utc, self._corrections.get(rel.release_id, rel.published_utc))
        validators = {
            "ETag": '"' + hashlib.sha256(body).hexdigest()[:20] + '"',
            "Last-Modified": format_datetime(changed, usegmt=True),
        }
        if not fault and _not_modified(headers, *validators.values()):
            self._count("release")
            return Response(HTTPStatus.NOT_MODIFIED, validators, b"")
        if hostile == "trickle":  # the handler sends it a byte at a time: not served in full
            return Response(HTTPStatus.OK, {"Content-Type": content_type}, body, hostile)
        if fault in ("dropped", "truncated"):  # the handler breaks the answer: no page served
            return Response(HTTPStatus.OK, {"Content-Type": content_type}, body, fault)
        return self._ok("release", body, content_type, {**validators, **extra})._replace(
            fault=fault
        )

    def _pages_only(self, path: str, query: dict[str, list[str]]) -> Response:
        """A wire other than PR Newswire, by its renderer: its feed, listing (paged as its
        declaration says) and release pages (as its declaration's release URLs)."""
        renderer, listing = self._renderer, self._declared.listing
        if path == renderer.RSS_PATH:
            latest = self.published_by(self.now)[: self.rss_size]
            feed = renderer.render_rss(latest, self.base_url)
            return self._ok("rss", feed, "application/rss+xml; charset=utf-8")
        if path == renderer.LISTING_PATH:
            try:
                page = max(1, int(query.get(listing.page_param, ["1"])[0]))
                asked = int(query.get(listing.size_param, ["10"])[0])
            except ValueError:
                return self._not_found()
            shown = renderer.render_listing(
                self.published_by(self.now), page, min(MAX_PAGESIZE, max(1, asked))
            )
            return self._ok("listing", shown, _HTML)
        release_id = self._declared.release_id(path)
        rel = self._by_id.get(release_id) if release_id else None
        if rel is None or rel.published_utc > self.now:
            return self._not_found()
        return self._ok("release", renderer.render_release_page(rel), _HTML)

    def _news_sitemap(self, path: str) -> Response:
        """The index (one news sitemap per Eastern day of the last two days) or one of them."""
        recent = [
            rel
            for rel in self.published_by(self.now)
            if rel.published_utc > self.now - timedelta(hours=NEWS_SITEMAP_HOURS)
        ]
        days = sorted({rel.published.date() for rel in recent}, reverse=True)
        if path == "/sitemap-news.xml":
            body = render_news_sitemap_index(len(days), self.base_url)
            return self._ok("sitemap", body, "application/xml; charset=utf-8")
        n = int(_NEWS_SITEMAP_PATH.match(path)[1])
        if not 1 <= n <= len(days):
            return self._not_found()
        of_day = [rel for rel in recent if rel.published.date() == days[n - 1]]
        body = render_news_sitemap(of_day, self.base_url)
        return self._ok("sitemap", body, "application/xml; charset=utf-8")

    def published_by(self, at: datetime) -> list[SampleRelease]:
        """The releases published at or before ``at`` (and by :attr:`now`), newest first."""
        shown = bisect_right(self._times_ascending, min(at, self.now))
        return self._newest_first[len(self._newest_first) - shown :]

    def _rss(self, headers) -> Response:
        body, etag, last_modified = self._feed()
        validators = {"ETag": etag, "Last-Modified": last_modified}
        if _not_modified(headers, etag, last_modified):
            self._count("rss")
            return Response(HTTPStatus.NOT_MODIFIED, validators, b"")
        return self._ok("rss", body, "application/rss+xml; charset=utf-8", validators)

    def _feed(self) -> tuple[bytes, str, str]:
        """The feed body, its ETag and Last-Modified (the newest release's time); what the
        feed shows changes only with the clock (a changing release changes only in its
        page's body), so it is rendered once per clock setting."""
        now = self.now
        cached = self._feeds.get(now)
        if cached is None:
            latest = self.published_by(now)[: self.rss_size]
            feed = render_rss(latest, self.base_url, varied_dates=self.pubdate_variants)
            body = self.faults.add_duplicate_items(feed, latest, self.base_url).encode("utf-8")
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            changed = [latest[0].published_utc] if latest else []
            if self._corrected_at is not None:  # a live correction changed the feed then
                changed.append(min(self._corrected_at, now))
            last_modified = (
                format_datetime(max(changed), usegmt=True)
                if changed
                else "Tue, 01 Jan 2019 00:00:00 GMT"
            )
            cached = body, etag, last_modified
            with self._lock:
                self._feeds[now] = cached
        return cached

    def _listing(self, query: dict[str, list[str]]) -> Response:
        try:
            page = max(1, int(query.get("page", ["1"])[0]))
            pagesize = min(MAX_PAGESIZE, max(1, int(query.get("pagesize", [DEFAULT_PAGESIZE])[0])))
            at = _jump_point(query) or self.now
        except ValueError:
            self._count("bad_request")
            return Response(
                HTTPStatus.BAD_REQUEST,
                {"Content-Type": "text/plain; charset=utf-8"},
                b"page, pagesize, month, day, year and hour must be integers of a real time\n",
            )
        releases = self.published_by(at)
        today = self.now.astimezone(ET).date()
        html = render_listing(releases, page, pagesize, self.base_url, today)
        shown = releases[(page - 1) * pagesize : page * pagesize]
        return self._ok("listing", self.faults.add_duplicate_cards(html, shown), _HTML)

    def _ok(
        self, kind: str, body: str | bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> Response:
        self._count(kind)
        data = body.encode("utf-8") if isinstance(body, str) else body
        return Response(HTTPStatus.OK, {"Content-Type": content_type, **(extra or {})}, data)

    def _not_found(self) -> Response:
        self._count("not_found")
        return Response(
            HTTPStatus.NOT_FOUND,
            {"Content-Type": _HTML},
            b"<!DOCTYPE html><html><head><title>Page Not Found</title></head>"
            b"<body><h1>404: page not found</h1></body></html>",
        )

    def _count(self, kind: str) -> None:
        with self._lock:
            self.request_counts[kind] += 1


def _jump_point(query: dict[str, list[str]]) -> datetime | None:
    """``?month=M&day=D&year=Y&hour=H``: the view of the listing at the end of that Eastern
    hour (releases published by then, newest first); None without those parameters."""
    names = ("year", "month", "day", "hour")
    if not all(name in query for name in names):
        return None
    year, month, day, hour = (int(query[name][0]) for name in names)
    return datetime(year, month, day, hour, 59, 59, tzinfo=ET).astimezone(UTC)


class _LiveJournal:
    """The live site's publications and corrections, a JSON line each, in ``folder``/live.jsonl
    (its first line names the seed, archive size and wire they belong to)."""

    def __init__(self, folder: Path, **site):
        self.path = Path(folder) / "live.jsonl"
        self.site = site
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def replay(self, site: SampleSite) -> None:
        """Serve again what the site published and corrected before it was stopped."""
        lines = self.path.read_text(encoding="utf-8").splitlines() if self.path.exists() else []
        if not lines:
            self.write(self.site)
            return
        written = json.loads(lines[0])
        if written != self.site:
            raise ValueError(
                f"{self.path} belongs to a site with {written}, not {self.site}: start it"
                " with those options, or on another state folder"
            )
        journal, site._journal = site._journal, None  # replaying writes nothing
        for line in lines[1:]:
            event = json.loads(line)
            at = datetime.fromisoformat(event["at"])
            if "corrects" in event:  # a correction issued as a release of its own
                rel = site.publish_correction(site._by_id[event["corrects"]], at)
            elif "published" in event:
                rel = site.publish(at)
            else:
                site.correct(site._by_id[event["corrected"]], at)
                continue
            if rel.index != event["published"]:
                raise ValueError(f"{self.path}: publication {event} out of order")
        site._journal = journal

    def write(self, event: dict) -> None:
        line = json.dumps(event, default=lambda at: at.isoformat())
        with self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
            out.flush()
            os.fsync(out.fileno())


def _not_modified(headers, etag: str, last_modified: str) -> bool:
    """RFC 9110 conditional GET: If-None-Match decides when present, else If-Modified-Since."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if_modified_since = headers.get("If-Modified-Since")
    if not if_modified_since:
        return False
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: SampleSite

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up mid-response is normal for a crawler; stay quiet."""
        if self.site.verbose or not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a crawl reuses its connections
    disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs (~40 ms a page)

    def version_string(self) -> str:
        return "newswire-sample-site"

    def date_time_string(self, timestamp=None) -> str:
        """The ``Date`` header: the site's clock, not the machine's."""
        return format_datetime(self.server.site.now, usegmt=True)

    def do_GET(self) -> None:
        self._send(self.server.site.respond(self.path, self.headers), with_body=True)

    def do_HEAD(self) -> None:
        self._send(self.server.site.respond(self.path, self.headers), with_body=False)

    def _send(self, response: Response, with_body: bool) -> None:
        if response.fault == "dropped":  # hang up without a word
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if response.fault == "slow":
            time.sleep(self.server.site.faults.slow_seconds)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        body = response.body
        if response.fault == "truncated":  # half of what Content-Length promised, then close
            body = body[: len(body) // 2]
            self.close_connection = True
        if response.fault == "trickle" and with_body:  # until done or the client hangs up
            self.close_connection = True
            for n in range(len(body)):
                self.wfile.write(body[n : n + 1])
                self.wfile.flush()
                time.sleep(self.server.site.faults.trickle_interval)
            return
        if with_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        if self.server.site.verbose:
            super().log_message(format, *args)


# -- command line -------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``newswire sample-site`` options."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=0, help="port (default 0: a free port)")
    parser.add_argument("--count", type=int, default=120, help="number of releases (default 120)")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
    parser.add_argument(
        "--wire",
        choices=served_wires(),
        default=wires.DEFAULT_SOURCE,
        help=f"the wire's site (default {wires.DEFAULT_SOURCE})",
    )
    parser.add_argument(
        "--days", type=int, default=WINDOW_DAYS, help=f"archive depth (default {WINDOW_DAYS})"
    )
    parser.add_argument(
        "--now",
        type=_utc_time,
        help="the site's clock, ISO 8601, UTC unless it says (default: a minute after the"
        " newest release)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument(
        "--live-every",
        type=_seconds_range,
        metavar="MIN-MAX",
        help="publish a new release every MIN-MAX seconds (e.g. 5-20; random, from --seed),"
        " dated the moment it goes out",
    )
    parser.add_argument(
        "--live-corrections",
        type=float,
        default=0.2,
        metavar="P",
        help="with --live-every: after a publication, correct an earlier live release with"
        " probability P (default 0.2), half of them in place (a new version), half by a"
        " release of its own titled 'CORRECTION -- <title>'",
    )
    parser.add_argument(
        "--mirror",
        action="store_true",
        help="serve as a mirror does: release pages state their own URL (canonical link,"
        " og:url) on this site instead of the wire's",
    )
    parser.add_argument(
        "--state",
        type=Path,
        metavar="DIR",
        help="with --live-every: keep what the site published in DIR, so a restart on the"
        " same DIR serves it again and publishes on after the highest id it served",
    )
    fault_options.add_arguments(parser)


def _port(value: str) -> int:
    if not (value.isascii() and value.isdigit() and int(value) <= 65535):
        raise argparse.ArgumentTypeError(f"{value!r}: want a port from 0 (any free one) to 65535")
    return int(value)


def _seconds_range(value: str) -> tuple[float, float]:
    low, _, high = value.partition("-")
    try:
        every = float(low), float(high or low)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r}: want MIN-MAX seconds, e.g. 5-20") from None
    if not 0 < every[0] <= every[1]:
        raise argparse.ArgumentTypeError(f"{value!r}: want 0 < MIN <= MAX seconds")
    return every


def _utc_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def run_from_args(args: argparse.Namespace) -> int:
    return run(
        args.host,
        args.port,
        args.count,
        args.seed,
        verbose=args.verbose,
        faults=fault_options.faults_from_args(args),
        days=args.days,
        now=args.now,
        wire=args.wire,
        live_every=args.live_every,
        live_corrections=args.live_corrections,
        mirror=args.mirror,
        state=args.state,
    )


def run(
    host: str = "127.0.0.1",
    port: int = 0,
    count: int = 120,
    seed: int = 7,
    verbose: bool = False,
    faults: Faults | None = None,
    days: int = WINDOW_DAYS,
    now: datetime | None = None,
    wire: str = wires.DEFAULT_SOURCE,
    live_every: tuple[float, float] | None = None,
    live_corrections: float = 0.2,
    mirror: bool = False,
    state: Path | None = None,
) -> int:
    """Serve until Ctrl-C; the first stdout line carries the base URL (scripts grep it).
    With faults on, a second line lists them; SIGUSR1 advances the epoch. Live, a line per
    release published or corrected."""
    site = SampleSite(
        host,
        port,
        count,
        seed,
        verbose=verbose,
        faults=faults,
        days=days,
        now=now,
        wire=wire,
        mirror=mirror,
        state=state,
    )
    print(
        f"sample site serving {count} releases (seed {seed}) at {site.base_url} ; Ctrl-C stops",
        flush=True,
    )
    if site.faults.enabled:
        if hasattr(signal, "SIGUSR1"):  # not on Windows
            signal.signal(signal.SIGUSR1, lambda *_: print(f"epoch {site.advance()}", flush=True))
        print(
            f"faults: {site.faults.describe()} ; kill -USR1 {os.getpid()} advances the epoch",
            flush=True,
        )
    if live_every:
        low, high = live_every
        print(
            f"live: a new release every {low:g}-{high:g} s, {live_corrections:.0%} corrected",
            flush=True,
        )
        site.go_live(
            live_every,
            live_corrections,
            lambda kind, rel: print(
                f"{kind} {rel.release_id} at {rel.published_utc.isoformat()}: {rel.title}",
                flush=True,
            ),
        )
    try:
        site.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newswire sample-site", description=__doc__)
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
