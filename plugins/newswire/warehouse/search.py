"""``newswire search``: ranked full-text search over title, subtitle and body.

A common word matches most of the warehouse, and ranking every match costs a scan of it. So
the ranking is bounded by recency: of the releases matching the query and the filters, the
newest ``WINDOW`` are ranked. They are looked for in growing windows of days back from the
newest release (``WINDOW_DAYS``), so each step reads a bounded number of rows whatever the
query: a common query has its ``WINDOW`` matches within the first days (the planner walks the
``published_at`` index); a rarer one goes on to wider windows, where its matches are sparse
and are read from the full-text index (plain index scans are turned off there: the planner
does not charge enough for testing a release's search vector, and would walk instead).
``--since``, ``--until``, ``--ticker`` and ``--issuer`` narrow the matches before the window
is taken; with ``--until`` the windows count back from the newest release up to that day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from newswire.warehouse.connection import connect

WINDOW = 1000  # the newest matches that are ranked
WINDOW_DAYS = (3, 30, 365, None)  # days back from the newest release; None: all of them
ORDERS = {
    "rank": "rank DESC, r.published_at DESC NULLS LAST",
    "recent": "r.published_at DESC NULLS LAST",
}
# Filters are written in only when given, so the planner sees each as a join it can start from.
FILTERS = {
    "start": "AND r.published_at >= %(start)s",
    "end": "AND r.published_at < %(end)s",
    "issuer": """AND r.issuer_org_id IN (
        SELECT org_id FROM newswire.organizations
        WHERE normalized_name = newswire.normalize_org_name(%(issuer)s))""",
    "symbol": """AND (r.wire, r.release_id) IN (
        SELECT t.wire, t.release_id FROM newswire.release_tickers t
        WHERE t.symbol = %(symbol)s {exchange})""",
}

# The tsquery is written out (not a CTE or a join) so the planner sees its words and how
# common they are.
SEARCH_SQL = """
WITH newest AS MATERIALIZED (
    SELECT r.wire, r.release_id
    FROM newswire.releases r
    WHERE r.search @@ websearch_to_tsquery('english', %(query)s)
      {filters}
    ORDER BY r.published_at DESC NULLS LAST, r.wire, r.release_id
    LIMIT %(window)s
)
SELECT r.published_at, r.issuer, r.title, r.url,
       ts_rank_cd(r.search, websearch_to_tsquery('english', %(query)s)) AS rank,
       r.wire, r.release_id,
       ARRAY(SELECT t.exchange || ':' || t.symbol FROM newswire.release_tickers t
             WHERE (t.wire, t.release_id) = (r.wire, r.release_id)
             ORDER BY t.position LIMIT 10) AS tickers,
       EXISTS (SELECT 1 FROM newswire.corrections c
               WHERE (c.corrects_wire, c.corrects_release_id) = (r.wire, r.release_id))
           AS corrected,
       (SELECT count(*) FROM newest) AS matches
FROM newest JOIN newswire.releases r USING (wire, release_id)
ORDER BY {order}, r.wire, r.release_id
LIMIT %(limit)s
"""
# The snippets of the hits: the body's passages with the query's words, each word between
# the marks (control characters, taken out of the body first, so the body cannot forge one).
MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_CHARS = 20_000  # of the body looked through (ts_headline reads all it is given)
SNIPPET_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxFragments=2, MaxWords=24, MinWords=10,"
    ' FragmentDelimiter=" … "'
)
SNIPPETS_SQL = """
SELECT r.wire, r.release_id,
       ts_headline('english', translate(left(r.body_text, %(chars)s), %(marks)s, ''),
                   websearch_to_tsquery('english', %(query)s), %(options)s)
