"""Listing pages: their cards, the time each card shows, and the date-jump view.

A card shows "May 08, 2025, 18:14 ET", or only "09:36 ET" for a release of the site's
current Eastern day (most cards of a listing read during the day). A time-only card is
resolved against the listing's own Eastern date: the response's ``Date`` header (the time
the site answered, by its clock), else the time we fetched it. Shortly after midnight a
cached page may still print yesterday's times under today's ``Date``: a time-only card
later than the page's own clock (plus a little skew) is from the day before.

Where a wire's listing lives, how it pages and jumps to a point in time
(``?month=M&day=D&year=Y&hour=H`` on the Cision sites) is declared with the wire
(:mod:`newswire.wires`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from email.utils import parsedate_to_datetime

from bs4 import BeautifulSoup

from newswire.discovery.items import Discovered, fingerprint, same_site
from newswire.fetching.client import Page, PoliteClient
from newswire.parsing.dates import EASTERN, parse_iso, parse_visible_et
from newswire.wires import Wire

CLOCK_SKEW = timedelta(minutes=15)  # a card this far past the page's clock is from yesterday
_TIME_ONLY = re.compile(r"\b(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d)\s*(?:ET|EST|EDT)\b")


def read_listing(client: PoliteClient, wire: Wire, url: str) -> list[Discovered]:
    page = client.get(url)
    return parse_cards(page.content, client.base_url, page_clock(page), wire)


def page_clock(page: Page) -> datetime:
    """When the site says it answered (``Date``, GMT; ``-0000`` is UTC too), else when we
    received the page."""
    date = next((v for k, v in page.headers.items() if k.lower() == "date"), None)
    try:
        answered = parsedate_to_datetime(date)
    except (TypeError, ValueError):
        return page.fetched_at
    return answered.replace(tzinfo=answered.tzinfo or UTC).astimezone(UTC)


def parse_cards(content: bytes | str, base_url: str, now: datetime, wire: Wire) -> list[Discovered]:
    """The release cards of a listing page of ``wire``, re-rooted on ``base_url``, in
    page order; ``now`` is the page's clock, for the time-only cards."""
    soup = BeautifulSoup(content, "lxml")
    items = []
    for card in soup.select(wire.listing.card):
        anchors = [card] if card.name == "a" else card.select("a[href]")
        links = (same_site(base_url, anchor["href"]) for anchor in anchors)
        link = next((link for link in links if wire.release_id(link)), None)
        if link is not None:
            when = card.select_one(wire.listing.card_time)
            published = _shown_time(when, now) if when else None
            said = fingerprint("card", _card_text(card, when), link, published)
            items.append(
                Discovered(link, wire.release_id(link), wire.name, published, listed_as=said)
            )
    return items


def _card_text(card, when) -> str:
    """The card's text without its time: "09:36 ET" today reads "May 08, 2025, 09:36 ET"
    tomorrow, and the resolved time (in the fingerprint) already says when."""
    time_text = when.get_text(" ") if when else ""
    text = card.get_text(" ")
    return text.replace(time_text, " ", 1) if time_text else text


def _shown_time(element, now: datetime) -> datetime | None:
    """A ``time[datetime]`` says it exactly; else the text says it as the site prints it."""
    return parse_iso(element.get("datetime")) or card_time(element.get_text(" "), now)


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
