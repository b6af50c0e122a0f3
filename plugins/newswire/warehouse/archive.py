"""The raw archive: every fetched page's bytes with its headers, so that a page can be
parsed again (``newswire reparse``) without fetching it again.

Pages are stored in zstd (``raw_pages.body_zstd``) against a dictionary: a real page of the
same host fetched the same month (``newswire.page_dictionaries``), so the navigation,
scripts and footer every page of a template repeats cost almost nothing. Why a month's
page: measured on real pages (``bench/archive.py``), a dictionary of the same template earns
most when it is close in time (2026 pages: 2.5-4.1x smaller than gzip-6 against a 2016 or
2023 page, 5-9x against another 2026 page, overstated: those share a reassembled
navigation), and a new month's dictionary follows a template change without guessing when
one happened. A host's pages before its month's dictionary (a page
of :data:`MIN_DICTIONARY_BYTES` to :data:`MAX_DICTIONARY_BYTES`) use the newest earlier
one, or none. Pages archived before (gzip-6, ``body_gzip``) stay readable and are
recompressed in place by :func:`recompress` (``newswire db recompress-archive``). Every read
checks the page's sha256.
"""

from __future__ import annotations

import gzip
import hashlib
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import psycopg2.extras
import zstandard

from newswire.warehouse.connection import connect
from newswire.warehouse.validation import clean_text

ZSTD_LEVEL = 9  # 22 ms a 300 KB page, within 6% of level 19's size at a fifteenth of its time
MIN_DICTIONARY_BYTES = 8_192  # a stub is no template's dictionary (sample pages: 10-30 KB)
MAX_DICTIONARY_BYTES = 1_000_000  # held by every process: real pages are 170-390 KB
RECOMPRESS_BATCH = 200  # gzip pages recompressed per transaction

_REPARSE_PAGES = """
SELECT p.raw_page_id, p.url, p.content_type, p.fetched_at, p.declared_wire, p.declared_site,
       p.sha256, p.body_gzip, p.body_zstd, p.dictionary_id
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
    url = clean_text(url)
    declared_wire, declared_site = declared or (None, None)
    dictionary_id = _dictionary_for(cur, url, fetched_at, status, content)
    cur.execute(
        """INSERT INTO newswire.raw_pages
               (url, http_status, content_type, fetched_at, sha256, body_zstd, dictionary_id,
                headers, declared_wire, declared_site)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (url, sha256) DO UPDATE SET fetched_at = EXCLUDED.fetched_at,
               declared_wire = EXCLUDED.declared_wire, declared_site = EXCLUDED.declared_site
           RETURNING raw_page_id""",
        (
            url,
            status,
            content_type and clean_text(content_type),
            fetched_at,
            hashlib.sha256(content).hexdigest(),
            _compress(cur, content, dictionary_id),
            dictionary_id,
            psycopg2.extras.Json({clean_text(k): clean_text(v) for k, v in headers.items()}),
            declared_wire,
            declared_site and clean_text(declared_site),
        ),
    )
    return cur.fetchone()[0]


def _dictionary_for(cur, url: str, fetched_at: datetime, status: int, content: bytes):
    """The dictionary a page of ``url`` fetched at ``fetched_at`` is stored against: its
    host's for that month, made of this page when there is none yet and it can be one; else
    the host's newest earlier one; else none."""
    host = urlsplit(url).hostname or ""
    month = fetched_at.astimezone(UTC).date().replace(day=1)
    if status == 200 and MIN_DICTIONARY_BYTES <= len(content) <= MAX_DICTIONARY_BYTES:
        cur.execute(
            """INSERT INTO newswire.page_dictionaries (host, month, sha256, content)
               VALUES (%s, %s, %s, %s) ON CONFLICT (host, month) DO NOTHING""",
            (host, month, hashlib.sha256(content).hexdigest(), content),
        )
    cur.execute(
        """SELECT dictionary_id FROM newswire.page_dictionaries
           WHERE host = %s AND month <= %s ORDER BY month DESC LIMIT 1""",
        (host, month),
    )
    row = cur.fetchone()
    return row and row[0]


# Dictionaries by sha256 (the same bytes in any warehouse): loaded once a process.
_DICTIONARIES: dict[str, zstandard.ZstdCompressionDict] = {}


