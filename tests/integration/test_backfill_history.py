"""A backfill reaches history through the listing's date-jump view: its cost follows the
window, not the window's distance from today."""

from datetime import UTC, datetime, time, timedelta

from newswire import pipeline
from newswire_sample_site import SampleSite

ARCHIVE_DAYS = 5 * 365 + 30  # the site's archive reaches a little over five years back
COUNT = 30_000  # about 16 releases a day over those years
PAGESIZE = 100


def test_a_one_day_backfill_five_years_back_costs_requests_in_proportion_to_that_day(
    warehouse, query
):
    with SampleSite(count=COUNT, days=ARCHIVE_DAYS) as site:
        day = (site.now - timedelta(days=5 * 365)).date()
        since = datetime.combine(day, time(), tzinfo=UTC)
        until = since + timedelta(days=1)
        of_the_day = {rel.release_id for rel in site.releases if since <= rel.published_utc < until}
        summary = pipeline.ingest(
            warehouse, site.base_url, since=since, until=until, source="prnewswire"
        )
        requests = dict(site.request_counts)
    print(f"backfill of {day}: {len(of_the_day)} releases, requests {requests}")
    landed = {row[0] for row in query(warehouse, "SELECT release_id FROM newswire.releases")}
    assert len(of_the_day) >= 5
    assert landed == of_the_day
    assert (summary.loaded_new, summary.rejected) == (len(of_the_day), 0)
    # the listing pages that hold the day (plus one to see past it), one fetch per release,
    # the feed once (and robots.txt): nothing grows with the years in between
    assert requests["listing"] <= len(of_the_day) // PAGESIZE + 2
    assert requests["release"] == len(of_the_day)
    assert set(requests) == {"robots", "rss", "listing", "release"}
    assert requests["rss"] == 1
