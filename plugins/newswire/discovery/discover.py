"""Find release URLs on a wire: the RSS feeds first, then the paginated listing pages.

Two walks over the listing pages (newest first):

* incremental (no window): until a page brings nothing new (every release on it is already
  in the warehouse), the limit is reached, or ``max_pages`` pages were read;
* a window (``since``/``until``, a backfill): until the releases on a page are all older
  than ``since``; releases newer than ``until`` are passed over. Releases already loaded
  are fetched again: re-running a window picks up corrected releases (a new version) and
  changes nothing for the others.

Feeds are polled with conditional GET (``If-None-Match`` / ``If-Modified-Since``): a feed
that did not change costs one small 304 (the first listing page is still read, since an
earlier run may have stopped at its limit). URLs are deduplicated by (wire, release id) and
re-rooted on the configured site, so http/https, ``www``, tracking query strings and
regional mirrors of one release count once and never send a request elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from lxml import etree

from newswire import settings
from newswire.fetching.client import FetchError, PoliteClient
from newswire.parsing.dates import parse_visible_et

LISTING_PATH = "/news-releases/news-releases-list/"
LISTING_PAGESIZE = 100
WINDOW_MAX_PAGES = 1000  # a backfill walks as deep as its window needs
_RELEASE_PATH = re.compile(r"^/news-releases/[^/]*?-(\d{6,12})\.html$")
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class DiscoveryError(RuntimeError):
    """Discovery itself failed (feeds and listing unreachable): the run cannot go on."""


@dataclass(frozen=True)
class Discovered:
    url: str
    release_id: str
    wire: str = "prnewswire"
    published: datetime | None = None  # from the feed's pubDate or the listing card


@dataclass
class Validators:
    """ETag / Last-Modified per feed URL, read before discovery and saved after it."""

    by_url: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def request_headers(self, url: str) -> dict:
        etag, last_modified = self.by_url.get(url, (None, None))
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return headers


def release_id_from_path(url: str) -> str | None:
    match = _RELEASE_PATH.match(urlsplit(url).path)
    return match[1] if match else None


def discover(
    client: PoliteClient,
    *,
    limit: int | None = None,
    known: frozenset[str] = frozenset(),
    max_pages: int = 10,
    feeds: tuple[str, ...] = settings.DEFAULT_FEEDS,
    since: datetime | None = None,
    until: datetime | None = None,
    validators: Validators | None = None,
) -> list[Discovered]:
    """New releases on the client's site, newest first, at most ``limit``.

    ``known`` holds release ids already loaded; an incremental walk skips them and stops
    where it meets only those. ``validators`` is updated in place with what the feeds
    answered.
    """
    windowed = since is not None or until is not None
    found: dict[str, Discovered] = {}
    failures, sources_read = [], 0

    def add(items: list[Discovered]) -> int:
        fresh = 0
        for item in items:
            if (
                (item.release_id in known and not windowed)
                or item.release_id in found
                or not _in_window(item, since, until)
            ):
                continue
            found[item.release_id] = item
            fresh += 1
        return fresh

    for feed in feeds:
        try:
            add(_from_feed(client, client.base_url + feed, validators))
            sources_read += 1
        except FetchError as exc:
            failures.append(f"feed {feed}: {exc}")
    # The listing is read even when every feed answered 304: an earlier run may have
    # stopped at its limit. Incrementally that costs one page when nothing is new.
    for page in range(1, (WINDOW_MAX_PAGES if windowed else max_pages) + 1):
        if limit is not None and len(found) >= limit:
            break
        try:
            items = _from_listing(client, page)
            sources_read += 1
        except FetchError as exc:
            failures.append(f"listing page {page}: {exc}")
            break
        fresh = add(items)
        if not items or (not windowed and fresh == 0) or (since and _all_older(items, since)):
            break
    if not sources_read:
        raise DiscoveryError("; ".join(failures))
    releases = list(found.values())
    return releases[:limit] if limit is not None else releases


def _in_window(item: Discovered, since: datetime | None, until: datetime | None) -> bool:
    if item.published is None:
        return since is None and until is None
    return (since is None or item.published >= since) and (until is None or item.published < until)


def _all_older(items: list[Discovered], since: datetime) -> bool:
    times = [i.published for i in items if i.published is not None]
    return bool(times) and max(times) < since


def same_site(base_url: str, url: str) -> str:
    """Resolve ``url`` on the configured site: links never take us to another host."""
    return base_url + urlsplit(urljoin(base_url + "/", url)).path


def _from_feed(client: PoliteClient, url: str, validators: Validators | None) -> list[Discovered]:
    """The releases in the feed; none when it answers 304 Not Modified."""
    headers = validators.request_headers(url) if validators is not None else None
    page = client.get(url, expect=("xml", "rss"), headers=headers)
    if page.status == 304:
        return []
    if validators is not None:
        validators.by_url[url] = (page.headers.get("ETag"), page.headers.get("Last-Modified"))
    try:
        root = etree.fromstring(page.content, _XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise FetchError("bad_feed", str(exc)) from None
    items = []
    for item in root.iter("item"):
        link = (item.findtext("link") or item.findtext("guid") or "").strip()
        release_id = release_id_from_path(link)
        if release_id:
            items.append(
                Discovered(
                    same_site(client.base_url, link),
                    release_id,
                    published=_rfc822(item.findtext("pubDate")),
                )
            )
    return items


def _from_listing(client: PoliteClient, page_number: int) -> list[Discovered]:
    url = f"{client.base_url}{LISTING_PATH}?page={page_number}&pagesize={LISTING_PAGESIZE}"
    page = client.get(url)
    soup = BeautifulSoup(page.content, "lxml")
    items = []
    for anchor in soup.select("a[href]"):
        link = same_site(client.base_url, anchor["href"])
        release_id = release_id_from_path(link)
        if release_id:
            when = anchor.select_one("h3 small, small, time")
            items.append(
                Discovered(
                    link,
                    release_id,
                    published=parse_visible_et(when.get_text(" ")) if when else None,
                )
            )
    return items


def _rfc822(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value.strip())
    except (TypeError, ValueError):
        return None
