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
import json
from dataclasses import dataclass
from datetime import datetime, timezone

import psycopg2.extras

from newswire.db import connect
from newswire.discover import discover
from newswire.fetch import FetchError, Page, PoliteClient
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


def content_sha256(record: dict) -> str:
    """A stable hash of the parsed record: it changes exactly when the release's content does."""
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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
                for url in urls[start:start + STAGE_BATCH]:
                    outcome = _fetch_one(cur, client, run_key, url)
                    counts[outcome] += 1
                    counts["fetched"] += outcome != "rejected_fetch"
            conn.commit()
    counts["rejected"] += counts.pop("rejected_fetch", 0)
    return counts


def _fetch_one(cur, client: PoliteClient, run_key: str, url: str) -> str:
    try:
        page = client.get(url)
    except FetchError as exc:
        _reject(cur, run_key, url, "fetch", exc.reason, exc.detail, exc.status, None)
        return "rejected_fetch"
    raw_page_id = _store_raw(cur, page)
    try:
        record = parse_release(page.content, page.url, http_charset=page.charset)
    except ParseError as exc:
        _reject(cur, run_key, url, "parse", exc.reason, str(exc), page.status, raw_page_id)
        return "rejected"
    cur.execute(
        """INSERT INTO newswire.staged_releases
               (run_key, wire, release_id, record, content_sha256, parser_version,
                raw_page_id, fetched_at, fetch_url)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (run_key, wire, release_id) DO UPDATE SET
               record = EXCLUDED.record, content_sha256 = EXCLUDED.content_sha256,
               parser_version = EXCLUDED.parser_version, raw_page_id = EXCLUDED.raw_page_id,
               fetched_at = EXCLUDED.fetched_at, fetch_url = EXCLUDED.fetch_url""",
        (run_key, record["wire"], record["release_id"], psycopg2.extras.Json(record),
         content_sha256(record), PARSER_VERSION, raw_page_id, page.fetched_at, url),
    )
    return "staged"


def _store_raw(cur, page: Page) -> int:
    cur.execute(
        """INSERT INTO newswire.raw_pages (url, http_status, content_type, fetched_at, sha256, body_gzip)
           VALUES (%s, %s, %s, %s, %s, %s)
           ON CONFLICT (url, sha256) DO UPDATE SET fetched_at = EXCLUDED.fetched_at
           RETURNING raw_page_id""",
        (page.url, page.status, page.content_type, page.fetched_at,
         hashlib.sha256(page.content).hexdigest(), gzip.compress(page.content, 6)),
    )
    return cur.fetchone()[0]


def _reject(cur, run_key, url, stage, reason, detail, status, raw_page_id) -> None:
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
_MERGE = """
WITH merged AS (
    INSERT INTO newswire.releases AS cur (
        wire, release_id, url, title, subtitle, issuer, published_at, dateline_location,
        source_org, tickers, industries, language, body_text, contacts, images,
        content_sha256, parser_version, raw_page_id, fetched_at)
    SELECT s.wire, s.release_id, r.url, r.title, r.subtitle, r.issuer, r.published_at,
           r.dateline_location, r.source_org, coalesce(r.tickers, '[]'),
           coalesce(r.industries, '{}'), r.language, coalesce(r.body_text, ''), r.contacts,
           coalesce(r.images, '{}'), s.content_sha256, s.parser_version, s.raw_page_id,
           s.fetched_at
    FROM newswire.staged_releases s,
         jsonb_to_record(s.record) AS r(
             url text, title text, subtitle text, issuer text, published_at timestamptz,
             dateline_location text, source_org text, tickers jsonb, industries text[],
             language text, body_text text, contacts text, images text[])
    WHERE s.run_key = %(run_key)s
    ON CONFLICT (wire, release_id) DO UPDATE SET
        url = EXCLUDED.url, title = EXCLUDED.title, subtitle = EXCLUDED.subtitle,
        issuer = EXCLUDED.issuer, published_at = EXCLUDED.published_at,
        dateline_location = EXCLUDED.dateline_location, source_org = EXCLUDED.source_org,
        tickers = EXCLUDED.tickers, industries = EXCLUDED.industries,
        language = EXCLUDED.language, body_text = EXCLUDED.body_text,
        contacts = EXCLUDED.contacts, images = EXCLUDED.images,
        content_sha256 = EXCLUDED.content_sha256, parser_version = EXCLUDED.parser_version,
        raw_page_id = EXCLUDED.raw_page_id, fetched_at = EXCLUDED.fetched_at,
        updated_at = now()
    WHERE cur.content_sha256 IS DISTINCT FROM EXCLUDED.content_sha256
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged
"""


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
        cur.execute("SELECT count(*) FROM newswire.staged_releases WHERE run_key = %s", (run_key,))
        staged = cur.fetchone()[0]
        cur.execute(_MERGE, {"run_key": run_key})
        summary.loaded_new, summary.loaded_updated = cur.fetchone()
        summary.unchanged = staged - summary.loaded_new - summary.loaded_updated
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
        summary.fetched = staged + parse_rejects
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
