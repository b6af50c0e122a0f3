"""Find release URLs on a wire: the feeds first (:mod:`.feeds`), then the listing pages
(:mod:`.listings`).

Two walks over the listing pages (newest first):

* incremental (no window): until a page brings nothing new (every release on it is already
  in the warehouse, listed as before), the limit is reached, or ``max_pages`` pages were
  read. A loaded release whose feed item or listing card changed (its title, link, time or
  guid: a correction) counts as new and is fetched again;
* a window (``since``/``until``, a backfill): from the listing jumped to ``until`` (the
  date-jump view) until the releases on a page are all older than ``since``; releases
  newer than ``until`` are passed over. A release whose time is unknown is kept: its page
  decides. Releases already loaded are fetched again: re-running a window picks up
  corrected releases (a new version) and changes nothing for the others.

A feed or listing page that cannot be read is a :class:`Problem`, named for what it is
(``blocked_by_site``: a 401/403 from bot protection; ``bot_challenge``: an HTML page where a
feed was expected; ``feed_moved``: a redirect to a page that is not there; ...). A failed
feed does not stop the listing; when the listing cannot be read, the source's news sitemap
(:mod:`.sitemaps`) gives the recent releases; a blocked listing without one fails the run
with :class:`SiteBlocked`.

Feeds are polled with conditional GET (``If-None-Match`` / ``If-Modified-Since``): a feed
that did not change costs one small 304 (the first listing page is still read, since an
earlier run may have stopped at its limit). URLs are deduplicated by (wire, release id) and
re-rooted on the configured site, so http/https, ``www``, tracking query strings and
regional mirrors of one release count once and never send a request elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Set
from dataclasses import dataclass
from datetime import datetime

from newswire.discovery.feeds import read_feed
from newswire.discovery.items import Discovered, Validators, same_site, seen
from newswire.discovery.listings import read_listing
from newswire.discovery.sitemaps import read_news_sitemaps
from newswire.fetching.client import FetchError, PoliteClient
from newswire.wires import Wire

__all__ = [
    "Discovered",
    "DiscoveryError",
    "KnownLookup",
    "Problem",
    "SiteBlocked",
    "Validators",
    "discover",
    "same_site",
]

WINDOW_MAX_PAGES = 1000  # a backfill walks as deep as its window needs

# Which of these candidates need no fetch: loaded already and listed as before (one query per
# page of candidates).
KnownLookup = Callable[[Collection[Discovered]], Set[str]]


BLOCKED = ("blocked_by_site", "bot_challenge")  # the site refuses us: the run must say so


class DiscoveryError(RuntimeError):
    """Discovery itself failed (feeds and listing unreachable): the run cannot go on.
    ``reason`` names why, as the run's rejects do."""

    reason = "discovery_failed"


class SiteBlocked(DiscoveryError):
    """The site refuses us (bot protection): the listing could not be read."""

    reason = "blocked_by_site"


@dataclass(frozen=True)
class Problem:
    """A feed or listing page discovery could not read, and why."""

    url: str
    reason: str
    detail: str
    status: int | None

    @classmethod
    def of(cls, url: str, exc: FetchError) -> Problem:
        if exc.status in (401, 403):
            reason = "blocked_by_site"
        elif exc.reason == "unexpected_content_type" and "html" in exc.detail:
            reason = "bot_challenge"
        elif exc.status in (404, 410) and exc.url not in (None, url):
            reason = "feed_moved"
        else:
            reason = exc.reason
        where = f" (answered by {exc.url})" if exc.url not in (None, url) else ""
        return cls(url, reason, f"{exc}{where}", exc.status)

    def __str__(self) -> str:
        return f"{self.reason}: {self.url}: {self.detail}"


def discover(
    client: PoliteClient,
    wire: Wire,
    *,
    limit: int | None = None,
    known: KnownLookup | Set[str] = frozenset(),
    max_pages: int = 10,
    feeds: tuple[str, ...] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    validators: Validators | None = None,
    problems: list[Problem] | None = None,
    listed: list[Discovered] | None = None,
) -> list[Discovered]:
    """New releases of ``wire`` on the client's site (the wire's own, or a mirror such as
    the sample site), newest first, at most ``limit``. ``feeds`` defaults to the wire's.

    ``known`` tells which candidates need no fetch (a lookup of the items, or a set of ids
    loaded already); an incremental walk skips them and stops where it meets only those.
    ``validators`` is updated in place with what the feeds answered, ``problems`` with what
    could not be read, ``listed`` with every feed item and card taken (a release's feed item
    and its card both, to record what each said).
    """
    windowed = since is not None or until is not None
    lookup = known if callable(known) else (lambda items: known & {i.release_id for i in items})
    found: dict[str, Discovered] = {}
    problems = [] if problems is None else problems
    sources_read = 0

    def add(items: list[Discovered]) -> int:
        """Keep the items to fetch; return how many are new to the warehouse (found on an
        earlier feed or page or not, so a listing that repeats the feed is still walked)."""
        loaded = set() if windowed else lookup(items)
        fresh = [i for i in items if i.release_id not in loaded and _in_window(i, since, until)]
        for item in fresh:
            found.setdefault(item.release_id, item)
        if listed is not None:
            listed.extend(fresh)
        return len(fresh)

    for feed in wire.feeds if feeds is None else feeds:
        url = client.base_url + feed
        try:
            add(seen(read_feed(client, wire, url, validators), url))
            sources_read += 1
        except FetchError as exc:
            problems.append(Problem.of(url, exc))
    # The listing is read even when every feed answered 304: an earlier run may have
    # stopped at its limit. Incrementally that costs one page when nothing is new.
    for page in range(1, (WINDOW_MAX_PAGES if windowed else max_pages) + 1):
        if limit is not None and len(found) >= limit:
            break
        url = wire.listing_url(client.base_url, page, at=until)
        try:
            items = seen(read_listing(client, wire, url), url)
            sources_read += 1
        except FetchError as exc:
            problems.append(Problem.of(url, exc))
            blocked = problems[-1].reason in BLOCKED
            if page == 1 and wire.news_sitemap and _from_sitemap(client, wire, add, problems):
                sources_read += 1
            elif blocked:
                raise SiteBlocked("; ".join(map(str, problems))) from None
            break
        fresh = add(items)
        if not items or (not windowed and fresh == 0) or (since and _all_older(items, since)):
            break
    if not sources_read:
        once = {}  # pages that failed alike (robots.txt unreachable) are said once
        for problem in problems:
            once.setdefault(problem.detail, problem)
        raise DiscoveryError("; ".join(map(str, once.values())))
    releases = list(found.values())
    return releases[:limit] if limit is not None else releases


def _from_sitemap(client: PoliteClient, wire: Wire, add, problems: list[Problem]) -> bool:
    """Add the releases of the wire's news sitemap (the recent ones, when the listing
    cannot be read); False when it cannot be read either."""
    sitemap = client.base_url + wire.news_sitemap
    try:
        add(seen(read_news_sitemaps(client, wire, wire.news_sitemap), sitemap))
        return True
    except FetchError as exc:
        problems.append(Problem.of(sitemap, exc))
        return False


def _in_window(item: Discovered, since: datetime | None, until: datetime | None) -> bool:
    """Unknown times are in every window: the release page tells its time."""
    if item.published is None:
        return True
    return (since is None or item.published >= since) and (until is None or item.published < until)


def _all_older(items: list[Discovered], since: datetime) -> bool:
    times = [i.published for i in items if i.published is not None]
    return bool(times) and max(times) < since
