"""Scale (issue 14): the same measures on a warehouse holding N synthetic releases and on one
holding none, side by side. Both first get a small backfill from the sample site (through the
real `newswire ingest`); the big one is then filled with N synthetic releases by set-based SQL
(``INSERT ... SELECT generate_series`` into the real tables, with the triggers and secondary
indexes out of the way, then the indexes built, the rollups recomputed and ``VACUUM
ANALYZE``): 2-3 KB bodies in which "revenue growth" occurs in every release (a worst case),
20,000 issuers, tickers on a third, industries on half, about 1,000 releases a day. Measured
on each (best of ``runs``, timed inside one connection):

- the incremental run (`newswire ingest` with nothing new): wall and peak RSS;
- every report view (first 50 rows) and the Newswire page's reads;
- search over a mix of common and rare queries, by rank and by recency: p95;
- a 10,000-release load (staging + merge) of the next ten days' releases: rows/s;
- the plans (EXPLAIN) of the reports, the page's reads and the searches, and table sizes.

    python bench/scale.py --count 1000000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime, timedelta

from common import ROOT, drop_warehouse, fresh_warehouse, run_child

from newswire_sample_site.server import SampleSite

NEWSWIRE = [sys.executable, "-m", "newswire.cli"]
CHILD_ENV = {"PYTHONPATH": str(ROOT / "plugins")}
SAMPLE_RELEASES = 200
PER_DAY = 1000
HISTORY_END = datetime(2027, 6, 1, tzinfo=UTC)  # after the sample site's year
FIRST_SYNTHETIC_ID = 800_000_000
# What the Newswire page (newswire_airflow/ui/app.py) reads on each load: report, rows.
PAGE_READS = (
    ("warehouse_totals", 1),
    ("releases_per_day", 240),
    ("latest_releases", 20),
    ("rejects_by_reason", 20),
    ("ingestion_lag", 14),
)
# Common to rare: in every release, half, 5%, 0.5%, ten releases a million; two words.
QUERIES = (
    "revenue growth",
    "quarterly results",
    "partnership",
    "acquisition",
    "zx4242",
    "acquisition revenue",
)
# The README's example queries ("The warehouse") other than search, planned and timed.
README_QUERIES = {
    "releases per issuer in a month naming a NASDAQ ticker": """
        SELECT r.issuer, count(*) AS releases
        FROM newswire.releases r
        WHERE r.published_at >= '2027-05-01' AND r.published_at < '2027-06-01'
          AND EXISTS (SELECT 1 FROM newswire.release_tickers t
                      WHERE (t.wire, t.release_id) = (r.wire, r.release_id)
                        AND t.exchange = 'NASDAQ')
        GROUP BY r.issuer
        ORDER BY releases DESC""",
    "every version of one release": """
        SELECT version, first_seen_at, parser_version, record->>'title' AS title
        FROM newswire.release_versions
        WHERE wire = 'prnewswire' AND release_id = '800000042'
        ORDER BY version""",
}

FILL_SQL = """
CREATE TEMP TABLE paragraphs AS
SELECT p, string_agg('k' || substr(md5((p * 131 + k)::text), 1, 6), ' ') AS text
FROM generate_series(0, 999) AS p, generate_series(1, 75) AS k
GROUP BY p;

INSERT INTO newswire.organizations (name, normalized_name)
SELECT 'Synthetic Issuer ' || o || ' Inc.', 'synthetic issuer ' || o
FROM generate_series(1, 20000) AS o;
INSERT INTO newswire.industries (name)
SELECT 'Synthetic Industry ' || i FROM generate_series(1, 30) AS i;
-- Statistics for the joins below (a temporary table has none): without them the planner
-- sorts the N bodies four times over, spilling them to disk.
ANALYZE paragraphs, newswire.organizations;

INSERT INTO newswire.releases (
    wire, release_id, url, title, issuer, published_at, source_org, language, body_text,
    content_sha256, parser_version, fetched_at, issuer_org_id, source_org_id, word_count)
SELECT 'prnewswire', (%(first_id)s + g)::text,
       'https://www.prnewswire.com/news-releases/synthetic-' || (%(first_id)s + g) || '.html',
       org.name || CASE WHEN g %% 20 = 0 THEN ' announces partnership' ELSE ' reports' END,
       org.name, s.published_at, org.name, 'en',
       concat_ws(E'\\n\\n',
           'NEW YORK /PRNewswire/ -- ' || org.name || ' reported revenue growth in its '
               || CASE WHEN g %% 2 = 0 THEN 'quarterly results.' ELSE 'annual review.' END,
           CASE WHEN g %% 200 = 0 THEN 'The acquisition is expected to close soon.' END,
           'Reference zx' || (g %% 100000) || '.',
           p1.text, p2.text, p3.text, p4.text),
       md5(g::text), 'synthetic', s.published_at + interval '20 minutes',
       org.org_id, org.org_id, 300
