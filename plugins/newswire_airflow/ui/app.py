"""The warehouse page: releases per day (a bar chart), the latest releases with links,
rejects by reason and ingestion lag, read from the report views (``newswire.report_*``), and
the watchlists with their recent alerts, through the Airflow connection
``newswire_warehouse``, on one connection per page load.

The page is rendered on the server from the Jinja2 templates in ``templates/`` (autoescaped:
titles and other warehouse text are shown as text, never as markup) as one HTML document
with an inline SVG chart: no build step, no scripts, nothing fetched from elsewhere, so it
works in an air-gapped deployment and inside the UI's iframe. Airflow mounts plugin apps
without its own authentication, so the page asks for a logged-in Airflow user itself
(:mod:`newswire_airflow.ui.auth`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import jinja2
import psycopg2
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from newswire.settings import AIRFLOW_CONN_ID
from newswire.warehouse.connection import connect
from newswire.warehouse.reports import run_report
from newswire.warehouse.watchlists import overview as watchlists_overview
from newswire_airflow.connection import WarehouseConnectionMissing, warehouse_dsn
from newswire_airflow.ui.auth import airflow_user

CHART_DAYS = 30
LATEST = 20
REJECT_REASONS = 20
LAG_DAYS = 14

app = FastAPI(title="Newswire", docs_url=None, redoc_url=None, openapi_url=None)


@dataclass
class Overview:
    totals: dict
    per_day: list[tuple[date, int]]  # the chart: CHART_DAYS days up to the latest day with data
    latest: list[dict]
    rejects: list[dict]
    lag: list[dict]
    watchlists: list[dict]  # each with its recent alerts (templates/_watchlists.html)


def read_overview(dsn: str) -> Overview:
    """Every report the page shows, read on one connection."""
    with connect(dsn) as conn:

        def rows(report: str, limit: int) -> list[dict]:
            columns, values = run_report(dsn, report, limit, conn=conn)
            return [dict(zip(columns, row)) for row in values]

        totals = rows("warehouse_totals", 1)[0]
        per_wire_and_day = rows("releases_per_day", CHART_DAYS * 8)  # newest first, one row a wire
        latest = rows("latest_releases", LATEST)
        rejects = rows("rejects_by_reason", REJECT_REASONS)
        lag = rows("ingestion_lag", LAG_DAYS)
        watchlists = watchlists_overview(conn)
    daily: dict[date, int] = {}
    for row in per_wire_and_day:
        daily[row["day"]] = daily.get(row["day"], 0) + row["releases"]
    per_day = []
    if daily:
        last = max(daily)
        per_day = [
            (day, daily.get(day, 0))
            for day in (last - timedelta(days=n) for n in range(CHART_DAYS - 1, -1, -1))
        ]
    return Overview(totals, per_day, latest, rejects, lag, watchlists)


@app.get("/", response_class=HTMLResponse, dependencies=[Depends(airflow_user)])
def warehouse_page(request: Request) -> HTMLResponse:
    """The page; a warehouse that cannot be read gives a 503 page that says why."""
    try:
        overview = read_overview(warehouse_dsn())
    except WarehouseConnectionMissing:
        return _error_page(request, missing_connection=AIRFLOW_CONN_ID)
    except psycopg2.Error as exc:
        return _error_page(request, error=(str(exc).strip() or type(exc).__name__).splitlines()[0])
    return templates.TemplateResponse(
        request, "overview.html", {"overview": overview, "chart": Chart.of(overview.per_day)}
    )


def _error_page(request: Request, *, missing_connection: str = "", error: str = ""):
    return templates.TemplateResponse(
        request,
        "error.html",
        {"missing_connection": missing_connection, "error": error},
        status_code=503,
    )


# -- rendering ----------------------------------------------------------------------------
def format_cell(value) -> str:
    """A report value as the page shows it: UTC times to the minute, lags as people read them."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, timedelta):
        return format_duration(value)
    return str(value)


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


@dataclass
class Bar:
    day: date
    releases: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class Chart:
    """Releases per day as the geometry of an SVG bar chart (``templates/overview.html``
    draws it); every bar carries its day and count."""

    bars: list[Bar]
    peak: int
    width: int = 760
    height: int = 190
    left: int = 36
    bottom: int = 22
    top: int = 10

    @property
    def axis_y(self) -> int:
        return self.height - self.bottom

    @classmethod
    def of(cls, per_day: list[tuple[date, int]]) -> Chart:
        chart = cls(bars=[], peak=max((count for _, count in per_day), default=0) or 1)
        plot_h = chart.height - chart.bottom - chart.top
        step = (chart.width - chart.left - 8) / max(len(per_day), 1)
        for i, (day, count) in enumerate(per_day):
            bar_h = plot_h * count / chart.peak
            chart.bars.append(
                Bar(
                    day=day,
                    releases=count,
                    x=chart.left + i * step + 1,
                    y=chart.top + plot_h - bar_h,
                    width=max(step - 2, 1),
                    height=bar_h,
                )
            )
        return chart


templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.PackageLoader("newswire_airflow", "ui/templates"),
        autoescape=True,  # every template is HTML, every value from the warehouse is text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
)
templates.env.filters["cell"] = format_cell
