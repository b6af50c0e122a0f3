"""Report views, search and the reader role on a known dataset in a real PostgreSQL."""

import psycopg2
import pytest

from newswire.warehouse.reports import report_names, run_report
from newswire.warehouse.search import search
from tests.support.records import load, make_record


@pytest.fixture
def known(warehouse):
    """12 releases, 6 hours apart from 2025-02-17 14:00 UTC: 4 per day over 3 days."""
    load(warehouse, "known", [make_record(i) for i in range(12)])
    return warehouse


def test_every_report_runs(known):
    assert set(report_names()) >= {
        "releases_per_day",
        "releases_per_industry_day",
        "top_issuers",
        "ticker_mentions",
        "latest_releases",
        "ingestion_lag",
        "ingestion_latency",
        "release_latency",
        "correction_latency",
        "rejects_by_reason",
        "ingestion_runs",
        "warehouse_totals",
        "template_drift",
    }
    for name in report_names():
        columns, _ = run_report(known, name)
        assert columns


def test_releases_per_day(known):
    _, rows = run_report(known, "releases_per_day")
    assert [(str(day), wire, n) for day, wire, n, _ in rows] == [
        ("2025-02-20", "prnewswire", 2),
        ("2025-02-19", "prnewswire", 4),
        ("2025-02-18", "prnewswire", 4),
        ("2025-02-17", "prnewswire", 2),
    ]


def test_top_issuers_merge_spellings(known):
    _, rows = run_report(known, "top_issuers")
    # i % 4 picks the issuer: "Workday Inc." and "Workday, Inc." are one organization.
    assert [(issuer, n) for issuer, n, *_ in rows] == [
        ("Workday Inc.", 6),
        ("Global Times", 3),
        ("Zoë Industries GmbH", 3),
    ]


def test_ticker_mentions_and_industries(known):
    _, rows = run_report(known, "ticker_mentions")
    assert sum(n for *_, n in rows) == 6  # every even release names NASDAQ:WDAY
    _, rows = run_report(known, "releases_per_industry_day", limit=100)
    totals = {}
    for _, industry, n in rows:
        totals[industry] = totals.get(industry, 0) + n
    assert totals == {"Computer Software": 12, "Banking": 4}


def test_ingestion_health_reports(known, query):
    with psycopg2.connect(known) as conn, conn.cursor() as cur:
        cur.execute("""INSERT INTO newswire.rejects (run_key, url, stage, reason) VALUES
                       ('known', 'https://x/1', 'fetch', 'http_503'),
                       ('known', 'https://x/2', 'fetch', 'http_503'),
                       ('known', 'https://x/3', 'parse', 'missing_title')""")
    conn.close()
    _, rows = run_report(known, "rejects_by_reason")
    assert [(stage, reason, n, still_open) for stage, reason, n, still_open, _ in rows] == [
        ("fetch", "http_503", 2, 2),
        ("parse", "missing_title", 1, 1),
    ]
    _, rows = run_report(known, "ingestion_lag")
    assert sum(r[1] for r in rows) == 12 and all(r[2] is not None for r in rows)
    _, rows = run_report(known, "ingestion_runs")
    assert rows[0][0] == "known" and rows[0][1] == "success" and rows[0][6] == 12


def test_search_ranks_title_matches_first_and_filters(known):
    load(
        known,
        "more",
        [
            make_record(100, title="Generative AI users pass 250 million"),
            make_record(101, body_text="Generative AI users are many, says a study."),
        ],
    )
    hits = search(known, "generative AI users")
    assert [h[2] for h in hits] == ["Generative AI users pass 250 million", "Release number 101"]
    assert [h[2] for h in search(known, "generative AI users", ticker="NASDAQ:WDAY")] == [
        "Generative AI users pass 250 million"
    ]
    assert search(known, "generative AI users", ticker="NYSE:WDAY") == []
    assert search(known, "generative -study") and all(
        "study" not in h[2] for h in search(known, "generative -study")
    )


def test_reader_role_can_read_but_not_write(known):
    with psycopg2.connect(known) as conn, conn.cursor() as cur:
        cur.execute("SET ROLE newswire_reader")
        cur.execute("SELECT count(*) FROM newswire.report_top_issuers")
        assert cur.fetchone()[0] == 3
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cur.execute("DELETE FROM newswire.releases")
    conn.close()


def test_tables_align_wide_characters():
    from newswire.cli import format_table

    lines = format_table(
        ["issuer", "n"], [("株式会社ミライテック", 6), ("Łódź BioLabs S.A.", 6)]
    ).splitlines()
    # 10 wide characters take 20 columns: the counts line up under "n"
    assert lines[2] == "株式会社ミライテック  6"
    assert lines[3] == "Łódź BioLabs S.A.     6"


def test_search_narrows_by_issuer_spelling_and_orders_by_recency(known):
    # i % 4 in (0, 1) is Workday, spelt two ways; every release has "Body of release".
    hits = search(known, "body release", issuer="WORKDAY, INC")
    assert sorted(int(h[2].split()[-1]) for h in hits) == [0, 1, 4, 5, 8, 9]
    assert search(known, "body release", issuer="No Such Company") == []
    recent = search(known, "body release", order="recent", limit=3)
    assert [h[2] for h in recent] == ["Release number 11", "Release number 10", "Release number 9"]


def test_search_plan_uses_indexes_not_a_scan_of_releases(known, query):
    from newswire.warehouse.search import search_sql

    params = {
        "query": "revenue growth",
        "start": None,
        "issuer": "Workday",
        "symbol": "WDAY",
        "exchange": None,
        "window": 1000,
        "limit": 20,
    }
    for order in ("rank", "recent"):
        plan = "\n".join(
            row[0]
            for row in query(
                known, "SET enable_seqscan = off; EXPLAIN " + search_sql(order), params
            )
        )
        assert "Seq Scan on releases" not in plan, plan
        assert "Index" in plan, plan


def test_search_ranks_the_newest_window_of_matches_found_in_growing_windows(known, monkeypatch):
    from newswire.warehouse import search as search_module

    # Releases 0-11 are 6 hours apart; the 3 newest matches of "body" are 9, 10 and 11,
    # found once the windows of days back reach release 9 (the third window here).
    monkeypatch.setattr(search_module, "WINDOW", 3)
    monkeypatch.setattr(search_module, "WINDOW_DAYS", (0.2, 0.5, 1, None))
    recent = search(known, "body", order="recent")
    assert [h[2] for h in recent] == ["Release number 11", "Release number 10", "Release number 9"]
    assert sorted(h[2] for h in search(known, "body")) == sorted(h[2] for h in recent)
    # Narrowed to Workday (0, 1, 4, 5, 8, 9): its 3 newest are 9, 8 and 5.
    hits = search(known, "body", issuer="Workday Inc.", order="recent")
    assert [h[2] for h in hits] == ["Release number 9", "Release number 8", "Release number 5"]
