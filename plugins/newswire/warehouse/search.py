"""``newswire search``: ranked full-text search over title, subtitle and body."""

from __future__ import annotations

from datetime import date

from newswire.warehouse.connection import connect

SEARCH_SQL = """
SELECT r.published_at, r.issuer, r.title, r.url, ts_rank_cd(r.search, q) AS rank
FROM newswire.releases r, websearch_to_tsquery('english', %(query)s) AS q
WHERE r.search @@ q
  AND (%(since)s::date IS NULL OR r.published_at >= %(since)s::date)
  AND (%(symbol)s::text IS NULL OR EXISTS (
        SELECT 1 FROM newswire.release_tickers t
        WHERE (t.wire, t.release_id) = (r.wire, r.release_id)
          AND t.symbol = %(symbol)s
          AND (%(exchange)s::text IS NULL OR t.exchange = %(exchange)s)))
ORDER BY rank DESC, r.published_at DESC
LIMIT %(limit)s
"""


def search(
    dsn: str, query: str, *, since: date | None = None, ticker: str | None = None, limit: int = 20
) -> list[tuple]:
    """Releases matching ``query`` (web-search syntax: words, "phrases", -exclusions, or),
    best first. ``ticker`` is "WDAY" or "NASDAQ:WDAY"."""
    exchange, symbol = None, None
    if ticker:
        exchange, _, symbol = ticker.upper().rpartition(":")
        exchange = exchange or None
    params = {
        "query": query,
        "since": since,
        "symbol": symbol,
        "exchange": exchange,
        "limit": limit,
    }
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(SEARCH_SQL, params)
        return cur.fetchall()
