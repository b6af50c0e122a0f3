"""Loads into a real PostgreSQL: idempotent, versioned, normalized, all or nothing."""

import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import psycopg2
import pytest

from newswire.pipeline import load_step
from newswire.warehouse import runs
from newswire.warehouse.connection import connect
from newswire.warehouse.loading import stage
from tests.support.records import load, make_record, staged

TABLES = (
    "releases",
    "release_versions",
    "organizations",
    "release_tickers",
    "industries",
    "release_industries",
)


def snapshot(query, dsn):
    """Every row of every warehouse table, in a stable order."""
    return {t: sorted(query(dsn, f"SELECT * FROM newswire.{t}"), key=repr) for t in TABLES}


def test_three_loads_of_the_same_batch_give_the_same_rows(warehouse, query):
    batch = [make_record(i) for i in range(40)]
    first = load(warehouse, "run1", batch)
    rows = snapshot(query, warehouse)
    second = load(warehouse, "run2", batch)
    third = load(warehouse, "run3", batch)
    assert (first.loaded_new, first.loaded_updated, first.unchanged) == (40, 0, 0)
    assert (second.loaded_new, second.loaded_updated, second.unchanged) == (0, 0, 40)
    assert (third.loaded_new, third.loaded_updated, third.unchanged) == (0, 0, 40)
    assert snapshot(query, warehouse) == rows
    assert len(rows["releases"]) == 40 and len(rows["release_versions"]) == 40


def test_a_changed_release_adds_one_version_and_updates_the_current_row(warehouse, query):
    load(warehouse, "run1", [make_record(1), make_record(2)])
    corrected = make_record(
        1,
        title="CORRECTION -- Release number 1",
        tickers=[{"exchange": "NYSE", "symbol": "ABC"}],
        industries=["Banking"],
    )
    summary = load(warehouse, "run2", [corrected, make_record(2)])
    assert (summary.loaded_new, summary.loaded_updated, summary.unchanged) == (0, 1, 1)
    assert query(
        warehouse,
        """SELECT release_id, version, title FROM newswire.releases
                               ORDER BY 1""",
    ) == [("302000001", 2, "CORRECTION -- Release number 1"), ("302000002", 1, "Release number 2")]
    assert query(
        warehouse,
        """SELECT version, record->>'title' FROM newswire.release_versions
                               WHERE release_id = '302000001' ORDER BY 1""",
    ) == [(1, "Release number 1"), (2, "CORRECTION -- Release number 1")]
    assert query(
        warehouse,
        """SELECT exchange, symbol FROM newswire.release_tickers
                               WHERE release_id = '302000001'""",
    ) == [("NYSE", "ABC")]
    assert query(
        warehouse,
        """SELECT i.name FROM newswire.release_industries
                               JOIN newswire.industries i USING (industry_id)
                               WHERE release_id = '302000001'""",
    ) == [("Banking",)]


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, 1, hour, minute, tzinfo=UTC)


def test_the_newest_fetch_wins_not_the_last_load(warehouse, query):
    """Issue 11, defect 9: a run fetched at 12:00 is loaded, then one fetched at 11:00."""
    newer = make_record(1, title="CORRECTION -- Release number 1", industries=["Banking"])
    older = make_record(1)
    load(warehouse, "noon", [newer], fetched=at(12))
    late = load(warehouse, "eleven", [older, make_record(2)], fetched=at(11))
    assert (late.loaded_new, late.loaded_updated, late.unchanged) == (1, 0, 1)
    assert query(
        warehouse,
        "SELECT title, fetched_at FROM newswire.releases WHERE release_id = '302000001'",
    ) == [("CORRECTION -- Release number 1", at(12))]
    assert query(
        warehouse,
        """SELECT i.name FROM newswire.release_industries JOIN newswire.industries i
           USING (industry_id) WHERE release_id = '302000001'""",
    ) == [("Banking",)]
    # the older content is history all the same
    assert query(
        warehouse,
        """SELECT record->>'title' FROM newswire.release_versions
           WHERE release_id = '302000001' ORDER BY version""",
    ) == [("CORRECTION -- Release number 1",), ("Release number 1",)]
    # an unchanged re-fetch at 13:00 makes the current row that fetch's, so an 11:30 fetch of
    # the older content still loses
    load(warehouse, "one", [newer], fetched=at(13))
    load(warehouse, "half-past-eleven", [older], fetched=at(11, 30))
    assert query(
        warehouse,
        "SELECT title, fetched_at FROM newswire.releases WHERE release_id = '302000001'",
    ) == [("CORRECTION -- Release number 1", at(13))]


