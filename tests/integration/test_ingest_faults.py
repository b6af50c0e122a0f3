"""Ingestion against the sample site with its faults switched on, over real loopback HTTP
into a real PostgreSQL: every good release lands exactly once, failures are recorded and
land on the next run, Retry-After is honoured, nothing is requested outside the allow-list."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from newswire import pipeline
from newswire_sample_site.faults import ALL, Faults
from newswire_sample_site.render import render_release_page
from newswire_sample_site.server import SampleSite
from tests.support.http import Recorder


def _landed(query, dsn) -> dict[str, tuple[str, int]]:
    return dict(
        (rid, (sha, version))
        for rid, sha, version in query(
            dsn, "SELECT release_id, content_sha256, version FROM newswire.releases"
        )
    )


# The reject each hostile fault (issue 11: 5-8) must end in; the robots bomb ends in none.
HOSTILE_REJECTS = {
    "trickle": "deadline_exceeded",
    "huge_retry_after": "retry_after_too_long",
    "element_bomb": "too_many_elements",
    "attribute_bomb": "too_many_attributes",
}
BOMBS = ("element_bomb", "attribute_bomb")  # every serve: they stay rejects


def test_every_fault_on_every_release_lands_exactly_once(warehouse, query, monkeypatch):
    monkeypatch.setenv("NEWSWIRE_REQUEST_DEADLINE", "2")  # trickled pages take hours
    with SampleSite(count=150, seed=11, faults=ALL) as site:
        hostile = {rel.path: ALL.hostile_fault(rel.index) for rel in site.releases}
        bombs = {path: HOSTILE_REJECTS[kind] for path, kind in hostile.items() if kind in BOMBS}
        good = [rel for rel in site.releases if not hostile[rel.path]]
        summary = pipeline.ingest(warehouse, site.base_url, source="prnewswire")
        landed = _landed(query, warehouse)
        assert len(landed) == summary.loaded_new == len(good)
        assert {rid: sha for rid, (sha, _) in landed.items()} == {
            rel.release_id: site.expected(rel)["content_sha256"] for rel in good
        }
        counts = site.request_counts
        assert all(
            counts[kind] > 0
            for kind in ("429", "5xx", "dropped", "truncated", "slow", "cp1252", "no_charset")
            + ("robots_bomb", *HOSTILE_REJECTS)
        ), dict(counts)
        assert all(counts[kind] > 0 for kind in ("huge", "no_id", "nul_header")), dict(counts)
        waits = [after - before for _, before, after in site.retry_after_log]
        assert waits and min(waits) >= ALL.retry_after - 0.05  # Retry-After: 1 honoured
        assert _open_rejects(query, warehouse) == {
            path: HOSTILE_REJECTS[kind] for path, kind in hostile.items() if kind
        }

        # The same releases again, some corrected since: a backfill of the whole window
        # re-fetches them; corrections add a version, nothing is duplicated. The pages
        # that trickled or asked for a huge wait land now; bombs stay rejects.
        site.advance()
        window = dict(
            since=datetime(2024, 1, 1, tzinfo=UTC),
            until=datetime(2026, 1, 1, tzinfo=UTC),
        )
        again = pipeline.ingest(warehouse, site.base_url, source="prnewswire", **window)
        changed = [rel for rel in site.releases if ALL.changes(rel.index)]
        late = len(hostile) - len(good) - len(bombs)
        # an unchanged page answers the conditional GET 304 (not fetched), unless its
        # validator could not be sent back (the ETag with a NUL): then it is unchanged
        loaded = again.loaded_new + again.loaded_updated + again.unchanged
        not_modified = again.discovered - loaded - again.rejected  # neither loaded nor rejected
        unchanged = again.unchanged + not_modified
        assert (again.loaded_new, again.loaded_updated, unchanged, again.rejected) == (
            late,
            len(changed),
            len(good) - len(changed),
            len(bombs),
        )
        assert not_modified > again.unchanged
        fine = [rel for rel in site.releases if rel.path not in bombs]
        landed = _landed(query, warehouse)
        assert {rid: sha for rid, (sha, _) in landed.items()} == {
            rel.release_id: site.expected(rel)["content_sha256"] for rel in fine
        }
        assert sorted(rid for rid, (_, version) in landed.items() if version == 2) == sorted(
            rel.release_id for rel in changed
        )
        assert query(warehouse, "SELECT count(*) FROM newswire.release_versions") == [
            (len(fine) + len(changed),)
        ]
        assert _open_rejects(query, warehouse) == bombs


def _open_rejects(query, dsn) -> dict[str, str]:
    """path -> reason of the rejects not yet resolved (the latest run's, per URL)."""
    rows = query(
        dsn,
        "SELECT DISTINCT ON (url) url, reason FROM newswire.rejects"
        " WHERE resolved_at IS NULL ORDER BY url, rejected_at DESC",
    )
    return {urlsplit(url).path: reason for url, reason in rows}


def test_pages_that_still_fail_after_retries_are_recorded_and_land_next_run(warehouse, query):
    stubborn = Faults(rate_limit_every=5, burst=6, retry_after=1)  # 6 x 429 > 5 attempts
    with SampleSite(count=30, seed=3, faults=stubborn) as site:
        first = pipeline.ingest(warehouse, site.base_url, max_failed_share=0.5, source="prnewswire")
        assert (first.loaded_new, first.rejected) == (24, 6)
        rejects = query(warehouse, "SELECT reason FROM newswire.rejects WHERE resolved_at IS NULL")
        assert rejects == [("http_429",)] * 6
        second = pipeline.ingest(warehouse, site.base_url, source="prnewswire")
        assert (second.loaded_new, second.rejected) == (6, 0)
    assert len(_landed(query, warehouse)) == 30
    assert query(warehouse, "SELECT count(*) FROM newswire.rejects WHERE resolved_at IS NULL") == [
        (0,)
    ]


def test_nothing_is_requested_outside_the_allow_list(warehouse, query):
    """A hostile mirror: its feed links to another local service (the canary) and to a
    link-local address, one page redirects to the canary, and the pages link to it."""
    canary = Recorder()
    with SampleSite(count=2, seed=5) as sample:
        good, bad = sample.releases
        # The page's own links (in its body) point at the canary; its head (canonical URL)
        # stays the wire's, as on a real mirror of the wire.
        head, body = render_release_page(good).split("<body", 1)
        page = head + "<body" + body.replace("https://www.", canary.url + "/www.")
        html = {"Content-Type": "text/html; charset=utf-8"}
        mirror = Recorder(
            {
                good.path: (200, html, page.encode()),
                bad.path: (302, {"Location": canary.url + bad.path}, b""),
                "/news-releases/news-releases-list/?page=1&pagesize=100": (404, html, b""),
            }
        )
        mirror.routes["/rss/news-releases-list.rss"] = (
            200,
            {"Content-Type": "application/rss+xml"},
            f"""
            <rss><channel>
            <item><link>{canary.url}{good.path}</link></item>
            <item><link>http://169.254.169.254{bad.path}</link></item>
            </channel></rss>""".encode(),
        )
        try:
            summary = pipeline.ingest(
                warehouse, mirror.url, max_failed_share=1.0, source="prnewswire"
            )
        finally:
            mirror.close()
            canary.close()
    assert (summary.loaded_new, summary.rejected) == (1, 1)
    rejects = "SELECT stage, reason FROM newswire.rejects ORDER BY stage, reason"
    assert query(warehouse, rejects) == [
        ("discover", "bot_challenge"),  # and HTML for its news sitemap: the feed is still read
        ("discover", "http_404"),  # the mirror has no listing
        ("fetch", "host_not_allowed"),
    ]
    assert canary.seen == []
    fetched = {path for path, _, _ in mirror.seen}
    assert {good.path, bad.path} <= fetched  # links were re-rooted on the configured site


def test_backfill_lands_exactly_the_window(warehouse, query):
    since, until = (
        datetime(2025, 9, 1, tzinfo=UTC),
        datetime(2025, 9, 20, tzinfo=UTC),
    )
    with SampleSite(count=400, seed=7, rss_size=20) as site:
        summary = pipeline.ingest(
            warehouse, site.base_url, since=since, until=until, source="prnewswire"
        )
        wanted = {r.release_id for r in site.releases if since <= r.published_utc < until}
        listing_pages = site.request_counts["listing"]
    assert len(wanted) > 10 and summary.loaded_new == len(wanted)
    assert set(_landed(query, warehouse)) == wanted
    # newest first, 100 per page: page 1 reaches back past September 1st, page 2 is all
    # older, and the walk stops there instead of reading all 4 pages
    assert listing_pages == 2
