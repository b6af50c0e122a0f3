"""Numbered SQL migrations from ``sql/NNN_name.sql``, applied in order and recorded.

The SQL files ship inside the package (``newswire.sql``, mapped from the checkout's
top-level ``sql/`` folder by ``pyproject.toml``) and are read with ``importlib.resources``,
so an installed wheel or an image migrates without a checkout.

Each file runs in its own transaction together with its row in
``newswire.schema_migrations``, holding a table lock on it that makes concurrent ``db
migrate`` runs (two workers starting at once) wait for each other instead of racing. The
read-only role cannot take that lock (see :func:`~newswire.warehouse.connection.lock_table`),
and a lock that does not come within the lock timeout fails the migration instead of
stalling it.

The SQL functions in ``sql/functions/*.sql`` and then the report views in
``sql/reports/*.sql`` are repeatable (as Flyway's ``R__`` files): once the schema is at the
latest version, each is (re)applied whenever its checksum differs from the one recorded in
``newswire.schema_views``. A function is changed by editing its file, not by a migration
that restates it whole.
"""

from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

from newswire.warehouse.connection import LOCK_TIMEOUT, connect, lock_table

_MIGRATION_FILE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = 7_265_371_001  # arbitrary, constant: "newswire migrations" (first one only)


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


def available_functions(sql_dir: Traversable | None = None) -> list[Migration]:
    """The SQL function files, named ``functions/<file>`` (beside the views' names in
    ``newswire.schema_views``); none when the folder is absent."""
    folder = (sql_dir or files("newswire.sql")) / "functions"
    if not folder.is_dir():
        return []
    return [
        Migration(0, "functions/" + path.name.removesuffix(".sql"), path)
        for path in _sql_files(folder)
    ]


def available_repeatables(sql_dir: Traversable | None = None) -> list[Migration]:
    """What is (re)applied after the migrations, in order: functions first (views and
    triggers call them), then the report views."""
    return available_functions(sql_dir) + available_views(sql_dir)


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
    migrations = available(sql_dir)
    applied_now = []
    with connect(dsn) as conn:
        conn.autocommit = True
        with conn.cursor() as cur:
            _bootstrap(cur)
            for migration in migrations:
                if target is not None and migration.version > target:
                    break
                if _apply_migration(cur, migration):
                    applied_now.append(migration)
            if target is None or target >= len(migrations):
                applied_now += [
                    r for r in available_repeatables(sql_dir) if _apply_repeatable(cur, r)
                ]
    return applied_now


def _bootstrap(cur) -> None:
    """The schema and the bookkeeping tables. Only a brand-new database has nothing to lock
    yet, so only then does an advisory lock keep two first migrations from racing."""
    cur.execute("SELECT to_regclass('newswire.schema_views')")
    if cur.fetchone()[0] is not None:
        return
    with _transaction(cur):
        cur.execute("SET LOCAL lock_timeout = %s", (LOCK_TIMEOUT,))
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        cur.execute("CREATE SCHEMA IF NOT EXISTS newswire")
        cur.execute(
            """CREATE TABLE IF NOT EXISTS newswire.schema_migrations (
                   version    integer PRIMARY KEY,
                   name       text NOT NULL,
                   checksum   text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now())"""
        )
        cur.execute(
            """CREATE TABLE IF NOT EXISTS newswire.schema_views (
                   name       text PRIMARY KEY,
                   checksum   text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now())"""
        )


def _apply_migration(cur, migration: Migration) -> bool:
    """Run one migration file and record it, in one transaction; False if it was applied."""
    with _locked_transaction(cur):
        cur.execute(
            "SELECT checksum FROM newswire.schema_migrations WHERE version = %s",
            (migration.version,),
        )
        done = cur.fetchone()
        if done is not None:
            if done[0] != migration.checksum:
                raise MigrationError(
                    f"{migration.path.name} changed after it was applied; "
                    "add a new migration instead of editing an applied one"
                )
            return False
        cur.execute(migration.sql)
        cur.execute(
            "INSERT INTO newswire.schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
            (migration.version, migration.name, migration.checksum),
        )
        return True


def _apply_repeatable(cur, view: Migration) -> bool:
    """(Re)create one function or report view if its file changed, in one transaction."""
    with _locked_transaction(cur):
        cur.execute("SELECT checksum FROM newswire.schema_views WHERE name = %s", (view.name,))
        if cur.fetchone() == (view.checksum,):
            return False
        cur.execute(view.sql)
        cur.execute(
            """INSERT INTO newswire.schema_views (name, checksum) VALUES (%s, %s)
               ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()""",
            (view.name, view.checksum),
        )
        return True


@contextmanager
def _transaction(cur):
    cur.execute("BEGIN")
    try:
        yield
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    cur.execute("COMMIT")


@contextmanager
def _locked_transaction(cur):
    """A transaction that holds the migration lock: concurrent ``db migrate`` runs (two
    workers starting at once) take turns, and each re-reads what is applied once it holds
    the lock."""
    with _transaction(cur):
        lock_table(cur, "newswire.schema_migrations")
        yield


def current_version(dsn: str) -> int:
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass('newswire.schema_migrations')")
        if cur.fetchone()[0] is None:
            return 0
        cur.execute("SELECT coalesce(max(version), 0) FROM newswire.schema_migrations")
        return cur.fetchone()[0]
