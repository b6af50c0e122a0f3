"""The report rollups (migrations 007 and 009) stay equal to a from-scratch aggregate of the
warehouse through loads, corrections that move a release to another day, issuer, industry or
ticker, deletes of versions and of releases; and the report views read them through indexes."""

import sys
from datetime import UTC, datetime

import psycopg2
import pytest

from newswire.pipeline import load_step
from newswire.warehouse import runs
from newswire.warehouse.connection import connect
from newswire.warehouse.loading import StagedRecord
from newswire.warehouse.reports import report_names
from tests.support import ROOT
from tests.support.postgres import create_database
from tests.support.records import load, make_record

# The reports as they were computed before 007: from the base tables, whole.
FROM_SCRATCH = {
    "releases_per_day": """
        SELECT (published_at AT TIME ZONE 'UTC')::date, wire, count(*),
               count(DISTINCT issuer_org_id)
        FROM newswire.releases WHERE published_at IS NOT NULL GROUP BY 1, 2""",
    "releases_per_industry_day": """
        SELECT (r.published_at AT TIME ZONE 'UTC')::date, i.name, count(*)
        FROM newswire.releases r
        JOIN newswire.release_industries ri USING (wire, release_id)
        JOIN newswire.industries i USING (industry_id)
        WHERE r.published_at IS NOT NULL GROUP BY 1, 2""",
    "ticker_mentions": """
        SELECT date_trunc('week', r.published_at AT TIME ZONE 'UTC')::date, t.exchange,
               t.symbol, count(*)
        FROM newswire.release_tickers t JOIN newswire.releases r USING (wire, release_id)
        WHERE r.published_at IS NOT NULL GROUP BY 1, 2, 3""",
    "top_issuers": """
        SELECT o.name, count(*), min(r.published_at), max(r.published_at)
        FROM newswire.releases r JOIN newswire.organizations o ON o.org_id = r.issuer_org_id
        GROUP BY o.org_id, o.name""",
    "ingestion_lag": """
        SELECT (r.published_at AT TIME ZONE 'UTC')::date, count(*),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY v.first_seen_at - r.published_at),
               max(v.first_seen_at - r.published_at)
        FROM newswire.releases r
        JOIN newswire.release_versions v
          ON (v.wire, v.release_id, v.version) = (r.wire, r.release_id, 1)
        WHERE r.published_at IS NOT NULL GROUP BY 1""",
    "ingestion_latency": """
        SELECT (r.published_at AT TIME ZONE 'UTC')::date, r.wire, count(*),
               round(percentile_cont(0.5) WITHIN GROUP (ORDER BY l.published)::numeric, 1),
               round(percentile_cont(0.95) WITHIN GROUP (ORDER BY l.published)::numeric, 1),
               round(max(l.published)::numeric, 1), count(s.first_seen_at),
               round(percentile_cont(0.5) WITHIN GROUP (ORDER BY l.seen)::numeric, 1),
               round(percentile_cont(0.95) WITHIN GROUP (ORDER BY l.seen)::numeric, 1),
               round(max(l.seen)::numeric, 1)
        FROM newswire.releases r
        LEFT JOIN newswire.release_sightings s USING (wire, release_id),
        LATERAL (SELECT extract(epoch FROM r.first_loaded_at - r.published_at)::float8,
                        extract(epoch FROM r.first_loaded_at - s.first_seen_at)::float8)
            AS l(published, seen)
        WHERE r.published_at IS NOT NULL GROUP BY 1, 2""",
    "warehouse_totals": """
        SELECT (SELECT count(*) FROM newswire.releases),
               (SELECT count(*) FROM newswire.release_versions),
               (SELECT count(*) FROM newswire.organizations),
               (SELECT min(published_at) FROM newswire.releases),
               (SELECT max(published_at) FROM newswire.releases),
               (SELECT count(*) FROM newswire.rejects WHERE resolved_at IS NULL),
               (SELECT count(*) FROM newswire.ingestion_runs)""",
}


def assert_rollups_match(query, dsn):
    for name, sql in FROM_SCRATCH.items():
        expected = sorted(query(dsn, sql), key=repr)
        assert expected, name  # the dataset exercises every report
        assert sorted(query(dsn, f"SELECT * FROM newswire.report_{name}"), key=repr) == expected, (
            name
        )


def execute(dsn, sql, params=None):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(sql, params)
    conn.close()


def test_rollups_follow_loads_corrections_and_deletes(warehouse, query):
    seen_at = datetime(2025, 12, 31, tzinfo=UTC)
    with connect(warehouse) as conn, conn.cursor() as cur:  # discovery saw a third of them
        runs.record_sightings(
            cur, [("prnewswire", str(302_000_000 + i), seen_at, "feed") for i in range(0, 30, 3)]
        )
    load(warehouse, "run1", [make_record(i) for i in range(30)])
    assert_rollups_match(query, warehouse)

    # Corrections: release 1 moves to another day, issuer, industry and ticker; release 2
    # loses its publication time; release 4 loses its tickers and industries.
    load(
        warehouse,
        "run2",
        [
            make_record(
                1,
                published_at="2024-06-03T09:00:00+00:00",
                issuer="Acme Widgets Ltd",
                industries=["Mining"],
                tickers=[{"exchange": "NYSE", "symbol": "ACME"}],
            ),
            make_record(2, published_at=None),
            make_record(4, tickers=[], industries=[]),
            *[make_record(i) for i in range(30, 40)],
        ],
    )
    assert_rollups_match(query, warehouse)

    # An older version of a release is deleted, then the first version of another: the lag
    # report only counts releases that still have a version 1.
    execute(
        warehouse,
        "DELETE FROM newswire.release_versions WHERE (release_id, version) = %s",
        (("302000001", 1),),
    )
    assert_rollups_match(query, warehouse)

    # Releases deleted (their tickers, industries and versions go with them).
    execute(
        warehouse,
        "DELETE FROM newswire.releases WHERE release_id IN %s",
        (("302000000", "302000006", "302000012"),),
    )
    assert_rollups_match(query, warehouse)

    # A tag edited in place.
    execute(
        warehouse,
        "UPDATE newswire.release_tickers SET symbol = 'WDAY2' WHERE release_id = %s",
        ("302000008",),
    )
    assert_rollups_match(query, warehouse)


