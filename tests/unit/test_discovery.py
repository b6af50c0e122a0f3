"""Discovery's pure parts: card times against the listing's clock, listing URLs."""

from datetime import UTC, datetime

import pytest

from newswire import wires
from newswire.discovery.feeds import parse_feed
from newswire.discovery.listings import card_time, page_clock, parse_cards
from newswire.fetching.client import Page
from newswire.parsing.dates import EASTERN

PRNEWSWIRE, NEWSWIRECA, GLOBENEWSWIRE = (
    wires.get(name) for name in ("prnewswire", "newswireca", "globenewswire")
)


def _et(*args) -> datetime:
    return datetime(*args, tzinfo=EASTERN).astimezone(UTC)


def test_a_time_only_card_is_of_the_listings_eastern_day():
    now = datetime(2025, 5, 9, 15, 36, tzinfo=UTC)  # 11:36 EDT
    assert card_time("09:36 ET", now) == _et(2025, 5, 9, 9, 36)
    assert card_time("00:39 ET", now) == _et(2025, 5, 9, 0, 39)
    # 02:10 UTC on May 10 is still May 9 in New York
    late = datetime(2025, 5, 10, 2, 10, tzinfo=UTC)
    assert card_time("21:55 ET", late) == _et(2025, 5, 9, 21, 55)


def test_a_time_only_card_later_than_the_pages_clock_is_of_the_day_before():
    just_past_midnight = _et(2025, 5, 9, 0, 3)
    assert card_time("23:58 ET", just_past_midnight) == _et(2025, 5, 8, 23, 58)
    assert card_time("00:01 ET", just_past_midnight) == _et(2025, 5, 9, 0, 1)
    assert card_time("00:10 ET", just_past_midnight) == _et(2025, 5, 9, 0, 10)  # clock skew


def test_a_dated_card_keeps_its_date_and_an_unreadable_one_is_unknown():
    now = datetime(2025, 5, 9, 15, 36, tzinfo=UTC)
    assert card_time("May 08, 2025, 19:25 ET", now) == _et(2025, 5, 8, 19, 25)
    assert card_time("Breaking", now) is None


def test_the_date_jump_view_starts_at_the_hour_that_covers_the_window_end():
    base, listing_url = "https://www.prnewswire.com", PRNEWSWIRE.listing_url
    assert listing_url(base, 2) == f"{base}/news-releases/news-releases-list/?page=2&pagesize=100"
    # 2020-11-16 00:00 UTC is 19:00 EST on the 15th: that hour is whole
    assert listing_url(base, 1, at=datetime(2020, 11, 16, tzinfo=UTC)).endswith(
        "?month=11&day=15&year=2020&hour=19&page=1&pagesize=100"
    )
    # 14:30 EDT: the view of hour 15 still shows 14:30
    assert "day=9&year=2025&hour=15&" in listing_url(base, 1, at=_et(2025, 5, 9, 14, 30))


def test_each_source_knows_its_release_urls():
    assert PRNEWSWIRE.release_id("/news-releases/cresud-reports-302451160.html") == "302451160"
    assert (
        NEWSWIRECA.release_id(
            "http://www.newswire.ca/news-releases/bank-of-canada-unveils-618646013.html"
        )
        == "618646013"
    )
    globe = "/news-release/2026/07/14/3326655/0/en/Segment-Launches-Sources.html"
    assert GLOBENEWSWIRE.release_id("https://www.globenewswire.com" + globe) == "3326655"
    assert PRNEWSWIRE.release_id(globe) is None
    assert GLOBENEWSWIRE.release_id("/news-releases/cresud-reports-302451160.html") is None
    # GlobeNewswire's newsroom has no date jump: a window starts at its first page
    assert GLOBENEWSWIRE.listing_url("https://x", 3, at=datetime(2025, 1, 1, tzinfo=UTC)) == (
        "https://x/newsroom?page=3&pageSize=50"
    )


def test_category_feeds_are_configured_per_source(monkeypatch):
    from newswire import settings

    declared = GLOBENEWSWIRE.feeds
    assert settings.feeds("globenewswire") == declared
    monkeypatch.setenv("NEWSWIRE_FEEDS", "/rss/financial-news.rss")  # PR Newswire's only
    monkeypatch.setenv(
        "NEWSWIRE_PRNEWSWIRE_FEEDS",
        "/rss/food-and-beverages-industry-news.rss, /rss/personnel-announcements-news.rss",
    )
    assert settings.feeds("prnewswire") == (
        "/rss/food-and-beverages-industry-news.rss",
        "/rss/personnel-announcements-news.rss",
    )
    assert settings.feeds("globenewswire") == declared
    monkeypatch.delenv("NEWSWIRE_PRNEWSWIRE_FEEDS")
    assert settings.feeds("prnewswire") == ("/rss/financial-news.rss",)


