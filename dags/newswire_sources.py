"""
### Ingestion DAGs generated from the source declarations

One DAG per source and job, from `newswire.discovery.sources.SOURCES` (a new wire is one
declaration there plus its parser module: its DAGs appear here):

* **`<source>_ingest`**, every 15 minutes: find what is new on the source's feeds and
  listing, fetch it, load it (each DAG's own documentation says its tasks).
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
from urllib.parse import urlsplit

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

_DEFAULTS = {"owner": "newswire", "retries": 2, "retry_delay": timedelta(minutes=1)}


INGEST_DOC = """
### {title} ingestion

Every 15 minutes: find releases on {title} that are not yet in the warehouse (its feeds,
then its listing pages), fetch and parse them, and merge them into `newswire.releases`.

* **migrate**: apply pending warehouse migrations (`sql/`), a no-op when up to date.
* **discover**: open an ingestion run and list the new release URLs. Discovery is
  incremental (everything not yet loaded, and loaded releases whose feed item or listing
  card changed: corrections), so a late or skipped run loses nothing; the run's 15-minute
  data interval is logged with it.
* **make_batches**: split the URLs into batches, one mapped **fetch** task each.
* **fetch** (mapped): fetch each page politely (robots.txt, rate limit, retries), archive
  the raw bytes, stage parsed records; pages that fail are recorded in `newswire.rejects`.
  Runs in the pool `newswire_http`, which caps concurrent HTTP work on the source site.
* **load**: merge the run's staged records into `newswire.releases` in one transaction,
  and update the asset `newswire_releases`, which triggers `newswire_quality`. Releases
  that match a watchlist get an alert each, in the same transaction.
* **send_alerts**: deliver the pending alerts (webhook or e-mail), each once.

Warehouse: Airflow connection `newswire_warehouse`. Source: Variable `{source}_base_url`,
else `{SOURCE}_BASE_URL`, else {base_url}. Re-running a run never duplicates a release. A
failed run is marked failed in `newswire.ingestion_runs` and logged with a summary of what
failed and where to look.
"""


def ingest_dag(source: str) -> None:
    declared = SOURCES[source]
    doc = INGEST_DOC.format(
        title=urlsplit(declared.base_url).hostname.removeprefix("www."),
        source=source,
        SOURCE=source.upper(),
        base_url=declared.base_url,
    )

    @dag(
        dag_id=f"{source}_ingest",
        schedule=CronTriggerTimetable(
            "*/15 * * * *", timezone="UTC", interval=timedelta(minutes=15), run_immediately=True
        ),
        start_date=datetime(2025, 1, 1, tzinfo=UTC),
        catchup=False,
        max_active_runs=1,
        doc_md=doc,
        tags=["newswire", source, "ingest"],
        default_args=_DEFAULTS,
        on_failure_callback=FailureSummaryNotifier(
            WHERE_TO_LOOK, mark_ingestion_run_failed=True, source=source
        ),
        params={
            "limit": Param(
                None,
                type=["null", "integer"],
                minimum=1,
                description="At most this many new releases (empty: all new).",
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
    ingest_dag(name)
    recheck_dag(name)
