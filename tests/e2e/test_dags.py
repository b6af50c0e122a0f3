"""The DAGs under real Airflow: parsing (errors), structure, and real dag.test() runs
against the bundled sample site and a real PostgreSQL warehouse."""

import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newswire.warehouse.connection import connect
from newswire.wires import BY_NAME as SOURCES
from newswire_airflow.assets import RELEASES
from newswire_airflow.hooks.warehouse import WarehouseConnectionMissing
from newswire_airflow.notifications.failure_summary import FailureSummaryNotifier
from tests.support import ROOT
from tests.support.records import load, make_record

DAGS = ROOT / "dags"
GENERATED = ("ingest", "backfill", "recheck")  # dags/newswire_sources.py, per source
SOURCE_DAG_IDS = {f"{source}_{kind}" for source in SOURCES for kind in GENERATED}
WATCH_DAG_IDS = {f"{source}_watch" for source in SOURCES}  # dags/newswire_watch.py
DAG_IDS = {"newswire_quality", *SOURCE_DAG_IDS, *WATCH_DAG_IDS}


@pytest.fixture
def dagbag():
    """The DAGs, parsed afresh for each test: an in-process dag.test() resolves the run's
    conf into the DAG's own Param objects (process_params shares them), so a DAG object that
    ran with params would lend them to its next run. Task processes never reuse one."""
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


@pytest.fixture
def airflow_env(monkeypatch, warehouse, sample_site):
    """The connection and Variable the DAGs read, pointing at a fresh warehouse and the site."""
    monkeypatch.setenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", warehouse)
    monkeypatch.setenv("AIRFLOW_VAR_PRNEWSWIRE_BASE_URL", sample_site.base_url)
    return warehouse


def task_states(run) -> dict[str, str]:
    """{task_id or task_id[map_index]: state} of a finished dag.test() run."""
    return {
        ti.task_id + (f"[{ti.map_index}]" if ti.map_index >= 0 else ""): ti.state
        for ti in run.get_task_instances()
    }


def published_in(sample_site, start, end) -> set[str]:
    return {r.release_id for r in sample_site.releases if start <= r.published < end}


# -- parsing ------------------------------------------------------------------------------
def test_dagbag_has_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dags) == DAG_IDS
    # The documented DAG ids, each now one of the generated ones.
    assert {"prnewswire_ingest", "prnewswire_backfill", "newswireca_backfill"} <= set(dagbag.dags)


