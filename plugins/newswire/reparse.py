"""``newswire reparse``: run the current parser over the raw archive and merge the results.

No network: the pages come from ``newswire.raw_pages``. It re-parses the page behind each
release's current version and every page still listed in open parse rejects, so a parser
fix lands without re-fetching. Parsing runs in a process pool on all cores; the database
work stays in this process. The whole re-parse is one ingestion run, merged in one
transaction at the end; a record whose content did not change is left alone.
"""

from __future__ import annotations

import gzip
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import date

from newswire.db import connect
from newswire.fetch import charset_from_content_type
from newswire.loader import StagedRecord, stage
from newswire.parsing import PARSER_VERSION, ParseError, parse_release
from newswire.pipeline import RunSummary, load_step, new_run_key, record_reject
from newswire.progress import Progress

BATCH = 200

_PAGES_SQL = """
SELECT p.raw_page_id, p.url, p.content_type, p.fetched_at, p.body_gzip
FROM newswire.raw_pages p
WHERE (p.raw_page_id IN (SELECT raw_page_id FROM newswire.releases
                         WHERE %(wire)s::text IS NULL OR wire = %(wire)s)
       OR (%(wire)s::text IS NULL AND p.raw_page_id IN (
               SELECT raw_page_id FROM newswire.rejects
               WHERE stage = 'parse' AND resolved_at IS NULL)))
  AND (%(since)s::date IS NULL OR p.fetched_at >= %(since)s::date)
ORDER BY p.raw_page_id
"""


def reparse(dsn: str, *, since: date | None = None, wire: str | None = None,
            workers: int | None = None) -> RunSummary:
    run_key = new_run_key("reparse")
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO newswire.ingestion_runs (run_key, source) VALUES (%s, 'raw_pages')",
                    (run_key,))
        cur.execute(f"SELECT count(*) FROM ({_PAGES_SQL}) pages", {"wire": wire, "since": since})
        progress = Progress(cur.fetchone()[0], "reparse: pages")
    with (connect(dsn) as reader, connect(dsn) as writer,
          ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool):
        with reader.cursor(name="raw_pages") as pages:  # server-side: memory stays flat
            pages.itersize = BATCH
            pages.execute(_PAGES_SQL, {"wire": wire, "since": since})
            while rows := pages.fetchmany(BATCH):
                parsed = pool.map(_parse, [(url, content_type, bytes(body)) for _, url, content_type, _, body in rows],
                                  chunksize=8)
                with writer.cursor() as cur:
                    staged = []
                    for (raw_page_id, url, _, fetched_at, _), (record, error) in zip(rows, parsed):
                        if error:
                            record_reject(cur, run_key, url, "parse", error[0], error[1], None, raw_page_id)
                        else:
                            staged.append(StagedRecord(record, PARSER_VERSION, fetched_at, url, raw_page_id))
                        progress.step()
                    stage(cur, run_key, staged)
                writer.commit()
    progress.done()
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("UPDATE newswire.ingestion_runs SET discovered = %s WHERE run_key = %s",
                    (progress.count, run_key))
    # A re-parse reports its failures (as rejects) instead of failing on a share of them.
    return load_step(dsn, run_key, max_failed_share=1.0)


def _parse(job: tuple[str, str, bytes]) -> tuple[dict | None, tuple[str, str] | None]:
    """In a worker process: (record, None) or (None, (reason, detail))."""
    url, content_type, body = job
    try:
        return parse_release(gzip.decompress(body), url,
                             http_charset=charset_from_content_type(content_type)), None
    except ParseError as exc:
        return None, (exc.reason, str(exc))
