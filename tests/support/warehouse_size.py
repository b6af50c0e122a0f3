"""A warehouse made large cheaply, and how many of its release rows a step read."""

from __future__ import annotations

import time

import psycopg2

FILLER_FIRST_ID = 100_000_000  # far below the sample site's ids


def add_filler_releases(dsn: str, count: int, wire: str = "prnewswire") -> None:
    """``count`` minimal releases of ``wire`` (ids the sample site never uses), analysed."""
    conn = psycopg2.connect(dsn)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                """INSERT INTO newswire.releases (wire, release_id, url, title, body_text,
                       content_sha256, parser_version, fetched_at)
                   SELECT %s, n::text, 'https://www.prnewswire.com/news-releases/f-' || n,
                          'filler', '', '', 'filler', now()
                   FROM generate_series(%s::bigint, %s::bigint - 1) n""",
                (wire, FILLER_FIRST_ID, FILLER_FIRST_ID + count),
            )
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("ANALYZE newswire.releases")
    finally:
        conn.close()


def release_rows_read(dsn: str) -> int:
    """Rows of ``newswire.releases`` read so far by sequential and index scans, counting the
    pipeline's closed connections: a backend writes its statistics as it exits, before it
    leaves ``pg_stat_activity``, so this waits (boundedly) for those to be gone."""
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            for _ in range(200):
                cur.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE application_name = 'newswire' AND datname = current_database()"
                )
                if cur.fetchone()[0] == 0:
                    break
                time.sleep(0.05)
            cur.execute("SELECT pg_stat_clear_snapshot()")
            cur.execute(
                """SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)
                   FROM pg_stat_user_tables WHERE relid = 'newswire.releases'::regclass"""
            )
            return cur.fetchone()[0]
    finally:
        conn.close()
