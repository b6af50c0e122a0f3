"""Listing pages: their cards, the time each card shows, and the date-jump view.

A card shows "May 08, 2025, 18:14 ET", or only "09:36 ET" for a release of the site's
current Eastern day (most cards of a listing read during the day). A time-only card is
resolved against the listing's own Eastern date: the response's ``Date`` header (the time
the site answered, by its clock), else the time we fetched it. Shortly after midnight a
cached page may still print yesterday's times under today's ``Date``: a time-only card
later than the page's own clock (plus a little skew) is from the day before.

``?month=M&day=D&year=Y&hour=H`` jumps the listing to a point in time (the view also yields
earlier days, so cards are still filtered by their time): a backfill pages from there, so
its cost grows with its window, not with the window's distance from today.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from email.utils import parsedate_to_datetime

from bs4 import BeautifulSoup

from newswire.discovery.items import Discovered, release_id_from_path, same_site
from newswire.fetching.client import Page, PoliteClient
from newswire.parsing.dates import EASTERN, parse_visible_et

LISTING_PATH = "/news-releases/news-releases-list/"
LISTING_PAGESIZE = 100
CLOCK_SKEW = timedelta(minutes=15)  # a card this far past the page's clock is from yesterday
_TIME_ONLY = re.compile(r"\b(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d)\s*(?:ET|EST|EDT)\b")


def listing_url(base_url: str, page: int, *, at: datetime | None = None) -> str:
    """Page ``page`` of the listing, newest first; with ``at``, of the view jumped to the
    Eastern hour that ends at or after ``at`` (so nothing before ``at`` is cut off, whether
    the site shows that hour's releases or stops at its start)."""
    query = f"page={page}&pagesize={LISTING_PAGESIZE}"
    if at is not None:
        local = at.astimezone(EASTERN)
        hour = local.replace(minute=0, second=0, microsecond=0)
        if hour < local:
            hour += timedelta(hours=1)
        query = f"month={hour.month}&day={hour.day}&year={hour.year}&hour={hour.hour}&" + query
    return f"{base_url}{LISTING_PATH}?{query}"


def read_listing(client: PoliteClient, url: str) -> list[Discovered]:
    page = client.get(url)
    return parse_cards(page.content, client.base_url, page_clock(page))


def page_clock(page: Page) -> datetime:
    """When the site says it answered (``Date``), else when we received the page."""
    date = next((v for k, v in page.headers.items() if k.lower() == "date"), None)
    try:
        return parsedate_to_datetime(date).astimezone(UTC)
    except (TypeError, ValueError):
        return page.fetched_at


def parse_cards(content: bytes | str, base_url: str, now: datetime) -> list[Discovered]:
    """The release cards of a listing page, re-rooted on ``base_url``, in page order;
    ``now`` is the page's clock, for the time-only cards."""
    soup = BeautifulSoup(content, "lxml")
    items = []
    for anchor in soup.select("a[href]"):
        link = same_site(base_url, anchor["href"])
        release_id = release_id_from_path(link)
        if release_id:
            when = anchor.select_one("h3 small, small, time")
            published = card_time(when.get_text(" "), now) if when else None
            items.append(Discovered(link, release_id, published=published))
    return items


def card_time(text: str, now: datetime) -> datetime | None:
    """A card's visible time in UTC: a full date as written, a bare "HH:MM ET" on the
    Eastern day of ``now`` (or the day before, past midnight); None when neither."""
    full = parse_visible_et(text)
    if full is not None:
        return full
    match = _TIME_ONLY.search(text or "")
    if match is None:
        return None
    today = now.astimezone(EASTERN)
    clock = time(int(match["h"]), int(match["min"]))
    local = datetime.combine(today.date(), clock, tzinfo=EASTERN)
    if local > today + CLOCK_SKEW:
        local = datetime.combine(today.date() - timedelta(days=1), clock, tzinfo=EASTERN)
    return local.astimezone(UTC)
