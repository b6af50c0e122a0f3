"""The warehouse reads of the Newswire page's analyst pages (a release with its versions, and
search with the page's filters) in a real PostgreSQL, and their plans."""

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from psycopg2.sql import SQL, Composable

from newswire.warehouse.connection import connect
from newswire.warehouse.releases import (
    INDUSTRIES_SQL,
    RECORDS_SQL,
    RELEASE_SQL,
    TICKERS_SQL,
    VERSIONS_SQL,
    read_records,
    read_release,
)
from newswire.warehouse.search import search
from tests.support.records import FETCHED_AT, load, make_record

CORRECTED_BODY = "NEW YORK, Feb. 17, 2025 /PRNewswire/ -- Body of release 1, corrected.\n\nMore."


@pytest.fixture
def corrected(warehouse):
    """Releases 0-5 (6 hours apart from 2025-02-17 14:00 UTC); release 1 corrected a day
    after it was first fetched: a new title, a ticker and a body."""
    load(warehouse, "first", [make_record(i) for i in range(6)])
    correction = make_record(
        1,
        title="Release number 1 (corrected)",
        tickers=[{"exchange": "NYSE", "symbol": "ACME"}, {"exchange": "NASDAQ", "symbol": "AC"}],
        body_text=CORRECTED_BODY,
    )
    load(warehouse, "second", [correction], fetched=FETCHED_AT + timedelta(days=1))
    return warehouse


def test_a_release_with_its_versions_and_their_records(corrected):
    with connect(corrected) as conn:
        release = read_release(conn, "prnewswire", "302000001")
        records = read_records(conn, "prnewswire", "302000001", [0, 1, 2])
        assert read_release(conn, "prnewswire", "999") is None
        assert read_release(conn, "globenewswire", "302000001") is None
    assert release.fields["title"] == "Release number 1 (corrected)"
    assert release.fields["body_text"] == CORRECTED_BODY
    assert release.fields["version"] == 2
    assert release.fields["tickers"] == ["NYSE:ACME", "NASDAQ:AC"]  # in order of appearance
    assert release.fields["industries"] == ["Computer Software"]
    assert [(v["version"], v["first_seen_at"]) for v in release.versions] == [
        (2, FETCHED_AT + timedelta(days=1)),
        (1, FETCHED_AT),
    ]
    assert sorted(records) == [1, 2]
    assert records[1]["title"] == "Release number 1" and records[2]["body_text"] == CORRECTED_BODY


def test_search_gives_the_release_keys_and_narrows_to_days(corrected):
    hits = search(corrected, "body release", order="recent")
    assert [(h.wire, h.release_id) for h in hits] == [
        ("prnewswire", str(302_000_000 + i)) for i in (5, 4, 3, 2, 1, 0)
    ]
    # 0-1 on 2025-02-17 (14:00, 20:00), 2-5 on 02-18 (02:00, 08:00, 14:00, 20:00)
    until = search(corrected, "body release", until=date(2025, 2, 17), order="recent")
    assert [h.title for h in until] == ["Release number 1 (corrected)", "Release number 0"]
    one_day = search(corrected, "body", since=date(2025, 2, 18), until=date(2025, 2, 18))
    assert sorted(h.release_id[-1] for h in one_day) == ["2", "3", "4", "5"]
    assert search(corrected, "body", until=date(2025, 2, 16)) == []
    assert [h.title for h in search(corrected, "corrected", ticker="ACME")] == [
        "Release number 1 (corrected)"
    ]


def test_newswire_search_until_a_day(corrected, tmp_path):
    result = subprocess.run(
        [str(Path(sys.executable).with_name("newswire")), "search", "body", "--recent"]
        + ["--until", "2025-02-17", "--dsn", corrected],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()[2:]  # under the header and its rule
    assert len(rows) == 2, result.stdout
    assert "Release number 1 (corrected)" in rows[0] and "Release number 0" in rows[1]


@pytest.mark.parametrize(
    "sql", [RELEASE_SQL, TICKERS_SQL, INDUSTRIES_SQL, VERSIONS_SQL, RECORDS_SQL]
)
def test_release_reads_look_the_release_up_by_its_key(corrected, query, sql):
    params = {"wire": "prnewswire", "release_id": "302000001", "limit": 100, "versions": [1, 2]}
    # A small table is cheaper to scan: the planner is told not to, as at 1,000,000 rows.
    statement = sql if isinstance(sql, Composable) else SQL(sql)  # RELEASE_SQL is composed
    rows = query(corrected, SQL("SET enable_seqscan = off; EXPLAIN ") + statement, params)
    plan = "\n".join(row[0] for row in rows)
    assert "Seq Scan" not in plan, plan
    assert "Index Cond: ((wire = 'prnewswire'::text) AND (release_id = '302000001'::text))" in plan
