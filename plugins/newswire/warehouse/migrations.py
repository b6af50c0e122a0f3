"""Numbered SQL migrations from ``sql/NNN_name.sql``, applied in order and recorded.

The SQL files ship inside the package (``newswire.sql``, mapped from the checkout's
top-level ``sql/`` folder by ``pyproject.toml``) and are read with ``importlib.resources``,
so an installed wheel or an image migrates without a checkout.

Each file runs in its own transaction together with its row in
``newswire.schema_migrations``; a session advisory lock makes concurrent ``db migrate``
runs (two workers starting at once) wait for each other instead of racing.

The report views in ``sql/reports/*.sql`` are repeatable (as Flyway's ``R__`` files): once
the schema is at the latest version, each is (re)applied whenever its checksum differs from
the one recorded in ``newswire.schema_views``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

from newswire.warehouse.connection import connect

_MIGRATION_FILE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = 7_265_371_001  # arbitrary, constant: "newswire migrations"


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Traversable  # a file of the installed package (or a Path, in tests)

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def _sql_files(folder: Traversable) -> list[Traversable]:
    return sorted(
        (f for f in folder.iterdir() if f.name.endswith(".sql") and f.is_file()),
        key=lambda f: f.name,
    )


def available_views(sql_dir: Traversable | None = None) -> list[Migration]:
    """The report view files, by name (version 0: they are not ordered migrations)."""
    folder = (sql_dir or files("newswire.sql")) / "reports"
    return [Migration(0, path.name.removesuffix(".sql"), path) for path in _sql_files(folder)]


def available(sql_dir: Traversable | None = None) -> list[Migration]:
    """The migration files, in version order; gaps or duplicate numbers are an error."""
    found = []
    for path in _sql_files(sql_dir or files("newswire.sql")):
        match = _MIGRATION_FILE.match(path.name)
        if match:
            found.append(Migration(int(match[1]), match[2], path))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise MigrationError(f"migrations must be numbered 001, 002, ... without gaps: {versions}")
    return found


def migrate(
    dsn: str, sql_dir: Traversable | None = None, target: int | None = None
) -> list[Migration]:
    """Apply the pending migrations (up to ``target``); return the ones applied."""
    applied_now = []
    with connect(dsn) as conn:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
            try:
                cur.execute("CREATE SCHEMA IF NOT EXISTS newswire")
                cur.execute(
                    """CREATE TABLE IF NOT EXISTS newswire.schema_migrations (
                           version    integer PRIMARY KEY,
                           name       text NOT NULL,
                           checksum   text NOT NULL,
                           applied_at timestamptz NOT NULL DEFAULT now())"""
                )
                cur.execute("SELECT version, checksum FROM newswire.schema_migrations")
                done = dict(cur.fetchall())
                migrations = available(sql_dir)
                for migration in migrations:
                    if target is not None and migration.version > target:
                        break
                    if migration.version in done:
                        if done[migration.version] != migration.checksum:
                            raise MigrationError(
                                f"{migration.path.name} changed after it was applied; "
                                "add a new migration instead of editing an applied one"
                            )
                        continue
                    _apply(
                        cur,
                        migration,
                        "INSERT INTO newswire.schema_migrations"
                        " (version, name, checksum) VALUES (%s, %s, %s)",
                        (migration.version, migration.name, migration.checksum),
                    )
                    applied_now.append(migration)
                if target is None or target >= len(migrations):
                    applied_now += _apply_views(cur, sql_dir)
            finally:
                cur.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
    return applied_now


def _apply_views(cur, sql_dir: Traversable | None) -> list[Migration]:
    cur.execute(
        """CREATE TABLE IF NOT EXISTS newswire.schema_views (
               name       text PRIMARY KEY,
               checksum   text NOT NULL,
               applied_at timestamptz NOT NULL DEFAULT now())"""
    )
    cur.execute("SELECT name, checksum FROM newswire.schema_views")
    done = dict(cur.fetchall())
    applied = []
    for view in available_views(sql_dir):
        if done.get(view.name) != view.checksum:
            _apply(
                cur,
                view,
                """INSERT INTO newswire.schema_views (name, checksum) VALUES (%s, %s)
                                 ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum,
                                                                 applied_at = now()""",
                (view.name, view.checksum),
            )
            applied.append(view)
    return applied


def _apply(cur, migration: Migration, record_sql: str, record_args: tuple) -> None:
    """Run one file and record it, in one transaction."""
    cur.execute("BEGIN")
    try:
        cur.execute(migration.sql)
        cur.execute(record_sql, record_args)
        cur.execute("COMMIT")
    except Exception:
        cur.execute("ROLLBACK")
        raise


def current_version(dsn: str) -> int:
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass('newswire.schema_migrations')")
        if cur.fetchone()[0] is None:
            return 0
        cur.execute("SELECT coalesce(max(version), 0) FROM newswire.schema_migrations")
        return cur.fetchone()[0]
