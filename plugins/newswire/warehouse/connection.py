"""Connections to the warehouse.

The package speaks psycopg2 everywhere and is always handed a DSN: the CLI resolves it
(``--dsn``, ``NEWSWIRE_DSN``, else the embedded development server, said out loud), the
Airflow adapter reads the ``newswire_warehouse`` connection. Nothing here starts a server.
"""

from __future__ import annotations

from contextlib import contextmanager

import psycopg2


@contextmanager
def connect(dsn: str):
    """A connection that commits on success and rolls back on error, then closes."""
    conn = psycopg2.connect(dsn, application_name="newswire")
    try:
        with conn:
            yield conn
    finally:
        conn.close()
