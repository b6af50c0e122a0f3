"""The tasks of the newswire DAGs: Airflow settings and run context in, pipeline out.

The ingestion DAGs string them together as migrate -> discover -> make_batches -> fetch
(mapped, in the pool ``newswire_http``) -> load (updates the releases asset) ->
send_alerts; they differ only in their discover task (all have the task id ``discover``):
what is new (:func:`discover_new`, ``<source>_ingest``), a publication window
(:func:`discover_window`, ``<source>_backfill``), the recent releases
(:func:`discover_recent`, ``<source>_recheck``) or what the feed watcher saw
(:func:`discover_watched`, ``<source>_watch``), and in their source: ``source``, a name of
:data:`newswire.wires`, which every task that reads the source site
requires. The DAG files in ``dags/`` call these tasks directly.

This module is imported whenever a DAG file is parsed, so it imports the pipeline, the
warehouse and the hooks only inside the tasks and helpers that use them. Everything here
can be called (and tested) without a scheduler: a task through its ``.function``.

The warehouse comes from the Airflow connection ``newswire_warehouse``
(:mod:`newswire_airflow.hooks.warehouse`), the source site from the Variable
``<source>_base_url``, else ``<SOURCE>_BASE_URL``, else the source's real site. Tasks
exchange only run keys, URLs and counts through XCom; pages and records stay in the
warehouse. The run key of a DAG run is its run id, so clearing and re-running a run (or a
backfill day) continues the same ingestion run instead of starting a second one.
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta

from airflow.sdk import task

from newswire_airflow.assets import RELEASES
from newswire_airflow.pools import HTTP_POOL, HTTP_POOL_SLOTS

log = logging.getLogger(__name__)

# Fetch work is split into batches of at least BATCH_SIZE URLs, and never into more than
# MAX_BATCHES mapped tasks (a big backlog makes bigger batches, not thousands of tasks).
BATCH_SIZE = 25
MAX_BATCHES = 16

# Backstops, not budgets: every request already has a wall-clock deadline
# (NEWSWIRE_REQUEST_DEADLINE, 60 s) and a capped Retry-After (NEWSWIRE_MAX_RETRY_AFTER, 120 s),
# so a hostile site cannot hold a task; these stop one whose batch is full of bad pages
# (a batch of up to ~100 URLs at the pool's share of the polite rate takes 2-7 minutes, one
# page at worst 5 attempts x 60 s plus 4 waits x 120 s). Every alert delivery has its own
# deadline too.
DISCOVER_TIMEOUT = timedelta(minutes=30)
FETCH_TIMEOUT = timedelta(hours=1)
SEND_TIMEOUT = timedelta(minutes=30)


# -- what the tasks read of Airflow ---------------------------------------------------------
def source_base_url(source: str) -> str:
    """The site of ``source``: the Variable ``<source>_base_url``, else
    ``<SOURCE>_BASE_URL``, else the source's real site."""
    from airflow.sdk import Variable

    from newswire import settings

    return settings.base_url(Variable.get(f"{source}_base_url", default=None), source)


def _task_max_rps(base_url: str) -> float | None:
    """The rate one task may use: a pool's share of the polite rate (None, i.e. the
    client's own default, which is unlimited, for a loopback sample site)."""
    from newswire.fetching.client import POLITE_RPS, is_loopback

    return None if is_loopback(base_url) else POLITE_RPS / HTTP_POOL_SLOTS


def run_window(context) -> tuple[datetime, datetime]:
    """The run's data interval; a run without one (manual without a logical date,
    asset-triggered) gets the zero-length window at the time it was due (``run_after``)."""
    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    if start is not None and end is not None:
        return start, end
    run_after = context["dag_run"].run_after
    return run_after, run_after


