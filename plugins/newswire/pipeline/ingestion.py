"""The ingestion steps: discover -> fetch and parse -> load.

``newswire ingest`` calls them in a row; the Airflow DAG calls the same functions, one per
task. Steps meet in the warehouse, not in memory: fetch writes raw pages, staged records
and rejects keyed by the run, and load merges that run's staged records into
``newswire.releases`` in one transaction. So every step can be retried on its own, a
re-run never duplicates a row, and no page HTML travels through XCom.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg2

from newswire import settings, wires
from newswire.discovery.discover import Discovered, Problem, Validators, discover, same_site
from newswire.fetching.client import FetchError, Page, PoliteClient
from newswire.parsing import (
    PARSER_VERSION,
    DeclaredSource,
    ParseError,
    parse_release,
)
from newswire.parsing.release import canonical_url
from newswire.progress import Progress
from newswire.record import content_sha256
from newswire.warehouse import archive, runs
from newswire.warehouse.connection import autocommit, connect, savepoint
from newswire.warehouse.loading import StagedRecord
from newswire.warehouse.runs import RunSummary

STAGE_BATCH = 200  # pages per commit while fetching (a crash re-fetches at most this many)
FETCH_WORKERS = 4  # concurrent fetches; the per-host rate limit still applies
RETRY_REJECTS_LIMIT = 500  # earlier failures retried per run
RECHECK_DAYS = 2  # releases are corrected after publication: re-fetch this many days back
# Pages one re-check asks for at most (at the polite 1 request/s, 10 minutes of a 15-minute
# slot); more recent releases than that are gone round in turn, least recently checked first.
RECHECK_MAX_PAGES = 600
log = logging.getLogger(__name__)


class TooManyFailures(RuntimeError):
    """The run loaded its good pages but too large a share of pages failed."""


def new_run_key(prefix: str = "cli") -> str:
    return f"{prefix}__{datetime.now(UTC).strftime('%Y%m%dT%H%M%S.%fZ')}"


# -- step 1: discover ---------------------------------------------------------------------
def discover_step(
    dsn: str,
    base_url: str,
    run_key: str,
    *,
    limit: int | None = None,
    dag_run_id: str | None = None,
    max_rps: float | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    feeds: tuple[str, ...] | None = None,
    source: str,
) -> list[str]:
    """Open the run and return the URLs to fetch: releases of ``source`` (a wire's name,
    :mod:`newswire.wires`) on ``base_url`` not yet in the warehouse, or
    loaded but listed differently since (a correction), or, when a ``since``/``until``
    window is given, every release in it; then its pages that failed in earlier runs and are
    still missing, so a failure is retried by the next run."""
    wire = wires.get(source)
    base_url = base_url.rstrip("/")
    with connect(dsn) as conn, conn.cursor() as cur:
        runs.open_run(
            cur, run_key, base_url, dag_run_id=dag_run_id, window_start=since, window_end=until
        )
        validators = Validators(runs.http_validators(cur))
        failed = runs.failed_fetch_urls(cur, RETRY_REJECTS_LIMIT, on_site=base_url)
    failed_ids = {url: wire.release_id(url) for url in failed}
    problems: list[Problem] = []
    listed: list[Discovered] = []
    # Discovery asks which of its candidates are loaded, page by page: never the whole wire.
    # Each lookup commits on its own: no transaction stays open while the walk waits on HTTP.
    with (
        autocommit(dsn) as lookups,
        lookups.cursor() as cur,
        PoliteClient(base_url, max_rps=max_rps) as client,
    ):
        try:
            found = discover(
                client,
                wire,
                limit=limit,
                known=lambda items: runs.listed_unchanged(cur, wire.name, items),
                since=since,
                until=until,
                feeds=feeds or settings.feeds(wire.name),
                validators=validators,
                problems=problems,
                listed=listed,
            )
        finally:  # what could not be read stays with the run, even when the run fails
            runs.supersede_discovery_problems(cur, run_key, base_url)
            for problem in problems:
                runs.record_reject(
                    cur, run_key, problem.url, "discover", problem.reason, problem.detail,
                    problem.status, None,
                )  # fmt: skip
        loaded = runs.known_among(cur, wire.name, filter(None, failed_ids.values()))
        runs.record_sightings(cur, sightings(found))
        runs.record_listings(cur, listed)
    urls = [item.url for item in found]
    taken = {*loaded, *(item.release_id for item in found)}
    for url, release_id in failed_ids.items():  # still missing: retried by this run
        if release_id and release_id not in taken:
            taken.add(release_id)
            urls.append(same_site(base_url, url))
    with connect(dsn) as conn, conn.cursor() as cur:
        runs.set_discovered(cur, run_key, len(urls))
        runs.save_http_validators(cur, validators.by_url)
    return urls


def sightings(items: list[Discovered]) -> list[tuple]:
    """The (wire, release id, seen at, seen in) of discovered items, for the warehouse."""
    return [(i.source, i.release_id, i.seen_at, i.seen_in) for i in items if i.seen_at]


def recheck_step(
    dsn: str,
    base_url: str,
    run_key: str,
    *,
    days: float = RECHECK_DAYS,
    source: str,
    dag_run_id: str | None = None,
    now: datetime | None = None,
    max_pages: int = RECHECK_MAX_PAGES,
) -> list[str]:
    """Open a corrections re-check run and return the URLs of the ``source``'s releases
    published in the last ``days`` (before ``now``), on ``base_url``: fetched and loaded
    like any run, a corrected release (a ``CORRECTION`` title, a changed body) gets a new
    version and an unchanged one stays as it is. The URLs come from the warehouse and each
    is asked for with a conditional GET, so a re-check costs one polite request per recent
    release, and an unchanged one a 304 without a body: cheap enough for every 15 minutes.
    At most ``max_pages``: when more releases are recent, those whose pages were checked
    least recently, so successive re-checks go round all of them."""
    wire, base_url = wires.get(source), base_url.rstrip("/")
    until = now or datetime.now(UTC)
    since = until - timedelta(days=days)
    with connect(dsn) as conn, conn.cursor() as cur:
        runs.open_run(
            cur, run_key, base_url, dag_run_id=dag_run_id, window_start=since, window_end=until
        )
        urls = [same_site(base_url, url) for url in runs.recent_release_urls(cur, wire.name, since)]
        if len(urls) > max_pages:  # the least recently checked (never: first), newest first
            checked = runs.pages_checked_at(cur, urls)
            never = datetime.min.replace(tzinfo=UTC)
            urls = sorted(urls, key=lambda url: checked.get(url, never))[:max_pages]
        runs.forget_page_validators(cur, since)
        runs.set_discovered(cur, run_key, len(urls))
    return urls


# -- step 2: fetch and parse --------------------------------------------------------------
def fetch_step(
    dsn: str,
    base_url: str,
    run_key: str,
    urls: list[str],
    *,
    max_rps: float | None = None,
    workers: int = FETCH_WORKERS,
    source: str,
) -> dict:
    """Fetch and parse ``urls`` with a small worker pool (the per-host rate limit is shared,
    so the pool is gentle with the real site and fast with a permissive mirror); stage good
    records and reject the rest with their reason, committing every STAGE_BATCH pages.

    The pages are read as ``source``'s (a wire's name, :mod:`newswire.wires`) served from
    ``base_url``, be it the wire's own site or a mirror of it (see
    :func:`newswire.parsing.choose_wire`); the archive keeps that declaration with each
    page, so ``newswire reparse`` reads it the same way.

    A page fetched before is asked for with a conditional GET (the ETag / Last-Modified it
    last answered with): one that answers 304 Not Modified costs no body, no parse and no
    merge; it counts as ``not_modified`` here (the task's log) and is not ``fetched`` in
    the run's counts."""
    declared = DeclaredSource(source, base_url.rstrip("/"))
    counts = {"fetched": 0, "staged": 0, "rejected": 0, "not_modified": 0}
    progress = Progress(len(urls), "fetched")
    with (
        PoliteClient(base_url, max_rps=max_rps) as client,
        connect(dsn) as conn,
        ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="fetch") as pool,
    ):
        for start in range(0, len(urls), STAGE_BATCH):
            batch = urls[start : start + STAGE_BATCH]
            with conn.cursor() as cur:
                validators = Validators(runs.page_validators(cur, batch))
                asks = [(url, validators.request_headers(url)) for url in batch]
                parsed = []
                for url, outcome in zip(
                    batch, pool.map(lambda ask: _fetch_and_parse(client, *ask, declared), asks)
                ):
                    item = _keep_one(cur, run_key, url, outcome, declared)
                    if outcome.not_modified:
                        counts["not_modified"] += 1
                        continue
                    counts["fetched"] += outcome.page is not None
                    if item is None:
                        counts["rejected"] += 1
                    else:
                        parsed.append(item)
                    progress.step(rejected=counts["rejected"])
                refused = runs.stage_records(cur, run_key, parsed)
                counts["staged"] += len(parsed) - refused
                counts["rejected"] += refused
            conn.commit()
    progress.done(rejected=counts["rejected"])
    return counts


