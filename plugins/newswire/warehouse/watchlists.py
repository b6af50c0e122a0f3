"""Watchlists and their alerts (``newswire.watchlists``, ``newswire.alerts``, migration 008).

**Matching.** :func:`record_alerts` runs inside the load's merge transaction
(:func:`~newswire.warehouse.loading.merge_staged`), on the batch it just merged: every release
the load made current (new, or corrected) is matched against every watchlist, and a match
becomes one alert row, unique on (watchlist, release). So an alert exists exactly when the
load that made it a match committed, and never twice: a correction of a release that already
alerted a watchlist does not alert it again (its readers have the link, which shows the
corrected release); a correction that makes a release match a watchlist it did not match
before alerts that watchlist once. Only releases first loaded after the watchlist was
declared alert it, so declaring a watchlist, or re-parsing the archive, does not alert the
history. A release matches when it names one of the watchlist's tickers (``EXCHANGE:SYMBOL``,
any case), OR its issuer is one of the watchlist's issuers (compared as
``newswire.normalize_org_name`` normalizes organizations: case, punctuation and legal
suffixes ignored, as ``newswire search --issuer``), OR it matches the watchlist's query (the
``websearch_to_tsquery`` search of ``newswire search``).

**Delivery** is the Airflow adapter's (``newswire_airflow/alerting.py``): it takes pending
alerts one at a time with :func:`pending_alerts`, each locked in a transaction of its own
while it is sent, and records the outcome in that same transaction (see there for why
nothing is lost or doubled).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import psycopg2

from newswire.warehouse.connection import connect

MAX_ATTEMPTS = 5  # deliveries that failed before an alert is given up (status 'failed')
ERROR_CHARS = 500  # of a delivery's error kept in last_error
RECENT_ALERTS = 10  # per watchlist, on the Newswire page and in `newswire watchlist list`

# The batch of the merge (the temporary table _batch of loading.py: the staged records that
# were new or changed, with `replaces` when they became the current row). What a watchlist
# matches with is computed once per watchlist, not once per release and watchlist: a
# watchlist at its limits (500 issuers to normalize, a 1,000-character query to parse) then
# costs each release of the load a few comparisons and a tsquery match.
_RECORD_ALERTS = """
WITH w AS MATERIALIZED (
    SELECT watchlist_id, created_at, tickers, query,
           ARRAY(SELECT newswire.normalize_org_name(i) FROM unnest(issuers) i) AS issuer_keys,
           websearch_to_tsquery('english', query) AS tsquery
    FROM newswire.watchlists)
