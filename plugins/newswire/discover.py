"""Find release URLs on a wire: the RSS feed first, then the paginated listing pages.

Listing pages are walked newest first until a page brings nothing new (every release on it
is already in the warehouse), the limit is reached, or ``max_pages`` pages were read.
URLs are deduplicated by (wire, release id), so http/https, ``www`` or tracking query
variants of one release count once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from lxml import etree

from newswire.fetch import FetchError, PoliteClient

RSS_PATH = "/rss/news-releases-list.rss"
LISTING_PATH = "/news-releases/news-releases-list/"
LISTING_PAGESIZE = 100
_RELEASE_PATH = re.compile(r"^/news-releases/[^/]*?-(\d{6,12})\.html$")
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class DiscoveryError(RuntimeError):
    """Discovery itself failed (feed and listing unreachable): the run cannot go on."""


@dataclass(frozen=True)
class Discovered:
    url: str
    release_id: str
    wire: str = "prnewswire"
    published_hint: str | None = None  # the feed's pubDate, when it came from the feed


def release_id_from_path(url: str) -> str | None:
    match = _RELEASE_PATH.match(urlsplit(url).path)
    return match[1] if match else None


def discover(client: PoliteClient, *, limit: int | None = None, known: frozenset[str] = frozenset(),
             max_pages: int = 10) -> list[Discovered]:
    """New releases on the client's site, newest first, at most ``limit``.

    ``known`` holds release ids already loaded; they are skipped and mark where an
    incremental walk can stop.
    """
    found: dict[str, Discovered] = {}
    failures = []
    sources_read = 0

    def add(items: list[Discovered]) -> int:
        fresh = 0
        for item in items:
            if item.release_id in known or item.release_id in found:
                continue
            found[item.release_id] = item
            fresh += 1
        return fresh

    try:
        add(_from_rss(client))
        sources_read += 1
    except FetchError as exc:
        failures.append(f"feed: {exc}")
    for page in range(1, max_pages + 1):
        if limit is not None and len(found) >= limit:
            break
        try:
            items = _from_listing(client, page)
            sources_read += 1
        except FetchError as exc:
            failures.append(f"listing page {page}: {exc}")
            break
        if not items or add(items) == 0:
            break
    if not sources_read:
        raise DiscoveryError("; ".join(failures))
    releases = list(found.values())
    return releases[:limit] if limit is not None else releases


def _same_site(client: PoliteClient, url: str) -> str:
    """Resolve ``url`` on the client's site: links never take us to another host."""
    absolute = urljoin(client.base_url + "/", url)
    path = urlsplit(absolute).path
    return client.base_url + path


def _from_rss(client: PoliteClient) -> list[Discovered]:
    page = client.get(client.base_url + RSS_PATH, expect=("xml", "rss"))
    try:
        root = etree.fromstring(page.content, _XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise FetchError("bad_feed", str(exc)) from None
    items = []
    for item in root.iter("item"):
        link = (item.findtext("link") or item.findtext("guid") or "").strip()
        release_id = release_id_from_path(link)
        if not release_id:
            continue
        pub = item.findtext("pubDate")
        items.append(Discovered(_same_site(client, link), release_id,
                                published_hint=_rfc822_to_iso(pub)))
    return items


def _from_listing(client: PoliteClient, page_number: int) -> list[Discovered]:
    url = f"{client.base_url}{LISTING_PATH}?page={page_number}&pagesize={LISTING_PAGESIZE}"
    page = client.get(url)
    soup = BeautifulSoup(page.content, "lxml")
    items = []
    for anchor in soup.select("a[href]"):
        link = _same_site(client, anchor["href"])
        release_id = release_id_from_path(link)
        if release_id:
            items.append(Discovered(link, release_id))
    return items


def _rfc822_to_iso(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value.strip()).isoformat()
    except (TypeError, ValueError):
        return None