@dataclass
class _Outcome:
    page: Page | None = None
    record: dict | None = None
    error: FetchError | ParseError | None = None

    @property
    def not_modified(self) -> bool:
        return self.page is not None and self.page.status == 304


def _fetch_and_parse(
    client: PoliteClient, url: str, headers: dict, declared: DeclaredSource
) -> _Outcome:
    """The network and CPU part of one page, run in a worker thread."""
    try:
        page = client.get(url, headers=headers or None)
    except FetchError as exc:
        return _Outcome(error=exc)
    if page.status == 304:
        return _Outcome(page)
    try:
        record = parse_release(page.content, page.url, http_charset=page.charset, declared=declared)
        return _Outcome(page, record)
    except ParseError as exc:
        return _Outcome(page, error=exc)


def _keep_one(
    cur, run_key: str, url: str, outcome: _Outcome, declared: DeclaredSource
) -> StagedRecord | None:
    """:func:`_keep` under a savepoint: a database error on this page (one the checks
    before it did not foresee) becomes its ``store`` reject and costs no other page."""
    try:
        with savepoint(cur):
            return _keep(cur, run_key, url, outcome, declared)
    except psycopg2.Error as exc:
        status = outcome.page.status if outcome.page else None
        runs.record_reject(
            cur, run_key, url, "store", "store_error", f"{type(exc).__name__}: {exc}", status, None
        )
        return None


