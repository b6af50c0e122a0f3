"""
### Ingestion DAGs generated from the source declarations

One DAG per source and job, from `newswire.discovery.sources.SOURCES` (a new wire is one
declaration there plus its parser module: its DAGs appear here):

* **`<source>_ingest`**, every 15 minutes (for the sources without a DAG file of their own:
  `prnewswire_ingest` is `dags/prnewswire_ingest.py`): find what is new on the source's
  feeds and listing, fetch it, load it. The same tasks as `prnewswire_ingest`.
* **`<source>_recheck`**, every 15 minutes: releases are corrected after publication (a
  `CORRECTION` title, a changed body). Re-fetch the source's releases published in the last
  **days** (param, default 2: 48 hours) politely, in the pool `newswire_http`, each with a
  conditional GET (the ETag / Last-Modified its page last answered with): an unchanged page
  answers 304 and costs nothing more, a changed one gets a new version in
  `newswire.release_versions`. A correction the feed or listing shows (a changed title,
  link, time or guid) is fetched sooner, by the watcher or the next ingest run.

Both end with **send_alerts**: the alerts of releases that match a watchlist, delivered once.

Source site: the Variable `<source>_base_url`, else `<SOURCE>_BASE_URL`, else the source's
real site. Warehouse: the Airflow connection `newswire_warehouse`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airflow.sdk import CronTriggerTimetable, Param, dag

from newswire.discovery.sources import SOURCES
from newswire_airflow.alerting import send_alerts
from newswire_airflow.ingestion import (
    WHERE_TO_LOOK,
    discover_new,
    discover_recent,
    fetch,
    load,
    make_batches,
    migrate,
)
from newswire_airflow.notifier import FailureSummaryNotifier

HAND_WRITTEN = {"prnewswire"}  # sources whose ingest DAG has a file of its own
_DEFAULTS = {"owner": "newswire", "retries": 2, "retry_delay": timedelta(minutes=1)}


def ingest_dag(source: str) -> None:
    @dag(
        dag_id=f"{source}_ingest",
        schedule=CronTriggerTimetable(
            "*/15 * * * *", timezone="UTC", interval=timedelta(minutes=15), run_immediately=True
        ),
        start_date=datetime(2025, 1, 1, tzinfo=UTC),
        catchup=False,
        max_active_runs=1,
        doc_md=__doc__,
        tags=["newswire", source, "ingest"],
        default_args=_DEFAULTS,
        on_failure_callback=FailureSummaryNotifier(
            WHERE_TO_LOOK, mark_ingestion_run_failed=True, source=source
        ),
        params={
            "limit": Param(
                None, type=["null", "integer"], minimum=1, description="At most this many."
            )
        },
    )
    def ingest():
        urls = discover_new(source=source)
        migrate() >> urls
        fetch.partial(source=source).expand(urls=make_batches(urls)) >> load() >> send_alerts()

    ingest()


def recheck_dag(source: str) -> None:
    @dag(
        dag_id=f"{source}_recheck",
        schedule=CronTriggerTimetable(
            "*/15 * * * *", timezone="UTC", interval=timedelta(minutes=15), run_immediately=True
        ),
        start_date=datetime(2025, 1, 1, tzinfo=UTC),
        catchup=False,
        max_active_runs=1,
        doc_md=__doc__,
        tags=["newswire", source, "recheck"],
        default_args=_DEFAULTS,
        on_failure_callback=FailureSummaryNotifier(
            WHERE_TO_LOOK, mark_ingestion_run_failed=True, source=source
        ),
        params={"days": Param(2, type="number", minimum=0, description="Re-check this many days.")},
    )
    def recheck():
        urls = discover_recent(source=source)
        migrate() >> urls
        fetch.partial(source=source).expand(urls=make_batches(urls)) >> load() >> send_alerts()

    recheck()


for name in SOURCES:
    if name not in HAND_WRITTEN:
        ingest_dag(name)
    recheck_dag(name)
