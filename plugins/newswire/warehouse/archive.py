"""The raw archive: every fetched page's bytes (gzipped) with its headers, so that a page
can be parsed again (``newswire reparse``) without fetching it again."""

from __future__ import annotations

import gzip
import hashlib
from datetime import date, datetime

import psycopg2.extras

from newswire.warehouse.validation import clean_text

_REPARSE_PAGES = """
SELECT p.raw_page_id, p.url, p.content_type, p.fetched_at, p.body_gzip,
       p.declared_wire, p.declared_site
FROM newswire.raw_pages p
WHERE (p.raw_page_id IN (SELECT raw_page_id FROM newswire.releases
                         WHERE (%(wire)s::text IS NULL OR wire = %(wire)s)
                           AND (NOT %(fallback_only)s OR fallback_fields <> '{}'))
       OR (%(wire)s::text IS NULL AND NOT %(fallback_only)s AND p.raw_page_id IN (
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
    *,
    declared: tuple[str, str] | None = None,
) -> int:
    """Archive a fetched page (once per distinct content of a URL); its ``raw_page_id``.
    ``declared`` is the (wire, base URL) the fetching run read it as, kept so that a re-parse
    reads it the same way (the latest fetch's declaration wins).

    Headers come from a stranger: NUL characters and lone surrogates, which ``text`` and
    ``jsonb`` cannot hold, are taken out of them (the page's bytes are kept as they are)."""
    declared_wire, declared_site = declared or (None, None)
    cur.execute(
        """INSERT INTO newswire.raw_pages
               (url, http_status, content_type, fetched_at, sha256, body_gzip, headers,
                declared_wire, declared_site)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (url, sha256) DO UPDATE SET fetched_at = EXCLUDED.fetched_at,
               declared_wire = EXCLUDED.declared_wire, declared_site = EXCLUDED.declared_site
           RETURNING raw_page_id""",
        (
            clean_text(url),
            status,
            content_type and clean_text(content_type),
            fetched_at,
            hashlib.sha256(content).hexdigest(),
            gzip.compress(content, 6),
            psycopg2.extras.Json({clean_text(k): clean_text(v) for k, v in headers.items()}),
            declared_wire,
            declared_site and clean_text(declared_site),
        ),
    )
    return cur.fetchone()[0]


def count_reparse_pages(
    cur, *, wire: str | None, since: date | None, fallback_only: bool = False
) -> int:
    params = {"wire": wire, "since": since, "fallback_only": fallback_only}
    cur.execute(f"SELECT count(*) FROM ({_REPARSE_PAGES}) pages", params)
    return cur.fetchone()[0]


def iter_reparse_pages(
    conn, *, wire: str | None, since: date | None, batch: int, fallback_only: bool = False
):
    """Batches of (raw_page_id, url, content_type, fetched_at, gzipped page, declared) to
    re-parse: the pages behind current releases (of ``wire``; only those with a field from
    a fallback layer when ``fallback_only``) and, unless one of these filters is given, those
    of open parse and store rejects. ``declared`` is the (wire, base URL) the page was
    fetched as, None for a page archived before runs said so. A server-side cursor keeps
    memory flat however large the archive is; the pages stay gzipped so the parser
    processes, not this one, pay for :func:`unpack`."""
    with conn.cursor(name="raw_pages") as pages:
        pages.itersize = batch
        params = {"wire": wire, "since": since, "fallback_only": fallback_only}
        pages.execute(_REPARSE_PAGES, params)
        while rows := pages.fetchmany(batch):
            yield [
                (raw_page_id, url, content_type, fetched_at, bytes(body), wire_ and (wire_, site))
                for raw_page_id, url, content_type, fetched_at, body, wire_, site in rows
            ]


def unpack(body_gzip: bytes) -> bytes:
    """A page's bytes as fetched, from its archived form."""
    return gzip.decompress(body_gzip)
