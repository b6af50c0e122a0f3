"""The feed watcher's steps on the live sample site and a real warehouse: a new release is
handed on once, ingested alone, and its latency recorded from publication to load; a
hostile feed costs a poll a bounded read and event; a robots.txt failure is asked again."""

import json
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from newswire import pipeline
from newswire.fetching.client import ROBOTS_FAILURE_AGE, FetchError, PoliteClient
from newswire.pipeline.watching import MAX_EVENT_CHARS, MAX_WATCHED_URLS, poll_feed, watched_step
from newswire.warehouse import runs
from newswire.warehouse.connection import connect
from newswire_sample_site.server import RSS_PATH, SampleSite
from tests.support.http import Recorder


def test_a_published_release_is_seen_once_ingested_alone_and_its_latency_recorded(warehouse, query):
    with SampleSite(count=30, seed=11) as site, PoliteClient(site.base_url) as client:
        pipeline.ingest(warehouse, site.base_url)  # the safety net has loaded the archive
        assert poll_feed(warehouse, client, "prnewswire", RSS_PATH) == []  # 304 or all loaded
        feed_requests = site.request_counts["rss"]

        rel = site.publish()
        new = poll_feed(warehouse, client, "prnewswire", RSS_PATH)
        assert new == [site.base_url + rel.path]
        assert poll_feed(warehouse, client, "prnewswire", RSS_PATH) == []  # seen: not again
        assert site.request_counts["rss"] == feed_requests + 2  # one request a poll

        urls = watched_step(warehouse, site.base_url, "watch__1", new + new + ["/not-a-release"])
        assert urls == new  # only the watched release, once, nothing discovered
        pipeline.fetch_step(warehouse, site.base_url, "watch__1", urls)
        summary = pipeline.load_step(warehouse, "watch__1")
        assert (summary.discovered, summary.loaded_new, summary.rejected) == (1, 1, 0)
        # loaded meanwhile (by a 15-minute run): a repeated event ingests nothing
        assert watched_step(warehouse, site.base_url, "watch__2", new) == []

    [(published, seen_at, seen_in, fetched, loaded)] = query(
        warehouse,
        """SELECT published_at, first_seen_at, first_seen_in, fetched_at, loaded_at
           FROM newswire.report_release_latency WHERE release_id = %s""",
        (rel.release_id,),
    )
    assert published == rel.published_utc
    assert published <= seen_at <= fetched <= loaded < datetime.now(UTC)
    assert seen_in == site.base_url + RSS_PATH
    [(releases, p50, p95, maximum, seen, seen_p50)] = query(
        warehouse,
        """SELECT releases, p50_s, p95_s, max_s, seen, seen_p50_s
           FROM newswire.report_ingestion_latency WHERE day = %s""",
        (published.date(),),
    )
    assert (releases, seen) == (1, 1)
    assert p50 == p95 == maximum == round(Decimal((loaded - published).total_seconds()), 1)
    assert 0 <= seen_p50 <= p50


def test_discovery_records_where_it_first_saw_each_release(warehouse, sample_site, query):
    pipeline.discover_step(warehouse, sample_site.base_url, "d1")
    where = dict(
        query(
            warehouse, "SELECT first_seen_in, count(*) FROM newswire.release_sightings GROUP BY 1"
        )
    )
    assert where[sample_site.base_url + RSS_PATH] == 50  # the feed first, then the listing
    assert sum(where.values()) == len(sample_site.releases)
    assert all("news-releases-list" in url for url in where if not url.endswith(".rss"))


def test_sightings_keep_the_earliest_and_name_only_first_sightings(warehouse, query):
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    with connect(warehouse) as conn, conn.cursor() as cur:
        rows = [("prnewswire", "1", t0, "feed"), ("prnewswire", "1", t0, "feed again")]
        assert runs.record_sightings(cur, rows + [("prnewswire", "2", t0, "listing")]) == ["1", "2"]
        earlier, later = t0 - timedelta(minutes=1), t0 + timedelta(minutes=1)
        assert runs.record_sightings(cur, [("prnewswire", "1", later, "watcher")]) == []
        assert runs.record_sightings(cur, [("prnewswire", "2", earlier, "sitemap")]) == []
    assert sorted(query(warehouse, "SELECT * FROM newswire.release_sightings")) == [
        ("prnewswire", "1", t0, "feed"),
        ("prnewswire", "2", earlier, "sitemap"),
    ]


def _rss(paths: list[str]) -> tuple[int, dict, bytes]:
    items = "".join(f"<item><link>{path}</link></item>" for path in paths)
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'
    return 200, {"Content-Type": "application/rss+xml"}, feed.encode()


@pytest.mark.parametrize(
    "count, slug",
    [(100_000, "r"), (1_000, "r" * 2_000)],
    ids=["100k_items", "long_urls"],
)
def test_a_hostile_feed_costs_a_poll_a_bounded_read_and_a_bounded_event(
    warehouse, query, count, slug
):
    """100,000 items (6 MB) took a poll 23 s of the triggerer's CPU and put 570 KB in an
    event; a poll now reads the first items only and hands on no more than an event holds."""
    paths = [f"/news-releases/{slug}-{302_000_000 + n}.html" for n in range(count)]
    site = Recorder({"/rss/hostile.rss": _rss(paths)})
    try:
        with PoliteClient(site.url) as client:
            urls = poll_feed(warehouse, client, "prnewswire", "/rss/hostile.rss")
    finally:
        site.close()
    assert 0 < len(urls) <= MAX_WATCHED_URLS
    assert urls == [site.url + path for path in paths[: len(urls)]]  # the feed's first ones
    assert len(json.dumps({"source": "prnewswire", "urls": urls})) < MAX_EVENT_CHARS + 8_192
    # Only what was handed on is seen: the scheduled discovery takes the rest.
    assert query(warehouse, "SELECT count(*) FROM newswire.release_sightings") == [(len(urls),)]


def test_the_watcher_reads_robots_txt_again_after_it_failed(warehouse, monkeypatch):
    """One 503 at the watcher's start must not stop it until the triggerer restarts."""
    up = threading.Event()

    def robots(handler):
        return (200, {}, b"User-agent: *\n") if up.is_set() else (503, {}, b"busy")

    page = "/news-releases/r-302000001.html"
    site = Recorder({"/robots.txt": (0, {}, robots), "/rss/news.rss": _rss([page])})
    now = [0.0]
    try:
        with PoliteClient(site.url, retries=0) as client:
            client.robots.clock = lambda: now[0]
            with pytest.raises(FetchError) as caught:
                poll_feed(warehouse, client, "prnewswire", "/rss/news.rss")
            assert caught.value.reason == "robots_unreachable"
            up.set()
            now[0] += ROBOTS_FAILURE_AGE
            assert poll_feed(warehouse, client, "prnewswire", "/rss/news.rss") == [site.url + page]
    finally:
        site.close()
