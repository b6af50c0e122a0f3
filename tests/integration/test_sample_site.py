"""The bundled sample site over real loopback HTTP: every route, the feed and its conditional
GET, the listings, request counts, and pages that show the truth (the generator alone is
tests/unit/test_sample_generation.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest
import requests
from bs4 import BeautifulSoup

from newswire_sample_site import SampleSite
from newswire_sample_site.releases import clean

LISTING = "/news-releases/news-releases-list/"
RSS = "/rss/news-releases-list.rss"


@pytest.fixture(scope="module")
def site():
    with SampleSite(count=120, seed=7) as running:
        yield running


@pytest.fixture(scope="module")
def http():
    with requests.Session() as session:
        yield session


# -- HTTP ---------------------------------------------------------------------------------


def test_every_route_answers(site, http):
    base = site.base_url
    robots = http.get(base + "/robots.txt")
    assert robots.status_code == 200 and "Disallow: /account/" in robots.text
    rss = http.get(base + RSS)
    assert rss.status_code == 200 and "xml" in rss.headers["Content-Type"]
    listing = http.get(base + LISTING + "?page=1&pagesize=10")
    assert (
        listing.status_code == 200 and listing.headers["Content-Type"] == "text/html; charset=utf-8"
    )
    page = http.get(base + site.releases[0].path)
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"


def test_rss_parses_and_its_links_resolve(site, http):
    root = ET.fromstring(http.get(site.base_url + RSS).content)
    items = root.findall("./channel/item")
    assert len(items) == 50
    dates = [parsedate_to_datetime(item.findtext("pubDate")) for item in items]
    assert dates == sorted(dates, reverse=True)
    assert all(item.findtext("pubDate").endswith(" GMT") for item in items)
    by_url = {site.base_url + r.path: r for r in site.releases}
    for item, published in zip(items, dates):
        link = item.findtext("link")
        assert item.findtext("guid") == link
        assert item.findtext("title") == by_url[link].title
        assert published == by_url[link].published_utc
        assert http.get(link).status_code == 200


def test_listing_pages_cover_every_release_once(site, http):
    seen, page = [], 1
    while True:
        soup = BeautifulSoup(
            http.get(f"{site.base_url}{LISTING}?page={page}&pagesize=7").text, "lxml"
        )
        hrefs = [a["href"] for a in soup.select("div.newsCards a[href]")]
        if not hrefs:
            break
        assert all(h.startswith("/news-releases/") and h.endswith(".html") for h in hrefs)
        seen += hrefs
        page += 1
    assert page == 19  # ceil(120 / 7) pages, then an empty one
    newest_first = sorted(site.releases, key=lambda r: r.sort_key, reverse=True)
    assert seen == [r.path for r in newest_first]
    capped = BeautifulSoup(http.get(f"{site.base_url}{LISTING}?page=1&pagesize=500").text, "lxml")
    assert len(capped.select("div.newsCards div.card")) == 100
    default = BeautifulSoup(http.get(site.base_url + LISTING).text, "lxml")
    assert len(default.select("div.newsCards div.card")) == 25


def test_unknown_paths_are_404_and_the_id_alone_finds_a_release(site, http):
    base = site.base_url
    for path in (
        "/news-releases/no-such-release-999999999.html",
        "/nothing/here",
        "/news-releases/no-id.html",
        "/rss/other.rss",
    ):
        assert http.get(base + path).status_code == 404
    rel = site.releases[3]
    moved = http.get(f"{base}/news-releases/an-old-slug-{rel.release_id}.html")
    assert moved.status_code == 200 and rel.url in moved.text
    assert http.get(base + LISTING + "?page=x").status_code == 400


def test_rss_conditional_get(site, http):
    first = http.get(site.base_url + RSS)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert http.get(site.base_url + RSS, headers={"If-None-Match": etag}).status_code == 304
    assert (
        http.get(site.base_url + RSS, headers={"If-Modified-Since": last_modified}).status_code
        == 304
    )
    assert (
        http.get(
            site.base_url + RSS,
            headers={"If-None-Match": '"stale"', "If-Modified-Since": last_modified},
        ).status_code
        == 200
    )
    assert (
        http.get(
            site.base_url + RSS, headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}
        ).status_code
        == 200
    )


def test_request_counts():
    with SampleSite(count=3) as small, requests.Session() as session:
        for path in (
            "/robots.txt",
            RSS,
            LISTING,
            small.releases[1].path,
            small.releases[2].path,
            "/x",
        ):
            session.get(small.base_url + path)
        assert dict(small.request_counts) == {
            "robots": 1,
            "rss": 1,
            "listing": 1,
            "release": 2,
            "not_found": 1,
        }


# -- the pages agree with the truth -------------------------------------------------------


def _page_view(html: str) -> dict:
    """A minimal reading of a sample page, to check the pages show what the truth says."""
    soup = BeautifulSoup(html, "lxml")
    container = soup.select_one(
        "section.release-body.container > div.row > div.col-lg-10.col-lg-offset-1"
    )
    first = container.find("p")
    tickers = [
        (re.search(r"([A-Za-z][\w ]*): $", a.previous_sibling)[1], a.get_text())
        for a in first.select("a.ticket-symbol")
    ]
    logo = soup.select_one("header.release-header div.logo-wrapper")
    gallery = soup.select("div.inline-gallery-container figure img")
    images = ([logo["data-download-url"]] if logo else []) + [
        img["data-getimg"].split("?")[0] for img in gallery
    ]
    for noise in container.select("div.continue-reading, div.inline-gallery-container, style, img"):
        noise.decompose()
    body, contacts, source = [], None, None
    for el in container.find_all(["p", "ul", "div"], recursive=False):
        text = clean(el.get_text())
        if el.name == "ul":
            body.append("\n".join("- " + clean(li.get_text()) for li in el.find_all("li")))
        elif el.name == "div" and el.table:  # an empty cell is no column, an empty row no line
            rows = ([clean(td.get_text()) for td in tr.find_all("td")] for tr in el.find_all("tr"))
            body.append(
                "\n".join(" | ".join(c for c in cells if c) for cells in rows if any(cells))
            )
        elif text.startswith("SOURCE "):
            source = text
        elif el.b and "contact" in el.b.get_text().lower() and el.find("br"):
            contacts = "\n".join(clean(s) for s in el.stripped_strings)
        elif text:  # the empty p#continue-jump (lxml un-nests its paragraph) is skipped
            body.append(text)
    return {
        "url": soup.select_one('link[rel="canonical"]')["href"],
        "og_url": soup.select_one('meta[property="og:url"]')["content"],
        "title": clean(soup.select_one("article.news-release header h1").get_text()),
        "subtitle": "\n".join(
            clean(p.get_text()).removeprefix("- ") for p in soup.select("header p.subtitle")
        )
        or None,
        "issuer": clean(soup.select_one('h2.meta + a[href^="/news/"] strong').get_text()),
        "visible_time": soup.select_one("p.mb-no").get_text(),
        "date": soup.select_one('meta[name="date"]')["content"],
        "dateline": [clean(s.get_text()) for s in first.select("span.legendSpanClass > span")],
        "tickers": tickers,
        "body_text": "\n\n".join(body),
        "contacts": contacts,
        "source": source,
        "industries": [a.get_text() for a in soup.select("div.explore-section p.img-title a")],
        "images": images,
    }


def test_pages_are_well_formed_and_show_the_truth(site, http):
    for rel in site.releases:
        html = http.get(site.base_url + rel.path).text
        view, truth = _page_view(html), rel.expected
        assert view["url"] == view["og_url"] == truth["url"]
        for key in ("title", "subtitle", "issuer", "contacts", "industries", "images"):
            assert view[key] == truth[key], (rel.index, key)
        assert view["source"] == f"SOURCE {truth['source_org']}"
        assert view["tickers"] == [(t["exchange"], t["symbol"]) for t in truth["tickers"]]
        assert view["visible_time"] == rel.visible_time
        published = datetime.fromisoformat(view["date"])
        assert published.astimezone(UTC).isoformat() == truth["published_at"]
        assert published.utcoffset() == rel.published.utcoffset()
        locations, date = view["dateline"][:-1], view["dateline"][-1]
        assert " and ".join(locations) == truth["dateline_location"]
        assert view["body_text"].startswith(
            f"{truth['dateline_location']}, {date} {rel.wire_tag} {rel.dash} "
        )
        assert view["body_text"].partition(f"{rel.wire_tag} {rel.dash} ")[2] == truth["body_text"]


def test_seed_release_parsed_over_http_by_the_command_line(site):
    seed = site.releases[0]
    out = subprocess.run(
        [sys.executable, "-m", "newswire.cli", "parse", site.base_url + seed.path, "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out) == seed.expected


def test_seed_page_keeps_its_dateline_text(site, http):
    html = http.get(site.base_url + site.releases[0].path).text
    soup = BeautifulSoup(html, "lxml")
    first = soup.select_one("section.release-body p")
    assert first.get_text().startswith("BEIJING, Feb. 19, 2025 /PRNewswire/ — A netizen")
    assert soup.select_one('meta[name="date"]')["content"] == "2025-02-19T08:00:00-05:00"


# -- command line -------------------------------------------------------------------------


def test_cli_prints_the_base_url_and_serves():
    process = subprocess.Popen(
        [sys.executable, "-m", "newswire.cli", "sample-site", "--count", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = re.search(r"http://[^ ]+", process.stdout.readline())[0]
        assert requests.get(base + "/robots.txt", timeout=5).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.stderr.read() == ""