def test_each_dag_file_parses_alone():
    """Each file in a fresh interpreter that has Airflow loaded, as the DAG processor has:
    its DAGs, no import errors. (How long it takes, against the 0.5 s target, is measured by
    bench/dags.py, not asserted here.)"""
    script = (
        "import json, sys\n"
        "from airflow.dag_processing.dagbag import DagBag\n"
        "bag = DagBag(dag_folder=sys.argv[1])\n"
        "[stat] = bag.dagbag_stats\n"
        "print(json.dumps({'dags': stat.dag_num, 'errors': bag.import_errors}))\n"
    )
    parsed = {}
    for path in sorted(DAGS.glob("*.py")):
        result = subprocess.run(
            [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr[-2000:]
        parsed[path.name] = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(parsed) == 3
    many = {"newswire_sources.py": len(SOURCE_DAG_IDS), "newswire_watch.py": len(WATCH_DAG_IDS)}
    for name, found in parsed.items():
        dags = many.get(name, 1)
        assert (found["dags"], found["errors"]) == (dags, {}), name


# -- structure ----------------------------------------------------------------------------
def test_watch_dags_are_scheduled_by_a_feed_watcher_the_triggerer_can_rebuild(dagbag):
    from airflow._shared.module_loading import import_string  # as the triggerer does
    from airflow.sdk import Asset
    from airflow.triggers.base import BaseEventTrigger

    from newswire_airflow.triggers.feed_watch import FeedWatchTrigger

    for source in ("prnewswire", "newswireca", "globenewswire"):
        dag = dagbag.dags[f"{source}_watch"]
        [asset] = dag.timetable.asset_condition.objects  # scheduled on the feed asset alone
        assert isinstance(asset, Asset) and asset.name == f"{source}_feed"
        [watcher] = asset.watchers
        assert isinstance(watcher.trigger, BaseEventTrigger)
        classpath, kwargs = watcher.trigger.serialize()  # what the triggerer gets
        rebuilt = import_string(classpath)(**kwargs)
        assert isinstance(rebuilt, FeedWatchTrigger) and rebuilt.source == source
        assert {t.task_id: sorted(t.downstream_task_ids) for t in dag.tasks} == {
            "discover": ["fetch"],
            "fetch": ["load"],
            "load": ["send_alerts"],
            "send_alerts": [],
        }
        assert dag.get_task("fetch").pool == "newswire_http"
        assert dag.get_task("load").outlets == []  # newswire_quality follows the 15-minute runs


def test_a_watched_run_takes_the_urls_of_every_event_it_was_given():
    from types import SimpleNamespace

    from newswire_airflow.tasks import watched_urls

    def event(payload):
        return SimpleNamespace(extra={"from_trigger": True, "payload": payload})

    context = {
        "triggering_asset_events": {
            "prnewswire_feed": [
                event({"source": "prnewswire", "urls": ["https://a/1.html", "https://a/2.html"]}),
                event(
                    {"source": "prnewswire", "urls": ["https://a/2.html", 7, "https://a/3.html"]}
                ),
                event({"source": "prnewswire", "urls": [], "changed": ["https://a/0.html"]}),
                event(None),
            ]
        }
    }
    assert watched_urls(context) == ["https://a/1.html", "https://a/2.html", "https://a/3.html"]
    assert watched_urls(context, "changed") == ["https://a/0.html"]  # corrections


@pytest.mark.parametrize(
    "dag_id", sorted(f"{source}_{kind}" for source in SOURCES for kind in ("ingest", "backfill"))
)
def test_ingestion_dag_shape(dagbag, dag_id):
    from airflow.sdk.definitions.mappedoperator import MappedOperator

    dag = dagbag.dags[dag_id]
    assert {t.task_id for t in dag.tasks} == {
        "migrate",
        "discover",
        "make_batches",
        "fetch",
        "load",
        "send_alerts",
    }
    assert dag.get_task("discover").upstream_task_ids == {"migrate"}
    assert dag.get_task("make_batches").upstream_task_ids == {"discover"}
    assert dag.get_task("fetch").upstream_task_ids == {"make_batches"}
    assert dag.get_task("load").upstream_task_ids == {"fetch"}
    assert dag.get_task("send_alerts").upstream_task_ids == {"load"}

    fetch = dag.get_task("fetch")
    assert isinstance(fetch, MappedOperator)
    assert set(fetch.op_kwargs_expand_input.value) == {"urls"}  # .expand(urls=make_batches(...))
    assert fetch.pool == dag.get_task("discover").pool == "newswire_http"
    assert fetch.retries >= 3 and fetch.retry_exponential_backoff == 2.0
    assert fetch.max_retry_delay == timedelta(minutes=10)
    # No task that talks to the source site can hang forever (issue 11, defect 7).
    assert fetch.execution_timeout == timedelta(hours=1)
    assert dag.get_task("discover").execution_timeout == timedelta(minutes=30)

    load_task = dag.get_task("load")
    assert load_task.outlets == [RELEASES]
    assert load_task.trigger_rule == "none_failed"
    assert dag.catchup is False and dag.max_active_runs == 1
    assert isinstance(dag.on_failure_callback, FailureSummaryNotifier)
    assert dag.on_failure_callback.mark_ingestion_run_failed
    assert dag.doc_md and "newswire_http" in dag.doc_md
    source = dag_id.rsplit("_", 1)[0]
    assert {"newswire", source} <= set(dag.tags) and dag.on_failure_callback.source == source
    assert all(t.owner == "newswire" and t.retries >= 1 for t in dag.tasks)


@pytest.mark.parametrize(
    "source, site",
    [
        ("prnewswire", "prnewswire.com"),
        ("globenewswire", "globenewswire.com"),
        ("newswireca", "newswire.ca"),
    ],
)
@pytest.mark.parametrize(
    "kind, heading",
    [("ingest", "ingestion"), ("backfill", "backfill"), ("recheck", "corrections re-check")],
)
def test_every_source_dag_is_generated_with_documentation_of_its_own(
    dagbag, source, site, kind, heading
):
    """No wire is privileged: each source's ingest, backfill and recheck DAGs come from its
    declaration, and the UI shows a graph and a documentation that name that source."""
    dag = dagbag.dags[f"{source}_{kind}"]
    assert f"### {site} {heading}" in dag.doc_md and f"`{source}_base_url`" in dag.doc_md
    assert "**send_alerts**" in dag.doc_md  # the task chain is documented too
    assert {t.task_id for t in dag.tasks} >= {"migrate", "discover", "fetch", "load"}
    assert dag.fileloc.endswith("newswire_sources.py")
    assert dag.get_task("discover").op_kwargs == {"source": source}
    assert dag.get_task("fetch").partial_kwargs["op_kwargs"] == {"source": source}


def test_ingest_runs_every_15_minutes_with_real_data_intervals(dagbag):
    from airflow.sdk import CronTriggerTimetable

    timetable = dagbag.dags["prnewswire_ingest"].timetable
    assert isinstance(timetable, CronTriggerTimetable)
    assert (timetable.expression, str(timetable.timezone)) == ("*/15 * * * *", "UTC")
    assert timetable.interval == timedelta(minutes=15)
    assert dagbag.dags["prnewswire_ingest"].params["limit"] is None


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_backfill_has_daily_partitions_and_a_date_range(dagbag, source):
    from airflow.sdk import CronDataIntervalTimetable

    dag = dagbag.dags[f"{source}_backfill"]
    assert isinstance(dag.timetable, CronDataIntervalTimetable)
    assert (dag.timetable.expression, str(dag.timetable.timezone)) == ("0 0 * * *", "UTC")
    assert dag.params["since"] is None and dag.params["until"] is None


def test_quality_dag_shape(dagbag):
    from airflow.providers.common.sql.operators.sql import (
        SQLColumnCheckOperator,
        SQLTableCheckOperator,
    )
    from airflow.sdk.definitions.timetables.assets import AssetTriggeredTimetable

    dag = dagbag.dags["newswire_quality"]
    assert isinstance(dag.timetable, AssetTriggeredTimetable)
    assert list(dag.timetable.asset_condition.objects) == [RELEASES]
    # A valid postgres asset URI: the provider's check would have raised or rewritten it.
    assert RELEASES.uri == "postgres://warehouse:5432/newswire/newswire/releases"
    checks = {
        "release_columns": SQLColumnCheckOperator,
        "release_table": SQLTableCheckOperator,
        "reject_share": SQLTableCheckOperator,
        "template_drift": SQLTableCheckOperator,
    }
    assert {t.task_id for t in dag.tasks} == set(checks) | {"refresh_report_views"}
    for task_id, operator in checks.items():
        task = dag.get_task(task_id)
        assert isinstance(task, operator) and task.conn_id == "newswire_warehouse"
        assert task.retries == 0
    assert dag.get_task("refresh_report_views").upstream_task_ids == set(checks)
    assert isinstance(dag.on_failure_callback, FailureSummaryNotifier)
    assert not dag.on_failure_callback.mark_ingestion_run_failed
    assert dag.params["recent_hours"] == 24


def test_a_task_without_the_warehouse_connection_says_what_to_set(airflow_db, monkeypatch):
    """No connection, no silent fallback (no embedded server): an error that names it."""
    from newswire_airflow import tasks

    monkeypatch.delenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", raising=False)
    with pytest.raises(WarehouseConnectionMissing, match="AIRFLOW_CONN_NEWSWIRE_WAREHOUSE"):
        tasks.migrate.function()


def test_the_pool_command_creates_the_pool_the_dags_use(airflow_db, dagbag):
    from newswire_airflow.pools import HTTP_POOL, HTTP_POOL_SLOTS

    # As `make up` runs it: `airflow` by name, from the environment's PATH.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    for command in (
        [sys.executable, "-m", "newswire_airflow.pools"],
        ["airflow", "pools", "get", HTTP_POOL, "--output", "json"],
    ):
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    [pool] = json.loads(result.stdout)
    assert (pool["pool"], int(pool["slots"])) == (HTTP_POOL, HTTP_POOL_SLOTS)
    assert dagbag.dags["prnewswire_ingest"].get_task("fetch").pool == HTTP_POOL


# -- real runs ----------------------------------------------------------------------------
def test_ingest_run_lands_sample_releases_in_batches(
    dagbag, airflow_db, airflow_env, sample_site, query
):
    run = dagbag.dags["prnewswire_ingest"].test()
    assert run.state == "success"
    states = task_states(run)
    total = len(sample_site.releases)
    assert [k for k in states if k.startswith("fetch[")] == [f"fetch[{i}]" for i in range(5)]
    assert set(states.values()) == {"success"}
    assert run.data_interval_end - run.data_interval_start == timedelta(minutes=15)
    assert query(airflow_env, "SELECT count(*) FROM newswire.releases") == [(total,)]
    ((status, dag_run_id, new),) = query(
        airflow_env, "SELECT status, dag_run_id, loaded_new FROM newswire.ingestion_runs"
    )
    assert (status, dag_run_id, new) == ("success", run.run_id, total)


def test_a_run_without_logical_date_that_finds_nothing_closes_its_ingestion_run(
    dagbag, airflow_db, airflow_env, sample_site, query
):
    """As for an asset-triggered or date-less manual run: no data interval; a second run
    finds nothing new, so fetch maps to no task and load still closes the run."""
    first = dagbag.dags["prnewswire_ingest"].test(logical_date=None)
    second = dagbag.dags["prnewswire_ingest"].test(logical_date=None)
    assert (first.state, second.state) == ("success", "success")
    assert first.logical_date is None and first.data_interval_start is None
    assert task_states(second)["load"] == "success"
    assert "fetch[0]" not in task_states(second)
    assert query(
        airflow_env,
        "SELECT dag_run_id, status, discovered, loaded_new FROM "
        "newswire.ingestion_runs ORDER BY started_at",
    ) == [
        (first.run_id, "success", len(sample_site.releases), len(sample_site.releases)),
        (second.run_id, "success", 0, 0),
    ]


def test_backfill_of_a_date_range_loads_that_range_and_a_rerun_adds_nothing(
    dagbag, airflow_db, airflow_env, sample_site, query
):
    dag = dagbag.dags["prnewswire_backfill"]
    conf = {"since": "2025-01-01", "until": "2025-01-31"}
    expected = published_in(
        sample_site,
        datetime(2025, 1, 1, tzinfo=UTC),
        datetime(2025, 2, 1, tzinfo=UTC),
    )
    assert expected, "the sample site has releases in January 2025"
    first = dag.test(run_conf=conf)
    assert first.state == "success"
    loaded = {r for (r,) in query(airflow_env, "SELECT release_id FROM newswire.releases")}
    assert loaded == expected
    # The re-run fetches the window again (a correction would add a version): the content and
    # the versions stay as they were; only the fetch time moves to the newest fetch.
    content = (
        "SELECT wire, release_id, content_sha256, version, title, body_text, published_at"
        " FROM newswire.releases ORDER BY release_id"
    )
    versions = "SELECT count(*) FROM newswire.release_versions"
    rows_before, versions_before = query(airflow_env, content), query(airflow_env, versions)

    again = dag.test(run_conf=conf)
    assert again.state == "success"
    assert query(airflow_env, content) == rows_before
    assert query(airflow_env, versions) == versions_before
    assert query(
        airflow_env,
        "SELECT window_start, window_end, loaded_new FROM "
        "newswire.ingestion_runs WHERE dag_run_id = %s",
        (again.run_id,),
    ) == [(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC), 0)]


