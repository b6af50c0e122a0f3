"""The sample site's clock and archive, as the real listing behaves: time-only cards for
the site's Eastern today, the date-jump view, nothing shown before it is published."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import requests
from bs4 import BeautifulSoup

from newswire_sample_site import SampleSite
from newswire_sample_site.releases import ET
from newswire_sample_site.render import LISTING_PATH


def _cards(response) -> list[tuple[str, str]]:
    soup = BeautifulSoup(response.content, "lxml")
    return [
        (a["href"], a.select_one("h3 small").get_text())
        for a in soup.select("a.newsreleaseconsolidatelink")
    ]


def test_cards_of_the_sites_today_show_only_their_time_and_the_date_header_is_its_clock():
    with SampleSite(count=400) as site:
        newest = site.published_by(site.now)[0]
        site.now = newest.published_utc + timedelta(minutes=5)
        response = requests.get(f"{site.base_url}{LISTING_PATH}?page=1&pagesize=100", timeout=10)
    assert parsedate_to_datetime(response.headers["Date"]) == site.now.replace(microsecond=0)
    today = site.now.astimezone(ET).date()
    by_path = {rel.path: rel for rel in site.releases}
    cards = _cards(response)
    assert cards[0] == (newest.path, f"{newest.published:%H:%M} ET")
    for path, shown in cards:
        rel = by_path[path]
        expected = f"{rel.published:%H:%M} ET" if rel.published.date() == today else None
        assert shown == (expected or rel.visible_time)


def test_the_clock_hides_what_is_not_published_yet():
    with SampleSite(count=200) as site:
        site.now = datetime(2025, 6, 1, tzinfo=UTC)
        later = next(rel for rel in site.releases if rel.published_utc > site.now)
        page = requests.get(site.base_url + later.path, timeout=10)
        listing = requests.get(f"{site.base_url}{LISTING_PATH}?page=1&pagesize=100", timeout=10)
    assert page.status_code == 404
    shown = {path for path, _ in _cards(listing)}
    assert later.path not in shown
    assert all(rel.published_utc <= site.now for rel in site.releases if rel.path in shown)


def test_the_date_jump_view_starts_at_the_end_of_the_hour_asked_for():
    with SampleSite(count=3000, days=3 * 365) as site:
        url = f"{site.base_url}{LISTING_PATH}?month=3&day=10&year=2023&hour=9&page=2&pagesize=25"
        cards = _cards(requests.get(url, timeout=10))
        bad = requests.get(url.replace("hour=9", "hour=24"), timeout=10)
    end_of_hour = datetime(2023, 3, 10, 9, 59, 59, tzinfo=ET)
    expected = [rel for rel in site.releases if rel.published <= end_of_hour]
    expected.sort(key=lambda rel: rel.sort_key, reverse=True)
    assert [path for path, _ in cards] == [rel.path for rel in expected[25:50]]
    assert bad.status_code == 400