FROM (SELECT g, %(end)s::timestamptz - (%(count)s - g) * interval '1 day' / %(per_day)s
                 AS published_at
      FROM generate_series(1, %(count)s) AS g) s
JOIN newswire.organizations org ON org.normalized_name = 'synthetic issuer ' || (g %% 20000 + 1)
JOIN paragraphs p1 ON p1.p = g * 7 %% 1000
JOIN paragraphs p2 ON p2.p = (g * 13 + 1) %% 1000
JOIN paragraphs p3 ON p3.p = (g * 17 + 2) %% 1000
JOIN paragraphs p4 ON p4.p = (g * 19 + 3) %% 1000;

INSERT INTO newswire.release_versions
    (wire, release_id, version, content_sha256, record, parser_version, first_seen_at)
SELECT wire, release_id, 1, content_sha256,
       jsonb_build_object('title', title, 'issuer', issuer, 'body_text', body_text),
       parser_version, fetched_at
FROM newswire.releases WHERE parser_version = 'synthetic';

INSERT INTO newswire.release_tickers (wire, release_id, exchange, symbol, position)
SELECT wire, release_id, CASE WHEN g %% 2 = 0 THEN 'NASDAQ' ELSE 'NYSE' END,
       'S' || (g %% 20000), 1
FROM (SELECT wire, release_id, release_id::bigint - %(first_id)s AS g
      FROM newswire.releases WHERE parser_version = 'synthetic') s
WHERE g %% 3 = 0;

INSERT INTO newswire.release_industries (wire, release_id, industry_id)
SELECT s.wire, s.release_id, i.industry_id
FROM (SELECT wire, release_id, release_id::bigint - %(first_id)s AS g
      FROM newswire.releases WHERE parser_version = 'synthetic') s
JOIN newswire.industries i ON i.name = 'Synthetic Industry ' || (g %% 30 + 1)
WHERE g %% 2 = 0;
"""
BIG_TABLES = (
    "releases",
    "release_versions",
    "release_tickers",
    "release_industries",
    "organizations",
)


def fill(dsn: str, count: int) -> float:
    """Add ``count`` synthetic releases ending at HISTORY_END; seconds it took.

    Bulk-load style: the secondary indexes and the rollups' triggers are dropped and made
    again once at the end (a sort per index instead of N random insertions; a statement
    trigger with a transition table would also keep a copy of every new row), the foreign
    keys' checks are off (``session_replication_role``: the synthetic rows are consistent by
    construction), and the rollups are then recomputed from scratch, which is what the
    triggers would have left (the tests compare the two)."""
    import psycopg2

    from newswire.warehouse.connection import connect

    tables = [f"newswire.{table}" for table in BIG_TABLES]
    start = time.perf_counter()
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET session_replication_role = replica")
        cur.execute(
            """SELECT format('DROP INDEX %%s', x.indexrelid::regclass),
                      pg_get_indexdef(x.indexrelid)
               FROM pg_index x
               WHERE x.indrelid = ANY(%(tables)s::regclass[])
                 AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = x.indexrelid)
               UNION ALL
               SELECT format('DROP TRIGGER %%I ON %%s', t.tgname, t.tgrelid::regclass),
                      pg_get_triggerdef(t.oid)
               FROM pg_trigger t
               WHERE t.tgrelid = ANY(%(tables)s::regclass[]) AND NOT t.tgisinternal""",
            {"tables": tables},
        )
        dropped = cur.fetchall()
        for drop, _ in dropped:
            cur.execute(drop)
        cur.execute(
            FILL_SQL,
            {
                "count": count,
                "end": HISTORY_END,
                "per_day": PER_DAY,
                "first_id": FIRST_SYNTHETIC_ID,
            },
        )
        for _, definition in dropped:
            cur.execute(definition)
        cur.execute("RESET session_replication_role")
        cur.execute("SELECT newswire.refresh_rollups()")
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    conn.close()
    return time.perf_counter() - start


def batch_records(count: int) -> list[dict]:
    """``count`` new releases over the days after HISTORY_END, PER_DAY a day, like the fill's."""
    from newswire.record import content_sha256, sourced_from

    paragraph = " ".join(f"word{n} filler{n % 97}" for n in range(160))
    records = []
    for i in range(count):
        published = HISTORY_END + timedelta(days=1) + i * timedelta(days=1) / PER_DAY
        issuer = f"Synthetic Issuer {i % 20000 + 1} Inc."
        record = {
            "release_id": str(FIRST_SYNTHETIC_ID - 1 - i),
            "url": f"https://www.prnewswire.com/news-releases/batch-{i}.html",
            "wire": "prnewswire",
            "title": f"{issuer} reports",
            "subtitle": None,
            "issuer": issuer,
            "published_at": published.isoformat(),
            "dateline_location": "NEW YORK",
            "source_org": issuer,
            "tickers": [{"exchange": "NASDAQ", "symbol": f"S{i % 20000}"}] if i % 3 == 0 else [],
            "industries": [f"Synthetic Industry {i % 30 + 1}"] if i % 2 == 0 else [],
            "language": "en",
            "body_text": f"NEW YORK /PRNewswire/ -- {issuer} reported revenue growth. {paragraph}",
            "contacts": None,
            "images": [],
            "subjects": [],
            "field_sources": {},  # hand-built: no parser layer
            "dateline_date": published.date().isoformat(),
            "word_count": 330,
        }
        record["content_sha256"] = content_sha256(record)
        record["field_sources"] = sourced_from(record)
        records.append(record)
    return records


