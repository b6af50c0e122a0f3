"""
### PR Newswire backfill

Load the releases **published in a date range** that are not yet in the warehouse: the
same steps as `prnewswire_ingest` (migrate, discover, fetch in mapped batches in the pool
`newswire_http`, load, send_alerts), with discovery bounded to a window. Backfilled
releases are new to the warehouse: those that match a watchlist alert it.

The window is, in this order:

* the params **since** and **until** (dates, UTC, both inclusive) of a manual run, e.g.
  `airflow dags trigger prnewswire_backfill -c '{"since": "2025-02-01", "until": "2025-02-28"}'`;
* else the run's data interval, one UTC day: daily partitions, for the daily schedule (the
  DAG is paused until you unpause it) or for a backfill over past days:
  `airflow backfill create --dag-id prnewswire_backfill --from-date 2025-02-01
  --to-date 2025-02-28`.
  A manual run without params takes the previous day.

Re-running a day is idempotent: the run key is the DAG run id, discovery skips what is
already loaded and the load upserts. Loads update the asset `newswire_releases`, which
triggers `newswire_quality`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airflow.sdk import CronDataIntervalTimetable, Param, dag

from newswire_airflow.alerting import send_alerts
from newswire_airflow.ingestion import (
    WHERE_TO_LOOK,
    discover_window,
    fetch,
    load,
    make_batches,
    migrate,
)
from newswire_airflow.notifier import FailureSummaryNotifier


@dag(
    dag_id="prnewswire_backfill",
    # Daily data intervals [day 00:00, next day 00:00) UTC: one partition per run.
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=datetime(2024, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,  # one day at a time: the source site is shared with everyone
    doc_md=__doc__,
    tags=["newswire", "prnewswire", "backfill"],
    default_args={"owner": "newswire", "retries": 2, "retry_delay": timedelta(minutes=1)},
    on_failure_callback=FailureSummaryNotifier(WHERE_TO_LOOK, mark_ingestion_run_failed=True),
    params={
        "since": Param(
            None,
            type=["null", "string"],
            format="date",
            description="First publication day (UTC), e.g. 2025-02-01.",
        ),
        "until": Param(
            None,
            type=["null", "string"],
            format="date",
            description="Last publication day (UTC, inclusive).",
        ),
        "limit": Param(
            None,
            type=["null", "integer"],
            minimum=1,
            description="At most this many new releases (empty: all in the window).",
        ),
    },
)
def prnewswire_backfill():
    urls = discover_window()
    migrate() >> urls
    fetch.expand(urls=make_batches(urls)) >> load() >> send_alerts()


prnewswire_backfill()
