"""Which layer gave each field is stored and queryable; a run in which too many pages needed
a fallback for a field the rules normally give says "template drift"; ``newswire reparse``
can take just the fallback-parsed releases. Real PostgreSQL; pages over loopback HTTP."""

import hashlib
import re

import pytest

from newswire import pipeline
from newswire.cli import main
from newswire.pipeline import load_step, reparse
from newswire.warehouse import runs
from newswire.warehouse.connection import connect
from newswire.warehouse.loading import stage
from newswire.warehouse.reports import run_report
from newswire_airflow import quality
from newswire_sample_site.releases import generate_releases
from newswire_sample_site.render import render_release_page
from newswire_sample_site.server import SampleSite
from tests.support.http import Recorder
from tests.support.records import make_record, staged


def fell_back(i: int, **layers) -> dict:
    """Record ``i`` whose fields came from the rules except ``layers`` ({field: layer})."""
    rules = make_record(i)["field_sources"]
    return make_record(i, field_sources={**rules, **layers})


def load_records(dsn: str, run_key: str, records: list[dict], source: str = "test"):
    with connect(dsn) as conn, conn.cursor() as cur:
        runs.open_run(cur, run_key, source)
        stage(cur, run_key, staged(records))
    return load_step(dsn, run_key)


def drift_check_passes(dsn: str, query) -> bool:
    """The quality DAG's drift check, evaluated as SQLTableCheckOperator does: the check
    statement over the rows its partition clause selects."""
    (check,) = quality.DRIFT_CHECKS.values()
    return query(dsn, f"SELECT {check['check_statement']} FROM {quality.DRIFT_TABLE}") == [(True,)]


def test_field_sources_are_stored_with_the_version_and_queryable(warehouse, query):
    records = [make_record(0), fell_back(1, title="meta"), fell_back(2, body_text="text")]
    load_records(warehouse, "r1", records)
    rows = query(
        warehouse,
        "SELECT release_id, field_sources, fallback_fields FROM newswire.releases ORDER BY 1",
    )
    assert [(rid, sources) for rid, sources, _ in rows] == [
        (r["release_id"], r["field_sources"]) for r in records
    ]
    assert [fallbacks for *_, fallbacks in rows] == [[], ["title"], ["body_text"]]
    versions = query(
        warehouse,
        "SELECT release_id, record->'field_sources' FROM newswire.release_versions ORDER BY 1",
    )
    assert versions == [(r["release_id"], r["field_sources"]) for r in records]
    fallback_parsed = "SELECT release_id FROM newswire.releases WHERE fallback_fields <> '{}'"
    assert query(warehouse, fallback_parsed) == [(r["release_id"],) for r in records[1:]]
    with connect(warehouse) as conn, conn.cursor() as cur:  # an index serves it, at any size
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("EXPLAIN " + fallback_parsed)
        assert "releases_fallback_parsed_idx" in "\n".join(row[0] for row in cur.fetchall())


def test_the_same_content_read_by_other_layers_updates_provenance_not_versions(warehouse, query):
    load_records(warehouse, "r1", [fell_back(0, title="meta")])
    summary = load_records(warehouse, "r2", [make_record(0)])  # the rules read it again
    assert (summary.loaded_new, summary.loaded_updated, summary.unchanged) == (0, 0, 1)
    assert query(warehouse, "SELECT fallback_fields FROM newswire.releases") == [([],)]
    assert query(
        warehouse,
        "SELECT version, record->'field_sources'->>'title' FROM newswire.release_versions",
    ) == [(1, "rules")]


@pytest.mark.parametrize(
    ("fallbacks", "drift"),
    [(0, False), (2, False), (3, True), (10, True)],  # of 10 pages; the default share is 20%
)
def test_a_run_says_template_drift_past_the_share(warehouse, query, fallbacks, drift):
    records = [fell_back(i, title="meta") if i < fallbacks else make_record(i) for i in range(10)]
    summary = load_records(warehouse, "r1", records)
    assert (summary.fallback_parsed, summary.template_drift) == (fallbacks, drift)
    assert ("template drift" in summary.as_text()) is drift
    if drift:
        assert f"template drift: {fallbacks} of 10 parsed pages needed a fallback for title" in (
            summary.as_text()
        )
    assert query(
        warehouse,
        "SELECT fallback_parsed, drift_fields, template_drift FROM newswire.ingestion_runs",
    ) == [(fallbacks, ["title"] if fallbacks else [], drift)]
    assert drift_check_passes(warehouse, query) is not drift