def _keep(
    cur, run_key: str, url: str, outcome: _Outcome, declared: DeclaredSource
) -> StagedRecord | None:
    """Archive the page and return its record to stage (keeping its validators for the
    next conditional GET), or record the reject, or that it was not modified."""
    error, page = outcome.error, outcome.page
    if page is None:
        runs.record_reject(
            cur, run_key, url, "fetch", error.reason, error.detail, error.status, None
        )
        return None
    if outcome.not_modified:
        runs.page_not_modified(cur, url, page.fetched_at)
        return None
    raw_page_id = archive.store_page(
        cur,
        page.url,
        page.status,
        page.content_type,
        page.fetched_at,
        page.content,
        page.headers,
        declared=(declared.source, declared.base_url),
    )
    if error is not None:
        runs.record_reject(
            cur, run_key, url, "parse", error.reason, str(error), page.status, raw_page_id
        )
        return None
    record = identified(outcome.record, url)
    runs.save_page_validators(cur, run_key, url, page.headers, page.fetched_at)
    return StagedRecord(record, PARSER_VERSION, page.fetched_at, url, raw_page_id)


def identified(record: dict, fetched_url: str) -> dict:
    """The record, with the release id and URL of the page it was fetched from when the
    page did not give them (a relative canonical link, or one without an id). A record
    without an id even so is refused by the warehouse, as a reject with its raw page."""
    if record["release_id"] and record["url"]:
        return record
    wire = wires.get(record["wire"])  # the parser's wire
    release_id = record["release_id"] or wire.release_id(fetched_url)
    if release_id is None:
        return record
    record = {**record, "release_id": release_id, "url": canonical_url(fetched_url)}
    return {**record, "content_sha256": content_sha256(record)}


