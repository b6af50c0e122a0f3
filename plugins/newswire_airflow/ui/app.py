"""The warehouse pages, read through the Airflow connection ``newswire_warehouse`` on one
connection per page load:

- ``/``: the overview: a template drift warning while a source's latest run found one,
  releases per day (a bar chart of the last days that have releases), the latest releases,
  rejects by reason, ingestion lag and the latency from the wire to the warehouse (of live
  releases against the target, and of all by day), read from the report views
  (``newswire.report_*``), the watchlists with their recent alerts, and a search box;
- ``/search``: the ranked search of ``newswire search`` (:mod:`newswire.warehouse.search`)
  with its ticker, issuer, date and order options, the best ``limit`` hits;
- ``/releases/<wire>/<release_id>``: one release, which layer gave each of its fields, its
  versions and what changed in one of them (``?version=N``: from N-1 to N; the newest by
  default).

The page is rendered on the server from the Jinja2 templates in ``templates/`` (autoescaped:
titles and other warehouse text are shown as text, never as markup) as one HTML document
with an inline SVG chart: no build step, no scripts, nothing fetched from elsewhere, so it
works in an air-gapped deployment and inside the UI's iframe. Links between the pages are
relative, so they work wherever the app is mounted. Airflow mounts plugin apps without its
own authentication, so every page asks Airflow's auth manager itself whether the user may
see it, and hides the watchlists' delivery targets and errors from a user who may not read
connections (:mod:`newswire_airflow.ui.auth`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

import jinja2
import psycopg2
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from newswire import wires
from newswire.changes import MAX_BODY_CHARS, compare
from newswire.links import web_url
from newswire.record import PAGE_FIELDS
from newswire.settings import AIRFLOW_CONN_ID
from newswire.warehouse.connection import connect
from newswire.warehouse.releases import read_records, read_release
from newswire.warehouse.reports import run_report
from newswire.warehouse.search import WINDOW, search
from newswire.warehouse.validation import MAX_ID_CHARS
from newswire.warehouse.watchlists import overview as watchlists_overview
from newswire_airflow.hooks.warehouse import WarehouseConnectionMissing, warehouse_dsn
from newswire_airflow.ui.auth import PageAccess, page_access

CHART_DAYS = 30
# The search page's inputs: the longest text each takes, and the page sizes it offers.
SEARCH_INPUTS = {"q": 200, "ticker": 30, "issuer": 200, "since": 10, "until": 10}
PAGE_SIZES = (20, 50, 100)
ORDERS = ("rank", "recent")

app = FastAPI(title="Newswire", docs_url=None, redoc_url=None, openapi_url=None)


def without_delivery(watchlist: dict) -> dict:
    """``watchlist`` (of :func:`~newswire.warehouse.watchlists.overview`) without where its
    alerts go (webhook connection id, e-mail addresses) and its delivery errors: what a user
    who may not read Airflow's connections sees."""
    alerts = [{**alert, "last_error": None} for alert in watchlist["alerts"]]
    return {**watchlist, "webhook_conn_id": None, "email_to": None, "alerts": alerts}


def releases_per_day(rows: list[dict]) -> Chart:
    """The chart of the ``CHART_DAYS`` latest days that have releases, from the rows of
    ``report_releases_per_day`` (newest first, one a day and wire)."""
    daily: dict[date, int] = {}
    for row in rows:
        daily[row["day"]] = daily.get(row["day"], 0) + row["releases"]
    return Chart.of(sorted((day, n) for day, n in daily.items() if n)[-CHART_DAYS:])


def _first(rows: list[dict]) -> dict:
    return rows[0]


@dataclass(frozen=True, kw_only=True)
class Section:
    """One section of the overview page: what it reads, and the partial in ``templates/``
    that shows it (given ``section`` and ``data``). A new section is one entry in
    :data:`SECTIONS` and its partial."""

    template: str
    title: str = ""  # the partial's heading, if it has one
    report: str = ""  # read the first ``limit`` rows of ``newswire.report_<report>`` ...
    limit: int = 0
    query: Callable[[Any], list[dict]] | None = None  # ... or these rows, read on ``conn``
    shape: Callable[[list[dict]], Any] | None = None  # the rows as the partial takes them
    # Each row as shown to a user who may not read Airflow's connections (None: as it is).
    without_connections: Callable[[dict], dict] | None = None

    def read(self, dsn: str, conn) -> Any:
        if self.query is not None:
            rows = self.query(conn)
        else:
            columns, values = run_report(dsn, self.report, self.limit, conn=conn)
            rows = [dict(zip(columns, row)) for row in values]
        return self.shape(rows) if self.shape else rows

    def shown_to(self, data: Any, access: PageAccess) -> Any:
        """``data`` as the user of ``access`` may see it."""
        if self.without_connections is None or access.sees_connections:
            return data
        return [self.without_connections(row) for row in data]


