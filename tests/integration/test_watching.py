"""The feed watcher's steps on the live sample site and a real warehouse: a new release is
handed on once, ingested alone, and its latency recorded from publication to load; a
hostile feed costs a poll a bounded read and event; a robots.txt failure is asked again."""

import json
import re
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from newswire import pipeline, wires
from newswire.discovery.items import Discovered
from newswire.fetching.client import ROBOTS_FAILURE_AGE, FetchError, PoliteClient
from newswire.pipeline.watching import MAX_EVENT_CHARS, MAX_WATCHED_URLS, poll_feed, watched_step
from newswire.warehouse import runs
from newswire.warehouse.connection import connect
from newswire_sample_site.faults import Faults
from newswire_sample_site.server import RSS_PATH, SampleSite
from tests.support.http import Recorder


def test_a_published_release_is_seen_once_ingested_alone_and_its_latency_recorded(warehouse, query):
    with SampleSite(count=30, seed=11) as site, PoliteClient(site.base_url) as client:
        # the safety net has loaded the archive
        pipeline.ingest(warehouse, site.base_url, source="prnewswire")
        assert poll_feed(warehouse, client, "prnewswire", RSS_PATH).urls == []  # 304 or loaded
        feed_requests = site.request_counts["rss"]

        rel = site.publish()
        new = poll_feed(warehouse, client, "prnewswire", RSS_PATH).new
        assert new == [site.base_url + rel.path]
        assert poll_feed(warehouse, client, "prnewswire", RSS_PATH).urls == []  # seen: not again
        assert site.request_counts["rss"] == feed_requests + 2  # one request a poll

        urls = watched_step(
            warehouse,
            site.base_url,
            "watch__1",
            new + new + ["/not-a-release"],
            source="prnewswire",
        )
        assert urls == new  # only the watched release, once, nothing discovered
        pipeline.fetch_step(warehouse, site.base_url, "watch__1", urls, source="prnewswire")
        summary = pipeline.load_step(warehouse, "watch__1")
        assert (summary.discovered, summary.loaded_new, summary.rejected) == (1, 1, 0)
        # loaded meanwhile (by a 15-minute run): a repeated event ingests nothing
        assert watched_step(warehouse, site.base_url, "watch__2", new, source="prnewswire") == []

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


def test_a_corrected_feed_item_is_handed_on_once_and_its_release_loaded_as_version_2(
    warehouse, query
):
    with SampleSite(count=30, seed=11) as site, PoliteClient(site.base_url) as client:
        pipeline.ingest(warehouse, site.base_url, source="prnewswire")
        rel = site.publish()
        url = site.base_url + rel.path
        first = poll_feed(warehouse, client, "prnewswire", RSS_PATH)
        # loaded (here by the safety net)
        pipeline.ingest(warehouse, site.base_url, source="prnewswire")

        fixed = site.correct(rel)  # same id, a new title (and slug): the feed item changed
        fixed_url = site.base_url + fixed.path
        poll = poll_feed(warehouse, client, "prnewswire", RSS_PATH)
        again = poll_feed(warehouse, client, "prnewswire", RSS_PATH)
        urls = watched_step(
            warehouse,
            site.base_url,
            "watch__c",
            poll.new,
            changed=poll.changed,
            source="prnewswire",
        )
        pipeline.fetch_step(warehouse, site.base_url, "watch__c", urls, source="prnewswire")
        summary = pipeline.load_step(warehouse, "watch__c")

    assert (first.new, first.changed) == ([url], [])
    assert (poll.new, poll.changed) == ([], [fixed_url])  # before: passed over as loaded
    assert poll.skipped == {"loaded": 30, "over_limit": 0, "seen": 0}
    assert poll.explained() == "0 new, 1 changed; skipped 30 loaded and listed as before"
    assert again.urls == [] and "304" in again.explained()  # once per change
    assert (urls, summary.loaded_updated) == ([fixed_url], 1)
    assert query(
        warehouse,
        "SELECT version, record->>'title' FROM newswire.release_versions"
        " WHERE release_id = %s ORDER BY version",
        (rel.release_id,),
    ) == [(1, rel.title), (2, fixed.title)]
    [(version, changed_at, fetched_at, loaded_at, seen_to_loaded)] = query(
        warehouse,
        """SELECT version, listing_changed_at, fetched_at, loaded_at, seen_to_loaded_s
           FROM newswire.report_correction_latency WHERE release_id = %s""",
        (rel.release_id,),
    )
    assert version == 2 and changed_at <= fetched_at <= loaded_at  # seen changed, then loaded
    assert seen_to_loaded == round(Decimal((loaded_at - changed_at).total_seconds()), 1)


