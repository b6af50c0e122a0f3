"""Shared fixtures: a real PostgreSQL server, fresh warehouses, the sample site, Airflow home.

Tests live in three layers, each a folder and a marker (``pytest -m unit``): ``unit`` (no
server, no network), ``integration`` (real PostgreSQL, loopback HTTP), ``e2e`` (Airflow
runs, Celery, Chromium).

Airflow reads its configuration at import, so its environment is set here, before any test
module imports it: an isolated AIRFLOW_HOME, this project's DAGs folder, no examples.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import psycopg2
import pytest

from tests.support import ROOT
from tests.support.postgres import create_database, create_warehouse

LAYERS = ("unit", "integration", "e2e")
SERVER_FIXTURES = {"pg_server", "sample_site"}  # not for the unit layer


_AIRFLOW_HOME = tempfile.mkdtemp(prefix="newswire-airflow-")
os.environ["AIRFLOW_HOME"] = _AIRFLOW_HOME
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(ROOT / "dags")
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(ROOT / "plugins")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ.pop("NEWSWIRE_DSN", None)
os.environ.pop("PRNEWSWIRE_BASE_URL", None)


def pytest_collection_modifyitems(items):
    """Mark every test with its layer, from the folder it is in; a unit test that asks for
    a server is an error."""
    for item in items:
        layer = Path(item.fspath).relative_to(ROOT / "tests").parts[0]
        if layer in LAYERS:
            item.add_marker(layer)
        servers = SERVER_FIXTURES.intersection(item.fixturenames)
        if layer == "unit" and servers:
            raise pytest.UsageError(f"{item.nodeid} is a unit test but uses {sorted(servers)}")


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
    # Its data is thrown away: no shutdown checkpoint, which on a loaded machine outlasted
    # pg_ctl's 60 s wait and turned a green session into an error at teardown.
    server.stop(mode="immediate")
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def empty_db(pg_server):
    """The DSN of a brand-new, empty database on the test server."""
    return create_database(pg_server)


@pytest.fixture
def warehouse(pg_server):
    """A migrated warehouse: a copy of one migrated once per test session (every migration
    itself is tested from an empty database in tests/integration/test_migrations.py)."""
    return create_warehouse(pg_server)


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
