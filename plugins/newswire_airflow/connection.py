"""The warehouse inside Airflow: the connection ``newswire_warehouse``, as the psycopg2 DSN
the core package takes.

The one place the tasks, the failure notifier and the Newswire page get the warehouse from.
Cheap to import (no pipeline, no parsers), so the API server can use it for the page. It is
read through the Task SDK's connection API rather than ``PostgresHook``: the hook hands out
psycopg 3 connections and URIs for them, while the package speaks psycopg2 throughout.
Nothing here starts a server: a missing connection is an error that says what to set.
"""

from __future__ import annotations

from psycopg2.extensions import make_dsn

from newswire.settings import AIRFLOW_CONN_ID

# Connection extras that are libpq parameters and may be passed through.
_LIBPQ_EXTRAS = (
    "sslmode",
    "sslcert",
    "sslkey",
    "sslrootcert",
    "connect_timeout",
    "application_name",
    "options",
    "target_session_attrs",
)


class WarehouseConnectionMissing(LookupError):
    """The Airflow connection ``newswire_warehouse`` is not set."""

    def __init__(self) -> None:
        super().__init__(
            f"the Airflow connection {AIRFLOW_CONN_ID!r} (the newswire warehouse) is not set: "
            f"add it in the UI (Admin > Connections, type Postgres) or with `airflow "
            f"connections add`, or set AIRFLOW_CONN_{AIRFLOW_CONN_ID.upper()} to a "
            "postgresql:// URI"
        )


def warehouse_dsn() -> str:
    """The DSN of the warehouse, from the connection ``newswire_warehouse``; raises
    :class:`WarehouseConnectionMissing` when it is not set."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        conn = Connection.get(AIRFLOW_CONN_ID)
    except AirflowNotFoundException:
        raise WarehouseConnectionMissing() from None
    extras = {k: v for k, v in conn.extra_dejson.items() if k in _LIBPQ_EXTRAS}
    return make_dsn(
        host=conn.host,
        port=conn.port,
        user=conn.login,
        password=conn.password,
        dbname=conn.schema,
        **extras,
    )