def test_backfill_without_params_takes_its_daily_data_interval(
    dagbag, airflow_db, airflow_env, sample_site, query
):
    day = datetime(2025, 1, 21, tzinfo=UTC)
    run = dagbag.dags["prnewswire_backfill"].test(logical_date=day)
    assert run.state == "success"
    start, end = run.data_interval_start, run.data_interval_end
    assert end - start == timedelta(days=1)
    expected = published_in(sample_site, start, end)
    assert expected, f"the sample site has releases in {start} .. {end}"
    assert {
        r for (r,) in query(airflow_env, "SELECT release_id FROM newswire.releases")
    } == expected
    assert query(airflow_env, "SELECT window_start, window_end FROM newswire.ingestion_runs") == [
        (start, end)
    ]


def test_ingestion_failure_notifier_marks_the_run_failed_and_says_where_to_look(
    dagbag, warehouse, sample_site, monkeypatch, query, caplog
):
    """With the minimal context Airflow gives a DAG callback (dag, run id, reason)."""
    monkeypatch.setenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", warehouse)
    monkeypatch.setenv("AIRFLOW_VAR_PRNEWSWIRE_BASE_URL", sample_site.base_url)
    load(warehouse, "manual__broken", [make_record(1)])
    with connect(warehouse) as conn, conn.cursor() as cur:
        cur.execute("UPDATE newswire.ingestion_runs SET status = 'running'")
    caplog.set_level(logging.INFO, logger="newswire")

    dag = dagbag.dags["prnewswire_ingest"]
    dag.on_failure_callback({"dag": dag, "run_id": "manual__broken", "reason": "task_failure"})

    assert query(warehouse, "SELECT status FROM newswire.ingestion_runs") == [("failed",)]
    [summary] = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert summary.startswith(
        "newswire: DAG prnewswire_ingest run manual__broken FAILED "
        "(task_failure). Failed tasks: none recorded. Look at "
    )
    assert "WHERE run_key = 'manual__broken'" in summary and sample_site.base_url in summary