def test_within_a_run_the_newest_fetch_of_a_release_is_staged(warehouse, query):
    """Defect 9 inside one run: tracking-URL duplicates of a release, fetched at different
    times, in one batch or in two."""
    newer = make_record(1, title="CORRECTION -- Release number 1")
    with connect(warehouse) as conn, conn.cursor() as cur:
        runs.open_run(cur, "run", "test")
        stage(cur, "run", staged([newer], at(12)) + staged([make_record(1)], at(11)))
        stage(cur, "run", staged([make_record(1)], at(10)))
    load_step(warehouse, "run")
    assert query(warehouse, "SELECT title FROM newswire.releases") == [(newer["title"],)]


def test_issuer_spellings_share_one_organization(warehouse, query):
    load(warehouse, "run1", [make_record(i) for i in range(4)])
    orgs = query(warehouse, "SELECT normalized_name FROM newswire.organizations ORDER BY 1")
    assert orgs == [("global times",), ("workday",), ("zoë industries",)]
    ((workday_ids,),) = query(
        warehouse,
        """SELECT count(DISTINCT issuer_org_id) FROM newswire.releases
                                          WHERE issuer IN ('Workday Inc.', 'Workday, Inc.')""",
    )
    assert workday_ids == 1


def test_staging_the_same_release_twice_in_one_run_keeps_one(warehouse, query):
    summary = load(warehouse, "run1", [make_record(1), make_record(1, title="Later copy")])
    assert summary.loaded_new == 1
    assert query(warehouse, "SELECT title FROM newswire.releases") == [("Later copy",)]


KILL_SCRIPT = """
import sys
from newswire.pipeline import load_step
load_step(sys.argv[1], sys.argv[2])
"""


def _wait_for_open_transaction(dsn, pid, timeout=30):
    """Wait until the loader's backend is inside its transaction (or the loader ended)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = []
        conn = psycopg2.connect(dsn)
        try:
            with conn.cursor() as cur:
                cur.execute("""SELECT count(*) FROM pg_stat_activity
                               WHERE datname = current_database() AND xact_start IS NOT NULL
                                 AND application_name = 'newswire' AND pid <> pg_backend_pid()""")
                rows = cur.fetchone()[0]
        finally:
            conn.close()
        if rows or pid.poll() is not None:
            return
        time.sleep(0.005)


@pytest.mark.parametrize("attempt", range(5))
def test_sigkill_during_a_load_leaves_all_of_the_batch_or_none(warehouse, query, attempt):
    batch = [make_record(i) for i in range(3000)]
    with connect(warehouse) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO newswire.ingestion_runs (run_key, source) VALUES ('big', 'test')")
        stage(cur, "big", staged(batch))
    loader = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, warehouse, "big"])
    _wait_for_open_transaction(warehouse, loader)
    time.sleep(random.Random(attempt).uniform(0, 0.4))
    loader.send_signal(signal.SIGKILL)
    loader.wait()
    time.sleep(0.2)  # the server notices the dead client and rolls its transaction back
    counts = {
        t: query(warehouse, f"SELECT count(*) FROM newswire.{t}")[0][0]
        for t in ("releases", "release_versions", "release_tickers")
    }
    assert counts in (
        {"releases": 0, "release_versions": 0, "release_tickers": 0},
        {"releases": 3000, "release_versions": 3000, "release_tickers": 1500},
    )
    ((status,),) = query(
        warehouse, "SELECT status FROM newswire.ingestion_runs WHERE run_key = 'big'"
    )
    assert (status == "success") == (counts["releases"] == 3000)
    summary = load_step(warehouse, "big")  # the retry finishes the job exactly once
    assert summary.loaded_new + summary.unchanged == 3000 or status == "success"
    assert query(warehouse, "SELECT count(*) FROM newswire.releases") == [(3000,)]
