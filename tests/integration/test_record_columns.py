"""The record's declaration against the migrated warehouse (real PostgreSQL): every column the
merge writes exists with the declared type, the statements' column lists are the declared
fields, and a field declared with its column is stored and shown with no other change."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import typing

import psycopg2

from newswire.record import COLUMN_FIELDS, FIELDS
from newswire.warehouse import loading
from newswire.warehouse.releases import RELEASE_SQL
from tests.support import ROOT
from tests.support.records import make_record


def _columns(dsn: str) -> dict[str, tuple[str, bool]]:
    """newswire.releases' columns: {name: (type, nullable)}."""
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            cur.execute(
                """SELECT attname, format_type(atttypid, atttypmod), NOT attnotnull
                   FROM pg_attribute
                   WHERE attrelid = 'newswire.releases'::regclass AND attnum > 0
                     AND NOT attisdropped"""
            )
            return {name: (kind, nullable) for name, kind, nullable in cur.fetchall()}
    finally:
        conn.close()


def _type_name(dsn: str, declared: str) -> str:
    """PostgreSQL's own spelling of a declared type ("timestamptz": "timestamp with time zone")."""
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT format_type(%s::regtype, NULL)", (declared,))
            return cur.fetchone()[0]
    finally:
        conn.close()


def _rendered(dsn: str, statement) -> str:
    conn = psycopg2.connect(dsn)
    try:
        return statement.as_string(conn)
    finally:
        conn.close()


def test_every_declared_column_exists_with_its_declared_type(warehouse):
    columns = _columns(warehouse)
    for field in COLUMN_FIELDS:
        assert field.name in columns, f"newswire.releases has no column {field.name}"
        kind, nullable = columns[field.name]
        assert kind == _type_name(warehouse, field.column), field.name
        # A field that may be None needs a column that holds NULL, and only it may be None.
        assert nullable == (type(None) in typing.get_args(field.type)), field.name
    stored_elsewhere = {f.name for f in FIELDS if not f.column}
    assert stored_elsewhere == {"tickers", "industries"}
    assert not stored_elsewhere & set(columns)


def test_the_merge_and_the_page_read_list_exactly_the_declared_columns(warehouse):
    declared = [field.name for field in COLUMN_FIELDS]
    load_columns = list(loading._LOAD_COLUMNS)
    upsert = _rendered(warehouse, loading._upsert_current_rows())
    inserted = re.search(r"INSERT INTO newswire\.releases AS cur \((.*?)\)", upsert, re.S)
    assert _names(inserted[1]) == declared + load_columns
    row = re.search(r"jsonb_to_record\(b\.record\) AS r\((.*?)\)\n", upsert, re.S)
    staged = {"wire", "release_id", "content_sha256"}  # staging keeps these in columns
    assert _names(row[1], typed=True) == [
        (f.name, f.column) for f in COLUMN_FIELDS if f.name not in staged
    ]
    updated = re.findall(r'"(\w+)" = EXCLUDED\."\w+"', upsert.split("DO UPDATE SET")[1])
    assert updated == [
        name for name in declared + load_columns if name not in ("wire", "release_id")
    ]

    conn = psycopg2.connect(warehouse)
    try:
        with conn.cursor() as cur:
            cur.execute(RELEASE_SQL, {"wire": "prnewswire", "release_id": "1"})
            read = [column.name for column in cur.description]
    finally:
        conn.close()
    assert read == [*declared, "version", "fetched_at", "first_loaded_at"]


def _names(listed: str, typed: bool = False) -> list:
    """The names (with their types) of a rendered list of quoted identifiers."""
    items = [item.strip() for item in listed.split(",")]
    if typed:
        return [tuple(re.fullmatch(r'"(\w+)" (.+)', item).groups()) for item in items]
    return [re.fullmatch(r'"(\w+)"', item)[1] for item in items]


# The proof: a throwaway field declared in a copy of the package, its column added as a
# migration would, and nothing else changed.
SUMMARY = '    Field("summary", str | None, "text", max_chars=40, label="Summary"),\n'
_LOAD_AND_SHOW = """
import json, sys
from datetime import UTC, datetime
from newswire.pipeline import load_step
from newswire.record import RELEASE_FIELDS
from newswire.warehouse import runs
from newswire.warehouse.connection import connect
from newswire.warehouse.loading import StagedRecord, stage
from newswire.warehouse.releases import read_release

dsn, records = sys.argv[1], json.load(sys.stdin)
assert RELEASE_FIELDS[-1] == "summary", RELEASE_FIELDS
with connect(dsn) as conn, conn.cursor() as cur:
    runs.open_run(cur, "summary", "test")
    fetched = datetime(2026, 1, 1, tzinfo=UTC)
    stage(cur, "summary", [StagedRecord(r, "test", fetched, r["url"]) for r in records])
load_step(dsn, "summary")
with connect(dsn) as conn:
    release = read_release(conn, "prnewswire", records[0]["release_id"])
print(json.dumps({"shown": release.fields["summary"]}))
"""


def test_a_field_declared_with_its_column_is_stored_with_no_other_change(
    warehouse, query, tmp_path
):
    package = tmp_path / "plugins" / "newswire"
    shutil.copytree(
        ROOT / "plugins" / "newswire", package, ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(ROOT / "sql", package / "sql", ignore=shutil.ignore_patterns("__pycache__"))
    declaration = (package / "record.py").read_text(encoding="utf-8")
    end = '    Field("field_sources", dict[str, str], "jsonb", hashed=None, derived=True),\n)\n'
    assert end in declaration
    (package / "record.py").write_text(
        declaration.replace(end, end[:-2] + SUMMARY + ")\n"), encoding="utf-8"
    )
    conn = psycopg2.connect(warehouse)  # what the field's migration would do
    try:
        with conn, conn.cursor() as cur:
            cur.execute("ALTER TABLE newswire.releases ADD COLUMN summary text")
    finally:
        conn.close()

    records = [
        {**make_record(0), "summary": "What the release says, in more than forty characters."},
        {**make_record(1), "summary": None},
    ]
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "plugins")}
    result = subprocess.run(
        [sys.executable, "-c", _LOAD_AND_SHOW, warehouse],
        input=json.dumps(records),
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.splitlines()[-1])
    cut = records[0]["summary"][:40]
    assert out["shown"] == cut
    stored = query(
        warehouse,
        "SELECT r.release_id, r.summary, v.record->>'summary', r.content_sha256"
        " FROM newswire.releases r JOIN newswire.release_versions v USING (wire, release_id)"
        " ORDER BY r.release_id",
    )
    assert [row[:3] for row in stored] == [
        (records[0]["release_id"], cut, cut),
        (records[1]["release_id"], None, None),
    ]
    # Hashed only when set (the default): a release that says nothing in it keeps its hash.
    assert stored[1][3] == make_record(1)["content_sha256"]
    assert stored[0][3] != make_record(0)["content_sha256"]