def test_quality_passes_on_freshly_ingested_data_and_keeps_views(
    dagbag, airflow_db, airflow_env, caplog
):
    assert dagbag.dags["prnewswire_ingest"].test().state == "success"
    caplog.set_level(logging.INFO, logger="newswire")
    run = dagbag.dags["newswire_quality"].test()
    assert run.state == "success"
    assert set(task_states(run).values()) == {"success"}
    assert "report views are up to date" in caplog.text


def test_quality_fails_on_a_release_published_in_the_future(
    dagbag, airflow_db, warehouse, monkeypatch, query, caplog
):
    """Seeded warehouse: good releases fetched just now, and one bad row."""
    monkeypatch.setenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", warehouse)
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    load(
        warehouse,
        "seed",
        [make_record(i) for i in range(5)] + [make_record(9, published_at=future)],
    )
    with connect(warehouse) as conn, conn.cursor() as cur:
        cur.execute("UPDATE newswire.releases SET fetched_at = now()")
    caplog.set_level(logging.INFO, logger="newswire")

    run = dagbag.dags["newswire_quality"].test()

    assert run.state == "failed"
    assert task_states(run) == {
        "release_columns": "success",
        "release_table": "failed",
        "reject_share": "success",
        "template_drift": "success",
        "refresh_report_views": "upstream_failed",
    }
    summary = [r.getMessage() for r in caplog.records if r.getMessage().startswith("newswire: DAG")]
    assert len(summary) == 1, caplog.text
    assert f"newswire_quality run {run.run_id} FAILED" in summary[0]
    # dag.test() runs the callback in-process, where only the task that failed the run is
    # known; the Celery test checks the full list from a real DAG processor.
    assert "Failed tasks: release_table." in summary[0]
    assert "plugins/newswire_airflow/quality.py" in summary[0]


