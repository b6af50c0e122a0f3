"""Issue 11, defect 11: a read-only login cannot stall loads or migrations by holding their
locks (real PostgreSQL, a real ``newswire_reader`` login)."""

import threading
import time
import uuid

import psycopg2
import pytest
from psycopg2.extensions import make_dsn, parse_dsn

from newswire.warehouse.migrations import available, available_views, migrate
from tests.support.records import load, make_record

# Every lock the warehouse writers ever took that any login can take: the merge's and the
# migrations' advisory locks (before issue 11).
OLD_ADVISORY_LOCKS = (
    "SELECT pg_advisory_xact_lock(hashtext('newswire.merge_staged'))",
    "SELECT pg_advisory_lock(7265371001)",
)


@pytest.fixture
def reader(warehouse):
    """A connection of a login that is a member of ``newswire_reader`` and nothing else."""
    name, password = f"analyst_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    with psycopg2.connect(warehouse) as admin, admin.cursor() as cur:
        cur.execute(f"CREATE ROLE {name} LOGIN PASSWORD %s IN ROLE newswire_reader", (password,))
    admin.close()
    conn = psycopg2.connect(
        make_dsn(**{**parse_dsn(warehouse), "user": name, "password": password})
    )
    yield conn
    conn.close()


def _stalled_by_reader(dsn: str, reader, work) -> bool:
    """Have ``reader`` hold every lock it can, run ``work`` in a thread until it ends or
    waits on the reader; whether it waited. The reader lets go before returning."""
    with reader.cursor() as cur:
        for statement in OLD_ADVISORY_LOCKS:
            cur.execute(statement)
        cur.execute("SELECT pg_backend_pid()")
        reader_pid = cur.fetchone()[0]
    errors = []
    thread = threading.Thread(target=lambda: _capture(work, errors))
    thread.start()
    stalled = False
    try:
        with psycopg2.connect(dsn) as watcher, watcher.cursor() as cur:
            while thread.is_alive() and not stalled:
                cur.execute(
                    "SELECT count(*) > 0 FROM pg_stat_activity"
                    " WHERE %s = ANY(pg_blocking_pids(pid))",
                    (reader_pid,),
                )
                stalled = cur.fetchone()[0]
                watcher.rollback()
                time.sleep(0.05)  # polling: the outcome decides, not the time
        watcher.close()
    finally:
        reader.rollback()
        with reader.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock_all()")
        thread.join()
    assert not errors, errors
    return stalled


def _capture(work, errors: list) -> None:
    try:
        work()
    except Exception as exc:  # reported by _stalled_by_reader
        errors.append(exc)


def test_the_reader_cannot_take_the_writers_locks(reader):
    for table in ("newswire.releases", "newswire.schema_migrations"):
        with pytest.raises(psycopg2.errors.InsufficientPrivilege), reader.cursor() as cur:
            cur.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        reader.rollback()


def test_a_reader_holding_locks_does_not_stall_a_load(warehouse, reader, query):
    assert not _stalled_by_reader(warehouse, reader, lambda: load(warehouse, "r", [make_record(1)]))
    assert query(warehouse, "SELECT count(*) FROM newswire.releases") == [(1,)]


def test_a_reader_holding_locks_does_not_stall_a_migration(warehouse, reader, tmp_path, query):
    (tmp_path / "reports").mkdir()
    for migration in available():
        (tmp_path / migration.path.name).write_bytes(migration.path.read_bytes())
    for view in available_views():
        (tmp_path / "reports" / view.path.name).write_bytes(view.path.read_bytes())
    new = tmp_path / f"{len(available()) + 1:03d}_extra.sql"
    new.write_text("CREATE TABLE newswire.extra (x int);\n")
    assert not _stalled_by_reader(warehouse, reader, lambda: migrate(warehouse, sql_dir=tmp_path))
    assert query(warehouse, "SELECT to_regclass('newswire.extra') IS NOT NULL") == [(True,)]
