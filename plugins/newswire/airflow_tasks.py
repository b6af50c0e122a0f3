"""What each task of the ``prnewswire_ingest`` DAG calls: Airflow settings in, pipeline out.

The warehouse comes from the Airflow connection ``newswire_warehouse`` (for example
``AIRFLOW_CONN_NEWSWIRE_WAREHOUSE``), the source site from the Variable
``prnewswire_base_url``, else ``PRNEWSWIRE_BASE_URL``, else the real site. Tasks exchange
only run keys, URLs and counts through XCom; pages and records stay in the warehouse.
"""

from __future__ import annotations

from dataclasses import asdict

from psycopg2.extensions import make_dsn

from newswire import pipeline, settings
from newswire.migrations import migrate

# Connection extras that are libpq parameters and may be passed through.
_LIBPQ_EXTRAS = ("sslmode", "sslcert", "sslkey", "sslrootcert", "connect_timeout",
                 "application_name", "options", "target_session_attrs")


def warehouse_dsn() -> str:
    from airflow.sdk import Connection

    conn = Connection.get(settings.AIRFLOW_CONN_ID)
    extras = {k: v for k, v in conn.extra_dejson.items() if k in _LIBPQ_EXTRAS}
    return make_dsn(host=conn.host, port=conn.port, user=conn.login, password=conn.password,
                    dbname=conn.schema, **extras)


def source_base_url() -> str:
    from airflow.sdk import Variable

    return settings.base_url(Variable.get(settings.AIRFLOW_BASE_URL_VARIABLE, default=None))


def migrate_warehouse() -> list[str]:
    return [m.path.name for m in migrate(warehouse_dsn())]


def discover(run_id: str, limit: int | None = None) -> list[str]:
    return pipeline.discover_step(warehouse_dsn(), source_base_url(), run_id, limit=limit,
                                  dag_run_id=run_id)


def fetch(run_id: str, urls: list[str]) -> dict:
    return pipeline.fetch_step(warehouse_dsn(), source_base_url(), run_id, urls)


def load(run_id: str) -> dict:
    summary = pipeline.load_step(warehouse_dsn(), run_id)
    print(summary.as_text())
    return asdict(summary)