def test_quality_fails_on_template_drift_with_that_reason(
    dagbag, airflow_db, warehouse, monkeypatch, caplog
):
    """A run in which 3 of 5 pages needed a fallback for their title: loaded, and the quality
    DAG's template_drift check fails, its summary saying where to look."""
    monkeypatch.setenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", warehouse)
    rules = make_record(0)["field_sources"]
    records = [make_record(i, field_sources={**rules, "title": "meta"}) for i in range(3)]
    load(warehouse, "seed", records + [make_record(i) for i in range(3, 5)])
    with connect(warehouse) as conn, conn.cursor() as cur:
        cur.execute("UPDATE newswire.releases SET fetched_at = now()")
    caplog.set_level(logging.INFO, logger="newswire")

    run = dagbag.dags["newswire_quality"].test()

    assert run.state == "failed"
    assert task_states(run)["template_drift"] == "failed"
    assert {s for t, s in task_states(run).items() if t != "template_drift"} == {
        "success",
        "upstream_failed",
    }
    summary = [r.getMessage() for r in caplog.records if r.getMessage().startswith("newswire: DAG")]
    assert "Failed tasks: template_drift." in summary[0]
    assert "newswire.report_template_drift (template drift" in summary[0]


# -- the generated source DAGs (dags/newswire_sources.py) --------------------------------
def test_each_source_has_its_generated_dags_with_the_shared_tasks(dagbag):
    for name in SOURCES:
        for dag_id in (f"{name}_{kind}" for kind in GENERATED):
            dag = dagbag.dags[dag_id]
            assert {t.task_id for t in dag.tasks} == {
                "migrate", "discover", "make_batches", "fetch", "load", "send_alerts"
            }  # fmt: skip
            assert dag.get_task("send_alerts").upstream_task_ids == {"load"}
            assert name in dag.tags and dag.on_failure_callback is not None
    assert dagbag.dags["globenewswire_recheck"].params["days"] == 2


def test_the_recheck_runs_every_15_minutes_and_make_up_unpauses_it(dagbag):
    recheck = dagbag.dags["prnewswire_recheck"]
    assert (recheck.timetable.expression, recheck.timetable.interval) == (
        "*/15 * * * *",
        timedelta(minutes=15),
    )
    assert recheck.params["days"] == 2  # the last 48 hours
    up = (Path(__file__).parents[2] / "scripts" / "up.sh").read_text()
    assert "airflow dags unpause prnewswire_recheck" in up


