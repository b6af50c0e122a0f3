"""Discovery replayed against real discovery inputs on loopback: the prnewswire.com
listing captures of ``../shared/fixtures/listings/`` (with the site's real robots.txt) and a
feed carrying every ``pubDate`` shape seen in the wild."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from email.utils import format_datetime

import pytest

from newswire import wires
from newswire.discovery.discover import discover
from newswire.fetching.client import PoliteClient
from newswire.parsing.dates import EASTERN, parse_visible_et
from tests.support import listings
from tests.support.http import Recorder
from tests.support.listings import capture_names, captures, listing_html, robots_txt


def _true_time(visible: str, captured_at: datetime) -> datetime:
    """A card's time worked out by hand: a time-only card is of the capture's Eastern day
    (no capture was taken within minutes of midnight)."""
    if "," in visible:
        return parse_visible_et(visible)
    hours, minutes = map(int, visible.removesuffix(" ET").split(":"))
    day = captured_at.astimezone(EASTERN).date()
    return datetime.combine(day, time(hours, minutes), tzinfo=EASTERN).astimezone(UTC)


def test_the_captures_are_mostly_time_only_cards():
    cards = [card for one in captures() for card in one.cards]
    time_only = [card for card in cards if "," not in card.visible_time]
    assert (len(cards), len(time_only)) == (175, 108)


@pytest.mark.parametrize("name", capture_names(), ids=lambda n: n.split("_", 2)[2][:-3])
def test_a_day_window_over_a_real_listing_finds_every_card_of_the_day(name):
    """The backfill DAG's window, the UTC day, replayed over a real listing whose clock
    (``Date``) is the capture's: every card of that day is found, time-only or not."""
    capture = listings.capture(name)
    since = datetime.combine(capture.captured_at.date(), time(), tzinfo=UTC)
    until = since + timedelta(days=1)
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Date": format_datetime(capture.captured_at, usegmt=True),
    }

    def listing(request):  # the capture is page 1 of whatever view is asked for; then no more
        first = "page=1&" in request.path
        return 200, headers, listing_html(capture.cards if first else ())

    site = Recorder(
        {"/robots.txt": (200, {"Content-Type": "text/plain"}, robots_txt())},
        default=(200, headers, listing),
    )
    try:
        with PoliteClient(site.url) as client:
            found = discover(client, wires.get("prnewswire"), feeds=(), since=since, until=until)
    finally:
        site.close()
    expected = {
        card.path
        for card in capture.cards
        if since <= _true_time(card.visible_time, capture.captured_at) < until
    }
    assert expected  # every capture has cards of its own day
    assert {item.url.removeprefix(site.url) for item in found} == expected
    for item in found:
        assert item.published.tzinfo is not None


# Every shape of pubDate seen in the wild, with the UTC time it means (None: unknown).
PUBDATES = {
    "Fri, 09 May 2025 13:36:00 GMT": "2025-05-09T13:36:00+00:00",
    "Fri, 09 May 2025 13:36:00 +0000": "2025-05-09T13:36:00+00:00",
    "Fri, 09 May 2025 13:36:00 -0000": "2025-05-09T13:36:00+00:00",
    "Fri, 09 May 2025 09:36:00 -0400": "2025-05-09T13:36:00+00:00",
    "Fri, 09 May 2025 09:36:00 EDT": "2025-05-09T13:36:00+00:00",
    "Fri, 09 May 2025 09:36:00 ET": "2025-05-09T13:36:00+00:00",
    "Fri, 10 Jan 2025 08:36:00 ET": "2025-01-10T13:36:00+00:00",
    "9 May 2025 09:36 EDT": "2025-05-09T13:36:00+00:00",
    "2025-05-09T09:36:00-04:00": "2025-05-09T13:36:00+00:00",
    "2025-05-09T13:36:00Z": "2025-05-09T13:36:00+00:00",
    "2025-05-09T09:36:00": None,  # no zone: unknown, not UTC
    "Fri, 09 May 2025 09:36:00": None,
    "yesterday": None,
    "": None,
}


def _feed(base_url: str) -> bytes:
    items = "".join(
        f"<item><title>Release {n}</title>"
        f"<link>{base_url}/news-releases/release-{n}-30245{n:04d}.html</link>"
        + (f"<pubDate>{value}</pubDate>" if value else "")
        + "</item>"
        for n, value in enumerate(PUBDATES)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


@pytest.mark.parametrize("window", [False, True], ids=["incremental", "window"])
def test_a_feed_with_every_pubdate_variant_neither_aborts_nor_drops_items(window):
    site = Recorder({"/listing-unused": (404, {}, b"")})
    site.routes["/rss/news-releases-list.rss"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        _feed("https://www.prnewswire.com"),
    )
    since = datetime(2025, 1, 1, tzinfo=UTC) if window else None
    until = datetime(2025, 6, 1, tzinfo=UTC) if window else None
    try:
        with PoliteClient(site.url) as client:
            found = discover(client, wires.get("prnewswire"), since=since, until=until, max_pages=1)
    finally:
        site.close()
    got = {item.url.rsplit("-", 1)[1]: item.published for item in found}
    assert len(got) == len(PUBDATES)
    for n, expected in enumerate(PUBDATES.values()):
        published = got[f"30245{n:04d}.html"]
        assert (published.isoformat() if published else None) == expected
