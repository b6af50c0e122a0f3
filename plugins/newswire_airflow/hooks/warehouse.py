"""The warehouse inside Airflow: the connection ``newswire_warehouse`` through the Postgres
provider's hook, as the psycopg2 DSN the core package takes.

The one place the tasks, the trigger, the notifiers and the Newswire page get the warehouse
from. :class:`NewswireWarehouseHook` is the provider's ``PostgresHook`` on that connection:
the hook reads the connection (host, port, login, password, database; IAM tokens when its
extra asks for them) and builds its URI. The package speaks psycopg2 throughout while the
hook hands out psycopg 3 connections, so the hook is asked for the URI alone (with the plain
``postgresql`` scheme libpq reads) and the connection's libpq extras (``sslmode`` and the
like) are added to it. Nothing here starts a server: a missing connection is an error that
says what to set.
"""

from __future__ import annotations

from airflow.providers.postgres.hooks.postgres import PostgresHook
from psycopg2.extensions import make_dsn

from newswire.settings import AIRFLOW_CONN_ID

# Connection extras that are libpq parameters and are passed through to the DSN.
LIBPQ_EXTRAS = (
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


class NewswireWarehouseHook(PostgresHook):
    """The Postgres provider's hook on the connection ``newswire_warehouse`` (or
    ``newswire_conn_id``), with the warehouse as a psycopg2 DSN (:meth:`get_dsn`)."""

    conn_name_attr = "newswire_conn_id"
    default_conn_name = AIRFLOW_CONN_ID
    hook_name = "Newswire warehouse"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, sqlalchemy_scheme="postgresql", **kwargs)

    def get_dsn(self) -> str:
        """The warehouse's DSN for psycopg2; :class:`WarehouseConnectionMissing` when the
        connection is not set."""
        from airflow.sdk.exceptions import AirflowNotFoundException

        try:
            extra = self.connection.extra_dejson
        except AirflowNotFoundException:
            raise WarehouseConnectionMissing() from None
        return make_dsn(self.get_uri(), **{k: v for k, v in extra.items() if k in LIBPQ_EXTRAS})


def warehouse_dsn() -> str:
    """The DSN of the warehouse, from the connection ``newswire_warehouse``; raises
    :class:`WarehouseConnectionMissing` when it is not set."""
    return NewswireWarehouseHook().get_dsn()
