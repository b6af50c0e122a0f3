"""Ingestion runs and their bookkeeping: opening and closing a run, what discovery needs to
know (known releases, feed validators, earlier failures) and the rejects of a run.

Every function takes a cursor and leaves the transaction to the caller, so a step can put
its bookkeeping in the same transaction as its data; :func:`one_run_at_a_time`, a lock held
for a whole run, has connections of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields

import psycopg2.errors
import psycopg2.extras

from newswire.warehouse.connection import autocommit, connect
from newswire.warehouse.loading import StagedRecord, merge_staged, stage
from newswire.warehouse.validation import clean_text

DETAIL_MAX_CHARS = 2000  # a reject's detail is a diagnosis, not a copy of the page


@dataclass
class RunSummary:
    run_key: str
    discovered: int = 0
    fetched: int = 0
    loaded_new: int = 0
    loaded_updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    # Parsed pages that needed a fallback layer for a field the wire's rules normally give,
    # those fields, and whether their share passed the drift threshold.
    fallback_parsed: int = 0
    drift_fields: list[str] = field(default_factory=list)
    template_drift: bool = False

    @property
    def parsed(self) -> int:
        return self.loaded_new + self.loaded_updated + self.unchanged

    def as_text(self) -> str:
        text = (
            f"run {self.run_key}: discovered {self.discovered}, fetched {self.fetched}, "
            f"loaded {self.loaded_new} new / {self.loaded_updated} updated / "
            f"{self.unchanged} unchanged, rejected {self.rejected}"
        )
        if self.template_drift:
            text += f"; template drift: {self.drift_text()}"
        elif self.fallback_parsed:
            text += f"; {self.fallback_parsed} parsed by fallbacks"
        return text

    def drift_text(self) -> str:
        return (
            f"{self.fallback_parsed} of {self.parsed} parsed pages needed a fallback for"
            f" {', '.join(self.drift_fields)}: the wire's page template has likely changed"
        )


_COUNTS = tuple(f.name for f in fields(RunSummary))[1:]


def open_run(
    cur,
    run_key: str,
    source: str,
    *,
    dag_run_id: str | None = None,
    window_start=None,
    window_end=None,
) -> None:
    """Start the run ``run_key``, or restart it when a retried task opens it again."""
    cur.execute(
        """INSERT INTO newswire.ingestion_runs
               (run_key, source, dag_run_id, window_start, window_end)
           VALUES (%s, %s, %s, %s, %s)
           ON CONFLICT (run_key) DO UPDATE SET status = 'running', finished_at = NULL""",
        (run_key, source, dag_run_id, window_start, window_end),
    )


@contextmanager
def one_run_at_a_time(dsn: str, source: str, say: Callable[[str], None]) -> Iterator[None]:
    """Hold ``source``'s row of ``newswire.run_locks`` while the body runs (a command-line run
    of that source): a second one waits here, ``say``-ing for which run; then every other
    command-line run of ``source`` still 'running' was abandoned by a process that died and
    is closed (:func:`close_abandoned_runs`). The lock goes with the connection, so a killed
    run frees it."""
    with autocommit(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO newswire.run_locks (source) VALUES (%s) ON CONFLICT DO NOTHING",
            (source,),
        )
    with connect(dsn) as conn, conn.cursor() as cur:
        lock = "SELECT 1 FROM newswire.run_locks WHERE source = %s FOR UPDATE"
        cur.execute("SAVEPOINT try_lock")
        try:
            cur.execute(lock + " NOWAIT", (source,))
        except psycopg2.errors.LockNotAvailable:
            cur.execute("ROLLBACK TO SAVEPOINT try_lock")
            cur.execute(
                """SELECT run_key FROM newswire.ingestion_runs
                   WHERE source = %s AND status = 'running' AND dag_run_id IS NULL
                   ORDER BY started_at DESC LIMIT 1""",
                (source,),
            )
            holder = cur.fetchone()
            say(
                f"waiting for run {holder[0] if holder else '(starting)'} of {source} to end:"
                " one command-line run of a source at a time"
            )
            cur.execute(lock, (source,))
        with connect(dsn) as closing, closing.cursor() as close_cur:
            for run_key, staged in close_abandoned_runs(close_cur, source):
                say(
                    f"closed run {run_key}, left 'running' by a process that ended (a kill or a"
                    f" lost database connection): marked failed, {staged} staged rows removed"
                )
        yield


def close_abandoned_runs(cur, source: str) -> list[tuple[str, int]]:
    """Mark failed the command-line runs of ``source`` still 'running', and delete their
    staged rows: only for the holder of ``source``'s run lock, which proves their processes
    are gone. Returns (run key, staged rows removed) of each. Each is closed as any failed
    run is (:func:`mark_failed`), so the page validators it saved for pages it never loaded
    are forgotten too: the next run must not be told by a 304 that they are current."""
    cur.execute(
        """SELECT run_key FROM newswire.ingestion_runs
           WHERE source = %s AND status = 'running' AND dag_run_id IS NULL""",
        (source,),
    )
    closed = [run_key for (run_key,) in cur.fetchall()]
    for run_key in closed:
        mark_failed(cur, run_key)
    cur.execute(
        """WITH removed AS (
               DELETE FROM newswire.staged_releases WHERE run_key = ANY(%s) RETURNING run_key)
           SELECT run_key, count(*) FROM removed GROUP BY run_key""",
        (closed,),
    )
    removed = dict(cur.fetchall())
    return [(run_key, removed.get(run_key, 0)) for run_key in closed]


def set_discovered(cur, run_key: str, count: int) -> None:
    cur.execute(
        "UPDATE newswire.ingestion_runs SET discovered = %s WHERE run_key = %s", (count, run_key)
    )


def known_among(cur, wire: str, release_ids) -> frozenset[str]:
    """Which of ``release_ids`` the warehouse holds already: an index lookup of the
    candidates, so its cost follows the candidates, not the size of the warehouse."""
    cur.execute(
        "SELECT release_id FROM newswire.releases WHERE wire = %s AND release_id = ANY(%s)",
        (wire, list(release_ids)),
    )
    return frozenset(row[0] for row in cur.fetchall())


def listed_unchanged(cur, wire: str, items) -> frozenset[str]:
    """Which of the discovered ``items`` need no fetch: loaded releases whose feed item or
    listing card says what it said before (or had no fingerprint recorded yet: it becomes
    the one to compare with, so a release loaded by a backfill or before listings were
    recorded is not fetched again for it). A release listed twice is unchanged when one of
    its items is, so two items that differ never make it change back and forth. One
    statement for the candidates of a page."""
    rows = [(i.release_id, *(i.listed_as or (None, None))) for i in items]
    if not rows:
        return frozenset()
    cur.execute(
        """WITH given (release_id, kind, fingerprint) AS (
               SELECT * FROM unnest(%(ids)s::text[], %(kinds)s::text[], %(prints)s::text[])),
           loaded AS (
               SELECT DISTINCT g.* FROM given g JOIN newswire.releases r
                   ON (r.wire, r.release_id) = (%(wire)s, g.release_id)),
           baseline AS (
               INSERT INTO newswire.release_listings AS s
                   (wire, release_id, kind, fingerprint, changed_at)
               SELECT %(wire)s, release_id, kind, fingerprint, now() FROM loaded
               WHERE kind IS NOT NULL
               ON CONFLICT (wire, release_id, kind) DO NOTHING)
           SELECT l.release_id FROM loaded l
           LEFT JOIN newswire.release_listings s
                  ON (s.wire, s.release_id, s.kind) = (%(wire)s, l.release_id, l.kind)
           GROUP BY l.release_id
           HAVING bool_or(s.fingerprint IS NULL OR s.fingerprint = l.fingerprint)""",
        {
            "wire": wire,
            "ids": [r[0] for r in rows],
            "kinds": [r[1] for r in rows],
            "prints": [r[2] for r in rows],
        },
    )
    return frozenset(row[0] for row in cur.fetchall())


def record_listings(cur, items) -> list[str]:
    """Record what the feed items and listing cards of ``items`` said (their fingerprints);
    returns the ids whose listing is new or changed by this call (concurrent callers never
    both get one)."""
    given: dict[tuple, tuple] = {}
    for i in items:
        if i.listed_as is not None:
            given[(i.source, i.release_id, i.listed_as[0])] = (*i.listed_as, i.seen_at)
    if not given:
        return []
    changed = psycopg2.extras.execute_values(
        cur,
        """INSERT INTO newswire.release_listings AS s
               (wire, release_id, kind, fingerprint, changed_at) VALUES %s
           ON CONFLICT (wire, release_id, kind) DO UPDATE SET
               fingerprint = EXCLUDED.fingerprint, changed_at = EXCLUDED.changed_at
           WHERE s.fingerprint <> EXCLUDED.fingerprint
           RETURNING release_id""",
        [(w, rid, kind, fp, at) for (w, rid, _), (kind, fp, at) in given.items()],
        template="(%s, %s, %s, %s, coalesce(%s, now()))",
        fetch=True,
    )
    return list(dict.fromkeys(row[0] for row in changed))


def page_validators(cur, urls) -> dict[str, tuple[str | None, str | None]]:
    """{release page URL: (ETag, Last-Modified)} of the last time each of ``urls`` answered."""
    cur.execute(
        "SELECT url, etag, last_modified FROM newswire.page_validators WHERE url = ANY(%s)",
        (list(urls),),
    )
    return {url: (etag, last_modified) for url, etag, last_modified in cur.fetchall()}


def save_page_validators(cur, run_key: str, url: str, headers: dict, fetched_at) -> None:
    """Keep the ETag / Last-Modified a release page answered with (none: forget them), for
    the next conditional GET; a run that fails forgets those it saved (:func:`mark_failed`)."""
    named = {name.lower(): value for name, value in headers.items()}
    etag, last_modified = named.get("etag"), named.get("last-modified")
    if not (etag or last_modified):
        cur.execute("DELETE FROM newswire.page_validators WHERE url = %s", (url,))
        return
    cur.execute(
        """INSERT INTO newswire.page_validators
               (url, etag, last_modified, fetched_at, checked_at, run_key)
           VALUES (%s, %s, %s, %s, %s, %s)
           ON CONFLICT (url) DO UPDATE SET etag = EXCLUDED.etag,
               last_modified = EXCLUDED.last_modified, fetched_at = EXCLUDED.fetched_at,
               checked_at = EXCLUDED.checked_at, run_key = EXCLUDED.run_key""",
        (url, etag and clean_text(etag), last_modified and clean_text(last_modified),
         fetched_at, fetched_at, run_key),
    )  # fmt: skip


def forget_page_validators(cur, before) -> None:
    """Drop the validators of pages last checked before ``before``: no re-check asks again."""
    cur.execute("DELETE FROM newswire.page_validators WHERE checked_at < %s", (before,))


def page_not_modified(cur, url: str, checked_at) -> None:
    """The page ``url`` answered 304 Not Modified at ``checked_at``."""
    cur.execute(
        "UPDATE newswire.page_validators SET checked_at = %s WHERE url = %s", (checked_at, url)
    )


def recent_release_urls(cur, wire: str, since) -> list[str]:
    """The URLs of the ``wire``'s releases published since ``since``, newest first: what a
    corrections re-check fetches again."""
    cur.execute(
        """SELECT url FROM newswire.releases WHERE wire = %s AND published_at >= %s
           ORDER BY published_at DESC, release_id""",
        (wire, since),
    )
    return [url for (url,) in cur.fetchall()]


def pages_checked_at(cur, urls) -> dict:
    """{page URL: when it last answered (200 or 304)} of those of ``urls`` with validators."""
    cur.execute(
        "SELECT url, checked_at FROM newswire.page_validators WHERE url = ANY(%s)", (list(urls),)
    )
    return dict(cur.fetchall())


def record_sightings(cur, sightings) -> list[str]:
    """Record when and where releases were first seen: ``sightings`` are (wire, release id,
    seen at, seen in); a release keeps its earliest. Returns the ids seen for the first time
    (in the order given): concurrent callers never both get one."""
    given: dict[tuple[str, str], tuple] = {}
    for row in sightings:  # a feed may list a release twice: one row each
        given.setdefault(row[:2], row)
    rows = list(given.values())
    if not rows:
        return []
    firsts = psycopg2.extras.execute_values(
        cur,
        """INSERT INTO newswire.release_sightings AS s
               (wire, release_id, first_seen_at, first_seen_in) VALUES %s
           ON CONFLICT (wire, release_id) DO UPDATE SET
               first_seen_at = EXCLUDED.first_seen_at, first_seen_in = EXCLUDED.first_seen_in
           WHERE EXCLUDED.first_seen_at < s.first_seen_at
           RETURNING release_id, xmax = 0""",
        [(wire, rid, at, clean_text(where)) for wire, rid, at, where in rows],
        fetch=True,
    )
    new = {release_id for release_id, inserted in firsts if inserted}
    return [rid for _, rid, _, _ in rows if rid in new]


def http_validators(cur) -> dict[str, tuple[str | None, str | None]]:
    """{feed URL: (ETag, Last-Modified)} of the last conditional GETs."""
    cur.execute("SELECT url, etag, last_modified FROM newswire.http_validators")
    return {url: (etag, last_modified) for url, etag, last_modified in cur.fetchall()}


def save_http_validators(cur, by_url: dict[str, tuple[str | None, str | None]]) -> None:
    psycopg2.extras.execute_values(
        cur,
        """INSERT INTO newswire.http_validators (url, etag, last_modified) VALUES %s
                ON CONFLICT (url) DO UPDATE SET etag = EXCLUDED.etag,
                    last_modified = EXCLUDED.last_modified, checked_at = now()""",
        [
            (url, etag and clean_text(etag), last_modified and clean_text(last_modified))
            for url, (etag, last_modified) in by_url.items()
        ],
    )


def failed_fetch_urls(cur, limit: int, on_site: str | None = None) -> list[str]:
    """Pages that failed to fetch in earlier runs and are not resolved yet (only those on
    the site ``on_site``, a base URL, when given: each source retries its own).

    Parse failures are not listed: their pages are in the raw archive, and
    ``newswire reparse`` fixes them once the parser does."""
    cur.execute(
        "SELECT DISTINCT url FROM newswire.rejects WHERE resolved_at IS NULL"
        " AND stage = 'fetch' AND (%s::text IS NULL OR starts_with(url, %s || '/'))"
        " ORDER BY url LIMIT %s",
        (on_site, on_site, limit),
    )
    return [url for (url,) in cur.fetchall()]


def record_reject(cur, run_key, url, stage, reason, detail, status, raw_page_id) -> None:
    """Record (or, for a retried task, update) a page the run could not fetch, parse or
    store."""
    cur.execute(
        """INSERT INTO newswire.rejects
               (run_key, url, stage, reason, detail, http_status, raw_page_id)
           VALUES (%s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (run_key, url) DO UPDATE SET
               stage = EXCLUDED.stage, reason = EXCLUDED.reason, detail = EXCLUDED.detail,
               http_status = EXCLUDED.http_status, raw_page_id = EXCLUDED.raw_page_id,
               rejected_at = now()""",
        (
            run_key,
            url,
            stage,
            reason,
            clean_text(detail or "")[:DETAIL_MAX_CHARS],
            status,
            raw_page_id,
        ),
    )


def supersede_discovery_problems(cur, run_key: str, on_site: str) -> None:
    """Resolve the discovery problems (stage 'discover') that earlier runs recorded on the
    site ``on_site``: the run ``run_key`` has just looked again, and what it could not read
    is recorded anew. So open discovery problems are always the latest run's."""
    cur.execute(
        """UPDATE newswire.rejects SET resolved_at = now()
           WHERE stage = 'discover' AND resolved_at IS NULL AND run_key <> %s
             AND starts_with(url, %s || '/')""",
        (run_key, on_site),
    )


def stage_records(cur, run_key: str, items: list[StagedRecord]) -> int:
    """Stage the run's parsed records; each one the warehouse refuses becomes a ``store``
    reject of its page (its raw page archived). Returns how many were refused."""
    refused = stage(cur, run_key, items)
    for r in refused:
        record_reject(
            cur, run_key, r.item.fetch_url, "store", r.reason, r.detail, None, r.item.raw_page_id
        )
    return len(refused)


def lock_run(cur, run_key: str) -> tuple[str, RunSummary]:
    """The run's status and counts, its row locked until the transaction ends."""
    cur.execute(
        f"""SELECT status, {", ".join(_COUNTS)}
            FROM newswire.ingestion_runs WHERE run_key = %s FOR UPDATE""",
        (run_key,),
    )
    row = cur.fetchone()
    if row is None:
        raise LookupError(f"no ingestion run {run_key!r}: run discover first")
    return row[0], RunSummary(run_key, *row[1:])


def merge_run(
    cur, run_key: str, discovered: int, rule_fields: dict[str, tuple[str, ...]]
) -> tuple[RunSummary, int]:
    """Merge the run's staged records, resolve the rejects they make good and drop the
    staging rows. Returns the run's counts (with the pages that needed a fallback for one of
    the ``rule_fields`` of their wire) and how many of its rejects are of pages it fetched
    (parse and store rejects)."""
    summary = RunSummary(run_key, discovered=discovered)
    summary.fallback_parsed, summary.drift_fields = _fallbacks(cur, run_key, rule_fields)
    summary.loaded_new, summary.loaded_updated, summary.unchanged = merge_staged(cur, run_key)
    cur.execute(
        """UPDATE newswire.rejects j SET resolved_at = now()
           FROM newswire.staged_releases s
           WHERE s.run_key = %s AND j.resolved_at IS NULL
             AND j.url IN (s.fetch_url, s.record->>'url')""",
        (run_key,),
    )
    cur.execute(
        """SELECT count(*) FILTER (WHERE stage IN ('parse', 'store')),
                  count(*) FILTER (WHERE stage <> 'discover')
           FROM newswire.rejects WHERE run_key = %s""",
        (run_key,),
    )
    fetched_rejects, summary.rejected = cur.fetchone()
    summary.fetched = (
        summary.loaded_new + summary.loaded_updated + summary.unchanged + fetched_rejects
    )
    cur.execute("DELETE FROM newswire.staged_releases WHERE run_key = %s", (run_key,))
    return summary, fetched_rejects


def _fallbacks(cur, run_key: str, rule_fields: dict[str, tuple[str, ...]]) -> tuple[int, list[str]]:
    """(staged records with a field of ``rule_fields[wire]`` from a fallback layer, those
    fields)."""
    cur.execute(
        """SELECT count(DISTINCT (s.wire, s.release_id)),
                  coalesce(array_agg(DISTINCT f.field ORDER BY f.field), '{}')
           FROM newswire.staged_releases s
           CROSS JOIN LATERAL jsonb_each_text(
               CASE WHEN jsonb_typeof(s.record->'field_sources') = 'object'
                    THEN s.record->'field_sources' ELSE '{}'::jsonb END) AS f(field, layer)
           WHERE s.run_key = %s AND f.layer <> 'rules'
             AND coalesce(%s::jsonb -> s.wire, '[]'::jsonb) ? f.field""",
        (run_key, psycopg2.extras.Json(rule_fields)),
    )
    count, names = cur.fetchone()
    return count, list(names)


def close_run(cur, summary: RunSummary, status: str) -> None:
    cur.execute(
        f"""UPDATE newswire.ingestion_runs SET status = %s, finished_at = now(),
                {", ".join(f"{name} = %s" for name in _COUNTS[1:])}
            WHERE run_key = %s""",
        (status, *(getattr(summary, name) for name in _COUNTS[1:]), summary.run_key),
    )


def mark_failed(cur, run_key: str) -> None:
    """A run still 'running' ends 'failed'; a closed run keeps its status (its load
    succeeded, and a later task of its DAG run, such as the alerting one, failed). The page
    validators a failed run saved are forgotten: its pages may not be loaded, and the next
    conditional GET must not be told they are current."""
    cur.execute(
        """DELETE FROM newswire.page_validators v USING newswire.ingestion_runs r
           WHERE v.run_key = r.run_key AND r.run_key = %s AND r.status = 'running'""",
        (run_key,),
    )
    cur.execute(
        "UPDATE newswire.ingestion_runs SET status = 'failed', finished_at = now()"
        " WHERE run_key = %s AND status = 'running'",
        (run_key,),
    )
