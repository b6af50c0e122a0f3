"""Loads into a real PostgreSQL: idempotent, versioned, normalized, all or nothing."""

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
# The tables the merge writes, in the order it first writes them (releases first: the
# fetch time of an unchanged re-fetch; the staged rows it drops last, then the run's status
# and COMMIT).
MERGE_WRITES = (
    "releases",
    "organizations",
    "release_versions",
    "release_tickers",
    "industries",
    "release_industries",
    "rejects",
    "staged_releases",
)
BATCH = 1000


def _wait_until(check, what: str, timeout: float = 60):
    """Poll ``check()`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (found := check()):
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)
    return found


@pytest.mark.parametrize("blocked_at", MERGE_WRITES)
def test_sigkill_inside_the_merge_transaction_leaves_none_of_the_batch(
    warehouse, query, blocked_at
):
    """The loader is killed while provably inside its merge transaction, with the tables
    before ``blocked_at`` already written: this test holds a lock on ``blocked_at``, so the
    loader waits there, unable to commit. Nothing of the batch may be left, and the retry
    loads all of it, exactly once."""
    batch = [make_record(i) for i in range(BATCH)]
    with connect(warehouse) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO newswire.ingestion_runs (run_key, source) VALUES ('big', 'test')")
        stage(cur, "big", staged(batch))
    locker = psycopg2.connect(warehouse)
    with locker.cursor() as cur:
        cur.execute(f"LOCK TABLE newswire.{blocked_at} IN EXCLUSIVE MODE")  # reads still pass
        cur.execute("SELECT pg_backend_pid()")
        (locker_pid,) = cur.fetchone()
    loader = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, warehouse, "big"])

    def loader_waiting_for_the_lock():
        assert loader.poll() is None, f"the loader ended before it reached {blocked_at}"
        return query(
            warehouse,
            """SELECT pid, xact_start IS NOT NULL FROM pg_stat_activity
               WHERE datname = current_database() AND application_name = 'newswire'
                 AND %s = ANY (pg_blocking_pids(pid))""",
            (locker_pid,),
        )

    try:
        ((backend, in_transaction),) = _wait_until(
            loader_waiting_for_the_lock, f"the loader to wait for {blocked_at}"
        )
        locks = query(
            warehouse,
            """SELECT coalesce(c.relname, l.locktype), l.mode, l.granted
               FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation
               WHERE l.pid = %s
                 AND (l.mode = 'ShareRowExclusiveLock' AND c.relname = 'releases'
                      OR l.mode = 'RowExclusiveLock' AND c.relname = ANY (%s))""",
            (backend, list(MERGE_WRITES)),
        )
        assert in_transaction
        if blocked_at == "releases":
            # The merge's own lock on releases is its first statement: it waits there,
            # inside the transaction, before writing anything.
            expected = [("releases", "ShareRowExclusiveLock", False)]
        else:
            written = MERGE_WRITES[: MERGE_WRITES.index(blocked_at)]
            expected = (
                [("releases", "ShareRowExclusiveLock", True)]  # first thing in merge_staged
                + [(table, "RowExclusiveLock", True) for table in written]
                + [(blocked_at, "RowExclusiveLock", False)]
            )
        assert sorted(locks) == sorted(expected)
        loader.send_signal(signal.SIGKILL)
        assert loader.wait() == -signal.SIGKILL
    finally:
        if loader.poll() is None:
            loader.kill()
        locker.rollback()  # the orphaned backend goes on, finds its client gone, rolls back
        locker.close()
    _wait_until(
        lambda: not query(warehouse, "SELECT 1 FROM pg_stat_activity WHERE pid = %s", (backend,)),
        "the killed loader's backend to end",
    )

    assert {table: rows for table, rows in snapshot(query, warehouse).items() if rows} == {}
    assert query(
        warehouse,
        """SELECT status, (SELECT count(*) FROM newswire.staged_releases)
           FROM newswire.ingestion_runs WHERE run_key = 'big'""",
    ) == [("running", BATCH)]
    summary = load_step(warehouse, "big")  # the retry finishes the job, exactly once
    assert (summary.loaded_new, summary.loaded_updated, summary.unchanged) == (BATCH, 0, 0)
    counts = {t: len(rows) for t, rows in snapshot(query, warehouse).items()}
    assert counts["releases"] == counts["release_versions"] == BATCH
    assert counts["release_tickers"] == BATCH // 2


def test_a_merge_that_hits_temp_file_limit_fails_cleanly_and_loses_nothing(warehouse, query):
    """The merge's sorts spill to disk past ``work_mem``; the server refuses a temporary file
    past ``temp_file_limit``: the load fails with the server's reason, nothing of the batch
    is written, the run keeps its staged records, and the retry loads them all, once."""
    batch = [make_record(i, body_text=f"Body {i}. " + "word " * 2000) for i in range(BATCH)]
    with connect(warehouse) as conn, conn.cursor() as cur:
        runs.open_run(cur, "tight", "test")
        stage(cur, "tight", staged(batch))
    limits = ("work_mem = '64kB'", "temp_file_limit = '64kB'")
    for limit in limits:
        _execute_autocommit(warehouse, f"ALTER DATABASE {_db(query, warehouse)} SET {limit}")
    with pytest.raises(psycopg2.errors.ConfigurationLimitExceeded, match="temp_file_limit"):
        load_step(warehouse, "tight")
    assert {table: rows for table, rows in snapshot(query, warehouse).items() if rows} == {}
    assert query(
        warehouse,
        """SELECT status, (SELECT count(*) FROM newswire.staged_releases)
           FROM newswire.ingestion_runs WHERE run_key = 'tight'""",
    ) == [("running", BATCH)]
    _execute_autocommit(warehouse, f"ALTER DATABASE {_db(query, warehouse)} RESET ALL")
    summary = load_step(warehouse, "tight")
    assert (summary.loaded_new, summary.loaded_updated, summary.unchanged) == (BATCH, 0, 0)
    assert len(snapshot(query, warehouse)["release_versions"]) == BATCH


def _db(query, dsn) -> str:
    return query(dsn, "SELECT quote_ident(current_database())")[0][0]


def _execute_autocommit(dsn, sql):
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()
