"""Staging parsed records and merging a run's batch into the warehouse.

Records are staged in bulk (``COPY`` into ``newswire.staged_releases``), then
:func:`merge_staged` moves one run's batch into ``releases``, ``release_versions``,
``organizations``, ``release_tickers`` and ``release_industries`` inside the caller's
transaction: a crash at any moment leaves the whole batch or none of it. Rows whose content
hash did not change are left alone, so loading the same batch again changes nothing.

The newest fetch wins, whatever the order runs are loaded in: a record fetched before the
current row's fetch only adds its content to the history. A re-parse of the raw page the
current row comes from replaces it; one of an older page (a correction landed while
``newswire reparse`` ran) does not.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, replace
from datetime import datetime

import psycopg2
from psycopg2 import sql

from newswire.record import COLUMN_FIELDS
from newswire.warehouse.connection import lock_table, savepoint
from newswire.warehouse.corrections import link_corrections
from newswire.warehouse.validation import Refused, storable
from newswire.warehouse.watchlists import record_alerts

STAGED_COLUMNS = (
    "run_key",
    "wire",
    "release_id",
    "record",
    "content_sha256",
    "parser_version",
    "raw_page_id",
    "fetched_at",
    "fetch_url",
)
_STAGED_KEY = ("run_key", "wire", "release_id")  # staged_releases' primary key
_COPY_INCOMING = sql.SQL("COPY _incoming ({}) FROM STDIN").format(
    sql.SQL(", ").join(map(sql.Identifier, STAGED_COLUMNS))
)
_STAGE_INCOMING = sql.SQL(
    """INSERT INTO newswire.staged_releases ({columns})
       SELECT {columns} FROM _incoming
       ON CONFLICT (run_key, wire, release_id) DO UPDATE SET {updates}
       WHERE EXCLUDED.fetched_at >= staged_releases.fetched_at"""
).format(
    columns=sql.SQL(", ").join(map(sql.Identifier, STAGED_COLUMNS)),
    updates=sql.SQL(", ").join(
        sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(name))
        for name in STAGED_COLUMNS
        if name not in _STAGED_KEY
    ),
)


@dataclass(frozen=True)
class StagedRecord:
    record: dict
    parser_version: str
    fetched_at: datetime
    fetch_url: str
    raw_page_id: int | None = None


@dataclass(frozen=True)
class Refusal:
    """A record the warehouse could not stage, and why (a reject's reason and detail)."""

    item: StagedRecord
    reason: str
    detail: str


def stage(cur, run_key: str, items: list[StagedRecord]) -> list[Refusal]:
    """Stage records for ``run_key``; a release staged twice keeps its newest fetch.
    Returns the records refused, each with its reason, and stages all the others.

    Records are made storable first (:func:`~newswire.warehouse.validation.storable`), then
    copied in bulk. Should the bulk copy still fail, each record is copied under a
    savepoint of its own, so the error costs only the record that caused it."""
    refused, latest = [], {}
    for item in items:
        try:
            record = storable(item.record)
        except Refused as exc:
            refused.append(Refusal(item, exc.reason, str(exc)))
            continue
        key = (record["wire"], record["release_id"])
        if key not in latest or item.fetched_at >= latest[key].fetched_at:
            latest[key] = replace(item, record=record)
    try:
        with savepoint(cur, "stage_batch"):
            _copy(cur, run_key, list(latest.values()))
    except psycopg2.Error:
        for item in latest.values():
            try:
                with savepoint(cur, "stage_one"):
                    _copy(cur, run_key, [item])
            except psycopg2.Error as exc:
                refused.append(Refusal(item, "store_error", f"{type(exc).__name__}: {exc}"))
    return refused


def _copy(cur, run_key: str, items: list[StagedRecord]) -> None:
    """COPY ``items`` into the staging table."""
    if not items:
        return
    cur.execute(
        "CREATE TEMP TABLE IF NOT EXISTS _incoming"
        " (LIKE newswire.staged_releases INCLUDING DEFAULTS) ON COMMIT DROP"
    )
    buffer = io.StringIO()
    for item in items:
        row = (
            run_key,
            item.record["wire"],
            item.record["release_id"],
            json.dumps(item.record, ensure_ascii=False),
            item.record["content_sha256"],
            item.parser_version,
            item.raw_page_id,
            item.fetched_at.isoformat(),
            item.fetch_url,
        )
        buffer.write("\t".join(_copy_text(value) for value in row) + "\n")
    buffer.seek(0)
    cur.copy_expert(_COPY_INCOMING.as_string(cur), buffer)
    cur.execute(_STAGE_INCOMING)
    cur.execute("TRUNCATE _incoming")


def _copy_text(value) -> str:
    """One field in COPY's text format."""
    if value is None:
        return r"\N"
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


# The columns of a current row that the load fills, beside the record's own
# (record.COLUMN_FIELDS). Organizations are looked up one key at a time: a join may hash the
# whole table, whose size grows with the warehouse, not with the batch.
_LOAD_COLUMNS = {
    "parser_version": "b.parser_version",
    "raw_page_id": "b.raw_page_id",
    "fetched_at": "b.fetched_at",
    "version": "b.version",
    "issuer_org_id": "(SELECT org_id FROM newswire.organizations"
    " WHERE normalized_name = b.issuer_key)",
    "source_org_id": "(SELECT org_id FROM newswire.organizations"
    " WHERE normalized_name = b.source_key)",
}
_KEY = ("wire", "release_id")  # newswire.releases' primary key


def _upsert_current_rows() -> sql.Composed:
    """The merge's statement writing the current rows, its column lists generated from the
    record's declaration: each field with a column takes its value from the staged row when
    staging keeps it in a column (the key, the hash), else from the record read as a row of
    the declared column types; a changed row has every column but its key replaced."""
    from_record = [f for f in COLUMN_FIELDS if f.name not in STAGED_COLUMNS]
    values = {
        **{
            f.name: sql.Identifier("b" if f.name in STAGED_COLUMNS else "r", f.name)
            for f in COLUMN_FIELDS
        },
        **{name: sql.SQL(expression) for name, expression in _LOAD_COLUMNS.items()},
    }
    record_row = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(f.name), sql.SQL(f.column)) for f in from_record
    )
    updates = sql.SQL(", ").join(
        sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(name))
        for name in values
        if name not in _KEY
    )
    return sql.SQL(
        """INSERT INTO newswire.releases AS cur ({columns})
       SELECT {values}
       FROM _batch b
       CROSS JOIN LATERAL jsonb_to_record(b.record) AS r({record_row})
       WHERE b.replaces
       ORDER BY b.wire, b.release_id
       ON CONFLICT (wire, release_id) DO UPDATE SET {updates}, updated_at = now()"""
    ).format(
        columns=sql.SQL(", ").join(map(sql.Identifier, values)),
        values=sql.SQL(", ").join(values.values()),
        record_row=record_row,
        updates=updates,
    )