def test_the_pages_clock_is_its_date_header_else_when_it_came():
    came = datetime(2025, 5, 9, 16, 0, tzinfo=UTC)

    def page(headers: dict) -> Page:
        return Page("http://x/", 200, b"", "text/html", came, headers)

    told = datetime(2025, 5, 9, 15, 36, tzinfo=UTC)
    assert page_clock(page({"Date": "Fri, 09 May 2025 15:36:00 GMT"})) == told
    assert page_clock(page({"date": "Fri, 09 May 2025 15:36:00 -0000"})) == told
    assert page_clock(page({"Date": "soon"})) == came
    assert page_clock(page({})) == came


def _feed(count: int, atom: bool = False) -> bytes:
    if atom:
        entries = "".join(
            f'<entry><link href="/news-releases/r-{302_000_000 + n}.html"/></entry>'
            for n in range(count)
        )
        return f'<feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>'.encode()
    items = "".join(
        f"<item><link>/news-releases/r-{302_000_000 + n}.html</link></item>" for n in range(count)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_a_feed_is_read_only_up_to_the_items_asked_for(atom):
    base = "http://127.0.0.1:8000"
    whole = parse_feed(_feed(3, atom), base, PRNEWSWIRE, max_items=5)
    assert [item.release_id for item in whole] == ["302000000", "302000001", "302000002"]
    cut = parse_feed(_feed(100_000, atom), base, PRNEWSWIRE, max_items=5)
    assert [item.url for item in cut] == [
        f"{base}/news-releases/r-{302_000_000 + n}.html" for n in range(5)
    ]


# -- what a feed item or card said (a correction changes it; nothing else does) ----------
_BASE = "https://www.prnewswire.com"
_LINK = "/news-releases/acme-names-a-new-chief-302000001.html"


def _card(title: str, shown: str, link: str = _LINK) -> str:
    heading = f"<h3><small>{shown}</small> {title}</h3>"
    return f'<a class="newsreleaseconsolidatelink" href="{link}">{heading}</a>'


def _item(title: str, pub: str = "Sat, 06 Dec 2026 14:36:00 -0500", link: str = _LINK) -> str:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item>'
        f"<title>{title}</title><link>{_BASE}{link}?utm_source=rss</link>"
        f"<pubDate>{pub}</pubDate><guid>{_BASE}{link}</guid></item></channel></rss>"
    )


def _said(cards_or_items) -> tuple[str, str]:
    [item] = cards_or_items
    return item.listed_as


def test_a_card_says_the_same_today_and_tomorrow_and_otherwise_after_a_correction():
    today = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)  # 15:00 EST
    tomorrow = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
    read = lambda html, now: _said(parse_cards(html, _BASE, now, PRNEWSWIRE))  # noqa: E731
    title = "Acme Names a New Chief"
    as_today = read(_card(title, "14:36 ET"), today)
    assert as_today[0] == "card"
    assert read(_card(title, "Dec 06, 2026, 14:36 ET"), tomorrow) == as_today
    assert read(_card(f"  {title}\n", "14:36 ET"), today) == as_today  # whitespace only
    assert read(_card(f"CORRECTION -- {title}", "14:36 ET"), today) != as_today
    assert read(_card(title, "14:37 ET"), today) != as_today


@pytest.mark.parametrize(
    "changed",
    [
        _item("CORRECTION -- Acme Names a New Chief"),
        _item("Acme Names a New Chief", pub="Sat, 06 Dec 2026 14:41:00 -0500"),
        _item("Acme Names a New Chief", link=_LINK.replace("acme-names", "acme-corrects")),
    ],
)
def test_a_feed_item_says_otherwise_when_its_title_time_or_link_changed(changed):
    said = _said(parse_feed(_item("Acme Names a New Chief").encode(), _BASE, PRNEWSWIRE))
    assert said[0] == "feed"
    mirror = "http://127.0.0.1:8081"  # the same feed on a mirror, or after a restart
    assert _said(parse_feed(_item("Acme Names a New Chief").encode(), mirror, PRNEWSWIRE)) == said
    assert _said(parse_feed(_item("Acme Names a New Chief").encode(), _BASE, PRNEWSWIRE)) == said
    assert _said(parse_feed(changed.encode(), _BASE, PRNEWSWIRE)) != said