def test_globenewswire_ingest_dag_lands_the_second_wire(
    dagbag, airflow_db, warehouse, monkeypatch, query
):
    from newswire_sample_site import SampleSite

    monkeypatch.setenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", warehouse)
    with SampleSite(count=60, seed=9, wire="globenewswire") as site:
        monkeypatch.setenv("AIRFLOW_VAR_GLOBENEWSWIRE_BASE_URL", site.base_url)
        run = dagbag.dags["globenewswire_ingest"].test()
    assert run.state == "success"
    assert set(task_states(run).values()) == {"success"}
    assert query(warehouse, "SELECT wire, count(*) FROM newswire.releases GROUP BY wire") == [
        ("globenewswire", 60)
    ]


def test_globenewswire_backfill_dag_loads_a_date_range_of_the_second_wire(
    dagbag, airflow_db, warehouse, monkeypatch, query
):
    """The backfill is generated for every source: a date range of the GlobeNewswire sample
    site lands those releases, read from that site (the prnewswire Variable is unset)."""
    from newswire_sample_site import SampleSite

    monkeypatch.setenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", warehouse)
    monkeypatch.delenv("AIRFLOW_VAR_PRNEWSWIRE_BASE_URL", raising=False)
    with SampleSite(count=60, seed=9, wire="globenewswire") as site:
        monkeypatch.setenv("AIRFLOW_VAR_GLOBENEWSWIRE_BASE_URL", site.base_url)
        days = sorted({r.published_utc.date() for r in site.releases})
        since, until = days[len(days) // 3], days[2 * len(days) // 3]
        start = datetime.combine(since, datetime.min.time(), UTC)
        end = datetime.combine(until, datetime.min.time(), UTC) + timedelta(days=1)
        expected = {r.release_id for r in site.releases if start <= r.published_utc < end}
        conf = {"since": since.isoformat(), "until": until.isoformat()}
        run = dagbag.dags["globenewswire_backfill"].test(run_conf=conf)
    assert run.state == "success", task_states(run)
    assert expected and len(expected) < len(site.releases)
    assert {
        (wire, r) for wire, r in query(warehouse, "SELECT wire, release_id FROM newswire.releases")
    } == {("globenewswire", r) for r in expected}
    assert query(
        warehouse,
        "SELECT source, window_start, window_end FROM newswire.ingestion_runs "
        "WHERE dag_run_id = %s",
        (run.run_id,),
    ) == [(site.base_url, start, end)]


def test_recheck_dag_versions_the_releases_corrected_in_its_days(
    dagbag, airflow_db, warehouse, monkeypatch, query
):
    from newswire import pipeline
    from newswire_sample_site import SampleSite
    from newswire_sample_site.faults import Faults

    changing = Faults(changing_releases=3)
    monkeypatch.setenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", warehouse)
    with SampleSite(count=2000, seed=7, faults=changing) as site:
        monkeypatch.setenv("AIRFLOW_VAR_PRNEWSWIRE_BASE_URL", site.base_url)
        now = site.now.replace(second=0, microsecond=0)
        pipeline.ingest(
            warehouse, site.base_url, since=now - timedelta(days=3), until=now, source="prnewswire"
        )
        site.advance()
        run = dagbag.dags["prnewswire_recheck"].test(logical_date=now)
    assert run.state == "success"
    recent = [r for r in site.releases if now - timedelta(days=2) <= r.published_utc < now]
    corrected = {r.release_id for r in recent if changing.changes(r.index)}
    assert corrected
    ((discovered, updated),) = query(
        warehouse,
        "SELECT discovered, loaded_updated FROM newswire.ingestion_runs WHERE dag_run_id = %s",
        (run.run_id,),
    )
    assert (discovered, updated) == (len(recent), len(corrected))


def test_a_source_dags_failure_summary_names_that_sources_site(dagbag, monkeypatch, caplog):
    monkeypatch.setenv("AIRFLOW_VAR_PRNEWSWIRE_BASE_URL", "http://127.0.0.1:9/prnewswire")
    monkeypatch.setenv("AIRFLOW_VAR_GLOBENEWSWIRE_BASE_URL", "http://127.0.0.1:9/globe")
    caplog.set_level(logging.INFO, logger="newswire")
    dag = dagbag.dags["globenewswire_ingest"]
    summary = dag.on_failure_callback.summary({"dag": dag, "run_id": "manual__x"})
    assert "Check the source site (http://127.0.0.1:9/globe)" in summary
