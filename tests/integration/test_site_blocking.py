"""The real site's bot management, on the sample site: a feed that moved to a page that is
not there, a challenge page where the feed was, a 403 for everything. Each is recorded as
what it is; a broken feed does not stop the listing; a blocked site fails the run and says
so. And a feed that writes its dates every which way loses no item and no time."""

import subprocess
import sys
from datetime import timedelta

import pytest

from newswire import pipeline, wires
from newswire.discovery.discover import SiteBlocked, discover
from newswire.fetching.client import PoliteClient
from newswire_sample_site import SampleSite
from newswire_sample_site.blocking import Blocking
from newswire_sample_site.server import NEWS_SITEMAP_HOURS


@pytest.mark.parametrize(
    ("blocking", "reason", "status"),
    [(Blocking(feed_moved=True), "feed_moved", 404),
     (Blocking(feed_challenge=True), "bot_challenge", 200)],
    ids=["moved", "challenge"],
)  # fmt: skip
def test_a_broken_feed_is_recorded_as_what_it_is_and_the_listing_still_runs(
    warehouse, query, blocking, reason, status
):
    with SampleSite(count=30, seed=5, blocking=blocking) as site:
        summary = pipeline.ingest(warehouse, site.base_url, source="prnewswire")
        again = pipeline.ingest(warehouse, site.base_url, source="prnewswire")
    assert (summary.loaded_new, summary.rejected) == (30, 0)
    rejects = query(
        warehouse,
        """SELECT url, stage, reason, http_status, run_key, resolved_at IS NULL
           FROM newswire.rejects ORDER BY rejected_at""",
    )
    feed = f"{site.base_url}/rss/news-releases-list.rss"
    assert rejects == [  # the next run's look supersedes the first one's
        (feed, "discover", reason, status, summary.run_key, False),
        (feed, "discover", reason, status, again.run_key, True),
    ]
    runs = query(warehouse, "SELECT status FROM newswire.ingestion_runs")
    assert runs == [("success",), ("success",)]


def test_a_site_that_blocks_us_fails_the_run_with_that_reason(warehouse, query):
    with SampleSite(count=10, blocking=Blocking(forbid=True)) as site:
        with pytest.raises(SiteBlocked, match="^blocked_by_site: "):
            pipeline.ingest(warehouse, site.base_url, source="prnewswire")
        done = subprocess.run(
            [sys.executable, "-m", "newswire.cli", "ingest", "--base-url", site.base_url,
             "--dsn", warehouse],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert done.returncode == 1
    assert "blocked_by_site" in done.stderr
    runs = query(warehouse, "SELECT status FROM newswire.ingestion_runs")
    assert runs == [("failed",), ("failed",)]
    reasons = query(warehouse, "SELECT DISTINCT stage, reason, http_status FROM newswire.rejects")
    assert reasons == [("discover", "blocked_by_site", 403)]


def test_feed_dates_in_every_shape_give_every_item_its_true_time():
    with SampleSite(count=60, rss_size=60, pubdate_variants=True) as site:
        times = sorted(rel.published_utc for rel in site.releases)
        since, until = times[0], times[-1] + timedelta(minutes=1)
        with PoliteClient(site.base_url) as client:
            found = discover(client, wires.get("prnewswire"), since=since, until=until, max_pages=0)
        listing_pages = site.request_counts["listing"]
    truth = {rel.release_id: rel.published_utc for rel in site.releases}
    assert {item.release_id: item.published for item in found} == truth
    assert listing_pages >= 1  # found from the feed first: the times are the feed's


def test_a_blocked_listing_is_made_up_for_by_the_news_sitemap(warehouse, query):
    """The feed moved away and the listing answers 403: the news sitemap still gives the
    releases of the last two days, with their times; both problems are recorded."""
    with SampleSite(count=3000, blocking=Blocking(feed_moved=True, forbid_listing=True)) as site:
        summary = pipeline.ingest(warehouse, site.base_url, source="prnewswire")
        requests = dict(site.request_counts)
    recent = {
        rel.release_id
        for rel in site.releases
        if rel.published_utc > site.now - timedelta(hours=NEWS_SITEMAP_HOURS)
    }
    landed = {row[0] for row in query(warehouse, "SELECT release_id FROM newswire.releases")}
    assert len(recent) >= 10 and landed == recent
    assert summary.rejected == 0
    reasons = query(warehouse, "SELECT reason FROM newswire.rejects ORDER BY reason")
    assert reasons == [("blocked_by_site",), ("feed_moved",)]
    assert requests["sitemap"] <= 4  # the index and a sitemap per day
