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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone

import psycopg2.extras

from newswire import settings
from newswire.db import connect
from newswire.discover import Validators, discover, release_id_from_path, same_site
from newswire.fetch import FetchError, Page, PoliteClient
from newswire.loader import StagedRecord, merge_staged, stage
from newswire.parsing import PARSER_VERSION, ParseError, parse_release
from newswire.progress import Progress

STAGE_BATCH = 200  # pages per commit while fetching (a crash re-fetches at most this many)
FETCH_WORKERS = 4  # concurrent fetches; the per-host rate limit still applies
RETRY_REJECTS_LIMIT = 500  # earlier failures retried per run


class TooManyFailures(RuntimeError):
    """The run loaded its good pages but too large a share of pages failed."""


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
                  dag_run_id: str | None = None, max_rps: float | None = None,
                  since: datetime | None = None, until: datetime | None = None,
                  feeds: tuple[str, ...] | None = None) -> list[str]:
    """Open the run and return the URLs to fetch: releases not yet in the warehouse (in the
    ``since``/``until`` window when one is given), then pages that failed in earlier runs
    and are still missing, so a failure is retried by the next run."""
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            """INSERT INTO newswire.ingestion_runs (run_key, source, dag_run_id, window_start, window_end)
               VALUES (%s, %s, %s, %s, %s)
               ON CONFLICT (run_key) DO UPDATE SET status = 'running', finished_at = NULL""",
            (run_key, base_url, dag_run_id, since, until),
        )
        cur.execute("SELECT release_id FROM newswire.releases WHERE wire = 'prnewswire'")
        known = frozenset(row[0] for row in cur.fetchall())
        cur.execute("SELECT url, etag, last_modified FROM newswire.http_validators")
        validators = Validators({url: (etag, lm) for url, etag, lm in cur.fetchall()})
        # Pages that failed to fetch in earlier runs. Parse failures are not re-fetched:
        # their pages are in raw_pages, and `newswire reparse` fixes them once the parser does.
        cur.execute("SELECT DISTINCT url FROM newswire.rejects WHERE resolved_at IS NULL"
                    " AND stage = 'fetch' ORDER BY url LIMIT %s", (RETRY_REJECTS_LIMIT,))
        failed = [url for (url,) in cur.fetchall()]
    with PoliteClient(base_url, max_rps=max_rps) as client:
        found = discover(client, limit=limit, known=known, since=since, until=until,
                         feeds=feeds or settings.feeds(), validators=validators)
    urls = [item.url for item in found]
    taken = {*known, *(item.release_id for item in found)}
    for url in failed:  # still missing: retried by this run, on the configured site
        release_id = release_id_from_path(url)
        if release_id and release_id not in taken:
            taken.add(release_id)
            urls.append(same_site(base_url.rstrip("/"), url))
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("UPDATE newswire.ingestion_runs SET discovered = %s WHERE run_key = %s",
                    (len(urls), run_key))
        psycopg2.extras.execute_values(
            cur, """INSERT INTO newswire.http_validators (url, etag, last_modified) VALUES %s
                    ON CONFLICT (url) DO UPDATE SET etag = EXCLUDED.etag,
                        last_modified = EXCLUDED.last_modified, checked_at = now()""",
            [(url, etag, lm) for url, (etag, lm) in validators.by_url.items()])
    return urls


# -- step 2: fetch and parse --------------------------------------------------------------
def fetch_step(dsn: str, base_url: str, run_key: str, urls: list[str], *,
               max_rps: float | None = None, workers: int = FETCH_WORKERS) -> dict:
    """Fetch and parse ``urls`` with a small worker pool (the per-host rate limit is shared,
    so the pool is gentle with the real site and fast with a permissive mirror); stage good
    records and reject the rest with their reason, committing every STAGE_BATCH pages."""
    counts = {"fetched": 0, "staged": 0, "rejected": 0}
    progress = Progress(len(urls), "fetched")
    with (PoliteClient(base_url, max_rps=max_rps) as client, connect(dsn) as conn,
          ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="fetch") as pool):
        for start in range(0, len(urls), STAGE_BATCH):
            batch = urls[start:start + STAGE_BATCH]
            with conn.cursor() as cur:
                parsed = []
                for url, outcome in zip(batch, pool.map(lambda u: _fetch_and_parse(client, u), batch)):
                    item = _keep(cur, run_key, url, outcome)
                    counts["fetched"] += outcome.page is not None
                    if item is None:
                        counts["rejected"] += 1
                    else:
                        parsed.append(item)
                    progress.step(rejected=counts["rejected"])
                stage(cur, run_key, parsed)
                counts["staged"] += len(parsed)
            conn.commit()
    progress.done(rejected=counts["rejected"])
    return counts


