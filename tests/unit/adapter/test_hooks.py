"""The warehouse hook (``newswire_airflow.hooks.warehouse``): the connection
``newswire_warehouse`` read through the Postgres provider's hook, as a psycopg2 DSN. The
connection comes from the environment, as Airflow reads ``AIRFLOW_CONN_<ID>``."""

import pytest
from airflow.providers.postgres.hooks.postgres import PostgresHook
from psycopg2.extensions import parse_dsn

from newswire_airflow.hooks.warehouse import (
    NewswireWarehouseHook,
    WarehouseConnectionMissing,
    warehouse_dsn,
)


def test_the_hook_is_the_postgres_providers_on_the_warehouse_connection():
    hook = NewswireWarehouseHook()
    assert isinstance(hook, PostgresHook)
    assert hook.get_conn_id() == "newswire_warehouse"


def test_the_dsn_keeps_every_part_of_the_connection_and_its_libpq_extras(monkeypatch):
    """Reserved characters in the user name and password survive; libpq extras are passed
    through; the provider's own extras (``cursor``) are not libpq's and stay out."""
    monkeypatch.setenv(
        "AIRFLOW_CONN_NEWSWIRE_WAREHOUSE",
        "postgresql://us%40er:p%40ss%3Aw%2Fd%20x@db.example:5433/news"
        "?sslmode=verify-full&connect_timeout=7&cursor=dictcursor",
    )
    assert parse_dsn(warehouse_dsn()) == {
        "user": "us@er",
        "password": "p@ss:w/d x",
        "host": "db.example",
        "port": "5433",
        "dbname": "news",
        "sslmode": "verify-full",
        "connect_timeout": "7",
    }


def test_another_connection_can_be_named(monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_OTHER_WAREHOUSE", "postgresql://u@h/other")
    dsn = NewswireWarehouseHook(newswire_conn_id="other_warehouse").get_dsn()
    assert parse_dsn(dsn) == {"user": "u", "host": "h", "dbname": "other"}


def test_a_missing_connection_says_what_to_set(monkeypatch):
    """No connection, no silent fallback (no embedded server, not NEWSWIRE_DSN)."""
    monkeypatch.delenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", raising=False)
    monkeypatch.setenv("NEWSWIRE_DSN", "postgresql://u@h/elsewhere")
    with pytest.raises(WarehouseConnectionMissing, match="AIRFLOW_CONN_NEWSWIRE_WAREHOUSE"):
        warehouse_dsn()
