"""
### Ingestion DAGs generated from the source declarations

Three DAGs per source of `newswire.wires` (a new wire is one
declaration there plus its parser module: its DAGs appear here), each with the same task
chain (migrate -> discover -> make_batches -> fetch -> load -> send_alerts) and its own
documentation:

* **`<source>_ingest`**, every 15 minutes: what is new on the source's feeds and listing;
* **`<source>_backfill`**, by hand for a date range or per day: the releases published in
  a window;
* **`<source>_recheck`**, every 15 minutes: the releases of the last days fetched again, so
  a corrected one gets a version.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from airflow.sdk import CronDataIntervalTimetable, CronTriggerTimetable, Param, dag

from newswire import wires
from newswire_airflow.notifications.failure_summary import (
    INGESTION_WHERE_TO_LOOK,
    FailureSummaryNotifier,
)
from newswire_airflow.tasks import (
    discover_new,
    discover_recent,
    discover_window,
    fetch,
    load,
    make_batches,
    migrate,
    send_alerts,
)

_DEFAULTS = {"owner": "newswire", "retries": 2, "retry_delay": timedelta(minutes=1)}


def _every_15_minutes() -> CronTriggerTimetable:
    return CronTriggerTimetable(
        "*/15 * * * *", timezone="UTC", interval=timedelta(minutes=15), run_immediately=True
    )


def _limit() -> Param:
    """A DAG's own ``limit`` param (a run resolves its conf into the DAG's Param objects)."""
    return Param(
        None,
        type=["null", "integer"],
        minimum=1,
        description="At most this many new releases (empty: all new).",
    )


# The end of every DAG's documentation: the tasks after discover, and where things come from.
_CHAIN_DOC = """
* **migrate**: apply pending warehouse migrations (`sql/`), a no-op when up to date.
* **discover**: {discover}
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

INGEST_DOC = """
### {title} ingestion

Every 15 minutes: find releases on {title} that are not yet in the warehouse (its feeds,
then its listing pages), fetch and parse them, and merge them into `newswire.releases`.
"""
INGEST_DISCOVER = """open an ingestion run and list the new release URLs. Discovery is
  incremental (everything not yet loaded, and loaded releases whose feed item or listing
  card changed: corrections), so a late or skipped run loses nothing; the run's 15-minute
  data interval is logged with it."""

BACKFILL_DOC = """
### {title} backfill

Load the releases of {title} **published in a date range** that are not yet in the
warehouse: the same steps as `{source}_ingest`, with discovery bounded to a window.
Backfilled releases are new to the warehouse: those that match a watchlist alert it.

The window is, in this order:

* the params **since** and **until** (dates, UTC, both inclusive) of a manual run, e.g.
  `airflow dags trigger {source}_backfill -c '{{"since": "2025-02-01", "until": "2025-02-28"}}'`;
* else the run's data interval, one UTC day: daily partitions, for the daily schedule (the
  DAG is paused until you unpause it) or for a backfill over past days:
  `airflow backfill create --dag-id {source}_backfill --from-date 2025-02-01
  --to-date 2025-02-28`.
  A manual run without params takes the previous day.

Re-running a day is idempotent: the run key is the DAG run id, discovery skips what is
already loaded and the load upserts. One day at a time: the source site is shared with
everyone.
"""
BACKFILL_DISCOVER = """open an ingestion run and list the releases published in the
  window that are not yet loaded."""

RECHECK_DOC = """
### {title} corrections re-check

Every 15 minutes: releases are corrected after publication (a `CORRECTION` title, a changed
body). Re-fetch the releases of {title} published in the last **days** (param, default 2:
48 hours) politely, each with a conditional GET (the ETag / Last-Modified its page last
answered with): an unchanged page answers 304 and costs nothing more, a changed one gets a
new version in `newswire.release_versions`. A correction the feed or listing shows (a
changed title, link, time or guid) is fetched sooner, by `{source}_watch` or the next
`{source}_ingest` run.
"""
RECHECK_DISCOVER = """open a re-check run of the releases published in the last **days**
  (read from the warehouse: no feed or listing is read)."""


def _doc(template: str, discover: str, source: str) -> str:
    """A DAG's documentation: ``template`` and the task chain's, for ``source``."""
    base_url = wires.get(source).base_url
    names = {
        "title": urlsplit(base_url).hostname.removeprefix("www."),
        "source": source,
        "SOURCE": source.upper(),
        "base_url": base_url,
        "discover": discover,
    }
    return (template + _CHAIN_DOC).format(**names)


def _ingestion_chain(urls, source: str) -> None:
    """The tasks around a DAG's discover task (``urls``): migrate first, then the fetch
    batches, the load and the alerts."""
    migrate() >> urls
    fetch.partial(source=source).expand(urls=make_batches(urls)) >> load() >> send_alerts()


def _declared(source: str, kind: str, doc: str, discover_doc: str) -> dict:
    """What every generated DAG of ``source`` declares alike: its id, tags, documentation,
    defaults and failure notifier; one run at a time (the source site is shared with
    everyone), no catchup."""
    return {
        "dag_id": f"{source}_{kind}",
        "catchup": False,
        "max_active_runs": 1,
        "doc_md": _doc(doc, discover_doc, source),
        "tags": ["newswire", source, kind],
        "default_args": _DEFAULTS,
        "on_failure_callback": FailureSummaryNotifier(
            INGESTION_WHERE_TO_LOOK, mark_ingestion_run_failed=True, source=source
        ),
    }


def ingest_dag(source: str) -> None:
    @dag(
        **_declared(source, "ingest", INGEST_DOC, INGEST_DISCOVER),
        schedule=_every_15_minutes(),
        start_date=datetime(2025, 1, 1, tzinfo=UTC),
        params={"limit": _limit()},
    )
    def ingest():
        _ingestion_chain(discover_new(source=source), source)

    ingest()


def backfill_dag(source: str) -> None:
    @dag(
        **_declared(source, "backfill", BACKFILL_DOC, BACKFILL_DISCOVER),
        # Daily data intervals [day 00:00, next day 00:00) UTC: one partition per run.
        schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
        start_date=datetime(2024, 1, 1, tzinfo=UTC),
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
            "limit": _limit(),
        },
    )
    def backfill():
        _ingestion_chain(discover_window(source=source), source)

    backfill()


def recheck_dag(source: str) -> None:
    @dag(
        **_declared(source, "recheck", RECHECK_DOC, RECHECK_DISCOVER),
        schedule=_every_15_minutes(),
        start_date=datetime(2025, 1, 1, tzinfo=UTC),
        params={"days": Param(2, type="number", minimum=0, description="Re-check this many days.")},
    )
    def recheck():
        _ingestion_chain(discover_recent(source=source), source)

    recheck()


for name in wires.BY_NAME:
    ingest_dag(name)
    backfill_dag(name)
    recheck_dag(name)