FROM unnest(%(wires)s::text[], %(release_ids)s::text[]) AS k(wire, release_id)
JOIN newswire.releases r USING (wire, release_id)
"""


class Hit(NamedTuple):
    published_at: datetime | None
    issuer: str | None
    title: str
    url: str
    rank: float
    wire: str
    release_id: str
    tickers: list[str]  # "NASDAQ:WDAY", in order of appearance (the first 10)
    corrected: bool  # a release of its own corrects it ("CORRECTION -- <title>")
    matches: int  # the matches ranked (the same for every hit of a search): WINDOW at most
    snippet: str = ""  # passages of the body, the query's words between MARK_START/MARK_END

    def snippet_parts(self) -> list[tuple[str, bool]]:
        """The snippet as (text, is a word of the query) parts, in order."""
        parts = []
        for i, piece in enumerate(self.snippet.split(MARK_START)):
            marked, _, rest = piece.partition(MARK_END) if i else ("", "", piece)
            parts += [(text, flag) for text, flag in ((marked, True), (rest, False)) if text]
        return parts


def search(
    dsn: str,
    query: str,
    *,
    since: date | None = None,
    until: date | None = None,
    ticker: str | None = None,
    issuer: str | None = None,
    order: str = "rank",
    limit: int = 20,
) -> list[Hit]:
    """Releases matching ``query`` (web-search syntax: words, "phrases", -exclusions, or):
    the best ranked of the newest ``WINDOW`` matches (``order="recent"``: the newest first),
    published on ``since`` or later and on ``until`` or earlier (UTC days). ``ticker`` is
    "WDAY" or "NASDAQ:WDAY"; ``issuer`` is an organization's name, any spelling ("Workday
    Inc." finds "Workday, Inc."). Each hit carries its tickers, whether a release of its own
    corrects it, how many matches were ranked, and a snippet of its body (``ts_headline``)."""
    exchange, symbol = None, None
    if ticker:
        exchange, _, symbol = ticker.upper().rpartition(":")
        exchange = exchange or None
    floor = datetime.combine(since, time(), UTC) if since else None
    # the end of date.max is beyond datetime: no upper bound
    end = (
        datetime.combine(until + timedelta(days=1), time(), UTC)
        if until and until < date.max
        else None
    )
    params = {"query": query, "issuer": issuer, "symbol": symbol, "exchange": exchange}
    params.update(end=end)
    params.update(window=WINDOW, limit=limit)
    rows = []
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SET LOCAL work_mem = '64MB'")  # exact bitmaps for wide windows
        before_end = "WHERE published_at < %(end)s" if end else ""
        cur.execute(f"SELECT max(published_at) FROM newswire.releases {before_end}", params)
        newest = cur.fetchone()[0]
        for step, days in enumerate(WINDOW_DAYS):
            start = newest - timedelta(days=days) if days is not None and newest else None
            last = start is None or (floor is not None and floor >= start)
            step_params = {**params, "start": floor if last else start}
            if step:
                cur.execute("SET LOCAL enable_indexscan = off")
            cur.execute(search_sql(order, step_params), step_params)
            rows = cur.fetchall()
            if last or (rows and rows[0][-1] >= WINDOW):
                break
        keys = {"wires": [row[5] for row in rows], "release_ids": [row[6] for row in rows]}
        marks = {"marks": MARK_START + MARK_END, "options": SNIPPET_OPTIONS}
        cur.execute(SNIPPETS_SQL, {**params, **keys, **marks, "chars": SNIPPET_CHARS})
        snippets = {(wire, release_id): text for wire, release_id, text in cur.fetchall()}
    return [Hit(*row, snippets.get((row[5], row[6]), "")) for row in rows]


def search_sql(order: str = "rank", params: dict | None = None) -> str:
    """The query ``search`` runs (``order``: "rank" or "recent"), with the filters that
    ``params`` gives (start, end, issuer, symbol, exchange)."""
    params = params or {}
    filters = [sql for name, sql in FILTERS.items() if params.get(name) is not None]
    exchange = "AND t.exchange = %(exchange)s" if params.get("exchange") else ""
    return SEARCH_SQL.format(
        filters="\n      ".join(filters).format(exchange=exchange), order=ORDERS[order]
    )
