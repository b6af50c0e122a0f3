"""Migrations against a real PostgreSQL server."""

from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest

from newswire.warehouse.migrations import (
    MigrationError,
    available,
    available_functions,
    available_repeatables,
    available_views,
    current_version,
    migrate,
)


def test_migrate_from_empty_applies_every_file_in_order(empty_db, query):
    applied = migrate(empty_db)
    assert [m.path for m in applied] == [m.path for m in available() + available_repeatables()]
    assert current_version(empty_db) == len(available())
    tables = {
        row[0]
        for row in query(
            empty_db,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'newswire'",
        )
    }
    assert {
        "releases",
        "raw_pages",
        "rejects",
        "ingestion_runs",
        "staged_releases",
        "schema_migrations",
    } <= tables


def test_migrate_again_applies_nothing(warehouse):
    assert migrate(warehouse) == []


def test_migrate_from_every_earlier_version(empty_db):
    for version in range(1, len(available()) + 1):
        migrate(empty_db, target=version)
        assert current_version(empty_db) == version
    assert migrate(empty_db) == []


def test_concurrent_migrations_apply_each_file_once(empty_db, query):
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: migrate(empty_db), range(4)))
    assert sum(len(r) for r in results) == len(available()) + len(available_repeatables())
    assert query(empty_db, "SELECT count(*) FROM newswire.schema_migrations")[0][0] == len(
        available()
    )


def test_report_views_are_reapplied_when_they_change(warehouse, tmp_path, query):
    (tmp_path / "reports").mkdir()
    for migration in available():
        (tmp_path / migration.path.name).write_bytes(migration.path.read_bytes())
    for view in available_views():
        (tmp_path / "reports" / view.path.name).write_bytes(view.path.read_bytes())
    assert migrate(warehouse, sql_dir=tmp_path) == []
    changed = tmp_path / "reports" / "latest_releases.sql"
    changed.write_text(changed.read_text().replace("LIMIT 50", "LIMIT 7"))
    assert [m.name for m in migrate(warehouse, sql_dir=tmp_path)] == ["latest_releases"]
    ((definition,),) = query(warehouse, "SELECT pg_get_viewdef('newswire.report_latest_releases')")
    assert "LIMIT 7" in definition


def test_sql_functions_are_reapplied_when_they_change_and_before_the_views(
    warehouse, tmp_path, query
):
    """A function is changed by editing its file in sql/functions/, not by a migration that
    restates it whole: the next migrate re-creates it (and nothing else)."""
    for folder, repeatables in (
        ("functions", available_functions()),
        ("reports", available_views()),
    ):
        (tmp_path / folder).mkdir()
        for repeatable in repeatables:
            (tmp_path / folder / repeatable.path.name).write_bytes(repeatable.path.read_bytes())
    for migration in available():
        (tmp_path / migration.path.name).write_bytes(migration.path.read_bytes())
    assert migrate(warehouse, sql_dir=tmp_path) == []
    assert [m.name for m in available_repeatables(tmp_path)][0].startswith("functions/")
    changed = tmp_path / "functions" / "rollup_triggers.sql"
    marker = "-- edited: a change to a function is an edit of its file"
    changed.write_text(
        changed.read_text().replace(
            "LANGUAGE plpgsql AS $$\nDECLARE\n    published",
            f"LANGUAGE plpgsql AS $$\n{marker}\nDECLARE\n    published",
        )
    )
    assert [m.name for m in migrate(warehouse, sql_dir=tmp_path)] == ["functions/rollup_triggers"]
    ((source,),) = query(
        warehouse, "SELECT prosrc FROM pg_proc WHERE proname = 'latency_after_releases'"
    )
    assert marker in source


def test_an_edited_applied_migration_is_refused(warehouse, tmp_path):
    for migration in available():
        (tmp_path / migration.path.name).write_text(migration.sql + "\n-- edited\n")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        migrate(warehouse, sql_dir=tmp_path)


def test_a_failing_migration_leaves_nothing_behind(warehouse, tmp_path, query):
    for migration in available():
        (tmp_path / migration.path.name).write_bytes(migration.path.read_bytes())
    bad = tmp_path / f"{len(available()) + 1:03d}_broken.sql"
    bad.write_text("CREATE TABLE newswire.half_done (x int);\nSELECT no_such_function();\n")
    with pytest.raises(Exception, match="no_such_function"):
        migrate(warehouse, sql_dir=tmp_path)
    assert query(warehouse, "SELECT to_regclass('newswire.half_done')")[0][0] is None
    assert current_version(warehouse) == len(available())


def test_002_carries_version_1_rows_into_the_normalized_tables(empty_db, query):
    migrate(empty_db, target=1)
    with psycopg2.connect(empty_db) as conn, conn.cursor() as cur:
        cur.execute(
            """INSERT INTO newswire.releases
                   (wire, release_id, url, title, issuer, source_org, published_at, tickers,
                    industries, body_text, content_sha256, parser_version, fetched_at)
               VALUES ('prnewswire', '301848900', 'https://www.prnewswire.com/x-301848900.html',
                       'Workday Names Emma Chalwin Chief Marketing Officer', 'Workday Inc.',
                       'Workday, Inc.', '2023-06-13T13:05:00Z',
                       '[{"exchange": "NASDAQ", "symbol": "WDAY"}]',
                       '{"Computer Software", "Personnel Announcements"}',
                       'PLEASANTON, Calif. -- Workday names generative AI users',
                       'h1', 'p1', now())"""
        )
    conn.close()
    migrate(empty_db)
    assert query(empty_db, "SELECT name, normalized_name FROM newswire.organizations") == [
        ("Workday Inc.", "workday")
    ]
    assert query(
        empty_db,
        """SELECT issuer_org_id = source_org_id, version
                              FROM newswire.releases""",
    ) == [(True, 1)]
    assert query(empty_db, "SELECT exchange, symbol, position FROM newswire.release_tickers") == [
        ("NASDAQ", "WDAY", 1)
    ]
    assert query(
        empty_db,
        """SELECT i.name FROM newswire.release_industries
                              JOIN newswire.industries i USING (industry_id) ORDER BY 1""",
    ) == [("Computer Software",), ("Personnel Announcements",)]
    assert query(
        empty_db,
        """SELECT record->>'published_at', record->'tickers'
                              FROM newswire.release_versions""",
    ) == [("2023-06-13T13:05:00+00:00", [{"exchange": "NASDAQ", "symbol": "WDAY"}])]
