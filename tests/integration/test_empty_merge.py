"""An empty run costs nothing (real PostgreSQL): a load with nothing staged takes no lock and
runs no merge statement, and a statement that writes no row runs no rollup refresh."""

import psycopg2
import pytest

from newswire.warehouse import runs
from newswire.warehouse.loading import merge_staged
from tests.support.postgres import as_superuser
from tests.support.records import load, make_record

REFRESHES = {
    "refresh_releases_per_day",
    "refresh_releases_per_industry_day",
    "refresh_ingestion_lag",
    "refresh_ticker_mentions",
    "refresh_ingestion_latency",
    "count_rows",
}
# One statement of each kind on each table with a rollup trigger, every one writing no row.
EMPTY_WRITES = (
    "UPDATE newswire.releases SET title = title WHERE false",
    "DELETE FROM newswire.releases WHERE false",
    """INSERT INTO newswire.releases (wire, release_id, url, title, body_text,
           content_sha256, parser_version, fetched_at)
       SELECT 'x', 'x', 'x', 'x', 'x', 'x', 'x', now() WHERE false""",
    "UPDATE newswire.release_versions SET version = version WHERE false",
    "DELETE FROM newswire.release_versions WHERE false",
    "INSERT INTO newswire.release_tickers SELECT * FROM newswire.release_tickers WHERE false",
    "DELETE FROM newswire.release_industries WHERE false",
    "INSERT INTO newswire.organizations (name, normalized_name) SELECT 'x', 'x' WHERE false",
)


def test_a_load_with_nothing_staged_takes_no_lock_and_runs_no_merge(warehouse):
    """Another merge holds the releases table: the empty load does not wait for it."""
    load(warehouse, "first", [make_record(i) for i in range(5)])
    busy = psycopg2.connect(warehouse)
    empty = psycopg2.connect(warehouse)
    try:
        with busy.cursor() as cur:
            cur.execute("LOCK TABLE newswire.releases IN EXCLUSIVE MODE")  # a merge's lock
        with empty.cursor() as cur:
            runs.open_run(cur, "nothing_new", "test")
            cur.execute("SET lock_timeout = '2s'")
            assert merge_staged(cur, "nothing_new") == (0, 0, 0)
            cur.execute("SELECT to_regclass('pg_temp._batch')")
            assert cur.fetchone() == (None,)  # no merge statement ran
    finally:
        busy.rollback()
        busy.close()
        empty.rollback()
        empty.close()


@pytest.mark.parametrize("statement", EMPTY_WRITES)
def test_a_statement_that_writes_no_row_refreshes_no_rollup(warehouse, pg_server, statement):
    load(warehouse, "first", [make_record(i) for i in range(5)])
    conn = psycopg2.connect(as_superuser(pg_server, warehouse))  # to count function calls
    try:
        with conn.cursor() as cur:
            cur.execute("SET track_functions = 'all'")
            cur.execute(statement)
            assert cur.rowcount == 0
            cur.execute("SELECT funcname FROM pg_stat_xact_user_functions")
            called = {name for (name,) in cur.fetchall()}
        assert called  # the trigger fired (statement triggers fire for no row too) ...
        assert not called & REFRESHES  # ... and returned before refreshing anything
    finally:
        conn.rollback()
        conn.close()
