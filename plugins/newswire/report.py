"""``newswire report``: the report views (``sql/reports/``, ``newswire.report_<name>``) as tables."""

from __future__ import annotations

import unicodedata

from psycopg2 import sql

from newswire import settings
from newswire.db import connect

DEFAULT_REPORTS = ("releases_per_day", "top_issuers")


def report_names() -> list[str]:
    return sorted(path.stem for path in (settings.sql_dir() / "reports").glob("*.sql"))


def run_report(dsn: str, name: str, limit: int = 20) -> tuple[list[str], list[tuple]]:
    if name not in report_names():
        raise KeyError(f"no report {name!r}; available: {', '.join(report_names())}")
    query = sql.SQL("SELECT * FROM newswire.{} LIMIT %s").format(sql.Identifier(f"report_{name}"))
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(query, (limit,))
        return [col.name for col in cur.description], cur.fetchall()


def display_width(text: str) -> int:
    """Columns a terminal uses for ``text``: wide East Asian characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in text)


def format_table(columns: list[str], rows: list[tuple]) -> str:
    cells = [columns] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(columns))]
    lines = ["  ".join(c + " " * (w - display_width(c)) for c, w in zip(row, widths)).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def print_reports(dsn: str, names, limit: int = 20) -> None:
    for name in names:
        columns, rows = run_report(dsn, name, limit)
        print(f"== {name.replace('_', ' ')}")
        print(format_table(columns, rows))
        print()
