"""``newswire reparse``: run the current parser over the raw archive and merge the results.

No network: the pages come from ``newswire.raw_pages``. It re-parses the page behind each
release's current version and every page still listed in open parse rejects, so a parser
fix lands without re-fetching. The whole re-parse is one ingestion run, merged in one
transaction at the end; a record whose content did not change is left alone.
"""

from __future__ import annotations

import gzip
import sys
import time
from datetime import date

from newswire.db import connect
from newswire.fetch import charset_from_content_type
from newswire.loader import StagedRecord, stage
from newswire.parsing import PARSER_VERSION, ParseError, parse_release
from newswire.pipeline import RunSummary, load_step, new_run_key, record_reject

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
            progress=sys.stderr) -> RunSummary:
    run_key = new_run_key("reparse")
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO newswire.ingestion_runs (run_key, source) VALUES (%s, 'raw_pages')",
                    (run_key,))
    done, started, last_report = 0, time.monotonic(), 0.0
    with connect(dsn) as reader, connect(dsn) as writer:
        with reader.cursor(name="raw_pages") as pages:  # server-side: memory stays flat
            pages.itersize = BATCH
            pages.execute(_PAGES_SQL, {"wire": wire, "since": since})
            while rows := pages.fetchmany(BATCH):
                with writer.cursor() as cur:
                    stage(cur, run_key, [item for row in rows if (item := _parse(cur, run_key, row))])
                writer.commit()
                done += len(rows)
                if progress and time.monotonic() - last_report >= 1:
                    last_report = time.monotonic()
                    rate = done / (last_report - started)
                    print(f"reparse: {done} pages ({rate:.0f}/s)", file=progress, flush=True)
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("UPDATE newswire.ingestion_runs SET discovered = %s WHERE run_key = %s",
                    (done, run_key))
    return load_step(dsn, run_key)


def _parse(cur, run_key: str, row) -> StagedRecord | None:
    raw_page_id, url, content_type, fetched_at, body = row
    try:
        record = parse_release(gzip.decompress(body), url,
                               http_charset=charset_from_content_type(content_type))
    except ParseError as exc:
        record_reject(cur, run_key, url, "parse", exc.reason, str(exc), None, raw_page_id)
        return None
    return StagedRecord(record, PARSER_VERSION, fetched_at, url, raw_page_id)

