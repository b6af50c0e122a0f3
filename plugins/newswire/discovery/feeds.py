"""Feeds (RSS or Atom, read with feedparser): the releases they list and when.

Feeds write dates every way there is: RFC 822 with ``GMT``, a numeric offset, ``-0000`` or
a zone name, ISO 8601. feedparser reads them all to UTC; two cases it would read wrong are
taken first: a bare ``ET`` (America/New_York, so -04:00 in summer, not EST's -05:00) and a
time with no zone at all (feedparser assumes UTC: we call it unknown). Every item comes out
with an aware UTC time or ``None``, never a naive one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import feedparser

from newswire.discovery.items import Discovered, Validators, fingerprint, same_site
from newswire.fetching.client import FetchError, PoliteClient
from newswire.parsing.dates import EASTERN
from newswire.wires import Wire

_BARE_ET = re.compile(r"\s+ET$", re.I)
_ITEM_END = re.compile(rb"</(?:[\w.-]+:)?(?:item|entry)\s*>", re.I)
_ZONELESS_ISO = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?$")


def read_feed(
    client: PoliteClient,
    wire: Wire,
    url: str,
    validators: Validators | None,
    max_items: int | None = None,
) -> list[Discovered]:
    """The releases in the feed at ``url`` (of its first ``max_items`` items when given);
    none when it answers 304 Not Modified."""
    headers = validators.request_headers(url) if validators is not None else None
    page = client.get(url, expect=("xml", "rss", "atom"), headers=headers)
    if page.status == 304:
        return []
    if validators is not None:
        validators.by_url[url] = (page.headers.get("ETag"), page.headers.get("Last-Modified"))
    return parse_feed(page.content, client.base_url, wire, max_items)


def parse_feed(
    content: bytes, base_url: str, wire: Wire, max_items: int | None = None
) -> list[Discovered]:
    """The feed's release items of ``wire``, re-rooted on ``base_url``, in feed order;
    with ``max_items``, only those among its first ``max_items`` items."""
    if max_items is not None:
        content = _first_items(content, max_items)
    feed = feedparser.parse(content)
    if feed.bozo and not feed.entries:
        raise FetchError("bad_feed", str(feed.get("bozo_exception", "not a feed")))
    items = []
    for entry in feed.entries:
        link = (entry.get("link") or entry.get("id") or "").strip()
        release_id = wire.release_id(link)
        if release_id:
            url, published = same_site(base_url, link), entry_time(entry)
            title, guid = entry.get("title") or "", entry.get("id") or ""
            said = fingerprint("feed", title, url, published, guid)
            items.append(Discovered(url, release_id, wire.name, published, listed_as=said))
    return items


def _first_items(content: bytes, count: int) -> bytes:
    """``content`` up to the end of its ``count``-th item (RSS) or entry (Atom), so that
    feedparser, which reads a whole document at once, reads no more (it reads what is cut
    off mid-document all the same, as a feed that is not well-formed)."""
    for n, end in enumerate(_ITEM_END.finditer(content), 1):
        if n == count:
            return content[: end.end()]
    return content


def entry_time(entry) -> datetime | None:
    """The entry's publication (else update) time in UTC, or None when it has no usable one."""
    for key in ("published", "updated"):
        raw = (entry.get(key) or "").strip()
        if not raw:
            continue
        if _ZONELESS_ISO.match(raw):
            return None
        if _BARE_ET.search(raw):
            return _eastern_wall_clock(_BARE_ET.sub("", raw))
        parsed = entry.get(key + "_parsed")
        return datetime(*parsed[:6], tzinfo=UTC) if parsed else None
    return None


def _eastern_wall_clock(text: str) -> datetime | None:
    try:
        wall = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if wall.tzinfo is not None:  # "... +0000 ET": the offset decides
        return wall.astimezone(UTC)
    return wall.replace(tzinfo=EASTERN).astimezone(UTC)
