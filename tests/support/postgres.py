"""Databases on the test session's PostgreSQL server."""

import uuid

import psycopg2


def create_database(pg_server, prefix: str = "t") -> str:
    """A brand-new, empty database on the test server; its DSN."""
    server, admin_dsn = pg_server
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    conn = psycopg2.connect(admin_dsn)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return server.dsn(server.running_port(), name)
