"""
### PR Newswire ingestion

Every 15 minutes: find releases on PR Newswire that are not yet in the warehouse (RSS feed,
then listing pages), fetch and parse them, and merge them into `newswire.releases`.

* **migrate**: apply pending warehouse migrations (`sql/`), a no-op when up to date.
* **discover**: open an ingestion run and list the new release URLs. Discovery is
  incremental (everything not yet loaded), so a late or skipped run loses nothing; the
  run's 15-minute data interval is logged with it.
* **make_batches**: split the URLs into batches, one mapped **fetch** task each.
* **fetch** (mapped): fetch each page politely (robots.txt, rate limit, retries), archive
  the raw bytes, stage parsed records; pages that fail are recorded in `newswire.rejects`.
  Runs in the pool `newswire_http`, which caps concurrent HTTP work on the source site.
* **load**: merge the run's staged records into `newswire.releases` in one transaction,
  and update the asset `newswire_releases`, which triggers `newswire_quality`. Releases
  that match a watchlist get an alert each, in the same transaction.
* **send_alerts**: deliver the pending alerts (webhook or e-mail), each once.

Warehouse: Airflow connection `newswire_warehouse`. Source: Variable
`prnewswire_base_url`, else `PRNEWSWIRE_BASE_URL`, else https://www.prnewswire.com.
Re-running a run never duplicates a release. A failed run is marked failed in
`newswire.ingestion_runs` and logged with a summary of what failed and where to look.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airflow.sdk import CronTriggerTimetable, Param, dag

from newswire_airflow.alerting import send_alerts
from newswire_airflow.ingestion import (
    WHERE_TO_LOOK,
    discover_new,
    fetch,
    load,
    make_batches,
    migrate,
)
from newswire_airflow.notifier import FailureSummaryNotifier


@dag(
    dag_id="prnewswire_ingest",
    # A cron trigger with a real 15-minute data interval (a bare cron string has
    # zero-length intervals in Airflow 3); run_immediately: the first run after unpausing
    # starts at once instead of at the next quarter hour.
    schedule=CronTriggerTimetable(
        "*/15 * * * *", timezone="UTC", interval=timedelta(minutes=15), run_immediately=True
    ),
    start_date=datetime(2025, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["newswire", "prnewswire", "ingest"],
    default_args={"owner": "newswire", "retries": 2, "retry_delay": timedelta(minutes=1)},
    on_failure_callback=FailureSummaryNotifier(WHERE_TO_LOOK, mark_ingestion_run_failed=True),
    params={
        "limit": Param(
            None,
            type=["null", "integer"],
            minimum=1,
            description="At most this many new releases (empty: all new).",
        )
    },
)
def prnewswire_ingest():
    urls = discover_new()
    migrate() >> urls
    fetch.expand(urls=make_batches(urls)) >> load() >> send_alerts()


prnewswire_ingest()
