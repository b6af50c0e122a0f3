"""The warehouse page: releases per day (a bar chart), the latest releases with links,
rejects by reason and ingestion lag, read from the report views (``newswire.report_*``)
through the Airflow connection ``newswire_warehouse``.

The page is rendered on the server as one HTML document with an inline SVG chart: no build
step, no scripts, nothing fetched from elsewhere, so it works in an air-gapped deployment
and inside the UI's iframe. Airflow mounts plugin apps without its own authentication, so
the page asks for a logged-in Airflow user itself (the UI's session cookie reaches the
iframe, which is served from the same origin).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import escape

import psycopg2
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from newswire.warehouse.reports import run_report
from newswire_airflow.connection import WarehouseConnectionMissing, warehouse_dsn

CHART_DAYS = 30
LATEST = 20
LAG_DAYS = 14

_bearer = HTTPBearer(auto_error=False)


async def airflow_user(
    request: Request, bearer: HTTPAuthorizationCredentials | None = Depends(_bearer)
):
    """The logged-in Airflow user, resolved exactly as Airflow's own API does (a bearer
    token, else the UI's session cookie); 401/403 otherwise.

    Imported on use: the API server has it loaded already, while the other processes that
    load plugins (scheduler, workers, every task) never serve the page and should not pay
    for importing the API server's security module."""
    from airflow.api_fastapi.core_api.security import get_user

    return await get_user(request, None, bearer)


app = FastAPI(title="Newswire", docs_url=None, redoc_url=None, openapi_url=None)


@dataclass
class Overview:
    totals: dict
    per_day: list[tuple[date, int]]  # the chart: CHART_DAYS days up to the latest day with data
    latest: list[dict]
    rejects: list[dict]
    lag: list[dict]


def _rows(dsn: str, report: str, limit: int) -> list[dict]:
    columns, rows = run_report(dsn, report, limit)
    return [dict(zip(columns, row)) for row in rows]


def read_overview(dsn: str) -> Overview:
    totals = _rows(dsn, "warehouse_totals", 1)[0]
    daily: dict[date, int] = {}
    for row in _rows(dsn, "releases_per_day", CHART_DAYS * 8):  # newest first, one row a wire
        daily[row["day"]] = daily.get(row["day"], 0) + row["releases"]
    per_day = []
    if daily:
        last = max(daily)
        per_day = [
            (day, daily.get(day, 0))
            for day in (last - timedelta(days=n) for n in range(CHART_DAYS - 1, -1, -1))
        ]
    return Overview(
        totals,
        per_day,
        _rows(dsn, "latest_releases", LATEST),
        _rows(dsn, "rejects_by_reason", 20),
        _rows(dsn, "ingestion_lag", LAG_DAYS),
    )


@app.get("/", response_class=HTMLResponse, dependencies=[Depends(airflow_user)])
def warehouse_page() -> HTMLResponse:
    """The page; a warehouse that cannot be read gives a 503 page that says why."""
    try:
        overview = read_overview(warehouse_dsn())
    except WarehouseConnectionMissing:
        return _error_page("The Airflow connection <code>newswire_warehouse</code> is not set.")
    except psycopg2.Error as exc:
        first_line = (str(exc).strip() or type(exc).__name__).splitlines()[0]
        return _error_page(
            f"The warehouse could not be read: <code>{escape(first_line)}</code>."
            " Is it running, and migrated (<code>newswire db migrate</code>)?"
        )
    return HTMLResponse(render(overview))


# -- rendering ----------------------------------------------------------------------------
_STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 16px 24px;
       color: #1f2933; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
.totals { color: #52606d; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; max-width: 1100px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e4e7eb;
         vertical-align: top; }
