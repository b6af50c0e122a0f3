"""Corrections are caught: a re-check of the last days re-fetches the recent releases and a
corrected one gets a new version; older releases are not asked for again."""

from datetime import timedelta

from newswire import pipeline
from newswire_sample_site import SampleSite
from newswire_sample_site.faults import Faults

CHANGING = Faults(changing_releases=3)


def test_a_recheck_of_the_last_two_days_versions_the_corrected_releases(warehouse, query):
    with SampleSite(count=2000, seed=7, faults=CHANGING) as site:
        now = site.now
        first = pipeline.ingest(
            warehouse, site.base_url, since=now - timedelta(days=4), until=now, source="prnewswire"
        )
        site.advance()  # some releases are corrected on the site
        before = site.request_counts["release"]
        summary = pipeline.recheck(warehouse, site.base_url, days=2, now=now, source="prnewswire")
        refetched = site.request_counts["release"] - before
    recent = [rel for rel in site.releases if now - timedelta(days=2) <= rel.published_utc < now]
    corrected = {rel.release_id for rel in recent if CHANGING.changes(rel.index)}
    assert first.loaded_new > len(recent) >= 5 and corrected  # the first run reached further
    assert refetched == len(recent)  # the last two days, politely: nothing older
    # conditional GETs: an unchanged page answers 304 and is neither fetched nor merged again
    assert (summary.loaded_new, summary.loaded_updated, summary.unchanged) == (0, len(corrected), 0)
    assert (summary.discovered, summary.fetched) == (len(recent), len(corrected))
    versioned = query(
        warehouse, "SELECT release_id FROM newswire.release_versions WHERE version = 2"
    )
    assert {row[0] for row in versioned} == corrected
    landed = dict(query(warehouse, "SELECT release_id, content_sha256 FROM newswire.releases"))
    for rel in recent:
        assert landed[rel.release_id] == site.expected(rel)["content_sha256"]


def test_rechecks_of_more_recent_releases_than_a_run_may_ask_go_round_them_all(warehouse, query):
    with SampleSite(count=120, seed=7, days=4) as site:  # about 60 in the last two days
        now = site.now
        pipeline.ingest(
            warehouse, site.base_url, since=now - timedelta(days=3), until=now, source="prnewswire"
        )
        [(loaded_by,)] = query(warehouse, "SELECT max(checked_at) FROM newswire.page_validators")
        recent = [r for r in site.releases if now - timedelta(days=2) <= r.published_utc < now]
        for _ in range(3):
            before = site.request_counts["release"]
            summary = pipeline.recheck(
                warehouse, site.base_url, days=2, now=now, max_pages=5, source="prnewswire"
            )
            assert site.request_counts["release"] - before == 5
            assert (summary.discovered, summary.fetched) == (5, 0)  # all 304
    assert len(recent) > 15
    [(checked_again,)] = query(
        warehouse,
        "SELECT count(*) FROM newswire.page_validators WHERE checked_at > %s",
        (loaded_by,),
    )
    assert checked_again == 15  # three runs of five, no page twice


def test_a_run_that_fails_forgets_the_page_validators_it_saved(warehouse, query):
    """Its pages may never be loaded: the next conditional GET must not call them current."""
    count = "SELECT count(*) FROM newswire.page_validators"
    with SampleSite(count=20, seed=7) as site:
        urls = pipeline.discover_step(warehouse, site.base_url, "r_fails", source="prnewswire")
        pipeline.fetch_step(warehouse, site.base_url, "r_fails", urls, source="prnewswire")
        assert query(warehouse, count) == [(20,)]
        pipeline.mark_failed(warehouse, "r_fails")
        assert query(warehouse, count) == [(0,)]
        urls = pipeline.discover_step(warehouse, site.base_url, "r_loads", source="prnewswire")
        pipeline.fetch_step(warehouse, site.base_url, "r_loads", urls, source="prnewswire")
        pipeline.load_step(warehouse, "r_loads")
        pipeline.mark_failed(warehouse, "r_loads")  # a later task of a loaded run: kept
        assert query(warehouse, count) == [(20,)]
