"""The ingestion steps: discover -> fetch and parse -> load.

``newswire ingest`` calls them in a row; the Airflow DAG calls the same functions, one per
task. Steps meet in the warehouse, not in memory: fetch writes raw pages, staged records
and rejects keyed by the run, and load merges that run's staged records into
``newswire.releases`` in one transaction. So every step can be retried on its own, a
re-run never duplicates a row, and no page HTML travels through XCom.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

import psycopg2.extras

from newswire.db import connect
from newswire.discover import discover
from newswire.fetch import FetchError, Page, PoliteClient
from newswire.loader import StagedRecord, merge_staged, stage
from newswire.parsing import PARSER_VERSION, ParseError, parse_release

STAGE_BATCH = 50  # pages per commit while fetching


@dataclass
class RunSummary:
    run_key: str
    discovered: int = 0
    fetched: int = 0
    loaded_new: int = 0
    loaded_updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def as_text(self) -> str:
        return (f"run {self.run_key}: discovered {self.discovered}, fetched {self.fetched}, "
                f"loaded {self.loaded_new} new / {self.loaded_updated} updated / "
                f"{self.unchanged} unchanged, rejected {self.rejected}")


def new_run_key(prefix: str = "cli") -> str:
    return f"{prefix}__{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S.%fZ')}"


# -- step 1: discover ---------------------------------------------------------------------
def discover_step(dsn: str, base_url: str, run_key: str, *, limit: int | None = None,
                  dag_run_id: str | None = None, max_rps: float | None = None) -> list[str]:
    """Open the run and return the URLs of releases not yet in the warehouse."""
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            """INSERT INTO newswire.ingestion_runs (run_key, source, dag_run_id)
               VALUES (%s, %s, %s)
               ON CONFLICT (run_key) DO UPDATE SET status = 'running', finished_at = NULL""",
            (run_key, base_url, dag_run_id),
        )
        cur.execute("SELECT release_id FROM newswire.releases WHERE wire = 'prnewswire'")
        known = frozenset(row[0] for row in cur.fetchall())
    with PoliteClient(base_url, max_rps=max_rps) as client:
        found = discover(client, limit=limit, known=known)
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("UPDATE newswire.ingestion_runs SET discovered = %s WHERE run_key = %s",
                    (len(found), run_key))
    return [item.url for item in found]


# -- step 2: fetch and parse --------------------------------------------------------------
def fetch_step(dsn: str, base_url: str, run_key: str, urls: list[str], *,
               max_rps: float | None = None) -> dict:
    """Fetch and parse ``urls``; stage good records, reject the rest with their reason."""
    counts = {"fetched": 0, "staged": 0, "rejected": 0}
    with PoliteClient(base_url, max_rps=max_rps) as client, connect(dsn) as conn:
        for start in range(0, len(urls), STAGE_BATCH):
            with conn.cursor() as cur:
                parsed = []
                for url in urls[start:start + STAGE_BATCH]:
                    fetched, item = _fetch_one(cur, client, run_key, url)
                    counts["fetched"] += fetched
                    if item is None:
                        counts["rejected"] += 1
                    else:
                        parsed.append(item)
                stage(cur, run_key, parsed)
                counts["staged"] += len(parsed)
            conn.commit()
    return counts


def _fetch_one(cur, client: PoliteClient, run_key: str, url: str) -> tuple[bool, StagedRecord | None]:
    """Fetch, archive and parse one page: (was it fetched, its record or None if rejected)."""
    try:
        page = client.get(url)
    except FetchError as exc:
        record_reject(cur, run_key, url, "fetch", exc.reason, exc.detail, exc.status, None)
        return False, None
    raw_page_id = _store_raw(cur, page)
    try:
        record = parse_release(page.content, page.url, http_charset=page.charset)
    except ParseError as exc:
        record_reject(cur, run_key, url, "parse", exc.reason, str(exc), page.status, raw_page_id)
        return True, None
    return True, StagedRecord(record, PARSER_VERSION, page.fetched_at, url, raw_page_id)


def _store_raw(cur, page: Page) -> int:
    cur.execute(
        """INSERT INTO newswire.raw_pages
               (url, http_status, content_type, fetched_at, sha256, body_gzip, headers)
           VALUES (%s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (url, sha256) DO UPDATE SET fetched_at = EXCLUDED.fetched_at
           RETURNING raw_page_id""",
        (page.url, page.status, page.content_type, page.fetched_at,
         hashlib.sha256(page.content).hexdigest(), gzip.compress(page.content, 6),
         psycopg2.extras.Json(page.headers)),
    )
    return cur.fetchone()[0]


def record_reject(cur, run_key, url, stage, reason, detail, status, raw_page_id) -> None:
    """Record (or, for a retried task, update) a page the run could not fetch or parse."""
    cur.execute(
        """INSERT INTO newswire.rejects (run_key, url, stage, reason, detail, http_status, raw_page_id)
           VALUES (%s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (run_key, url) DO UPDATE SET
               stage = EXCLUDED.stage, reason = EXCLUDED.reason, detail = EXCLUDED.detail,
               http_status = EXCLUDED.http_status, raw_page_id = EXCLUDED.raw_page_id,
               rejected_at = now()""",
        (run_key, url, stage, reason, (detail or "")[:2000], status, raw_page_id),
    )


# -- step 3: load -------------------------------------------------------------------------
def load_step(dsn: str, run_key: str) -> RunSummary:
    """Merge the run's staged records into ``newswire.releases``, all or nothing, and close
    the run with its counts. Loading the same run again changes nothing."""
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            """SELECT status, discovered, fetched, loaded_new, loaded_updated, unchanged, rejected
               FROM newswire.ingestion_runs WHERE run_key = %s FOR UPDATE""",
            (run_key,),
        )
        row = cur.fetchone()
        if row is None:
            raise LookupError(f"no ingestion run {run_key!r}: run discover first")
        if row[0] == "success":  # loaded already: a retried load task changes nothing
            return RunSummary(run_key, *row[1:])
        summary = RunSummary(run_key, discovered=row[1])
        summary.loaded_new, summary.loaded_updated, summary.unchanged = merge_staged(cur, run_key)
        cur.execute(
            """UPDATE newswire.rejects j SET resolved_at = now()
               FROM newswire.staged_releases s
               WHERE s.run_key = %s AND j.resolved_at IS NULL
                 AND j.url IN (s.fetch_url, s.record->>'url')""",
            (run_key,),
        )
        cur.execute(
            """SELECT count(*) FILTER (WHERE stage = 'parse'), count(*)
               FROM newswire.rejects WHERE run_key = %s""",
            (run_key,),
        )
        parse_rejects, summary.rejected = cur.fetchone()
        summary.fetched = (summary.loaded_new + summary.loaded_updated + summary.unchanged
                           + parse_rejects)
        cur.execute("DELETE FROM newswire.staged_releases WHERE run_key = %s", (run_key,))
        cur.execute(
            """UPDATE newswire.ingestion_runs SET
                   status = 'success', finished_at = now(), fetched = %s, loaded_new = %s,
                   loaded_updated = %s, unchanged = %s, rejected = %s
               WHERE run_key = %s""",
            (summary.fetched, summary.loaded_new, summary.loaded_updated, summary.unchanged,
             summary.rejected, run_key),
        )
    return summary


def mark_failed(dsn: str, run_key: str) -> None:
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("UPDATE newswire.ingestion_runs SET status = 'failed', finished_at = now()"
                    " WHERE run_key = %s", (run_key,))


# -- all three, outside Airflow -----------------------------------------------------------
def ingest(dsn: str, base_url: str, *, limit: int | None = None,
           max_rps: float | None = None, run_key: str | None = None) -> RunSummary:
    run_key = run_key or new_run_key()
    try:
        urls = discover_step(dsn, base_url, run_key, limit=limit, max_rps=max_rps)
        fetch_step(dsn, base_url, run_key, urls, max_rps=max_rps)
        return load_step(dsn, run_key)
    except Exception:
        mark_failed(dsn, run_key)
        raise