th { color: #52606d; font-weight: 600; } td.num, th.num { text-align: right; }
td:first-child, td.num { white-space: nowrap; }
a { color: #0b69a3; } .empty { color: #7b8794; font-style: italic; }
svg text { font-size: 11px; fill: #52606d; } svg rect.bar { fill: #2f80ed; }
svg rect.bar:hover { fill: #1a56a8; }
"""


def _page(body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Newswire warehouse</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def _error_page(message_html: str) -> HTMLResponse:
    body = f'<h1>Newswire warehouse</h1><p role="alert">{message_html}</p>'
    return HTMLResponse(_page(body), status_code=503)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, timedelta):
        return format_duration(value)
    return escape(str(value))


def format_duration(value: timedelta) -> str:
    """A lag as people read it: "2 d 3 h", "3 h 12 min", "45 s"."""
    seconds = int(value.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        parts = [f"{days} d", f"{hours} h" if hours else ""]
    elif hours:
        parts = [f"{hours} h", f"{minutes} min" if minutes else ""]
    elif minutes:
        parts = [f"{minutes} min"]
    else:
        parts = [f"{secs} s"]
    return sign + " ".join(p for p in parts if p)


def _table(rows: list[dict], columns: list[tuple[str, str]], empty: str, numeric=()) -> str:
    """A table of report rows: (key, heading) columns; ``numeric`` keys align right."""
    if not rows:
        return f'<p class="empty">{escape(empty)}</p>'

    def cell(tag: str, key: str, content: str) -> str:
        attributes = ' class="num"' if key in numeric else ""
        return f"<{tag}{attributes}>{content}</{tag}>"

    head = "".join(cell("th", key, escape(heading)) for key, heading in columns)
    body = "".join(
        "<tr>" + "".join(cell("td", key, _text(row[key])) for key, _ in columns) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def chart(per_day: list[tuple[date, int]]) -> str:
    """Releases per day as an SVG bar chart; every bar carries its day and count."""
    if not per_day:
        return '<p class="empty">No releases yet.</p>'
    width, height, left, bottom, top = 760, 190, 36, 22, 10
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max(count for _, count in per_day) or 1
    step = plot_w / len(per_day)
    first, last = per_day[0][0].isoformat(), per_day[-1][0].isoformat()
    bars = []
    for i, (day, count) in enumerate(per_day):
        bar_h = plot_h * count / peak
        x, y = left + i * step + 1, top + plot_h - bar_h
        bars.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{max(step - 2, 1):.1f}" '
            f'height="{bar_h:.1f}" data-day="{day.isoformat()}" data-releases="{count}">'
            f"<title>{day.isoformat()}: {count} releases</title></rect>"
        )
    axis_y = top + plot_h
    labels = (
        f'<text x="{left - 4}" y="{top + 9}" text-anchor="end">{peak}</text>'
        f'<text x="{left - 4}" y="{axis_y}" text-anchor="end">0</text>'
        f'<text x="{left}" y="{height - 6}">{first}</text>'
        f'<text x="{width - 8}" y="{height - 6}" text-anchor="end">{last}</text>'
    )
    return (
        f'<svg id="releases-per-day" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-label="Releases per day, {first} to {last}">'
        f'<line x1="{left}" y1="{axis_y}" x2="{width - 8}" y2="{axis_y}" stroke="#9aa5b1"/>'
        + "".join(bars)
        + labels
        + "</svg>"
    )


def _latest_table(rows: list[dict]) -> str:
    if not rows:
        return '<p class="empty">No releases yet.</p>'
    body = "".join(
        f"<tr><td>{_text(r['published_at'])}</td><td>{_text(r['wire'])}</td>"
        f'<td>{_text(r["issuer"])}</td><td><a href="{escape(r["url"])}" target="_blank" '
        f'rel="noopener noreferrer">{_text(r["title"])}</a></td></tr>'
        for r in rows
    )
    return (
        '<table id="latest-releases"><thead><tr><th>Published</th><th>Wire</th>'
        f"<th>Issuer</th><th>Title</th></tr></thead><tbody>{body}</tbody></table>"
    )


def render(overview: Overview) -> str:
    t = overview.totals
    held = (
        f"{t['releases']} releases ({t['versions']} versions) from {t['organizations']} "
        f"organizations, published {_text(t['first_published'])} to "
        f"{_text(t['last_published'])}."
        if t["releases"]
        else "No releases yet."
    )
    totals = (
        f'<p class="totals">{held} Ingestion runs: {t["runs"]}. '
        f"Open rejects: {t['open_rejects']}.</p>"
    )
    days = f"{overview.per_day[0][0]} to {overview.per_day[-1][0]}" if overview.per_day else ""
    rejects = _table(
        overview.rejects,
        [
            ("stage", "Stage"),
            ("reason", "Reason"),
            ("rejects", "Rejects"),
            ("still_open", "Still open"),
            ("latest", "Latest"),
        ],
        "No rejects: every page fetched was parsed and loaded.",
        numeric=("rejects", "still_open"),
    )
    lag = _table(
        overview.lag,
        [
            ("day", "Day"),
            ("releases", "Releases"),
            ("median_lag", "Median lag"),
            ("max_lag", "Max lag"),
        ],
        "No releases yet.",
        numeric=("releases", "median_lag", "max_lag"),
    )
    return _page(
        "<h1>Newswire warehouse</h1>"
        + totals
        + f"<h2>Releases per day (UTC) {escape(days)}</h2>"
        + chart(overview.per_day)
        + "<h2>Latest releases</h2>"
        + _latest_table(overview.latest)
        + "<h2>Rejects by reason</h2>"
        + rejects
        + "<h2>Ingestion lag (publication to first fetch), by publication day</h2>"
        + lag
    )