INSERT INTO newswire.alerts (watchlist_id, wire, release_id, matched)
SELECT w.watchlist_id, r.wire, r.release_id, m.matched
FROM _batch b
JOIN newswire.releases r USING (wire, release_id)
JOIN w ON r.first_loaded_at >= w.created_at
CROSS JOIN LATERAL (SELECT concat_ws('; ',
    (SELECT 'ticker ' || string_agg(t.exchange || ':' || t.symbol, ', ' ORDER BY t.position)
     FROM newswire.release_tickers t
     WHERE (t.wire, t.release_id) = (r.wire, r.release_id)
       AND upper(t.exchange || ':' || t.symbol) = ANY (w.tickers)),
    (SELECT 'issuer ' || r.issuer WHERE b.issuer_key = ANY (w.issuer_keys)),
    (SELECT 'query ' || w.query WHERE r.search @@ w.tsquery)
) AS matched) m
WHERE b.replaces AND m.matched <> ''
ORDER BY w.watchlist_id, r.wire, r.release_id
ON CONFLICT (watchlist_id, wire, release_id) DO NOTHING
"""

# The correction of a release a watchlist alerted alerts it too (once: the alert is unique),
# whichever was loaded first: the links this load made (link_corrections, just before).
_RECORD_CORRECTION_ALERTS = """
INSERT INTO newswire.alerts (watchlist_id, wire, release_id, matched)
SELECT a.watchlist_id, c.wire, c.release_id, 'correction of an alerted release'
FROM newswire.corrections c
JOIN newswire.alerts a ON (a.wire, a.release_id) = (c.corrects_wire, c.corrects_release_id)
WHERE c.linked_at = now()
ORDER BY a.watchlist_id, c.wire, c.release_id
ON CONFLICT (watchlist_id, wire, release_id) DO NOTHING
"""


class WatchlistError(ValueError):
    """A watchlist the warehouse refused, or one that does not exist: a one-line message."""


@dataclass(frozen=True)
class Watchlist:
    name: str
    tickers: list[str] = field(default_factory=list)
    issuers: list[str] = field(default_factory=list)
    query: str | None = None
    webhook_conn_id: str | None = None
    email_to: list[str] | None = None


@dataclass(frozen=True)
class Alert:
    """A pending alert and what it says: the release as it is now."""

    alert_id: int
    watchlist: str
    webhook_conn_id: str | None
    email_to: list[str] | None
    matched: str
    attempts: int  # deliveries tried before this one
    wire: str
    release_id: str
    title: str
    issuer: str | None
    tickers: list[str]
    published_at: datetime | None
    url: str


def record_alerts(cur) -> int:
    """Alerts for the releases of the merge's batch that match a watchlist (inside the merge's
    transaction, before ``_batch`` is dropped); returns how many were new. A warehouse
    whose schema predates the watchlists (migrated to an earlier version) has none."""
    cur.execute("SELECT to_regclass('newswire.watchlists')")
    if cur.fetchone()[0] is None:
        return 0
    cur.execute(_RECORD_ALERTS)
    recorded = cur.rowcount
    cur.execute("SELECT to_regclass('newswire.corrections')")
    if cur.fetchone()[0] is not None:
        cur.execute(_RECORD_CORRECTION_ALERTS)
        recorded += cur.rowcount
    return recorded


# -- watchlists ---------------------------------------------------------------------------
_COLUMNS = ("name", "tickers", "issuers", "query", "webhook_conn_id", "email_to")


def add(dsn: str, watchlist: Watchlist, *, replace: bool = False) -> None:
    """Declare ``watchlist`` (``replace``: or redeclare the one of that name, keeping its
    alerts). The warehouse checks it (migration 008's trigger): a bad one raises
    :class:`WatchlistError` with the warehouse's one-line reason."""
    values = [getattr(watchlist, c) for c in _COLUMNS]
    update = ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS[1:])
    conflict = f"DO UPDATE SET {update}" if replace else "DO NOTHING"
    with _refusals():
        with connect(dsn) as conn, conn.cursor() as cur:
            cur.execute(
                f"""INSERT INTO newswire.watchlists ({", ".join(_COLUMNS)})
                    VALUES ({", ".join(["%s"] * len(_COLUMNS))})
                    ON CONFLICT (name) {conflict} RETURNING watchlist_id""",
                values,
            )
            if cur.fetchone() is None:
                raise WatchlistError(
                    f"a watchlist {watchlist.name!r} exists already (--replace redeclares it)"
                )


def remove(dsn: str, name: str) -> None:
    """Remove the watchlist ``name`` and its alerts."""
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM newswire.watchlists WHERE name = %s", (name,))
        if cur.rowcount == 0:
            raise WatchlistError(f"no watchlist {name!r}")


def overview(conn, recent: int = RECENT_ALERTS) -> list[dict]:
    """Every watchlist (its columns, alert counts by status) with its ``recent`` newest
    alerts (title, url, matched, status, attempts, last_error, created_at, sent_at), by name."""
    with conn.cursor() as cur:
        cur.execute(
            f"""SELECT {", ".join(f"w.{c}" for c in _COLUMNS)}, c.pending, c.sent, c.failed,
                       coalesce((SELECT json_agg(recent ORDER BY recent.created_at DESC,
                                                 recent.alert_id DESC)
                                 FROM (SELECT a.alert_id, r.title, r.url, r.published_at,
                                              a.matched, a.status, a.attempts, a.last_error,
                                              a.created_at, a.sent_at
                                       FROM newswire.alerts a
                                       JOIN newswire.releases r USING (wire, release_id)
                                       WHERE a.watchlist_id = w.watchlist_id
                                       ORDER BY a.created_at DESC, a.alert_id DESC
                                       LIMIT %s) recent), '[]') AS alerts
                FROM newswire.watchlists w
                CROSS JOIN LATERAL (
                    SELECT count(*) FILTER (WHERE a.status = 'pending') AS pending,
                           count(*) FILTER (WHERE a.status = 'sent') AS sent,
                           count(*) FILTER (WHERE a.status = 'failed') AS failed
                    FROM newswire.alerts a WHERE a.watchlist_id = w.watchlist_id) c
                ORDER BY w.name""",
            (recent,),
        )
        columns = [d.name for d in cur.description]
        rows = [dict(zip(columns, row)) for row in cur.fetchall()]
    for row in rows:
        for alert in row["alerts"]:
            for key in ("published_at", "created_at", "sent_at"):
                alert[key] = alert[key] and datetime.fromisoformat(alert[key])
    return rows


