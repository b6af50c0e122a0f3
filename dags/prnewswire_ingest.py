"""
### PR Newswire ingestion

Every 15 minutes: find releases on PR Newswire that are not yet in the warehouse (RSS feed,
then listing pages), fetch and parse them, and merge them into `newswire.releases`.

* **migrate**: apply pending warehouse migrations (`sql/`), a no-op when up to date.
* **discover**: open an ingestion run and list the new release URLs.
* **fetch**: fetch each page politely (robots.txt, rate limit, retries), archive the raw
  bytes, stage parsed records; pages that fail are recorded in `newswire.rejects`.
* **load**: merge the run's staged records into `newswire.releases` in one transaction.

Warehouse: Airflow connection `newswire_warehouse`. Source: Variable
`prnewswire_base_url`, else `PRNEWSWIRE_BASE_URL`, else https://www.prnewswire.com.
Re-running a run never duplicates a release.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import Param, dag, task


@dag(
    dag_id="prnewswire_ingest",
    schedule="*/15 * * * *",
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["newswire", "prnewswire", "ingest"],
    default_args={"owner": "newswire", "retries": 2, "retry_delay": timedelta(minutes=1)},
    params={"limit": Param(None, type=["null", "integer"], minimum=1,
                           description="At most this many new releases (empty: all new).")},
)
def prnewswire_ingest():
    @task
    def migrate() -> list[str]:
        from newswire import airflow_tasks

        return airflow_tasks.migrate_warehouse()

    @task
    def discover(**context) -> list[str]:
        from newswire import airflow_tasks

        return airflow_tasks.discover(context["run_id"], context["params"]["limit"])

    @task
    def fetch(urls: list[str], **context) -> dict:
        from newswire import airflow_tasks

        return airflow_tasks.fetch(context["run_id"], urls)

    @task
    def load(**context) -> dict:
        from newswire import airflow_tasks

        return airflow_tasks.load(context["run_id"])

    urls = discover()
    migrate() >> urls
    fetch(urls) >> load()


prnewswire_ingest()
