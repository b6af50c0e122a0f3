"""Runs that end badly and runs that overlap, through the real `newswire ingest` processes:
a run killed mid-way is closed by the next run of its site (its staged rows removed), two
runs of one site at once load each release once (the second waits and says for which run),
and a PostgreSQL restart during a run is one line, the server coming back on its port."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest

from newswire.warehouse.embedded import EmbeddedPostgres
from newswire.warehouse.migrations import migrate
from newswire_sample_site.server import SampleSite

NEWSWIRE = str(Path(sys.executable).with_name("newswire"))
RELEASES = 300  # more than a fetch batch (200 pages per commit): staged rows show mid-run
SLOW = ["--max-rps", "40"]  # about 8 s for the whole run


@pytest.fixture(scope="module")
def site():
    with SampleSite(count=RELEASES, seed=11) as served:
        yield served


def start(*args: str, home: Path) -> subprocess.Popen:
    env = {**os.environ, "NEWSWIRE_HOME": str(home)}
    return subprocess.Popen(
        [NEWSWIRE, "ingest", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def wait_for(dsn: str, sql: str, timeout: float = 60) -> tuple:
    """The first row of ``sql`` once there is one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
                cur.execute(sql)
                row = cur.fetchone()
            conn.close()
            if row:
                return row
        except psycopg2.OperationalError:
            pass  # the server is restarting
        time.sleep(0.05)
    raise AssertionError(f"nothing for {sql} within {timeout} s")


def test_a_killed_run_is_closed_by_the_next_run_of_its_site(warehouse, site, query, tmp_path):
    killed = start("--base-url", site.base_url, "--dsn", warehouse, *SLOW, home=tmp_path)
    (run_key,) = wait_for(warehouse, "SELECT DISTINCT run_key FROM newswire.staged_releases")
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert query(warehouse, "SELECT status FROM newswire.ingestion_runs") == [("running",)]

    after = start("--base-url", site.base_url, "--dsn", warehouse, home=tmp_path)
    out, err = after.communicate(timeout=300)
    assert after.returncode == 0, err
    assert f"closed run {run_key}" in err and "staged rows removed" in err, err
    assert query(
        warehouse, "SELECT status FROM newswire.ingestion_runs WHERE run_key = %s", (run_key,)
    ) == [("failed",)]
    assert query(warehouse, "SELECT count(*) FROM newswire.staged_releases") == [(0,)]
    assert query(warehouse, "SELECT count(*) FROM newswire.releases") == [(RELEASES,)]


def test_two_runs_of_one_site_at_once_load_each_release_once(warehouse, site, query, tmp_path):
    first = start("--base-url", site.base_url, "--dsn", warehouse, *SLOW, home=tmp_path)
    (run_key,) = wait_for(
        warehouse, "SELECT run_key FROM newswire.ingestion_runs WHERE status = 'running'"
    )
    second = start("--base-url", site.base_url, "--dsn", warehouse, home=tmp_path)
    _, first_err = first.communicate(timeout=300)
    _, second_err = second.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0, first_err + second_err
    assert f"newswire ingest: waiting for run {run_key} of {site.base_url} to end" in second_err
    assert query(
        warehouse, "SELECT sum(loaded_new), count(*), bool_and(status = 'success')"
        " FROM newswire.ingestion_runs",
    ) == [(RELEASES, 2, True)]  # fmt: skip
    assert query(warehouse, "SELECT count(*) FROM newswire.releases") == [(RELEASES,)]


def test_a_postgresql_restart_during_a_run_is_one_line_and_keeps_the_port(site, tmp_path):
    home = tmp_path / "home"
    server = EmbeddedPostgres(home / "postgres")
    runs = []
    try:
        dsn = server.ensure_running()
        migrate(dsn)
        port = server.running_port()
        run = start("--base-url", site.base_url, *SLOW, home=home)  # the embedded server
        runs.append(run)
        wait_for(dsn, "SELECT 1 FROM newswire.staged_releases LIMIT 1")
        server.stop()
        assert server.ensure_running() == dsn  # the same port: a DSN handed out stays valid
        assert server.running_port() == port
        _, err = run.communicate(timeout=300)
        assert run.returncode == 1, err
        assert "Traceback" not in err, err
        lines = [line for line in err.splitlines() if not line.startswith("newswire: ")]
        assert len(lines) == 1 and lines[0].startswith("newswire ingest: lost the warehouse"), err

        again = start("--base-url", site.base_url, home=home)
        runs.append(again)
        _, err = again.communicate(timeout=300)
        assert again.returncode == 0, err
        with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT count(*) FILTER (WHERE status = 'running') FROM newswire.ingestion_runs"
            )
            assert cur.fetchone() == (0,)
            cur.execute("SELECT count(*) FROM newswire.staged_releases")
            assert cur.fetchone() == (0,)
            cur.execute("SELECT count(*) FROM newswire.releases")
            assert cur.fetchone() == (RELEASES,)
        conn.close()
    finally:
        for process in runs:  # first: a command still starting would start the server again
            process.kill()
            process.wait()
        server.stop()
        if not server.server_dir.is_relative_to(tmp_path):  # as root: /var/lib/newswire/...
            shutil.rmtree(server.server_dir, ignore_errors=True)
