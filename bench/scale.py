"""Scale (issues 14 and 21): the same measures on a warehouse holding N synthetic releases and
on one holding none, side by side. Both first get a small backfill from the sample site
(through the real `newswire ingest`); the big one is then filled with N synthetic releases
the way a warehouse grows: batches of FILL_BATCH go through the load's own statements (a
run opened, its records staged and merged with every index and trigger in place, the run
closed), then ``VACUUM ANALYZE``. The disk it needs is printed before it starts. 2-3 KB
bodies in which "revenue growth" occurs in every release (a worst case), 20,000 issuers,
tickers on a third, industries on half, about 1,000 releases a day. Measured on each (best
of ``runs``, timed inside one connection):

- the incremental run (`newswire ingest` with nothing new): wall and peak RSS;
- every report view (first 50 rows) and the Newswire page's reads;
- search over a mix of common and rare queries, by rank and by recency: p95;
- loads (staging + merge) of the next days' releases, 100 and 10,000: seconds, rows/s, and
  the slowest statements of the merge;
- the plans (EXPLAIN) of the reports, the page's reads, the searches and of every merge
  statement for a 100-release batch, and table sizes.

    python bench/scale.py --count 1000000
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import ROOT, drop_warehouse, fresh_warehouse, run_child, write_results

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

# What a synthetic release costs on disk through the load (releases, versions, tickers,
# industries, their indexes and the search index; raw pages apart), measured on a fill of
# 150,000 (2.15 GiB): the budget printed before a fill starts.
DISK_BYTES_PER_RELEASE = 15_000
SMALL_BATCH = 100  # a run's worth of new releases
FILL_BATCH = 5_000  # releases staged and merged per transaction, as a large run would


def _paragraph(p: int) -> str:
    """One of 1,000 fixed paragraphs of 75 distinct pseudo-words."""
    return " ".join(
        "k" + hashlib.md5(str(p * 131 + k).encode()).hexdigest()[:6] for k in range(1, 76)
    )


def synthetic_records(first: int, count: int, total: int, end=HISTORY_END) -> list[dict]:
    """Releases ``first`` .. ``first + count - 1`` of a synthetic history of ``total``
    releases ending at ``end``, PER_DAY a day: 2-3 KB bodies in which "revenue growth"
    occurs in every release (a worst case), "partnership" in 5% of titles, "acquisition"
    in 0.5%, rare "zx" references; 20,000 issuers, tickers on a third, industries on half."""
    from newswire.record import content_sha256, sourced_from, word_count

    paragraphs = {}
    records = []
    for g in range(first, first + count):
        published = end - (total - g) * timedelta(days=1) / PER_DAY
        issuer = f"Synthetic Issuer {g % 20000 + 1} Inc."
        picks = (g * 7 % 1000, (g * 13 + 1) % 1000, (g * 17 + 2) % 1000, (g * 19 + 3) % 1000)
        for p in picks:
            if p not in paragraphs:
                paragraphs[p] = _paragraph(p)
        body = "\n\n".join(
            filter(
                None,
                (
                    f"NEW YORK /PRNewswire/ -- {issuer} reported revenue growth in its "
                    + ("quarterly results." if g % 2 == 0 else "annual review."),
                    "The acquisition is expected to close soon." if g % 200 == 0 else None,
                    f"Reference zx{g % 100000}.",
                    *(paragraphs[p] for p in picks),
                ),
            )
        )
        release_id = str(FIRST_SYNTHETIC_ID + g)
        record = {
            "release_id": release_id,
            "url": f"https://www.prnewswire.com/news-releases/synthetic-{release_id}.html",
            "wire": "prnewswire",
            "title": issuer + (" announces partnership" if g % 20 == 0 else " reports"),
            "subtitle": None,
            "issuer": issuer,
            "published_at": published.isoformat(),
            "dateline_location": "NEW YORK",
            "source_org": issuer,
            "tickers": (
                [{"exchange": "NASDAQ" if g % 2 == 0 else "NYSE", "symbol": f"S{g % 20000}"}]
                if g % 3 == 0
                else []
            ),
            "industries": [f"Synthetic Industry {g % 30 + 1}"] if g % 2 == 0 else [],
            "language": "en",
            "body_text": body,
            "contacts": None,
            "images": [],
            "subjects": [],
            "dateline_date": published.date().isoformat(),
            "word_count": word_count(body),
        }
        record["content_sha256"] = content_sha256(record)
        record["field_sources"] = sourced_from(record)  # hand-built: as if by the rules
        records.append(record)
    return records


def disk_budget(count: int) -> str:
    """What a fill of ``count`` will take, said before it starts."""
    return (
        f"filling {count:,} releases through the load: about"
        f" {count * DISK_BYTES_PER_RELEASE / 2**30:.1f} GiB of warehouse"
        f" ({DISK_BYTES_PER_RELEASE:,} bytes a release, raw pages apart)"
    )


def fill(dsn: str, count: int, batch: int = FILL_BATCH) -> float:
    """Add ``count`` synthetic releases ending at HISTORY_END, the way a warehouse grows:
    each batch of ``batch`` goes through the load's own statements (a run opened, its
    records staged, merged and the run closed, every index and trigger in place); seconds it
    took. No bulk shortcut: what is measured afterwards is what users' loads would have
    built (``test_bench_fill_builds_what_loads_build``)."""
    import psycopg2

    from newswire import wires
    from newswire.warehouse import runs
    from newswire.warehouse.connection import connect
    from newswire.warehouse.loading import StagedRecord

    print(disk_budget(count), file=sys.stderr)
    start = time.perf_counter()
    for first in range(0, count, batch):
        records = synthetic_records(first, min(batch, count - first), count)
        run_key = f"bench__fill_{first}"
        with connect(dsn) as conn, conn.cursor() as cur:
            runs.open_run(cur, run_key, "bench")
            runs.stage_records(
                cur,
                run_key,
                [StagedRecord(r, "synthetic", _fetched_at(r), r["url"]) for r in records],
            )
        with connect(dsn) as conn, conn.cursor() as cur:
            summary, _ = runs.merge_run(cur, run_key, len(records), wires.rule_fields())
            runs.close_run(cur, summary, "success")
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    conn.close()
    return time.perf_counter() - start


def _fetched_at(record: dict) -> datetime:
    """Twenty minutes after publication, as a prompt crawl would."""
    return datetime.fromisoformat(record["published_at"]) + timedelta(minutes=20)


def batch_records(count: int) -> list[dict]:
    """``count`` new releases over the days after HISTORY_END, PER_DAY a day, like the fill's
    (ids below the fill's, so any fill size leaves them new)."""
    from newswire.record import content_sha256

    end = HISTORY_END + timedelta(days=1) + count * timedelta(days=1) / PER_DAY
    records = synthetic_records(0, count, count, end=end)
    for i, record in enumerate(records):
        record["release_id"] = str(FIRST_SYNTHETIC_ID - 1 - i)
        record["url"] = f"https://www.prnewswire.com/news-releases/batch-{i}.html"
        record["content_sha256"] = content_sha256(record)
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
            "SELECT (pg_total_relation_size('newswire.raw_pages')"
            " + pg_total_relation_size('newswire.page_dictionaries')) / greatest(count(*), 1)"
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


def merge_plans(dsn: str, records: list[dict]) -> dict:
    """The plan of every merge statement for a batch of ``records`` (staged, planned, rolled
    back): each should reach the big tables through an index, whatever their size."""
    import psycopg2

    from newswire.warehouse.loading import _MERGE_STEPS, StagedRecord, stage
    from newswire.warehouse.watchlists import _RECORD_ALERTS

    conn = psycopg2.connect(dsn)
    plans = {}
    try:
        with conn.cursor() as cur:
            cur.execute(
                "INSERT INTO newswire.ingestion_runs (run_key, source) VALUES ('bench__plan', 'b')"
            )
            stage(
                cur,
                "bench__plan",
                [StagedRecord(r, "b", _fetched_at(r), r["url"]) for r in records],
            )
            for step in (*_MERGE_STEPS, _RECORD_ALERTS):
                # a step generated from the record's fields is composed SQL: its text here
                statement = step if isinstance(step, str) else step.as_string(cur)
                params = {"run_key": "bench__plan"}
                label = f"merge of {len(records)}: " + " ".join(statement.split())[:60]
                if not statement.startswith("ANALYZE"):
                    plans[label] = plan(cur, statement, params)
                if statement.startswith(("CREATE", "ANALYZE")):
                    cur.execute(statement, params)  # the batch the others read
    finally:
        conn.rollback()
        conn.close()
    return plans


def load_batch(dsn: str, records: list[dict], runs: int) -> dict:
    """Best of ``runs`` loads of the batch (deleted again between runs)."""
    from load import load_once

    from newswire.warehouse.connection import connect

    done = []
    for n in range(runs):
        run_key = f"bench__scale_{len(records)}_{n}"
        done.append(load_once(dsn, records, run_key=run_key))
        with connect(dsn) as conn, conn.cursor() as cur:
            cur.execute(
                "DELETE FROM newswire.releases WHERE release_id = ANY(%s)",
                ([r["release_id"] for r in records],),
            )
            cur.execute("DELETE FROM newswire.ingestion_runs WHERE run_key = %s", (run_key,))
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
        result["plans"].update(merge_plans(dsn, batch[:SMALL_BATCH]))
        result["load_100"] = load_batch(dsn, batch[:SMALL_BATCH], runs)
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
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    args = parser.parse_args()
    write_results(args.out, run(args.count, args.runs, args.batch))


if __name__ == "__main__":
    main()