# -- delivery -----------------------------------------------------------------------------
_NEXT_PENDING = """
SELECT a.alert_id, w.name, w.webhook_conn_id, w.email_to, a.matched, a.attempts,
       r.wire, r.release_id, r.title, r.issuer,
       ARRAY(SELECT t.exchange || ':' || t.symbol FROM newswire.release_tickers t
             WHERE (t.wire, t.release_id) = (r.wire, r.release_id) ORDER BY t.position),
       r.published_at, r.url
FROM newswire.alerts a
JOIN newswire.watchlists w USING (watchlist_id)
JOIN newswire.releases r USING (wire, release_id)
WHERE a.status = 'pending' AND a.alert_id > %s
ORDER BY a.alert_id
LIMIT 1
FOR UPDATE OF a SKIP LOCKED
"""


class Delivery:
    """One pending alert, locked in its own transaction until :meth:`sent` or
    :meth:`failed` records the outcome and commits it."""

    def __init__(self, conn, alert: Alert):
        self._conn, self.alert = conn, alert

    def sent(self) -> None:
        self._finish(
            "UPDATE newswire.alerts SET status = 'sent', attempts = attempts + 1,"
            " last_error = NULL, sent_at = now() WHERE alert_id = %s",
            (self.alert.alert_id,),
        )

    def failed(self, error: str) -> bool:
        """Record a failed delivery; True when it was the last attempt (status 'failed')."""
        given_up = self.alert.attempts + 1 >= MAX_ATTEMPTS
        self._finish(
            "UPDATE newswire.alerts SET status = %s, attempts = attempts + 1, last_error = %s"
            " WHERE alert_id = %s",
            ("failed" if given_up else "pending", error[:ERROR_CHARS], self.alert.alert_id),
        )
        return given_up

    def _finish(self, statement: str, params: tuple) -> None:
        with self._conn.cursor() as cur:
            cur.execute(statement, params)
        self._conn.commit()


def pending_alerts(dsn: str, limit: int) -> Iterator[Delivery]:
    """Up to ``limit`` pending alerts, oldest first, each locked (``FOR UPDATE SKIP LOCKED``:
    another delivery running at the same time skips it) in a transaction of its own that the
    caller ends with :meth:`Delivery.sent` or :meth:`Delivery.failed`. A delivery left
    without an outcome (the caller raised, or the process died) is rolled back: the alert
    stays pending, its attempt not counted. Each alert is offered at most once a call."""
    with connect(dsn) as conn:
        last = 0
        for _ in range(limit):
            with conn.cursor() as cur:
                cur.execute(_NEXT_PENDING, (last,))
                row = cur.fetchone()
            if row is None:
                conn.commit()
                return
            alert = Alert(*row)
            last = alert.alert_id
            delivery = Delivery(conn, alert)
            try:
                yield delivery
            except BaseException:
                conn.rollback()
                raise
            if conn.status != psycopg2.extensions.STATUS_READY:  # no outcome recorded
                conn.rollback()


@contextmanager
def _refusals():
    """The warehouse's refusal of a watchlist (the trigger's check_violation, a NOT NULL) as
    a :class:`WatchlistError` with its one-line message."""
    try:
        yield
    except psycopg2.IntegrityError as exc:
        raise WatchlistError(exc.diag.message_primary or str(exc).splitlines()[0]) from None
