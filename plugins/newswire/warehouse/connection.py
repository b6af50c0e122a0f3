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
