"""
### Event-driven ingestion: the feed watchers

One DAG per source, `<source>_watch`, scheduled on the asset `<source>_feed`. The asset's
watcher (`FeedWatchTrigger`, running in the **triggerer**) polls the source's feed every
30 s (`NEWSWIRE_WATCH_INTERVAL`; never more than twice a minute on a real site) with a
conditional GET, and when releases appear that nobody has seen yet it fires an event naming
them, which starts a run of this DAG:

* **discover**: open an ingestion run of just those releases (no feed, listing or sitemap
  is read again).
* **fetch**: fetch, archive, parse and stage them, in the pool `newswire_http`.
* **load**: merge them into `newswire.releases` in one transaction (which records the
  alerts of the watchlists they match).
* **send_alerts**: deliver those alerts (webhook or e-mail), each once.

The 15-minute `<source>_ingest` DAGs stay the safety net: whatever a watched run missed
(an event lost with the triggerer, a page that failed) they take. These runs do not update
the asset `newswire_releases`: `newswire_quality` runs after the 15-minute loads, not after
every release.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airflow.sdk import dag

from newswire import wires
from newswire_airflow.assets import feed_asset
from newswire_airflow.notifications.failure_summary import (
    INGESTION_WHERE_TO_LOOK,
    FailureSummaryNotifier,
)
from newswire_airflow.tasks import discover_watched, fetch, load, send_alerts


def watch_dag(source: str) -> None:
    @dag(
        dag_id=f"{source}_watch",
        schedule=[feed_asset(source)],
        start_date=datetime(2025, 1, 1, tzinfo=UTC),
        catchup=False,
        doc_md=__doc__,
        tags=["newswire", source, "watch"],
        default_args={"owner": "newswire", "retries": 2, "retry_delay": timedelta(seconds=10)},
        on_failure_callback=FailureSummaryNotifier(
            INGESTION_WHERE_TO_LOOK, mark_ingestion_run_failed=True, source=source
        ),
    )
    def watch():
        urls = discover_watched(source=source)
        fetch(urls=urls, source=source) >> load.override(outlets=[])() >> send_alerts()

    watch()


for name in wires.BY_NAME:
    watch_dag(name)
