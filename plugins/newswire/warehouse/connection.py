"""Connections to the warehouse.

The package speaks psycopg2 everywhere and is always handed a DSN: the CLI resolves it
(``--dsn``, ``NEWSWIRE_DSN``, else the embedded development server, said out loud), the
Airflow adapter reads the ``newswire_warehouse`` connection. Nothing here starts a server.
"""

from __future__ import annotations

from contextlib import contextmanager

import psycopg2

# How long a writer waits for a lock before it gives up with an error instead of stalling.
LOCK_TIMEOUT = "2min"


@contextmanager
def connect(dsn: str):
    """A connection that commits on success and rolls back on error, then closes."""
    conn = psycopg2.connect(dsn, application_name="newswire")
    try:
        with conn:
            yield conn
    finally:
        conn.close()


@contextmanager
def autocommit(dsn: str):
    """A connection on which every statement commits on its own, then closes: for lookups
    made while a step waits on the network, so no transaction stays open meanwhile.
    (``with conn`` would open one even in autocommit mode, psycopg2 >= 2.9.)"""
    conn = psycopg2.connect(dsn, application_name="newswire")
    conn.autocommit = True
    try:
        yield conn
    finally:
        conn.close()


def lock_table(cur, table: str) -> None:
    """Serialize writers on ``table`` until the transaction ends, waiting at most
    :data:`LOCK_TIMEOUT`.

    SHARE ROW EXCLUSIVE conflicts with itself and with writes, but not with reads. Unlike an
    advisory lock, which any login can take, locking a table in this mode needs UPDATE,
    DELETE or TRUNCATE privilege on it, so the read-only ``newswire_reader`` cannot hold it
    to stall loads or migrations."""
    cur.execute("SET LOCAL lock_timeout = %s", (LOCK_TIMEOUT,))
    cur.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")


@contextmanager
def savepoint(cur, name: str = "one_page"):
    """A savepoint around one page's statements: when they fail, the transaction is rolled
    back to before them and goes on, and the error is raised for the caller to record."""
    cur.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        cur.execute(f"ROLLBACK TO SAVEPOINT {name}")
        raise
    cur.execute(f"RELEASE SAVEPOINT {name}")
