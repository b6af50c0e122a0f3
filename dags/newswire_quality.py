"""
### Warehouse data quality

Runs whenever an ingestion DAG has loaded into the warehouse (asset `newswire_releases`)
and checks what landed, with the common-sql check operators on the connection
`newswire_warehouse` (the checks are in `plugins/newswire_airflow/quality.py`):

* **release_columns**: no release without a title, id or URL;
* **release_table**: no `published_at` in the future (1 hour of clock skew allowed), no
  duplicate (wire, release_id), a release fetched within the last `recent_hours` hours;
* **reject_share**: over the runs of the last day, failed pages stay at or under
  `max_reject_share` of the pages attempted (`newswire.rejects` has them, with reasons);
* **template_drift**: no source's latest run had more than `NEWSWIRE_DRIFT_SHARE` (20%) of
  its pages parsed by fallback layers for a field the wire's rules normally give
  (`newswire.report_template_drift` names the source, the run and the fields);
* **refresh_report_views**: then re-create the report views (`newswire.report_*`) whose
  SQL in `sql/reports/` changed; it logs what it did, or that nothing was needed.

A failed check fails the run, and the run's log gets a summary naming the failed checks.
Trigger it by hand to check the warehouse at any time; the params loosen or tighten it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from airflow.providers.common.sql.operators.sql import SQLColumnCheckOperator, SQLTableCheckOperator
from airflow.sdk import Param, dag

from newswire.settings import AIRFLOW_CONN_ID as WAREHOUSE
from newswire_airflow import quality
from newswire_airflow.assets import RELEASES
from newswire_airflow.notifications.failure_summary import FailureSummaryNotifier
from newswire_airflow.tasks import refresh_report_views


@dag(
    dag_id="newswire_quality",
    schedule=[RELEASES],
    start_date=datetime(2025, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["newswire", "quality"],
    # Checks are deterministic: retrying a failed check only delays the alarm.
    default_args={"owner": "newswire", "retries": 0},
    on_failure_callback=FailureSummaryNotifier(quality.WHERE_TO_LOOK),
    params={
        "recent_hours": Param(
            quality.RECENT_HOURS,
            type="integer",
            minimum=1,
            description="A release must have been fetched within this many hours.",
        ),
        "max_reject_share": Param(
            quality.MAX_REJECT_SHARE,
            type="number",
            minimum=0,
            maximum=1,
            description="Largest allowed share of failed pages over the last day.",
        ),
    },
)
def newswire_quality():
    release_columns = SQLColumnCheckOperator(
        task_id="release_columns",
        conn_id=WAREHOUSE,
        table=quality.RELEASES_TABLE,
        column_mapping=quality.RELEASE_COLUMN_CHECKS,
    )
    release_table = SQLTableCheckOperator(
        task_id="release_table",
        conn_id=WAREHOUSE,
        table=quality.RELEASES_TABLE,
        checks=quality.RELEASE_TABLE_CHECKS,
    )
    reject_share = SQLTableCheckOperator(
        task_id="reject_share",
        conn_id=WAREHOUSE,
        table=quality.RUNS_TABLE,
        checks=quality.RUN_TABLE_CHECKS,
    )

    template_drift = SQLTableCheckOperator(
        task_id="template_drift",
        conn_id=WAREHOUSE,
        table=quality.DRIFT_TABLE,
        checks=quality.DRIFT_CHECKS,
    )

    [release_columns, release_table, reject_share, template_drift] >> refresh_report_views()


newswire_quality()
