"""The report views (``sql/reports/<name>.sql``, created as ``newswire.report_<name>``)."""

from __future__ import annotations

from psycopg2 import sql

from newswire.warehouse.connection import connect
from newswire.warehouse.migrations import available_views


def report_names() -> list[str]:
    return [view.name for view in available_views()]


def run_report(dsn: str, name: str, limit: int = 20, *, conn=None) -> tuple[list[str], list[tuple]]:
    """The first ``limit`` rows of a report: (column names, rows). Pass ``conn`` to read
    several reports on one connection."""
    if name not in report_names():
        raise KeyError(f"no report {name!r}; available: {', '.join(report_names())}")
    query = sql.SQL("SELECT * FROM newswire.{} LIMIT %s").format(sql.Identifier(f"report_{name}"))
    if conn is None:
        with connect(dsn) as own:
            return run_report(dsn, name, limit, conn=own)
    with conn.cursor() as cur:
        cur.execute(query, (limit,))
        return [col.name for col in cur.description], cur.fetchall()
