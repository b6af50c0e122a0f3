"""The DAGs under real Airflow: DagBag parsing, structure, and a real dag.test() run."""

import subprocess
import sys
from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[1] / "dags"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


@pytest.fixture(scope="module")
def airflow_db():
    """Airflow's own metadata database (SQLite in the isolated AIRFLOW_HOME), migrated."""
    result = subprocess.run([str(Path(sys.executable).with_name("airflow")), "db", "migrate"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_dagbag_has_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "prnewswire_ingest" in dagbag.dags


def test_ingest_dag_shape(dagbag):
    dag = dagbag.dags["prnewswire_ingest"]
    assert {t.task_id for t in dag.tasks} == {"migrate", "discover", "fetch", "load"}
    assert dag.get_task("discover").upstream_task_ids == {"migrate"}
    assert dag.get_task("fetch").upstream_task_ids == {"discover"}
    assert dag.get_task("load").upstream_task_ids == {"fetch"}
    assert dag.timetable.expression == "*/15 * * * *"
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.doc_md and "newswire.rejects" in dag.doc_md
    assert all(t.owner == "newswire" and t.retries >= 1 for t in dag.tasks)


def test_dag_run_lands_sample_releases_in_postgres(dagbag, airflow_db, warehouse, sample_site,
                                                   monkeypatch, query):
    monkeypatch.setenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", warehouse)
    monkeypatch.setenv("AIRFLOW_VAR_PRNEWSWIRE_BASE_URL", sample_site.base_url)
    run = dagbag.dags["prnewswire_ingest"].test()
    assert run.state == "success"
    total = len(sample_site.releases)
    assert query(warehouse, "SELECT count(*) FROM newswire.releases") == [(total,)]
    (status, dag_run_id, new), = query(
        warehouse, "SELECT status, dag_run_id, loaded_new FROM newswire.ingestion_runs")
    assert (status, dag_run_id, new) == ("success", run.run_id, total)
