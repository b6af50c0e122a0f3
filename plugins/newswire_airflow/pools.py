"""The Airflow pool ``newswire_http``: its name and size, in one place.

The ingestion DAGs put their HTTP tasks in it, the tasks share the polite per-host rate by
its size, and the deployments create it from here: ``python -m newswire_airflow.pools``
runs ``airflow pools set`` with these values (``make up``, compose's ``airflow-init``).
Tasks in a pool that does not exist are never scheduled. Cheap to import: DAG files use it.
"""

from __future__ import annotations

import os

HTTP_POOL = "newswire_http"
# Caps the concurrent HTTP tasks on the source site; each task gets an equal share of the
# polite per-host rate, so a full pool together stays at that rate.
HTTP_POOL_SLOTS = 4
HTTP_POOL_DESCRIPTION = (
    "HTTP work on the source sites (the <source>_ingest, _backfill, _recheck and _watch DAGs)"
)


def create_pool_command() -> list[str]:
    """The command that creates the pool, or sets its size and description if it exists."""
    return ["airflow", "pools", "set", HTTP_POOL, str(HTTP_POOL_SLOTS), HTTP_POOL_DESCRIPTION]


if __name__ == "__main__":
    command = create_pool_command()
    os.execvp(command[0], command)
