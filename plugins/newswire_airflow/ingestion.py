"""The tasks of the ingestion DAGs: migrate -> discover -> make_batches -> fetch (mapped, in
the pool ``newswire_http``) -> load (updates the releases asset).

Each DAG file strings them together itself, so its graph is read there; the DAGs differ only
in their discover task (``prnewswire_ingest``: what is new, :func:`discover_new`; the
``<source>_watch`` DAGs: what the feed watcher saw, :func:`discover_watched`;
``prnewswire_backfill``: a publication window, :func:`discover_window`; the re-checks of
``dags/newswire_sources.py``: the recent releases, :func:`discover_recent`; all have the task
id ``discover``) and in their source (``source=``, a name of
:data:`newswire.discovery.sources.SOURCES`, given to discover and to fetch). Each task calls
one function of :mod:`newswire_airflow.tasks`, imported only when the task runs, so parsing
a DAG file stays cheap.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import task

from newswire_airflow.assets import RELEASES
from newswire_airflow.pools import HTTP_POOL

# The end of the failure summary of both ingestion DAGs (see FailureSummaryNotifier).
WHERE_TO_LOOK = (
    "the failed task's log (Airflow UI: the DAG run, then the task, then Logs); the run's "
    "row in newswire.ingestion_runs (run_key = the run id, now marked failed) and its pages "
    "that failed: SELECT stage, reason, count(*) FROM newswire.rejects WHERE run_key = "
    "'{run_id}' GROUP BY 1, 2. Check the source site ({source}) and the connection "
    "newswire_warehouse. Clearing the failed tasks re-runs them safely: fetch and load are "
    "idempotent."
)


# Backstops, not budgets: every request already has a wall-clock deadline
# (NEWSWIRE_REQUEST_DEADLINE, 60 s) and a capped Retry-After (NEWSWIRE_MAX_RETRY_AFTER, 120 s),
# so a hostile site cannot hold a task; these stop one whose batch is full of bad pages
# (a batch of up to ~100 URLs at the pool's share of the polite rate takes 2-7 minutes, one
# page at worst 5 attempts x 60 s plus 4 waits x 120 s).
DISCOVER_TIMEOUT = timedelta(minutes=30)
FETCH_TIMEOUT = timedelta(hours=1)


@task
def migrate() -> list[str]:
    from newswire_airflow import tasks

    return tasks.migrate_warehouse()


@task(task_id="discover", pool=HTTP_POOL, execution_timeout=DISCOVER_TIMEOUT)
def discover_new(source: str = "prnewswire", **context) -> list[str]:
    from newswire_airflow import tasks

    return tasks.discover_new(context, source)


@task(task_id="discover", pool=HTTP_POOL, execution_timeout=DISCOVER_TIMEOUT)
def discover_window(source: str = "prnewswire", **context) -> list[str]:
    from newswire_airflow import tasks

    return tasks.discover_window(context, source)


@task(task_id="discover", pool=HTTP_POOL)
def discover_recent(source: str = "prnewswire", **context) -> list[str]:
    """A corrections re-check: the releases of the last ``days`` (param), from the warehouse."""
    from newswire_airflow import tasks

    return tasks.discover_recent(context, source)


@task(task_id="discover", execution_timeout=DISCOVER_TIMEOUT)
def discover_watched(source: str = "prnewswire", **context) -> list[str]:
    """The releases the feed watcher saw (the payload of the asset events of this run)."""
    from newswire_airflow import tasks

    return tasks.discover_watched(context, source)


@task
def make_batches(urls: list[str]) -> list[list[str]]:
    from newswire_airflow import tasks

    return tasks.make_batches(urls)


@task(
    pool=HTTP_POOL,
    execution_timeout=FETCH_TIMEOUT,
    retries=4,
    retry_delay=timedelta(seconds=30),
    retry_exponential_backoff=2.0,
    max_retry_delay=timedelta(minutes=10),
)
def fetch(urls: list[str], source: str = "prnewswire", **context) -> dict:
    from newswire_airflow import tasks

    return tasks.fetch(context["run_id"], urls, source)


# none_failed: a run that found nothing has no fetch tasks (skipped), and load still closes
# its ingestion run.
@task(trigger_rule="none_failed", outlets=[RELEASES])
def load(**context) -> dict:
    from newswire_airflow import tasks

    return tasks.load(context["run_id"])