# The overview page, top to bottom.
SECTIONS = (
    Section(template="_totals.html", report="warehouse_totals", limit=1, shape=_first),
    Section(
        template="_template_drift.html",
        title="Template drift",
        report="template_drift",
        limit=20,
    ),
    Section(
        template="_releases_per_day.html",
        title="Releases per day (UTC)",
        report="releases_per_day",
        limit=CHART_DAYS * len(wires.BY_NAME),  # newest first, one row a day and wire
        shape=releases_per_day,
    ),
    Section(
        template="_latest_releases.html",
        title="Latest releases",
        report="latest_releases",
        limit=20,
    ),
    Section(
        template="_rejects.html",
        title="Rejects by reason",
        report="rejects_by_reason",
        limit=20,
    ),
    Section(
        template="_ingestion_lag.html",
        title="Ingestion lag (publication to first fetch), by publication day",
        report="ingestion_lag",
        limit=14,
    ),
    Section(
        template="_live_latency.html",
        title="Live releases, publication to loaded (last 7 days)",
        report="live_latency",
        limit=len(wires.BY_NAME),
    ),
    Section(
        template="_latency.html",
        title="From the wire to the warehouse, by publication day (backfilled releases included)",
        report="ingestion_latency",
        limit=14,  # days x wires
    ),
    Section(
        template="_watchlists.html",
        title="Watchlists and their recent alerts",
        query=watchlists_overview,
        without_connections=without_delivery,
    ),
)


def read_overview(dsn: str) -> list[tuple[Section, Any]]:
    """Every section of the page with what it shows, read on one connection."""
    with connect(dsn) as conn:
        return [(section, section.read(dsn, conn)) for section in SECTIONS]


class BadInput(ValueError):
    """An input a page cannot use; the message says which and why, in one line."""


@dataclass
class SearchCriteria:
    """The search page's inputs, checked: the arguments of ``search``."""

    query: str
    ticker: str | None
    issuer: str | None
    since: date | None
    until: date | None
    order: str
    limit: int

    @classmethod
    def of(cls, params: Mapping[str, str]) -> SearchCriteria:
        """The criteria of the page's query parameters; BadInput names the first bad one."""
        for name, most in SEARCH_INPUTS.items():
            if len(params.get(name, "")) > most:
                raise BadInput(f"{name} is longer than {most} characters")
        order = params.get("order") or ORDERS[0]
        if order not in ORDERS:
            raise BadInput(f"order must be one of {', '.join(ORDERS)}")
        limit = params.get("limit") or str(PAGE_SIZES[0])
        if limit not in {str(size) for size in PAGE_SIZES}:
            raise BadInput(f"limit must be one of {', '.join(map(str, PAGE_SIZES))}")
        since, until = _day(params, "since"), _day(params, "until")
        if since and until and since > until:
            raise BadInput("since is after until")
        return cls(
            query=params.get("q", "").strip(),
            ticker=params.get("ticker", "").strip() or None,
            issuer=params.get("issuer", "").strip() or None,
            since=since,
            until=until,
            order=order,
            limit=int(limit),
        )


def _day(params: Mapping[str, str], name: str) -> date | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{name} is not a date: write it as YYYY-MM-DD") from None


@app.exception_handler(WarehouseConnectionMissing)
def _missing_connection(request: Request, exc: WarehouseConnectionMissing) -> HTMLResponse:
    return _page(request, "error.html", 503, missing_connection=AIRFLOW_CONN_ID, error="")


@app.exception_handler(psycopg2.Error)
def _unreadable_warehouse(request: Request, exc: psycopg2.Error) -> HTMLResponse:
    """A warehouse that cannot be read gives a 503 page that says why."""
    error = (str(exc).strip() or type(exc).__name__).splitlines()[0]
    return _page(request, "error.html", 503, missing_connection="", error=error)


