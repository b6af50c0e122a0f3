"""Shared fixtures: a real PostgreSQL server, fresh warehouses, the sample site, Airflow home.

Airflow reads its configuration at import, so its environment is set here, before any test
module imports it: an isolated AIRFLOW_HOME, this project's DAGs folder, no examples.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"

_AIRFLOW_HOME = tempfile.mkdtemp(prefix="newswire-airflow-")
os.environ["AIRFLOW_HOME"] = _AIRFLOW_HOME
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(ROOT / "dags")
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(ROOT / "plugins")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ.pop("NEWSWIRE_DSN", None)
os.environ.pop("PRNEWSWIRE_BASE_URL", None)


@pytest.fixture(scope="session")
def pg_server():
    """A private PostgreSQL server for the whole test session (stopped and removed at the end).

    Its folder is world-searchable because, as root, the server runs as its own account."""
    from newswire.warehouse.embedded import EmbeddedPostgres

    root = Path(tempfile.mkdtemp(prefix="newswire-test-pg-"))
    root.chmod(0o755)
    server = EmbeddedPostgres(root)
    admin_dsn = server.ensure_running("postgres")
    yield server, admin_dsn
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


def create_database(pg_server, prefix: str = "t") -> str:
    """A brand-new, empty database on the test server; its DSN."""
    server, admin_dsn = pg_server
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    conn = psycopg2.connect(admin_dsn)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return server.dsn(server.running_port(), name)


def airflow_env(home: Path, **settings: str) -> dict[str, str]:
    """The environment of an Airflow process of its own: this shell's environment without
    its AIRFLOW* settings, an isolated home, this project's DAGs and plugins, no examples."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "PATH": f"{Path(sys.executable).parent}:{env['PATH']}",
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        }
    )
    env.update(settings)
    return env


@pytest.fixture
def empty_db(pg_server):
    """The DSN of a brand-new, empty database on the test server."""
    return create_database(pg_server)


@pytest.fixture
def warehouse(empty_db):
    """A migrated warehouse."""
    from newswire.warehouse.migrations import migrate

    migrate(empty_db)
    return empty_db


@pytest.fixture
def query():
    """``query(dsn, sql, params)`` -> all rows, on a connection of its own."""

    def run(dsn: str, sql: str, params=None) -> list[tuple]:
        conn = psycopg2.connect(dsn)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()
        finally:
            conn.close()

    return run


@pytest.fixture(scope="session")
def sample_site():
    """The bundled sample site on loopback, 120 releases (the demo's size)."""
    from newswire_sample_site.server import SampleSite

    with SampleSite(count=120, seed=7) as site:
        yield site