def sample_backfill(dsn: str, site: SampleSite) -> dict:
    """The sample site's releases through the real ingest; raw page bytes per release."""
    from newswire.warehouse.connection import connect

    run_child(
        [*NEWSWIRE, "ingest", "--base-url", site.base_url, "--dsn", dsn]
        + ["--since", "2024-01-01", "--until", "2026-12-31"],
        env=CHILD_ENV,
    )
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT pg_total_relation_size('newswire.raw_pages') / greatest(count(*), 1)"
            " FROM newswire.releases"
        )
        return {"raw_page_bytes_per_release": cur.fetchone()[0]}


def incremental(dsn: str, site: SampleSite, runs: int) -> dict:
    done = [
        run_child([*NEWSWIRE, "ingest", "--base-url", site.base_url, "--dsn", dsn], env=CHILD_ENV)
        for _ in range(runs)
    ]
    best = min(done, key=lambda c: c.wall)
    return {
        "seconds": round(best.wall, 3),
        "peak_rss_mb": max(c.rss_mb for c in done),
        "runs": [round(c.wall, 3) for c in done],
        "summary": best.stdout.strip(),
    }


def best_of(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def plan(cur, sql: str, params=None) -> str:
    cur.execute("EXPLAIN " + sql, params)
    return "\n".join(row[0] for row in cur.fetchall())


def reads(dsn: str, runs: int) -> dict:
    """Reports, the page's reads and searches: best-of-``runs`` ms each, and their plans."""
    from newswire.warehouse.connection import connect
    from newswire.warehouse.reports import report_names, run_report
    from newswire.warehouse.search import WINDOW, WINDOW_DAYS, search, search_sql

    result = {"reports": {}, "page": {}, "search": {}, "readme": {}, "plans": {}}
    with connect(dsn) as conn, conn.cursor() as cur:
        for name in report_names():
            ms = 1000 * best_of(lambda n=name: run_report(dsn, n, 50, conn=conn), runs)
            result["reports"][name] = round(ms, 2)
            result["plans"][f"report_{name}"] = plan(
                cur, f"SELECT * FROM newswire.report_{name} LIMIT 50"
            )
        result["page"]["reads_ms"] = {
            name: round(
                1000 * best_of(lambda n=name, k=k: run_report(dsn, n, k, conn=conn), runs), 2
            )
            for name, k in PAGE_READS
        }
        result["page"]["total_ms"] = round(sum(result["page"]["reads_ms"].values()), 2)
        for name, k in PAGE_READS:
            result["plans"][f"page_{name}_{k}"] = plan(
                cur, f"SELECT * FROM newswire.report_{name} LIMIT {k}"
            )
        for label, sql in README_QUERIES.items():
            result["readme"][label] = round(1000 * best_of(lambda q=sql: cur.execute(q), runs), 2)
            result["plans"][f"readme: {label}"] = plan(cur, sql)
        cur.execute("SELECT max(published_at) FROM newswire.releases")
        first_days = cur.fetchone()[0] - timedelta(days=WINDOW_DAYS[0])
        for q in QUERIES:
            for order in ("rank", "recent"):
                args = {"query": q, "window": WINDOW, "limit": 20, "start": first_days}
                result["plans"][f"search {order} {q!r}, first window"] = plan(
                    cur, search_sql(order, args), args
                )
                args["start"] = None
                cur.execute("SET enable_indexscan = off")
                result["plans"][f"search {order} {q!r}, whole warehouse"] = plan(
                    cur, search_sql(order, args), args
                )
                cur.execute("RESET enable_indexscan")
    timings = []
    for q in QUERIES:
        for order in ("rank", "recent"):
            ms = [
                1000 * best_of(lambda q=q, o=order: search(dsn, q, order=o), 1) for _ in range(runs)
            ]
            result["search"][f"{order}: {q}"] = round(min(ms), 2)
            timings += ms
    timings.sort()
    result["search_p95_ms"] = round(timings[min(len(timings) - 1, int(0.95 * len(timings)))], 2)
    result["search_max_ms"] = round(timings[-1], 2)
    narrowed = {
        "--since": {"since": (HISTORY_END - timedelta(days=30)).date()},
        "--ticker": {"ticker": "NASDAQ:S42"},
        "--issuer": {"issuer": "synthetic issuer 43, inc"},
    }
    for flag, kwargs in narrowed.items():
        ms = best_of(lambda kw=kwargs: search(dsn, "revenue growth", **kw), runs)
        result["search"][f"rank: revenue growth {flag}"] = round(1000 * ms, 2)
    return result


def load_batch(dsn: str, records: list[dict], runs: int) -> dict:
    """Best of ``runs`` loads of the batch (deleted again between runs)."""
    from load import load_once

    from newswire.warehouse.connection import connect

    done = []
    for n in range(runs):
        done.append(load_once(dsn, records, run_key=f"bench__scale_{n}"))
        with connect(dsn) as conn, conn.cursor() as cur:
            cur.execute(
                "DELETE FROM newswire.releases WHERE release_id = ANY(%s)",
                ([r["release_id"] for r in records],),
            )
    best = min(done, key=lambda d: d["merge_s"])
    return {
        "rows": len(records),
        "merge_rows_per_s": round(len(records) / best["merge_s"], 1),
        "total_rows_per_s": round(len(records) / best["total_s"], 1),
        "merge_s": round(best["merge_s"], 2),
        "total_s": round(best["total_s"], 2),
        "runs_merge_s": [round(d["merge_s"], 2) for d in done],
        "slowest_statements": sorted(best["merge_statements"], key=lambda x: -x[1])[:4],
    }


def sizes(dsn: str) -> dict:
    from newswire.warehouse.connection import connect

    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            """SELECT c.relname, pg_total_relation_size(c.oid)
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'newswire' AND c.relkind = 'r'
               ORDER BY 2 DESC LIMIT 8"""
        )
        return {name: round(size / 2**20, 1) for name, size in cur.fetchall()}