def test_a_fallback_for_a_field_the_rules_may_lack_is_no_drift(warehouse):
    """A subtitle or contacts block read from the headings or the text is not a sign the
    template changed: the rules do not find one on every page."""
    records = [fell_back(i, subtitle="headings", contacts="text") for i in range(10)]
    summary = load_records(warehouse, "r1", records)
    assert (summary.fallback_parsed, summary.template_drift) == (0, False)


def test_the_drift_share_is_a_setting(warehouse, monkeypatch):
    monkeypatch.setenv("NEWSWIRE_DRIFT_SHARE", "0.5")
    records = [fell_back(i, published_at="jsonld") if i < 3 else make_record(i) for i in range(10)]
    assert load_records(warehouse, "r1", records).template_drift is False


def test_the_warning_lasts_until_a_run_of_that_source_without_drift(warehouse, query):
    load_records(warehouse, "r1", [fell_back(i, issuer="meta") for i in range(4)], "http://a")
    load_records(warehouse, "r2", [make_record(i) for i in range(4, 8)], "http://b")
    columns, rows = run_report(warehouse, "template_drift")
    assert [dict(zip(columns, row)) for row in rows] == [
        {
            "source": "http://a",
            "run_key": "r1",
            "finished_at": rows[0][columns.index("finished_at")],
            "fallback_parsed": 4,
            "parsed": 4,
            "drift_fields": ["issuer"],
        }
    ]
    assert not drift_check_passes(warehouse, query)
    load_records(warehouse, "r3", [make_record(i) for i in range(4)], "http://a")  # rules fixed
    assert run_report(warehouse, "template_drift")[1] == []
    assert drift_check_passes(warehouse, query)


def test_reparse_fallback_only_takes_just_the_fallback_parsed_releases(warehouse, query, capsys):
    with SampleSite(count=12, seed=5) as site:
        pipeline.ingest(warehouse, site.base_url, source="prnewswire")
    # What an earlier run left: three releases whose title a fallback layer read.
    with connect(warehouse) as conn, conn.cursor() as cur:
        cur.execute(
            """UPDATE newswire.releases SET field_sources = field_sources || '{"title": "meta"}'
               WHERE release_id IN (SELECT release_id FROM newswire.releases ORDER BY 1 LIMIT 3)"""
        )
    summary = reparse(warehouse, workers=1, fallback_only=True)
    assert (summary.discovered, summary.unchanged, summary.rejected) == (3, 3, 0)
    assert query(
        warehouse, "SELECT count(*) FROM newswire.releases WHERE fallback_fields <> '{}'"
    ) == [(0,)]
    argv = ["reparse", "--fallback-only", "--workers", "1", "--dsn", warehouse]
    assert main(argv) == 0
    assert "pages 0," in capsys.readouterr().out  # none left to take


# -- pages that lose their class names, over loopback HTTP ---------------------------------
_CLASS = re.compile(r'class="([^"]*)"')


def renamed_classes(html: str) -> str:
    """The page as the next template change might make it: every class value a hash."""
    return _CLASS.sub(lambda m: f'class="c{hashlib.sha1(m[1].encode()).hexdigest()[:8]}"', html)


def run_pages(dsn: str, renamed: int, total: int = 10):
    """Serve ``total`` current-template pages, ``renamed`` of them with their classes
    renamed, fetch and load them as one run of the prnewswire source."""
    releases = generate_releases(total, seed=9)
    routes = {}
    for i, rel in enumerate(releases):
        html = render_release_page(rel)
        body = (renamed_classes(html) if i < renamed else html).encode("utf-8")
        routes[rel.path] = (200, {"Content-Type": "text/html; charset=utf-8"}, body)
    server = Recorder(routes)
    try:
        run_key = f"classes_{renamed}"
        with connect(dsn) as conn, conn.cursor() as cur:
            runs.open_run(cur, run_key, server.url)
        urls = [server.url + rel.path for rel in releases]
        pipeline.fetch_step(dsn, server.url, run_key, urls, source="prnewswire", workers=1)
        return load_step(dsn, run_key, max_failed_share=1.0)
    finally:
        server.close()


def test_no_drift_when_no_page_loses_its_classes(warehouse):
    summary = run_pages(warehouse, renamed=0)
    assert (summary.loaded_new, summary.rejected, summary.template_drift) == (10, 0, False)


def test_drift_fires_when_a_share_of_pages_lose_their_classes(warehouse):
    summary = run_pages(warehouse, renamed=3)
    assert (summary.loaded_new, summary.rejected) == (10, 0)  # loaded, not rejected
    assert summary.template_drift and summary.fallback_parsed == 3
    assert "template drift" in summary.as_text()
