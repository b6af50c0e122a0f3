"""``newswire reparse``: run the current parser over the raw archive and merge the results.

No network: the pages come from the raw archive. It re-parses the page behind each
release's current version and every page still listed in open parse rejects, so a parser
fix lands without re-fetching (``fallback_only``: just the releases that have a field from a
fallback layer, the ones a rules update is for). Each page is read as the source its fetching
run declared (kept in the archive), so a mirror's pages stay their wire's. Parsing runs in
a process pool on all cores; the database work stays in this process. The whole re-parse
is one ingestion run, merged in one transaction at the end; a record whose content did not
change is left alone (only which layer gave its fields is brought up to date).
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from datetime import date

from newswire.fetching.client import charset_from_content_type
from newswire.parsing import PARSER_VERSION, DeclaredSource, ParseError, parse_release
from newswire.pipeline.ingestion import identified, load_step, mark_failed, new_run_key
from newswire.progress import Progress
from newswire.warehouse import archive, runs
from newswire.warehouse.connection import connect
from newswire.warehouse.loading import StagedRecord
from newswire.warehouse.runs import RunSummary

BATCH = 200


def reparse(
    dsn: str,
    *,
    since: date | None = None,
    wire: str | None = None,
    workers: int | None = None,
    fallback_only: bool = False,
) -> RunSummary:
    run_key = new_run_key("reparse")
    pages = {"since": since, "wire": wire, "fallback_only": fallback_only}
    with connect(dsn) as conn, conn.cursor() as cur:
        runs.open_run(cur, run_key, "raw_pages")
        progress = Progress(archive.count_reparse_pages(cur, **pages), "reparse: pages")
    try:
        _parse_and_stage(dsn, run_key, progress, pages, workers=workers)
        # A re-parse reports its failures (as rejects) instead of failing on a share of them.
        return load_step(dsn, run_key, max_failed_share=1.0)
    except BaseException:  # the run ends 'failed', never stays 'running'
        mark_failed(dsn, run_key)
        raise


def _parse_and_stage(
    dsn: str,
    run_key: str,
    progress: Progress,
    pages: dict,
    *,
    workers: int | None,
) -> None:
    """Parse the archived pages (``pages``: the filters of
    :func:`~newswire.warehouse.archive.iter_reparse_pages`) in a process pool; stage the
    records, record the rejects."""
    with (
        connect(dsn) as reader,
        connect(dsn) as writer,
        ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool,
    ):
        for rows in archive.iter_reparse_pages(reader, batch=BATCH, **pages):
            jobs = [(url, kind, body, declared) for _, url, kind, _, body, declared in rows]
            parsed = pool.map(_parse, jobs, chunksize=8)
            with writer.cursor() as cur:
                staged = []
                for (raw_page_id, url, _, fetched_at, *_), (record, error) in zip(rows, parsed):
                    if error:
                        runs.record_reject(cur, run_key, url, "parse", *error, None, raw_page_id)
                    else:
                        record = identified(record, url)
                        staged.append(
                            StagedRecord(record, PARSER_VERSION, fetched_at, url, raw_page_id)
                        )
                    progress.step()
                runs.stage_records(cur, run_key, staged)
            writer.commit()
    progress.done()
    with connect(dsn) as conn, conn.cursor() as cur:
        runs.set_discovered(cur, run_key, progress.count)


def _parse(job: tuple) -> tuple[dict | None, tuple[str, str] | None]:
    """In a worker process: (record, None) or (None, (reason, detail)). ``job`` is (url,
    content type, page bytes, declared (wire, base URL) or None)."""
    url, content_type, page, declared = job
    try:
        return parse_release(
            page,
            url,
            http_charset=charset_from_content_type(content_type),
            declared=declared and DeclaredSource(*declared),
        ), None
    except ParseError as exc:
        return None, (exc.reason, str(exc))