# -- step 3: load -------------------------------------------------------------------------
def load_step(dsn: str, run_key: str, *, max_failed_share: float | None = None) -> RunSummary:
    """Merge the run's staged records into ``newswire.releases``, all or nothing, and close
    the run with its counts. Loading the same run again changes nothing.

    Pages parsed by fallback layers are loaded like any other; when more than
    ``NEWSWIRE_DRIFT_SHARE`` of the parsed pages needed a fallback for a field the wire's
    rules normally give (``Wire.rule_fields``), the run reports template
    drift in its summary (and the quality DAG fails on it), but it does not fail.

    Failed pages are data (``newswire.rejects``, retried by the next run); the run itself
    fails, after loading the good pages, only when the share of pages that could not be
    fetched or parsed passes ``max_failed_share`` (default ``NEWSWIRE_MAX_FAILED_SHARE``)."""
    threshold = settings.max_failed_share() if max_failed_share is None else max_failed_share
    drift_share = settings.drift_share()
    with connect(dsn) as conn, conn.cursor() as cur:
        status, summary = runs.lock_run(cur, run_key)
        if status == "success":  # loaded already: a retried load task changes nothing
            return summary
        summary, fetched_rejects = runs.merge_run(
            cur, run_key, summary.discovered, wires.rule_fields()
        )
        summary.template_drift = (
            summary.parsed > 0 and summary.fallback_parsed / summary.parsed > drift_share
        )
        attempted = summary.fetched + summary.rejected - fetched_rejects
        too_many = attempted > 0 and summary.rejected / attempted > threshold
        runs.close_run(cur, summary, "failed" if too_many else "success")
    if too_many:
        raise TooManyFailures(
            f"{summary.as_text()}: {summary.rejected} of {attempted} pages"
            f" failed, more than the allowed share {threshold:.0%}; see"
            " newswire.rejects (the good pages were loaded, the failed ones"
            " are retried next run)"
        )
    return summary


def mark_failed(dsn: str, run_key: str) -> None:
    with connect(dsn) as conn, conn.cursor() as cur:
        runs.mark_failed(cur, run_key)


# -- all three, outside Airflow -----------------------------------------------------------
def ingest(
    dsn: str,
    base_url: str,
    *,
    limit: int | None = None,
    max_rps: float | None = None,
    run_key: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    feeds: tuple[str, ...] | None = None,
    workers: int = FETCH_WORKERS,
    max_failed_share: float | None = None,
    source: str,
    say: Callable[[str], None] = log.warning,
) -> RunSummary:
    """A whole run, one at a time per site (a second waits, ``say``-ing so)."""
    run_key = run_key or new_run_key()
    options = dict(limit=limit, max_rps=max_rps, since=since, until=until, feeds=feeds)
    return _run(
        lambda: discover_step(dsn, base_url, run_key, source=source, **options),
        dsn,
        base_url,
        run_key,
        max_rps=max_rps,
        workers=workers,
        max_failed_share=max_failed_share,
        source=source,
        say=say,
    )


def recheck(
    dsn: str,
    base_url: str,
    *,
    days: float = RECHECK_DAYS,
    source: str,
    max_rps: float | None = None,
    workers: int = FETCH_WORKERS,
    now: datetime | None = None,
    max_pages: int = RECHECK_MAX_PAGES,
    say: Callable[[str], None] = log.warning,
) -> RunSummary:
    """Re-fetch the releases of the last ``days`` (at most ``max_pages``, see
    :func:`recheck_step`) and load what changed (a new version)."""
    run_key = new_run_key("recheck")
    return _run(
        lambda: recheck_step(
            dsn, base_url, run_key, days=days, source=source, now=now, max_pages=max_pages
        ),
        dsn,
        base_url,
        run_key,
        max_rps=max_rps,
        workers=workers,
        source=source,
        say=say,
    )


def _run(
    first_step,
    dsn: str,
    base_url: str,
    run_key: str,
    *,
    max_rps,
    workers,
    source: str,
    max_failed_share=None,
    say: Callable[[str], None],
) -> RunSummary:
    """``first_step()`` opens the run and lists its URLs; fetch and load them as
    ``source``'s pages. A run that breaks is marked failed. One such run of a site at a
    time: the lock also closes the runs of the site that a dead process left 'running'."""
    with runs.one_run_at_a_time(dsn, base_url.rstrip("/"), say):
        try:
            urls = first_step()
            fetch_step(
                dsn, base_url, run_key, urls, max_rps=max_rps, workers=workers, source=source
            )
            return load_step(dsn, run_key, max_failed_share=max_failed_share)
        except TooManyFailures:
            raise  # the run row already says failed, with its counts
        except Exception:
            mark_failed(dsn, run_key)
            raise
