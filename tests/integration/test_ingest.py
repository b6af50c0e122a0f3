"""Ingestion end to end: real HTTP over loopback from the sample site into real PostgreSQL."""

import subprocess
import sys

import pytest
import requests

from newswire import pipeline
from newswire.warehouse.connection import connect
from tests.support.records import archived


def _truth(release) -> dict:
    return release.expected


def test_ingest_lands_every_sample_release_once(warehouse, sample_site, query):
    summary = pipeline.ingest(warehouse, sample_site.base_url, source="prnewswire")
    total = len(sample_site.releases)
    assert (summary.discovered, summary.fetched, summary.loaded_new, summary.rejected) == (
        total,
        total,
        total,
        0,
    )
    rows = query(
        warehouse,
        """SELECT release_id, url, title, issuer, published_at,
                                      dateline_location, source_org
                               FROM newswire.releases""",
    )
    assert len(rows) == total
    landed = {row[0]: row for row in rows}
    for release in sample_site.releases:
        truth = _truth(release)
        release_id, url, title, issuer, published_at, dateline, source = landed[truth["release_id"]]
        assert (url, title, issuer, dateline, source) == (
            truth["url"],
            truth["title"],
            truth["issuer"],
            truth["dateline_location"],
            truth["source_org"],
        )
        assert published_at.isoformat() == truth["published_at"]


def test_seed_release_lands_with_its_dateline_and_source(warehouse, sample_site, query):
    pipeline.ingest(warehouse, sample_site.base_url, source="prnewswire")
    ((dateline, source, published, body),) = query(
        warehouse,
        """SELECT dateline_location, source_org, published_at::date::text, body_text
                      FROM newswire.releases WHERE source_org = 'Global Times'""",
    )
    assert (dateline, source, published) == ("BEIJING", "Global Times", "2025-02-19")
    assert body.startswith("A netizen on people.cn")


def test_reingest_loads_nothing_twice(warehouse, sample_site, query):
    pipeline.ingest(warehouse, sample_site.base_url, source="prnewswire")
    before = query(
        warehouse, "SELECT wire, release_id, updated_at FROM newswire.releases ORDER BY 1, 2"
    )
    again = pipeline.ingest(warehouse, sample_site.base_url, source="prnewswire")
    assert (again.discovered, again.loaded_new, again.loaded_updated) == (0, 0, 0)
    after = query(
        warehouse, "SELECT wire, release_id, updated_at FROM newswire.releases ORDER BY 1, 2"
    )
    assert after == before
    assert query(
        warehouse, "SELECT count(*) FROM newswire.ingestion_runs WHERE status = 'success'"
    ) == [(2,)]


def test_limit_then_incremental_run_picks_up_the_rest(warehouse, sample_site, query):
    first = pipeline.ingest(warehouse, sample_site.base_url, limit=10, source="prnewswire")
    assert first.loaded_new == 10
    second = pipeline.ingest(warehouse, sample_site.base_url, source="prnewswire")
    assert second.loaded_new == len(sample_site.releases) - 10
    assert query(warehouse, "SELECT count(*) FROM newswire.releases") == [
        (len(sample_site.releases),)
    ]


def test_steps_retried_individually_do_not_duplicate(warehouse, sample_site, query):
    run = "manual__retry"
    urls = pipeline.discover_step(
        warehouse, sample_site.base_url, run, limit=5, source="prnewswire"
    )
    pipeline.fetch_step(warehouse, sample_site.base_url, run, urls, source="prnewswire")
    # a retried fetch task
    pipeline.fetch_step(warehouse, sample_site.base_url, run, urls, source="prnewswire")
    first = pipeline.load_step(warehouse, run)
    second = pipeline.load_step(warehouse, run)  # a retried load task
    assert first.loaded_new == 5 and first.fetched == 5
    assert second == first
    assert query(warehouse, "SELECT count(*) FROM newswire.releases") == [(5,)]