def backfill_window(context) -> tuple[datetime, datetime]:
    """The window a backfill run discovers in: the ``since``/``until`` params (dates in UTC,
    both inclusive) when given, else the run's data interval (one day for a scheduled or
    ``airflow backfill create`` run, the previous day for a manual one)."""
    since, until = context["params"].get("since"), context["params"].get("until")
    if (since is None) != (until is None):
        raise ValueError("give both params 'since' and 'until' (dates, inclusive), or neither")
    if since is not None:
        start = datetime.combine(date.fromisoformat(since), time(), UTC)
        end = datetime.combine(date.fromisoformat(until) + timedelta(days=1), time(), UTC)
    else:
        start, end = run_window(context)
    if not start < end:
        raise ValueError(
            f"empty backfill window {start.isoformat()} .. {end.isoformat()}: give "
            "params 'since' and 'until', or run the DAG for a data interval"
        )
    return start, end


def watched_urls(context, key: str = "urls") -> list[str]:
    """The release URLs the feed watcher's events named for this run (several events may be
    queued into one run), in order, each once: under ``key``, ``"urls"`` (new releases) or
    ``"changed"`` (loaded releases listed differently). The payload is the trigger's:
    ``{"source": ..., "urls": [...], "changed": [...]}`` under the event's
    ``extra["payload"]``."""
    urls: dict[str, None] = {}
    for events in context["triggering_asset_events"].values():
        for event in events:
            payload = (event.extra or {}).get("payload") or {}
            urls.update(dict.fromkeys(u for u in payload.get(key) or [] if isinstance(u, str)))
    return list(urls)


def _discover(context, source: str, **window) -> list[str]:
    from newswire import pipeline
    from newswire_airflow.hooks.warehouse import warehouse_dsn

    run_id, base_url = context["run_id"], source_base_url(source)
    return pipeline.discover_step(
        warehouse_dsn(),
        base_url,
        run_id,
        dag_run_id=run_id,
        limit=context["params"].get("limit"),
        max_rps=_task_max_rps(base_url),
        source=source,
        **window,
    )


# -- the tasks ------------------------------------------------------------------------------
@task
def migrate() -> list[str]:
    """Apply pending warehouse migrations (``sql/``), a no-op when up to date."""
    from newswire.warehouse.migrations import migrate as migrate_warehouse
    from newswire_airflow.hooks.warehouse import warehouse_dsn

    return [m.path.name for m in migrate_warehouse(warehouse_dsn())]


@task(task_id="discover", pool=HTTP_POOL, execution_timeout=DISCOVER_TIMEOUT)
def discover_new(source: str, **context) -> list[str]:
    """Open the ingestion run and list every release not yet in the warehouse.

    Incremental discovery needs no window: whatever is new on the feed and the listing
    pages is taken, so a late or skipped run loses nothing. The run's window is only
    logged, to tie the run to its schedule slot."""
    start, end = run_window(context)
    log.info(
        "run %s, window %s .. %s (incremental: every release not yet loaded is taken)",
        context["run_id"],
        start.isoformat(),
        end.isoformat(),
    )
    return _discover(context, source)


@task(task_id="discover", pool=HTTP_POOL, execution_timeout=DISCOVER_TIMEOUT)
def discover_window(source: str, **context) -> list[str]:
    """Open the ingestion run and list the releases published in the backfill window that
    are not yet in the warehouse (re-running a day finds nothing it loaded before)."""
    since, until = backfill_window(context)
    log.info(
        "run %s, releases published %s .. %s",
        context["run_id"],
        since.isoformat(),
        until.isoformat(),
    )
    return _discover(context, source, since=since, until=until)


@task(task_id="discover", pool=HTTP_POOL)
def discover_recent(source: str, **context) -> list[str]:
    """Open a corrections re-check run: the releases published in the ``days`` (param)
    before the run's data interval ends, fetched again so a corrected one gets a version."""
    from newswire import pipeline
    from newswire_airflow.hooks.warehouse import warehouse_dsn

    run_id = context["run_id"]
    _, end = run_window(context)
    days = context["params"].get("days") or pipeline.RECHECK_DAYS
    log.info("run %s, re-checking releases published in the %s days before %s", run_id, days, end)
    return pipeline.recheck_step(
        warehouse_dsn(),
        source_base_url(source),
        run_id,
        days=days,
        source=source,
        dag_run_id=run_id,
        now=end,
    )