def test_discovery_fetches_a_loaded_release_again_when_its_listing_changed(warehouse, query):
    with SampleSite(count=30, seed=11) as site:
        pipeline.ingest(warehouse, site.base_url, source="prnewswire")
        quiet = pipeline.ingest(warehouse, site.base_url, source="prnewswire")
        fixed = site.correct(site.releases[-1])
        summary = pipeline.ingest(warehouse, site.base_url, source="prnewswire")
        after = pipeline.ingest(warehouse, site.base_url, source="prnewswire")
    assert (quiet.discovered, after.discovered) == (0, 0)  # listed as before: not fetched
    assert (summary.discovered, summary.loaded_updated) == (1, 1)
    [(title,)] = query(
        warehouse, "SELECT title FROM newswire.releases WHERE release_id = %s", (fixed.release_id,)
    )
    assert title == fixed.title


def test_discovery_records_where_it_first_saw_each_release(warehouse, sample_site, query):
    pipeline.discover_step(warehouse, sample_site.base_url, "d1", source="prnewswire")
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
            urls = poll_feed(warehouse, client, "prnewswire", "/rss/hostile.rss").new
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
            assert poll_feed(warehouse, client, "prnewswire", "/rss/news.rss").new == [
                site.url + page
            ]
    finally:
        site.close()


def test_after_a_restart_on_its_state_folder_the_live_site_continues_and_the_watcher_sees_it(
    warehouse, tmp_path
):
    """`make down; make up`: the live site restarts (on another port, the same state folder)
    and publishes releases the warehouse has not seen; the watcher hands them on."""
    newswire = Path(sys.executable).parent / "newswire"
    command = [newswire, "sample-site", "--port", "0", "--count", "20", "--seed", "3"]
    command += ["--live-every", "0.2-0.3", "--live-corrections", "0", "--state", tmp_path]

    def live_site(published: int):
        """Start the site; its base URL once it has published ``published`` live releases."""
        site = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        base_url = re.search(r"http://\S+", site.stdout.readline())[0]
        lines = [site.stdout.readline() for _ in range(published + 1)]  # "live: ..." first
        return site, base_url, [line.split()[1] for line in lines[1:]]

    def stop(site) -> None:
        """As `make down` stops it: SIGTERM (each publication is already in the journal on
        disk), reading what it still prints meanwhile."""
        site.terminate()
        site.communicate(timeout=60)

    site, base_url, before = live_site(3)
    try:
        # the archive and what went out so far
        pipeline.ingest(warehouse, base_url, source="prnewswire")
    finally:
        stop(site)
    site, base_url, after = live_site(2)
    try:
        with PoliteClient(base_url) as client:
            poll = poll_feed(warehouse, client, "prnewswire", RSS_PATH)
    finally:
        stop(site)
    assert min(map(int, after)) > max(map(int, before))  # never an id served before
    new_ids = {wires.get("prnewswire").release_id(url) for url in poll.new}
    assert set(after) <= new_ids and not new_ids & set(before)
    assert poll.changed == [] and poll.skipped["loaded"] >= 20 + 3  # the rest: as before


def test_a_release_the_feed_lists_twice_is_not_taken_for_a_correction(warehouse):
    with (
        SampleSite(count=40, seed=11, faults=Faults(duplicate_feed_entries=True)) as site,
        PoliteClient(site.base_url) as client,
    ):
        pipeline.ingest(warehouse, site.base_url, source="prnewswire")
        polls = []
        for second in range(2):  # the feed changes: read in full, duplicates and all
            site.publish(datetime.now(UTC) + timedelta(seconds=second))
            polls.append(poll_feed(warehouse, client, "prnewswire", RSS_PATH))
        then = pipeline.ingest(warehouse, site.base_url, source="prnewswire")
    assert [(len(p.new), p.changed) for p in polls] == [(1, []), (1, [])]
    assert polls[1].skipped["loaded"] == 40  # the duplicated ones among them, once each
    assert (then.discovered, then.loaded_new, then.loaded_updated) == (2, 2, 0)


def test_a_release_listed_twice_differently_is_unchanged_while_one_item_says_the_same(
    warehouse, sample_site
):
    pipeline.ingest(warehouse, sample_site.base_url, source="prnewswire")
    rel = sample_site.releases[0]
    one = Discovered(
        sample_site.base_url + rel.path,
        rel.release_id,
        listed_as=("feed", "1" * 32),
        source="prnewswire",
    )
    other = replace(one, listed_as=("feed", "2" * 32))
    with connect(warehouse) as conn, conn.cursor() as cur:
        assert runs.record_listings(cur, [one, other]) == [rel.release_id]  # the last one kept
        assert runs.listed_unchanged(cur, "prnewswire", [one, other]) == {rel.release_id}
        assert runs.listed_unchanged(cur, "prnewswire", [one]) == frozenset()  # changed