def measure(count: int, site: SampleSite, batch: list[dict], runs: int) -> dict:
    dsn = fresh_warehouse()
    try:
        result = {"count": count, **sample_backfill(dsn, site)}
        if count:
            result["fill_seconds"] = round(fill(dsn, count), 1)
        result["incremental"] = incremental(dsn, site, runs)
        result.update(reads(dsn, runs))
        result["sizes_mb"] = sizes(dsn)
        result["load_10k"] = load_batch(dsn, batch, runs)
        return result
    finally:
        drop_warehouse(dsn)


def run(
    count: int = 1_000_000, runs: int = 2, batch_size: int = 10_000, sample: int = SAMPLE_RELEASES
) -> dict:
    batch = batch_records(batch_size)
    with SampleSite(count=sample, seed=7) as site:
        empty = measure(0, site, batch, runs)
        big = measure(count, site, batch, runs)
    raw = big["raw_page_bytes_per_release"]
    return {
        "count": count,
        "empty": empty,
        "big": big,
        "load_ratio": round(
            big["load_10k"]["merge_rows_per_s"] / empty["load_10k"]["merge_rows_per_s"], 3
        ),
        "raw_pages_projected_gb_at_10m": round(raw * 10_000_000 / 2**30, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--out", help="also write the JSON to this file")
    args = parser.parse_args()
    result = run(args.count, args.runs, args.batch)
    text = json.dumps(result, indent=2, default=str)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
