"""Numbered SQL migrations from ``sql/NNN_name.sql``, applied in order and recorded.

Each file runs in its own transaction together with its row in
``newswire.schema_migrations``; a session advisory lock makes concurrent ``db migrate``
runs (two workers starting at once) wait for each other instead of racing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from newswire import settings
from newswire.db import connect

_MIGRATION_FILE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = 7_265_371_001  # arbitrary, constant: "newswire migrations"


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def available(sql_dir: Path | None = None) -> list[Migration]:
    """The migration files, in version order; gaps or duplicate numbers are an error."""
    found = []
    for path in sorted((sql_dir or settings.sql_dir()).glob("*.sql")):
        match = _MIGRATION_FILE.match(path.name)
        if match:
            found.append(Migration(int(match[1]), match[2], path))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise MigrationError(f"migrations must be numbered 001, 002, ... without gaps: {versions}")
    return found


def migrate(dsn: str, sql_dir: Path | None = None, target: int | None = None) -> list[Migration]:
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
                for migration in available(sql_dir):
                    if target is not None and migration.version > target:
                        break
                    if migration.version in done:
                        if done[migration.version] != migration.checksum:
                            raise MigrationError(
                                f"{migration.path.name} changed after it was applied; "
                                "add a new migration instead of editing an applied one"
                            )
                        continue
                    cur.execute("BEGIN")
                    try:
                        cur.execute(migration.sql)
                        cur.execute(
                            "INSERT INTO newswire.schema_migrations (version, name, checksum)"
                            " VALUES (%s, %s, %s)",
                            (migration.version, migration.name, migration.checksum),
                        )
                        cur.execute("COMMIT")
                    except Exception:
                        cur.execute("ROLLBACK")
                        raise
                    applied_now.append(migration)
            finally:
                cur.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
    return applied_now


def current_version(dsn: str) -> int:
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass('newswire.schema_migrations')")
        if cur.fetchone()[0] is None:
            return 0
        cur.execute("SELECT coalesce(max(version), 0) FROM newswire.schema_migrations")
        return cur.fetchone()[0]
