"""The raw archive: every fetched page's bytes (gzipped) with its headers, so that a page
can be parsed again (``newswire reparse``) without fetching it again."""

from __future__ import annotations

import gzip
import hashlib
from datetime import date, datetime

import psycopg2.extras

from newswire.warehouse.validation import clean_text

_REPARSE_PAGES = """
SELECT p.raw_page_id, p.url, p.content_type, p.fetched_at, p.body_gzip
FROM newswire.raw_pages p
WHERE (p.raw_page_id IN (SELECT raw_page_id FROM newswire.releases
                         WHERE %(wire)s::text IS NULL OR wire = %(wire)s)
       OR (%(wire)s::text IS NULL AND p.raw_page_id IN (
               SELECT raw_page_id FROM newswire.rejects
               WHERE stage IN ('parse', 'store') AND resolved_at IS NULL)))
  AND (%(since)s::date IS NULL OR p.fetched_at >= %(since)s::date)
ORDER BY p.raw_page_id
"""


def store_page(
    cur,
    url: str,
    status: int,
    content_type: str | None,
    fetched_at: datetime,
    content: bytes,
    headers: dict,
) -> int:
    """Archive a fetched page (once per distinct content of a URL); its ``raw_page_id``.

    Headers come from a stranger: NUL characters and lone surrogates, which ``text`` and
    ``jsonb`` cannot hold, are taken out of them (the page's bytes are kept as they are)."""
    cur.execute(
        """INSERT INTO newswire.raw_pages
               (url, http_status, content_type, fetched_at, sha256, body_gzip, headers)
           VALUES (%s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (url, sha256) DO UPDATE SET fetched_at = EXCLUDED.fetched_at
           RETURNING raw_page_id""",
        (
            clean_text(url),
            status,
            content_type and clean_text(content_type),
            fetched_at,
            hashlib.sha256(content).hexdigest(),
            gzip.compress(content, 6),
            psycopg2.extras.Json({clean_text(k): clean_text(v) for k, v in headers.items()}),
        ),
    )
    return cur.fetchone()[0]


def count_reparse_pages(cur, *, wire: str | None, since: date | None) -> int:
    cur.execute(f"SELECT count(*) FROM ({_REPARSE_PAGES}) pages", {"wire": wire, "since": since})
    return cur.fetchone()[0]


def iter_reparse_pages(conn, *, wire: str | None, since: date | None, batch: int):
    """Batches of (raw_page_id, url, content_type, fetched_at, gzipped page) to re-parse:
    the pages behind current releases (of ``wire``) and those of open parse and store
    rejects. A server-side cursor keeps memory flat however large the archive is; the pages
    stay gzipped so the parser processes, not this one, pay for :func:`unpack`."""
    with conn.cursor(name="raw_pages") as pages:
        pages.itersize = batch
        pages.execute(_REPARSE_PAGES, {"wire": wire, "since": since})
        while rows := pages.fetchmany(batch):
            yield [
                (raw_page_id, url, content_type, fetched_at, bytes(body))
                for raw_page_id, url, content_type, fetched_at, body in rows
            ]


def unpack(body_gzip: bytes) -> bytes:
    """A page's bytes as fetched, from its archived form."""
    return gzip.decompress(body_gzip)