@app.get("/", response_class=HTMLResponse)
def warehouse_page(request: Request, access: PageAccess = Depends(page_access)) -> HTMLResponse:
    sections = [(s, s.shown_to(data, access)) for s, data in read_overview(warehouse_dsn())]
    return _page(request, "overview.html", sections=sections)


@app.get("/search", response_class=HTMLResponse, dependencies=[Depends(page_access)])
def search_page(request: Request) -> HTMLResponse:
    """The search form, and its hits once it has a query; 400 for an input it cannot use."""
    params = request.query_params
    typed = {name: params.get(name, "")[:most] for name, most in SEARCH_INPUTS.items()}
    typed.update(order=params.get("order", ""), limit=params.get("limit", ""))
    try:
        criteria = SearchCriteria.of(params)
    except BadInput as exc:
        return _search_page(request, typed, 400, error=str(exc), hits=None)
    hits = None
    if criteria.query:
        hits = search(
            warehouse_dsn(),
            criteria.query,
            since=criteria.since,
            until=criteria.until,
            ticker=criteria.ticker,
            issuer=criteria.issuer,
            order=criteria.order,
            limit=criteria.limit,
        )
    return _search_page(request, typed, error="", hits=hits, criteria=criteria)


def _search_page(request: Request, typed: dict, status_code: int = 200, **context):
    limits = {"limits": SEARCH_INPUTS, "page_sizes": PAGE_SIZES, "window": WINDOW}
    return _page(request, "search.html", status_code, typed=typed, **limits, **context)


@app.get(
    "/releases/{wire}/{release_id:path}",
    response_class=HTMLResponse,
    dependencies=[Depends(page_access)],
)
def release_page(request: Request, wire: str, release_id: str) -> HTMLResponse:
    """One release with its versions and what changed in one of them (``?version=N``, the
    newest by default); 404 for a release the warehouse does not hold."""
    root = "../../"  # the pages' root, relative to /releases/<wire>/<release_id>
    if wire not in wires.BY_NAME or len(release_id) > MAX_ID_CHARS:
        return _not_found(request, wire, release_id, root)
    with connect(warehouse_dsn()) as conn:
        release = read_release(conn, wire, release_id)
        if release is None:
            return _not_found(request, wire, release_id, root)
        newest = release.versions[0]["version"]  # an older fetch's version may be newer
        asked = request.query_params.get("version", str(newest))
        if not re.fullmatch(r"[0-9]{1,9}", asked) or not 1 <= int(asked) <= newest:
            error = f"version must be a number from 1 to {newest}"
            context = {"release": release, "error": error, "version": None, "changes": None}
            return _page(
                request, "release.html", 400, root=root, page_fields=PAGE_FIELDS, **context
            )
        version = int(asked)
        records = read_records(conn, wire, release_id, [version - 1, version])
    changes = compare(records[version - 1], records[version]) if len(records) == 2 else None
    return _page(
        request,
        "release.html",
        root=root,
        release=release,
        page_fields=PAGE_FIELDS,
        error="",
        version=version,
        changes=changes,
        max_body_chars=MAX_BODY_CHARS,
    )


def _not_found(request: Request, wire: str, release_id: str, root: str) -> HTMLResponse:
    return _page(request, "not_found.html", 404, root=root, wire=wire, release_id=release_id)


def _page(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    """``template`` rendered with ``context``; ``root`` (the relative link to the app's root,
    for the links between pages) is "" unless given."""
    context.setdefault("root", "")
    return templates.TemplateResponse(request, template, context, status_code=status_code)


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


def format_seconds(value) -> str:
    """A number of seconds (a latency) as people read it, to the precision that matters at
    its size: "18.7 s", "1 min 35 s", "3 h 12 min", "2 d 3 h"."""
    if value is None:
        return ""
    seconds = float(value)
    if abs(seconds) < 60:
        return f"{seconds:.1f} s"
    if abs(seconds) < 3600:
        minutes, rest = divmod(int(abs(seconds)), 60)
        sign = "-" if seconds < 0 else ""
        return f"{sign}{minutes} min {rest} s" if rest else f"{sign}{minutes} min"
    return format_duration(timedelta(seconds=seconds))


def path_part(value: str) -> str:
    """One path segment of a link, every reserved character escaped (a "/" too)."""
    return quote(value, safe="")


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
templates.env.filters["web_url"] = web_url
templates.env.filters["seconds"] = format_seconds
templates.env.filters["path_part"] = path_part