@task(task_id="discover", execution_timeout=DISCOVER_TIMEOUT)
def discover_watched(source: str, **context) -> list[str]:
    """Open the ingestion run of the releases the feed watcher saw (the payload of the asset
    events of this run; no discovery)."""
    from newswire.pipeline import watching
    from newswire_airflow.hooks.warehouse import warehouse_dsn

    run_id, urls, changed = (
        context["run_id"],
        watched_urls(context),
        watched_urls(context, "changed"),
    )
    log.info(
        "run %s: %d new and %d changed releases seen by the feed watcher",
        run_id,
        len(urls),
        len(changed),
    )
    return watching.watched_step(
        warehouse_dsn(),
        source_base_url(source),
        run_id,
        urls,
        source=source,
        dag_run_id=run_id,
        changed=changed,
    )


@task
def make_batches(urls: list[str]) -> list[list[str]]:
    """Split the URLs into batches for the mapped fetch tasks (none for no URLs: the fetch
    step is then skipped and load closes an empty run)."""
    if not urls:
        return []
    size = max(BATCH_SIZE, math.ceil(len(urls) / MAX_BATCHES))
    batches = [urls[i : i + size] for i in range(0, len(urls), size)]
    log.info("%d URLs in %d batches of up to %d", len(urls), len(batches), size)
    return batches


@task(
    pool=HTTP_POOL,
    execution_timeout=FETCH_TIMEOUT,
    retries=4,
    retry_delay=timedelta(seconds=30),
    retry_exponential_backoff=2.0,
    max_retry_delay=timedelta(minutes=10),
)
def fetch(urls: list[str], source: str, **context) -> dict:
    """Fetch, archive, parse and stage one batch of the run's release pages."""
    from newswire import pipeline
    from newswire_airflow.hooks.warehouse import warehouse_dsn

    base_url = source_base_url(source)
    return pipeline.fetch_step(
        warehouse_dsn(),
        base_url,
        context["run_id"],
        urls,
        max_rps=_task_max_rps(base_url),
        source=source,
    )


# none_failed: a run that found nothing has no fetch tasks (skipped), and load still closes
# its ingestion run.
@task(trigger_rule="none_failed", outlets=[RELEASES])
def load(**context) -> dict:
    """Merge the run's staged records into the warehouse in one transaction."""
    from newswire import pipeline
    from newswire_airflow.hooks.warehouse import warehouse_dsn

    summary = pipeline.load_step(warehouse_dsn(), context["run_id"])
    log.info("%s", summary.as_text())
    return asdict(summary)


@task(
    retries=3,
    retry_delay=timedelta(seconds=30),
    retry_exponential_backoff=2.0,
    max_retry_delay=timedelta(minutes=5),
    execution_timeout=SEND_TIMEOUT,
)
def send_alerts() -> dict:
    """Deliver the watchlists' pending alerts, each once (:mod:`newswire_airflow.alerting`)."""
    from newswire_airflow.alerting import deliver_alerts
    from newswire_airflow.hooks.warehouse import warehouse_dsn

    return deliver_alerts(warehouse_dsn())


@task
def refresh_report_views() -> list[str]:
    """Re-create the report views (``newswire.report_*``) whose SQL in ``sql/reports/``
    changed since it was applied; the views are plain views, so an unchanged one is
    already current. Pending schema migrations come first, as views may need them."""
    from newswire.warehouse.migrations import migrate as migrate_warehouse
    from newswire_airflow.hooks.warehouse import warehouse_dsn

    applied = migrate_warehouse(warehouse_dsn())
    views = [m.name for m in applied if m.version == 0]
    migrations = [m.path.name for m in applied if m.version != 0]
    if migrations:
        log.info("applied pending migrations first: %s", ", ".join(migrations))
    if views:
        log.info("re-created report views: %s", ", ".join(f"newswire.report_{v}" for v in views))
    else:
        log.info("report views are up to date with sql/reports/: nothing to do")
    return views
