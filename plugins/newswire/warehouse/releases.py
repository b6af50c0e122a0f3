"""One release as the Newswire page shows it: its current fields (tickers and industries too),
its versions (``newswire.release_versions``), the release it corrects and those correcting it
(``newswire.corrections``), and the records of the versions it compares.

Every query reads one release by its primary key (``wire``, ``release_id``, a prefix of the
primary keys of ``release_tickers``, ``release_industries`` and ``release_versions``), and
the lists are bounded, so a page costs the same at 1,000,000 releases as at 100. The
caller passes the connection: a page reads all of it on one.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg2 import sql

from newswire.record import COLUMN_FIELDS

MAX_VERSIONS = 100  # the newest versions listed
MAX_TICKERS = 100
MAX_CORRECTIONS = 20

# The record's fields that have a column (record.COLUMN_FIELDS), and how the row was loaded.
RELEASE_SQL = sql.SQL("""
SELECT {columns}
FROM newswire.releases
WHERE wire = %(wire)s AND release_id = %(release_id)s
""").format(
    columns=sql.SQL(", ").join(
        sql.Identifier(name)
        for name in (
            *(field.name for field in COLUMN_FIELDS),
            "version",
            "fetched_at",
            "first_loaded_at",
        )
    )
)
TICKERS_SQL = """
SELECT exchange || ':' || symbol
FROM newswire.release_tickers
WHERE wire = %(wire)s AND release_id = %(release_id)s
ORDER BY position
LIMIT %(limit)s
"""
INDUSTRIES_SQL = """
SELECT i.name
FROM newswire.release_industries ri JOIN newswire.industries i USING (industry_id)
WHERE ri.wire = %(wire)s AND ri.release_id = %(release_id)s
ORDER BY i.name
"""
# The list leaves the records (and their bodies) unread.
VERSIONS_SQL = """
SELECT version, first_seen_at, parser_version, content_sha256
FROM newswire.release_versions
WHERE wire = %(wire)s AND release_id = %(release_id)s
ORDER BY version DESC
LIMIT %(limit)s
"""
# The release this one corrects ("CORRECTION -- ...", migration 012), and those correcting it.
CORRECTS_SQL = """
SELECT o.wire, o.release_id, o.title, o.published_at
FROM newswire.corrections c
JOIN newswire.releases o ON (o.wire, o.release_id) = (c.corrects_wire, c.corrects_release_id)
WHERE c.wire = %(wire)s AND c.release_id = %(release_id)s
"""
CORRECTED_BY_SQL = """
SELECT r.wire, r.release_id, r.title, r.published_at
FROM newswire.corrections c JOIN newswire.releases r USING (wire, release_id)
WHERE c.corrects_wire = %(wire)s AND c.corrects_release_id = %(release_id)s
ORDER BY r.published_at DESC NULLS LAST, r.release_id
LIMIT %(limit)s
"""
RECORDS_SQL = """
SELECT version, record
FROM newswire.release_versions
WHERE wire = %(wire)s AND release_id = %(release_id)s AND version = ANY(%(versions)s)
"""


@dataclass
class Release:
    # The columns of RELEASE_SQL, and the fields stored in tables of their own: "tickers"
    # ("NASDAQ:WDAY", in order of appearance) and "industries".
    fields: dict
    versions: list[dict]  # the newest MAX_VERSIONS, newest first (columns of VERSIONS_SQL)
    corrects: dict | None  # the release this one corrects (columns of CORRECTS_SQL)
    corrected_by: list[dict]  # the releases correcting this one, newest first


def read_release(conn, wire: str, release_id: str) -> Release | None:
    """The release ``wire``/``release_id`` as it is now, with its versions; None if unknown."""
    key = {"wire": wire, "release_id": release_id}
    with conn.cursor() as cur:
        cur.execute(RELEASE_SQL, key)
        row = cur.fetchone()
        if row is None:
            return None
        fields = dict(zip([col.name for col in cur.description], row))
        cur.execute(TICKERS_SQL, {**key, "limit": MAX_TICKERS})
        fields["tickers"] = [ticker for (ticker,) in cur.fetchall()]
        cur.execute(INDUSTRIES_SQL, key)
        fields["industries"] = [name for (name,) in cur.fetchall()]
        cur.execute(VERSIONS_SQL, {**key, "limit": MAX_VERSIONS})
        versions = _dicts(cur)
        cur.execute(CORRECTS_SQL, key)
        corrects = next(iter(_dicts(cur)), None)
        cur.execute(CORRECTED_BY_SQL, {**key, "limit": MAX_CORRECTIONS})
        corrected_by = _dicts(cur)
    return Release(fields, versions, corrects, corrected_by)


def _dicts(cur) -> list[dict]:
    """The rows of the cursor's last query, each a dict by column name."""
    columns = [col.name for col in cur.description]
    return [dict(zip(columns, row)) for row in cur.fetchall()]


def read_records(conn, wire: str, release_id: str, versions: list[int]) -> dict[int, dict]:
    """The parsed records of the given versions of a release, by version (those that exist)."""
    with conn.cursor() as cur:
        cur.execute(RECORDS_SQL, {"wire": wire, "release_id": release_id, "versions": versions})
        return dict(cur.fetchall())