# Today's loader also writes the columns migration 010 adds (which need nothing of 007-009):
# a warehouse at 006 gets them for the load, and loses them before it is migrated.
WITHOUT_010 = """
    ALTER TABLE newswire.releases DROP COLUMN fallback_fields, DROP COLUMN field_sources;
    ALTER TABLE newswire.raw_pages DROP COLUMN declared_wire, DROP COLUMN declared_site;
    ALTER TABLE newswire.ingestion_runs
        DROP COLUMN fallback_parsed, DROP COLUMN drift_fields, DROP COLUMN template_drift;
    DROP FUNCTION newswire.fallback_fields(jsonb)"""


def test_migration_007_carries_existing_rows_over(empty_db, query):
    from newswire.warehouse.migrations import migrate

    migrate(empty_db, target=6)
    execute(empty_db, (ROOT / "sql" / "010_field_sources_drift.sql").read_text())
    load(empty_db, "before", [make_record(i) for i in range(12)])
    execute(empty_db, WITHOUT_010)
    migrate(empty_db)
    assert_rollups_match(query, empty_db)


# The indexes and triggers of the warehouse, by definition.
SCHEMA = """
    SELECT pg_get_indexdef(indexrelid) FROM pg_index
    WHERE indrelid::regclass::text LIKE 'newswire.%'
    UNION ALL
    SELECT pg_get_triggerdef(oid) FROM pg_trigger
    WHERE tgrelid::regclass::text LIKE 'newswire.%' AND NOT tgisinternal
    ORDER BY 1"""


# What a warehouse holds, without surrogate keys and load times (which differ between any
# two loads of the same releases): rows, rollups (through the report views) and schema.
CONTENTS = {
    "releases": """SELECT wire, release_id, url, title, subtitle, issuer, published_at,
                          dateline_location, source_org, language, body_text, contacts, images,
                          subjects, dateline_date, word_count, content_sha256, parser_version,
                          fetched_at, version, search, i.normalized_name, s.normalized_name
                   FROM newswire.releases r
                   LEFT JOIN newswire.organizations i ON i.org_id = r.issuer_org_id
                   LEFT JOIN newswire.organizations s ON s.org_id = r.source_org_id""",
    "release_versions": """SELECT wire, release_id, version, content_sha256, record,
                                  parser_version, first_seen_at
                           FROM newswire.release_versions""",
    "release_tickers": "SELECT * FROM newswire.release_tickers",
    "release_industries": """SELECT wire, release_id, name FROM newswire.release_industries
                             JOIN newswire.industries USING (industry_id)""",
    "organizations": "SELECT name, normalized_name FROM newswire.organizations",
    "schema": SCHEMA,
    **{
        f"report_{name}": f"SELECT * FROM newswire.report_{name}"
        for name in FROM_SCRATCH
        if name not in ("warehouse_totals", "ingestion_latency")  # load times, run counts
    },
    "row_counts": "SELECT * FROM newswire.row_counts",
}


def test_bench_fill_builds_what_loads_build(pg_server, query):
    """bench/scale.py's fill (several runs of the load's statements) and one ordinary load of
    the same releases give the same warehouse: rows, rollups, indexes and triggers."""
    from newswire.warehouse.migrations import migrate

    sys.path.insert(0, str(ROOT / "bench"))
    from scale import _fetched_at, fill, synthetic_records

    filled, loaded = create_database(pg_server), create_database(pg_server)
    for dsn in (filled, loaded):
        migrate(dsn)
    fill(filled, 300, batch=120)
    records = synthetic_records(0, 300, 300)
    with connect(loaded) as conn, conn.cursor() as cur:
        runs.open_run(cur, "one_load", "test")
        runs.stage_records(
            cur,
            "one_load",
            [StagedRecord(r, "synthetic", _fetched_at(r), r["url"]) for r in records],
        )
    load_step(loaded, "one_load")
    assert query(filled, "SELECT count(*) FROM newswire.releases") == [(300,)]
    for name, sql in CONTENTS.items():
        assert sorted(query(filled, sql), key=repr) == sorted(query(loaded, sql), key=repr), name
    assert_rollups_match(query, filled)


@pytest.mark.parametrize(
    "name",
    [
        "releases_per_day",
        "releases_per_industry_day",
        "ticker_mentions",
        "top_issuers",
        "ingestion_lag",
        "ingestion_latency",
        "latest_releases",
        "release_latency",
    ],
)
def test_report_views_read_an_index_not_the_releases_table(warehouse, query, name):
    load(warehouse, "run", [make_record(i) for i in range(30)])
    execute(warehouse, "ANALYZE")
    # Tiny tables: forbid sequential scans so the plan shows which index serves the order.
    plan = "\n".join(
        row[0]
        for row in query(
            warehouse,
            f"SET enable_seqscan = off; SET enable_sort = off;"
            f" EXPLAIN SELECT * FROM newswire.report_{name} LIMIT 50",
        )
    )
    assert "Index Scan" in plan or "Index Only Scan" in plan, plan
    assert "Sort" not in plan, plan
    if name not in ("latest_releases", "release_latency"):
        assert "releases r" not in plan and "on releases" not in plan, plan
    assert name in report_names()
