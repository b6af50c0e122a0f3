"""Connections to the warehouse.

The package speaks psycopg2 everywhere. Outside Airflow the DSN is ``--dsn``, else
``NEWSWIRE_DSN``, else the embedded server under ``.newswire/``; inside Airflow it comes from
the ``newswire_warehouse`` connection (see :mod:`newswire.airflow_tasks`).
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

import psycopg2
import psycopg2.extras

from newswire import settings


def warehouse_dsn(explicit: str | None = None) -> str:
    """Resolve the warehouse DSN, starting the embedded server when none is configured."""
    return explicit or os.environ.get("NEWSWIRE_DSN") or embedded_dsn()


def embedded_dsn(database: str = "newswire") -> str:
    """Start (or reuse) the embedded server and return the DSN of ``database`` on it."""
    from newswire.embedded_pg import EmbeddedPostgres, postgres_bin_path

    server = EmbeddedPostgres(settings.home() / "postgres")
    dsn = server.ensure_running(database)
    print(
        f"newswire: warehouse is the embedded PostgreSQL in {server.datadir}\n"
        f"newswire: open it with: {postgres_bin_path() / 'psql'} '{dsn}'",
        file=sys.stderr,
    )
    return dsn


@contextmanager
def connect(dsn: str):
    """A connection that commits on success and rolls back on error, then closes."""
    conn = psycopg2.connect(dsn, application_name="newswire")
    try:
        with conn:
            yield conn
    finally:
        conn.close()