_MERGE_STEPS = (
    # 1. The batch: staged records that are new or whose content changed, each with the
    #    version it becomes (a known content keeps its number, new content takes max + 1)
    #    and whether it becomes the current row: the newest fetch wins, so an older fetch
    #    only adds its version, except that a record parsed from the very page the current
    #    row comes from replaces it (a re-parse).
    """CREATE TEMP TABLE _batch ON COMMIT DROP AS
       SELECT s.*, cur.release_id IS NULL AS inserted,
              (cur.release_id IS NULL OR s.fetched_at >= cur.fetched_at
               OR coalesce(s.raw_page_id = cur.raw_page_id, false)) AS replaces,
              newswire.normalize_org_name(s.record->>'issuer') AS issuer_key,
              newswire.normalize_org_name(s.record->>'source_org') AS source_key,
              coalesce(known.version,
                       (SELECT coalesce(max(v.version), 0) + 1
                        FROM newswire.release_versions v
                        WHERE (v.wire, v.release_id) = (s.wire, s.release_id))) AS version
       FROM newswire.staged_releases s
       LEFT JOIN newswire.releases cur USING (wire, release_id)
       LEFT JOIN newswire.release_versions known
              ON (known.wire, known.release_id, known.content_sha256)
               = (s.wire, s.release_id, s.content_sha256)
       WHERE s.run_key = %(run_key)s AND cur.content_sha256 IS DISTINCT FROM s.content_sha256""",
    #    A temporary table has no statistics until analyzed: the statements below join it
    #    to the warehouse's tables, and plan those joins by its size and its new/replaced mix.
    "ANALYZE _batch",
    #    An unchanged release fetched again: its current row now comes from that fetch.
    """UPDATE newswire.releases cur SET fetched_at = s.fetched_at, raw_page_id = s.raw_page_id
       FROM newswire.staged_releases s
       WHERE s.run_key = %(run_key)s AND (cur.wire, cur.release_id) = (s.wire, s.release_id)
         AND cur.content_sha256 = s.content_sha256 AND s.fetched_at > cur.fetched_at""",
    #    An unchanged release parsed again, from the current row's page or a newer fetch,
    #    by other layers (the rules updated, or the template changed and fallbacks read the
    #    same values): which layer gave each field is not content, so it makes no version;
    #    the current row takes the new provenance (and its version, after step 4).
    """UPDATE newswire.releases cur SET field_sources = s.record->'field_sources'
       FROM newswire.staged_releases s
       WHERE s.run_key = %(run_key)s AND (cur.wire, cur.release_id) = (s.wire, s.release_id)
         AND cur.content_sha256 = s.content_sha256
         AND (s.fetched_at >= cur.fetched_at OR coalesce(s.raw_page_id = cur.raw_page_id, false))
         AND cur.field_sources IS DISTINCT FROM s.record->'field_sources'""",
    # 2. Organizations, by normalized name, so the release rows can point at them.
    """INSERT INTO newswire.organizations (name, normalized_name)
       SELECT DISTINCT ON (key) name, key
       FROM (SELECT b.record->>'issuer' AS name, b.issuer_key AS key FROM _batch b
             UNION ALL SELECT b.record->>'source_org', b.source_key FROM _batch b) names
       WHERE key IS NOT NULL
       ORDER BY key, name
       ON CONFLICT (normalized_name) DO NOTHING""",
    # 3. Current rows, each written once, by the records that replace them.
    _upsert_current_rows(),
    # 4. History: a version per distinct content, older fetches' too.
    """INSERT INTO newswire.release_versions
           (wire, release_id, version, content_sha256, record, parser_version, raw_page_id,
            first_seen_at)
       SELECT wire, release_id, version, content_sha256, record, parser_version, raw_page_id,
              fetched_at
       FROM _batch
       ON CONFLICT (wire, release_id, content_sha256) DO NOTHING""",
    #    The version of an unchanged current row parsed again by other layers (see above).
    """UPDATE newswire.release_versions v
       SET record = jsonb_set(v.record, '{field_sources}', cur.field_sources)
       FROM newswire.staged_releases s
       JOIN newswire.releases cur USING (wire, release_id)
       WHERE s.run_key = %(run_key)s AND (v.wire, v.release_id) = (s.wire, s.release_id)
         AND v.content_sha256 = cur.content_sha256 AND cur.content_sha256 = s.content_sha256
         AND v.record->'field_sources' IS DISTINCT FROM cur.field_sources""",
    # 5. Tickers and industries: replaced as a whole for each replaced current row. A new
    #    release has none to delete: leaving new ones out keeps a batch of new releases from
    #    hashing or scanning the whole table (its cost grew with the warehouse).
    """DELETE FROM newswire.release_tickers t USING _batch b
       WHERE (t.wire, t.release_id) = (b.wire, b.release_id) AND b.replaces
         AND NOT b.inserted""",
    """INSERT INTO newswire.release_tickers (wire, release_id, exchange, symbol, position)
       SELECT DISTINCT ON (b.wire, b.release_id, t.exchange, t.symbol)
              b.wire, b.release_id, t.exchange, t.symbol, t.position
       FROM _batch b,
            ROWS FROM (jsonb_to_recordset(b.record->'tickers') AS (exchange text, symbol text))
                WITH ORDINALITY AS t(exchange, symbol, position)
       WHERE b.replaces AND t.exchange IS NOT NULL AND t.symbol IS NOT NULL
       ORDER BY b.wire, b.release_id, t.exchange, t.symbol, t.position""",
    """INSERT INTO newswire.industries (name)
       SELECT DISTINCT ind.name
       FROM _batch b, jsonb_array_elements_text(b.record->'industries') AS ind(name)
       ORDER BY ind.name
       ON CONFLICT (name) DO NOTHING""",
    """DELETE FROM newswire.release_industries t USING _batch b
       WHERE (t.wire, t.release_id) = (b.wire, b.release_id) AND b.replaces
         AND NOT b.inserted""",
    """INSERT INTO newswire.release_industries (wire, release_id, industry_id)
       SELECT DISTINCT b.wire, b.release_id, i.industry_id
       FROM _batch b, jsonb_array_elements_text(b.record->'industries') AS ind(name)
       JOIN newswire.industries i ON i.name = ind.name
       WHERE b.replaces""",
)


def merge_staged(cur, run_key: str) -> tuple[int, int, int]:
    """Merge the run's staged records; returns (new, updated, unchanged), where unchanged
    counts the records that left the current row as it was (same content, or an older
    fetch that only added a version). The caller owns the transaction: commit it with the
    run's bookkeeping, or roll it all back."""
    cur.execute("SELECT count(*) FROM newswire.staged_releases WHERE run_key = %s", (run_key,))
    staged = cur.fetchone()[0]
    if not staged:  # nothing new: no lock, no statement, whatever the warehouse's size
        return 0, 0, 0
    # Merges are serialized: version numbers are computed before the rows are written.
    lock_table(cur, "newswire.releases")
    for statement in _MERGE_STEPS:
        cur.execute(statement, {"run_key": run_key})
    cur.execute(
        "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE replaces AND NOT inserted)"
        " FROM _batch"
    )
    new, updated = cur.fetchone()
    link_corrections(cur)  # "CORRECTION --" releases and the releases they correct
    record_alerts(cur)  # the batch's matches of the watchlists, in this same transaction
    cur.execute("DROP TABLE _batch")
    return new, updated, staged - new - updated
