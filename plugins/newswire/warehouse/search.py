"""``newswire search``: ranked full-text search over title, subtitle and body.

A common word matches most of the warehouse, and ranking every match costs a scan of it. So
the ranking is bounded by recency: the newest ``WINDOW`` matches (after the filters) are
found first, walking the ``published_at`` index (or, for a rare query, the full-text index),
and only those are ranked. ``--since``, ``--ticker`` and ``--issuer`` narrow the matches
before the window is taken, so a narrowed search ranks further back in time.
"""

from __future__ import annotations

from datetime import date

from newswire.warehouse.connection import connect

WINDOW = 1000  # the newest matches that are ranked
ORDERS = {
    "rank": "rank DESC, r.published_at DESC NULLS LAST",
    "recent": "r.published_at DESC NULLS LAST",
}

# The tsquery is written out (not a CTE or a join) so the planner sees its words and their
# frequencies: a common query walks the published_at index, a rare one the GIN index.
SEARCH_SQL = """
WITH newest AS MATERIALIZED (
    SELECT r.wire, r.release_id
    FROM newswire.releases r
    WHERE r.search @@ websearch_to_tsquery('english', %(query)s)
      AND (%(since)s::date IS NULL OR r.published_at >= %(since)s::date)
      AND (%(issuer)s::text IS NULL OR r.issuer_org_id IN (
            SELECT org_id FROM newswire.organizations
            WHERE normalized_name = newswire.normalize_org_name(%(issuer)s)))
      AND (%(symbol)s::text IS NULL OR (r.wire, r.release_id) IN (
            SELECT t.wire, t.release_id FROM newswire.release_tickers t
            WHERE t.symbol = %(symbol)s
              AND (%(exchange)s::text IS NULL OR t.exchange = %(exchange)s)))
    ORDER BY r.published_at DESC NULLS LAST, r.wire, r.release_id
    LIMIT %(window)s
)
SELECT r.published_at, r.issuer, r.title, r.url,
       ts_rank_cd(r.search, websearch_to_tsquery('english', %(query)s)) AS rank
FROM newest JOIN newswire.releases r USING (wire, release_id)
ORDER BY {order}, r.wire, r.release_id
LIMIT %(limit)s
"""


def search(
    dsn: str,
    query: str,
    *,
    since: date | None = None,
    ticker: str | None = None,
    issuer: str | None = None,
    order: str = "rank",
    limit: int = 20,
) -> list[tuple]:
    """Releases matching ``query`` (web-search syntax: words, "phrases", -exclusions, or):
    the best ranked of the newest ``WINDOW`` matches (``order="recent"``: the newest first).
    ``ticker`` is "WDAY" or "NASDAQ:WDAY"; ``issuer`` is an organization's name, any
    spelling ("Workday Inc." finds "Workday, Inc.")."""
    exchange, symbol = None, None
    if ticker:
        exchange, _, symbol = ticker.upper().rpartition(":")
        exchange = exchange or None
    params = {
        "query": query,
        "since": since,
        "issuer": issuer,
        "symbol": symbol,
        "exchange": exchange,
        "window": WINDOW,
        "limit": limit,
    }
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(search_sql(order), params)
        return cur.fetchall()


def search_sql(order: str = "rank") -> str:
    """The query ``search`` runs (``order``: "rank" or "recent")."""
    return SEARCH_SQL.format(order=ORDERS[order])
