"""Migrations against a real PostgreSQL server."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from newswire.migrations import MigrationError, available, current_version, migrate


def test_migrate_from_empty_applies_every_file_in_order(empty_db, query):
    applied = migrate(empty_db)
    assert [m.version for m in applied] == [m.version for m in available()]
    assert current_version(empty_db) == len(available())
    tables = {row[0] for row in query(
        empty_db, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'newswire'")}
    assert {"releases", "raw_pages", "rejects", "ingestion_runs", "staged_releases",
            "schema_migrations"} <= tables


def test_migrate_again_applies_nothing(warehouse):
    assert migrate(warehouse) == []


def test_migrate_from_every_earlier_version(empty_db):
    for version in range(1, len(available()) + 1):
        migrate(empty_db, target=version)
        assert current_version(empty_db) == version
    assert migrate(empty_db) == []


def test_concurrent_migrations_apply_each_file_once(empty_db, query):
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: migrate(empty_db), range(4)))
    assert sum(len(r) for r in results) == len(available())
    assert query(empty_db, "SELECT count(*) FROM newswire.schema_migrations")[0][0] == len(available())


def test_an_edited_applied_migration_is_refused(warehouse, tmp_path):
    for migration in available():
        (tmp_path / migration.path.name).write_text(migration.sql + "\n-- edited\n")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        migrate(warehouse, sql_dir=tmp_path)


def test_a_failing_migration_leaves_nothing_behind(warehouse, tmp_path, query):
    for migration in available():
        (tmp_path / migration.path.name).write_bytes(migration.path.read_bytes())
    bad = tmp_path / f"{len(available()) + 1:03d}_broken.sql"
    bad.write_text("CREATE TABLE newswire.half_done (x int);\nSELECT no_such_function();\n")
    with pytest.raises(Exception, match="no_such_function"):
        migrate(warehouse, sql_dir=tmp_path)
    assert query(warehouse, "SELECT to_regclass('newswire.half_done')")[0][0] is None
    assert current_version(warehouse) == len(available())