@dataclass
class _Outcome:
    page: Page | None = None
    record: dict | None = None
    error: FetchError | ParseError | None = None


def _fetch_and_parse(client: PoliteClient, url: str) -> _Outcome:
    """The network and CPU part of one page, run in a worker thread."""
    try:
        page = client.get(url)
    except FetchError as exc:
        return _Outcome(error=exc)
    try:
        return _Outcome(page, parse_release(page.content, page.url, http_charset=page.charset))
    except ParseError as exc:
        return _Outcome(page, error=exc)


def _keep(cur, run_key: str, url: str, outcome: _Outcome) -> StagedRecord | None:
    """Archive the page and return its record to stage, or record the reject."""
    error = outcome.error
    if outcome.page is None:
        record_reject(cur, run_key, url, "fetch", error.reason, error.detail, error.status, None)
        return None
    raw_page_id = _store_raw(cur, outcome.page)
    if error is not None:
        record_reject(cur, run_key, url, "parse", error.reason, str(error), outcome.page.status,
                      raw_page_id)
        return None
    return StagedRecord(outcome.record, PARSER_VERSION, outcome.page.fetched_at, url, raw_page_id)


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
def load_step(dsn: str, run_key: str, *, max_failed_share: float | None = None) -> RunSummary:
    """Merge the run's staged records into ``newswire.releases``, all or nothing, and close
    the run with its counts. Loading the same run again changes nothing.

    Failed pages are data (``newswire.rejects``, retried by the next run); the run itself
    fails, after loading the good pages, only when the share of pages that could not be
    fetched or parsed passes ``max_failed_share`` (default ``NEWSWIRE_MAX_FAILED_SHARE``)."""
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
        threshold = settings.max_failed_share() if max_failed_share is None else max_failed_share
        attempted = summary.fetched + summary.rejected - parse_rejects
        too_many = attempted > 0 and summary.rejected / attempted > threshold
        cur.execute(
            """UPDATE newswire.ingestion_runs SET
                   status = %s, finished_at = now(), fetched = %s, loaded_new = %s,
                   loaded_updated = %s, unchanged = %s, rejected = %s
               WHERE run_key = %s""",
            ("failed" if too_many else "success", summary.fetched, summary.loaded_new,
             summary.loaded_updated, summary.unchanged, summary.rejected, run_key),
        )
    if too_many:
        raise TooManyFailures(f"{summary.as_text()}: {summary.rejected} of {attempted} pages failed,"
                              f" more than the allowed share {threshold:.0%}; see newswire.rejects"
                              f" (the good pages were loaded, the failed ones are retried next run)")
    return summary


def mark_failed(dsn: str, run_key: str) -> None:
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("UPDATE newswire.ingestion_runs SET status = 'failed', finished_at = now()"
                    " WHERE run_key = %s", (run_key,))


# -- all three, outside Airflow -----------------------------------------------------------
def ingest(dsn: str, base_url: str, *, limit: int | None = None,
           max_rps: float | None = None, run_key: str | None = None,
           since: datetime | None = None, until: datetime | None = None,
           feeds: tuple[str, ...] | None = None, workers: int = FETCH_WORKERS,
           max_failed_share: float | None = None) -> RunSummary:
    run_key = run_key or new_run_key()
    try:
        urls = discover_step(dsn, base_url, run_key, limit=limit, max_rps=max_rps,
                             since=since, until=until, feeds=feeds)
        fetch_step(dsn, base_url, run_key, urls, max_rps=max_rps, workers=workers)
        return load_step(dsn, run_key, max_failed_share=max_failed_share)
    except TooManyFailures:
        raise  # the run row already says failed, with its counts
    except Exception:
        mark_failed(dsn, run_key)
        raise