def test_unfetchable_and_unparsable_pages_are_recorded_and_the_run_goes_on(
    warehouse, sample_site, query
):
    run = "manual__rejects"
    good = pipeline.discover_step(
        warehouse, sample_site.base_url, run, limit=1, source="prnewswire"
    )
    missing = sample_site.base_url + "/news-releases/no-such-release-999999999.html"
    not_a_release = sample_site.base_url + "/news-releases/news-releases-list/?page=1&pagesize=5"
    counts = pipeline.fetch_step(
        warehouse, sample_site.base_url, run, good + [missing, not_a_release], source="prnewswire"
    )
    assert counts == {"fetched": 2, "staged": 1, "rejected": 2, "not_modified": 0}
    summary = pipeline.load_step(warehouse, run, max_failed_share=1.0)
    assert (summary.loaded_new, summary.rejected) == (1, 2)
    rejects = dict(query(warehouse, "SELECT url, stage || ':' || reason FROM newswire.rejects"))
    assert rejects[missing] == "fetch:http_404"
    assert rejects[not_a_release].startswith("parse:")
    ((raw_page_id,),) = query(
        warehouse,
        "SELECT raw_page_id FROM newswire.rejects WHERE url = %s",
        (not_a_release,),
    )
    assert archived(warehouse, raw_page_id) == requests.get(not_a_release, timeout=10).content


def test_a_run_fails_when_too_many_pages_fail_but_keeps_the_good_ones(
    warehouse, sample_site, query
):
    run = "manual__too_many"
    good = pipeline.discover_step(
        warehouse, sample_site.base_url, run, limit=3, source="prnewswire"
    )
    missing = [f"{sample_site.base_url}/news-releases/gone-{n}-99999999{n}.html" for n in range(2)]
    pipeline.fetch_step(warehouse, sample_site.base_url, run, good + missing, source="prnewswire")
    with pytest.raises(pipeline.TooManyFailures, match="2 of 5 pages failed"):
        pipeline.load_step(warehouse, run, max_failed_share=0.3)
    assert query(warehouse, "SELECT count(*) FROM newswire.releases") == [(3,)]
    assert query(
        warehouse,
        "SELECT status, loaded_new, rejected FROM newswire.ingestion_runs WHERE run_key = %s",
        (run,),
    ) == [("failed", 3, 2)]
    # the failures are retried by the next run (and fail again here: still recorded)
    retried = pipeline.discover_step(
        warehouse, sample_site.base_url, "manual__next", limit=0, source="prnewswire"
    )
    assert sorted(retried) == sorted(missing)


def test_a_reject_is_resolved_when_its_release_later_loads(warehouse, sample_site, query):
    url = pipeline.discover_step(
        warehouse, sample_site.base_url, "manual__one", limit=1, source="prnewswire"
    )[0]
    with connect(warehouse) as conn, conn.cursor() as cur:
        cur.execute(
            """INSERT INTO newswire.rejects (run_key, url, stage, reason)
                       VALUES ('manual__one', %s, 'fetch', 'http_503')""",
            (url,),
        )
    pipeline.ingest(warehouse, sample_site.base_url, source="prnewswire")
    assert query(warehouse, "SELECT resolved_at IS NOT NULL FROM newswire.rejects") == [(True,)]


def _newswire(*args):
    return subprocess.run(
        [sys.executable, "-m", "newswire.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_cli_ingest_and_report(warehouse, sample_site):
    result = _newswire(
        "ingest", "--base-url", sample_site.base_url, "--dsn", warehouse, "--limit", "20"
    )
    assert result.returncode == 0, result.stderr
    assert (
        "discovered 20, fetched 20, loaded 20 new / 0 updated / 0 unchanged, rejected 0"
        in result.stdout
    )
    report = _newswire("report", "--dsn", warehouse)
    assert report.returncode == 0, report.stderr
    assert "releases per day" in report.stdout and "top issuers" in report.stdout


def test_cli_ingest_fails_when_discovery_fails(warehouse):
    result = _newswire("ingest", "--base-url", "http://127.0.0.1:9", "--dsn", warehouse)
    assert result.returncode == 1
    assert "discovery failed" in result.stderr


def test_cli_window_dates():
    from newswire.cli import _day_or_time, _window_end

    assert _day_or_time("2025-02-01").isoformat() == "2025-02-01T00:00:00+00:00"
    assert _window_end("2025-02-20").isoformat() == "2025-02-21T00:00:00+00:00"  # the day included
    assert _window_end("2025-02-20T12:00:00-05:00").isoformat() == "2025-02-20T12:00:00-05:00"
