"""Load speed: rows/s putting N sample release records (their true records, no parsing)
into an empty warehouse the way the pipeline does, beside a bare COPY of the same rows into
a plain table (the limit).

- staging: ``newswire.warehouse.loading.stage`` in batches of ``pipeline.STAGE_BATCH`` records, one
  commit per batch (as ``fetch_step`` does, without the raw pages);
- merge: one ``merge_staged`` of the whole run, committed (as ``load_step`` does);
- COPY: the same JSON record text and key columns, one ``COPY`` into an unindexed,
  unconstrained table in one transaction. Both sides start from Python dicts, so both pay
  for ``json.dumps``.

Each figure is the median of several runs, each into a new warehouse.

    python bench/load.py --count 50000 --runs 3
"""

from __future__ import annotations

import argparse
import io
import json
import time
from datetime import UTC, datetime

from common import drop_warehouse, fresh_warehouse, median

COPY_TABLE = """CREATE TABLE bench_copy (
    run_key text, wire text, release_id text, record jsonb, content_sha256 text,
    fetched_at timestamptz, fetch_url text)"""


def records(count: int) -> list[dict]:
    from newswire_sample_site.releases import generate_releases

    return [rel.expected for rel in generate_releases(count)]


def load_once(dsn: str, recs: list[dict], run_key: str = "bench__load") -> dict:
    """Stage in batches then merge, as the pipeline does; seconds of each."""
    from newswire.pipeline import STAGE_BATCH
    from newswire.warehouse.connection import connect
    from newswire.warehouse.loading import StagedRecord, merge_staged, stage

    fetched_at = datetime.now(UTC)
    with connect(dsn) as conn:
        with conn.cursor() as cur:
            cur.execute(
                "INSERT INTO newswire.ingestion_runs (run_key, source) VALUES (%s, 'bench')",
                (run_key,),
            )
        conn.commit()
        start = time.perf_counter()
        for first in range(0, len(recs), STAGE_BATCH):
            with conn.cursor() as cur:
                stage(
                    cur,
                    run_key,
                    [
                        StagedRecord(r, "bench", fetched_at, r["url"])
                        for r in recs[first : first + STAGE_BATCH]
                    ],
                )
            conn.commit()
        staged = time.perf_counter()
        with conn.cursor() as cur:
            timing = _TimingCursor(cur)
            new, updated, unchanged = merge_staged(timing, run_key)
        conn.commit()
        merged = time.perf_counter()
    if (new, updated, unchanged) != (len(recs), 0, 0):
        raise AssertionError(f"merge gave {(new, updated, unchanged)} for {len(recs)} records")
    return {
        "stage_s": staged - start,
        "merge_s": merged - staged,
        "total_s": merged - start,
        "merge_statements": timing.seconds,
    }


class _TimingCursor:
    """A cursor that remembers how long each statement took (the merge's breakdown)."""

    def __init__(self, cur):
        self._cur, self.seconds = cur, []

    def execute(self, sql, params=None):
        start = time.perf_counter()
        self._cur.execute(sql, params)
        text = sql if isinstance(sql, str) else sql.as_string(self._cur)  # a composed one
        label = " ".join(text.split())[:90]
        self.seconds.append((label, round(time.perf_counter() - start, 3)))

    def __getattr__(self, name):
        return getattr(self._cur, name)


def copy_once(dsn: str, recs: list[dict]) -> float:
    """Seconds to COPY the same rows into a plain table, serialization included."""
    from newswire.warehouse.connection import connect
    from newswire.warehouse.loading import _copy_text

    fetched_at = datetime.now(UTC).isoformat()
    with connect(dsn) as conn:
        with conn.cursor() as cur:
            cur.execute(COPY_TABLE)
        conn.commit()
        start = time.perf_counter()
        buffer = io.StringIO()
        for r in recs:
            row = (
                "bench__copy",
                r["wire"],
                r["release_id"],
                json.dumps(r, ensure_ascii=False),
                r["content_sha256"],
                fetched_at,
                r["url"],
            )
            buffer.write("\t".join(_copy_text(v) for v in row) + "\n")
        buffer.seek(0)
        with conn.cursor() as cur:
            cur.copy_expert("COPY bench_copy FROM STDIN", buffer)
        conn.commit()
        return time.perf_counter() - start


def run(count: int = 50000, runs: int = 3, recs: list[dict] | None = None) -> dict:
    recs = recs[:count] if recs is not None else records(count)
    loads, copies = [], []
    for _ in range(runs):
        dsn = fresh_warehouse()
        try:
            loads.append(load_once(dsn, recs))
        finally:
            drop_warehouse(dsn)
        dsn = fresh_warehouse()
        try:
            copies.append(copy_once(dsn, recs))
        finally:
            drop_warehouse(dsn)
    result = {"rows": len(recs)}
    for part in ("stage", "merge", "total"):
        seconds = median([load[f"{part}_s"] for load in loads])
        result[part] = {
            "rows_per_s": round(len(recs) / seconds, 1),
            "seconds": round(seconds, 3),
            "runs": [round(load[f"{part}_s"], 3) for load in loads],
        }
    slowest = sorted(loads, key=lambda load: load["merge_s"])[len(loads) // 2]["merge_statements"]
    result["merge"]["slowest_statements"] = sorted(slowest, key=lambda x: -x[1])[:4]
    seconds = median(copies)
    result["copy"] = {
        "rows_per_s": round(len(recs) / seconds, 1),
        "seconds": round(seconds, 3),
        "runs": [round(c, 3) for c in copies],
    }
    result["ratios"] = {
        "load_over_copy": round(result["total"]["rows_per_s"] / result["copy"]["rows_per_s"], 3),
        "stage_over_copy": round(result["stage"]["rows_per_s"] / result["copy"]["rows_per_s"], 3),
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--count",
        type=int,
        nargs="+",
        default=[50000, 10000],
        help="rows per load (several: one result each; default 50000 10000)",
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    recs = records(max(args.count))
    print(json.dumps({str(n): run(n, args.runs, recs) for n in args.count}, indent=2))


if __name__ == "__main__":
    main()