def _dictionary(cur, dictionary_id: int | None) -> zstandard.ZstdCompressionDict | None:
    if dictionary_id is None:
        return None
    cur.execute(
        "SELECT sha256 FROM newswire.page_dictionaries WHERE dictionary_id = %s",
        (dictionary_id,),
    )
    (sha256,) = cur.fetchone()
    if sha256 not in _DICTIONARIES:
        cur.execute(
            "SELECT content FROM newswire.page_dictionaries WHERE dictionary_id = %s",
            (dictionary_id,),
        )
        _DICTIONARIES[sha256] = zstandard.ZstdCompressionDict(
            bytes(cur.fetchone()[0]), dict_type=zstandard.DICT_TYPE_RAWCONTENT
        )
    return _DICTIONARIES[sha256]


def _compress(cur, content: bytes, dictionary_id: int | None) -> bytes:
    dictionary = _dictionary(cur, dictionary_id)
    return zstandard.ZstdCompressor(level=ZSTD_LEVEL, dict_data=dictionary).compress(content)


def unpack(cur, sha256: str, body_gzip, body_zstd, dictionary_id: int | None) -> bytes:
    """A page's bytes as fetched, from its archived form, checked against its sha256."""
    if body_zstd is not None:
        reader = zstandard.ZstdDecompressor(dict_data=_dictionary(cur, dictionary_id))
        content = reader.decompress(bytes(body_zstd))
    else:
        content = gzip.decompress(bytes(body_gzip))
    if hashlib.sha256(content).hexdigest() != sha256:
        raise ValueError(f"an archived page does not match its sha256 {sha256}")
    return content


def read_page(cur, raw_page_id: int) -> bytes:
    """One archived page's bytes, as fetched."""
    cur.execute(
        """SELECT sha256, body_gzip, body_zstd, dictionary_id FROM newswire.raw_pages
           WHERE raw_page_id = %s""",
        (raw_page_id,),
    )
    return unpack(cur, *cur.fetchone())


def recompress(dsn: str, batch: int = RECOMPRESS_BATCH) -> int:
    """Recompress the pages archived in gzip into zstd against their dictionary, in place;
    returns how many. Each batch is one transaction that writes a page's new body and
    clears its old one together, so every page is readable at every moment, and a stopped
    run is resumed by running it again (it takes the gzip pages left)."""
    done = 0
    while True:
        with connect(dsn) as conn, conn.cursor() as cur:
            cur.execute(
                """SELECT raw_page_id, url, http_status, fetched_at, sha256, body_gzip
                   FROM newswire.raw_pages WHERE body_gzip IS NOT NULL
                   ORDER BY raw_page_id LIMIT %s FOR UPDATE SKIP LOCKED""",
                (batch,),
            )
            rows = cur.fetchall()
            for raw_page_id, url, status, fetched_at, sha256, body_gzip in rows:
                content = unpack(cur, sha256, body_gzip, None, None)
                dictionary_id = _dictionary_for(cur, url, fetched_at, status, content)
                cur.execute(
                    """UPDATE newswire.raw_pages
                       SET body_zstd = %s, dictionary_id = %s, body_gzip = NULL
                       WHERE raw_page_id = %s""",
                    (_compress(cur, content, dictionary_id), dictionary_id, raw_page_id),
                )
        done += len(rows)
        if len(rows) < batch:
            return done


def count_reparse_pages(
    cur, *, wire: str | None, since: date | None, fallback_only: bool = False
) -> int:
    params = {"wire": wire, "since": since, "fallback_only": fallback_only}
    cur.execute(f"SELECT count(*) FROM ({_REPARSE_PAGES}) pages", params)
    return cur.fetchone()[0]


def iter_reparse_pages(
    conn, *, wire: str | None, since: date | None, batch: int, fallback_only: bool = False
):
    """Batches of (raw_page_id, url, content_type, fetched_at, page bytes, declared) to
    re-parse: the pages behind current releases (of ``wire``; only those with a field from
    a fallback layer when ``fallback_only``) and, unless one of these filters is given, those
    of open parse and store rejects. ``declared`` is the (wire, base URL) the page was
    fetched as, None for a page archived before runs said so. A server-side cursor keeps
    memory flat however large the archive is; a page is decompressed here (under a
    millisecond in zstd) and parsed in the worker processes."""
    with conn.cursor(name="raw_pages") as pages, conn.cursor() as cur:
        pages.itersize = batch
        params = {"wire": wire, "since": since, "fallback_only": fallback_only}
        pages.execute(_REPARSE_PAGES, params)
        while rows := pages.fetchmany(batch):
            yield [
                (
                    raw_page_id,
                    url,
                    content_type,
                    fetched_at,
                    unpack(cur, *body),
                    wire_ and (wire_, site),
                )
                for raw_page_id, url, content_type, fetched_at, wire_, site, *body in rows
            ]
