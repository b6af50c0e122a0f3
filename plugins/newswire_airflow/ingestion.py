"""The task chain both ingestion DAGs share: migrate -> discover -> make_batches ->
fetch (mapped, in the pool ``newswire_http``) -> load (updates the releases asset).

The DAGs differ only in how discovery picks its releases (``prnewswire_ingest``: what is
new; ``prnewswire_backfill``: a publication window), so each DAG file calls
:func:`ingestion_tasks` with the name of its discover function in
:mod:`newswire_airflow.tasks`. Task bodies import the package only when they run, so parsing
a DAG file stays cheap.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import task

from newswire_airflow.assets import RELEASES

HTTP_POOL = "newswire_http"


def on_failure(context) -> None:
    """DAG failure callback: mark the ingestion run failed and log a clear summary."""
    from newswire_airflow import tasks as airflow_tasks

    airflow_tasks.ingestion_failed(context)


def ingestion_tasks(discover_with: str, source: str = "prnewswire") -> None:
    """Add the shared tasks to the DAG being defined; ``discover_with`` names the
    function of :mod:`newswire_airflow.tasks` that lists the run's URLs of ``source`` (a
    name of :data:`newswire.discovery.sources.SOURCES`)."""

    @task
    def migrate() -> list[str]:
        from newswire_airflow import tasks as airflow_tasks

        return airflow_tasks.migrate_warehouse()

    @task(pool=HTTP_POOL)
    def discover(**context) -> list[str]:
        from newswire_airflow import tasks as airflow_tasks

        return getattr(airflow_tasks, discover_with)(context, source=source)

    @task
    def make_batches(urls: list[str]) -> list[list[str]]:
        from newswire_airflow import tasks as airflow_tasks

        return airflow_tasks.make_batches(urls)

    @task(
        pool=HTTP_POOL,
        retries=4,
        retry_delay=timedelta(seconds=30),
        retry_exponential_backoff=2.0,
        max_retry_delay=timedelta(minutes=10),
    )
    def fetch(urls: list[str], **context) -> dict:
        from newswire_airflow import tasks as airflow_tasks

        return airflow_tasks.fetch(context["run_id"], urls, source=source)

    # none_failed: a run that found nothing has no fetch tasks (skipped), and load still
    # closes its ingestion run.
    @task(trigger_rule="none_failed", outlets=[RELEASES])
    def load(**context) -> dict:
        from newswire_airflow import tasks as airflow_tasks

        return airflow_tasks.load(context["run_id"])

    urls = discover()
    migrate() >> urls
    fetch.expand(urls=make_batches(urls)) >> load()
