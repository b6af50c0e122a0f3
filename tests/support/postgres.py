"""Databases on the test session's PostgreSQL server."""

import uuid

import psycopg2

# The migrated warehouse every `warehouse` fixture copies (CREATE DATABASE ... TEMPLATE): the
# migrations run once per test session instead of once per test.
TEMPLATE = "warehouse_template"


def create_database(pg_server, prefix: str = "t", template: str | None = None) -> str:
    """A brand-new database on the test server (empty, or a copy of ``template``); its DSN."""
    server, admin_dsn = pg_server
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    _admin(admin_dsn, f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return server.dsn(server.running_port(), name)


def create_warehouse(pg_server) -> str:
    """A migrated warehouse: a copy of the session's template, migrated on first use."""
    server, admin_dsn = pg_server
    if not _exists(admin_dsn, TEMPLATE):
        from newswire.warehouse.migrations import migrate

        building = f"{TEMPLATE}_building"
        _admin(admin_dsn, f'DROP DATABASE IF EXISTS "{building}"')
        _admin(admin_dsn, f'CREATE DATABASE "{building}"')
        migrate(server.dsn(server.running_port(), building))
        # Renamed only once fully migrated: a template that exists is a complete one.
        _admin(admin_dsn, f'ALTER DATABASE "{building}" RENAME TO "{TEMPLATE}"')
    return create_database(pg_server, template=TEMPLATE)


def _exists(admin_dsn: str, name: str) -> bool:
    conn = psycopg2.connect(admin_dsn)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return cur.fetchone() is not None
    finally:
        conn.close()


def _admin(admin_dsn: str, statement: str) -> None:
    conn = psycopg2.connect(admin_dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
    finally:
        conn.close()


def as_superuser(pg_server, dsn: str) -> str:
    """``dsn`` logging in as the test server's superuser: for what only the administrator
    may set (counting function calls with ``track_functions``, say), since the warehouse
    owner that DSNs log in as is no superuser."""
    from psycopg2.extensions import make_dsn

    from newswire.warehouse.embedded import SUPERUSER

    server, _ = pg_server
    password = server.admin_password_file.read_text(encoding="utf-8").strip()
    return make_dsn(dsn, user=SUPERUSER, password=password)
