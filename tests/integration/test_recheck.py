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
        first = pipeline.ingest(warehouse, site.base_url, since=now - timedelta(days=4), until=now)
        site.advance()  # some releases are corrected on the site
        before = site.request_counts["release"]
        summary = pipeline.recheck(warehouse, site.base_url, days=2, now=now)
        refetched = site.request_counts["release"] - before
    recent = [rel for rel in site.releases if now - timedelta(days=2) <= rel.published_utc < now]
    corrected = {rel.release_id for rel in recent if CHANGING.changes(rel.index)}
    assert first.loaded_new > len(recent) >= 5 and corrected  # the first run reached further
    assert refetched == len(recent)  # the last two days, politely: nothing older
    # conditional GETs: an unchanged page answers 304 and is neither fetched nor merged again
    assert (summary.loaded_new, summary.loaded_updated, summary.unchanged) == (0, len(corrected), 0)
    assert summary.not_modified == len(recent) - len(corrected)
    assert summary.fetched == len(corrected)
    versioned = query(
        warehouse, "SELECT release_id FROM newswire.release_versions WHERE version = 2"
    )
    assert {row[0] for row in versioned} == corrected
    landed = dict(query(warehouse, "SELECT release_id, content_sha256 FROM newswire.releases"))
    for rel in recent:
        assert landed[rel.release_id] == site.expected(rel)["content_sha256"]
