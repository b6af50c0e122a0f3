"""What a corrections re-check costs when nothing changed (issue 20): the recent releases'
pages asked for with conditional GETs (each answers 304: no body, no parse, no merge) against
the same re-check without validators (every page fetched, parsed, staged and merged as
unchanged, as the daily re-check did before).

The sample site on loopback (no rate limit, 4 fetch workers) holds ``--count`` releases of
the last two days, all loaded first; each re-check asks for all of them (``--count`` is at
most a run's cap, 600). Reported: requests sent and seconds (median of ``--runs``). Against
a real site the wall time is set by the polite rate instead (one request a second: 600
pages, 10 minutes); what a 304 saves there is the body, the parse and the merge. Writes
``bench/results/recheck.{md,json}``.

    .venv/bin/python bench/recheck.py            # 600 releases, 3 runs each, about 2 minutes
    .venv/bin/python bench/recheck.py --count 100 --runs 1 --out /tmp/x
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from common import ROOT, drop_warehouse, fresh_warehouse, median, write_results

RESULTS = ROOT / "bench" / "results"


def one_recheck(dsn: str, site, conditional: bool) -> dict:
    """One re-check of the last two days; what it sent, received and took."""
    import psycopg2

    from newswire import pipeline

    if not conditional:  # as before conditional GETs: no validators to send
        with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
            cur.execute("DELETE FROM newswire.page_validators")
        conn.close()
    requests = site.request_counts["release"]
    start = time.perf_counter()
    summary = pipeline.recheck(dsn, site.base_url, days=2, now=site.now, source="prnewswire")
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "requests": site.request_counts["release"] - requests,
        # neither loaded nor rejected: answered 304
        "not_modified": summary.discovered
        - (summary.loaded_new + summary.loaded_updated + summary.unchanged + summary.rejected),
        "fetched": summary.fetched,
        "unchanged": summary.unchanged,
        "updated": summary.loaded_updated,
    }


def quiet_ingests(dsn: str, site, runs: int) -> dict:
    """Scheduled ingest runs that find nothing new: what each sent and took (median)."""
    from newswire import pipeline

    seconds, sent = [], []
    for _ in range(runs):
        before = sum(site.request_counts.values())
        start = time.perf_counter()
        summary = pipeline.ingest(dsn, site.base_url, source="prnewswire")
        seconds.append(time.perf_counter() - start)
        sent.append(sum(site.request_counts.values()) - before)
        assert summary.discovered == 0, summary
    return {"seconds_median": round(median(seconds), 3), "requests": max(sent)}


def measure(count: int, runs: int) -> dict:
    from newswire import pipeline
    from newswire_sample_site.server import SampleSite

    dsn = fresh_warehouse()
    try:
        with SampleSite(count=count, seed=20, days=2) as site:
            # everything: what follows finds nothing new
            pipeline.ingest(dsn, site.base_url, source="prnewswire")
            result = {"count": count, "runs": runs}
            result["quiet_ingest"] = quiet_ingests(dsn, site, 3 * runs)
            for label, conditional in (("conditional", True), ("unconditional", False)):
                rows = [one_recheck(dsn, site, conditional) for _ in range(runs)]
                result[label] = {
                    "seconds_median": round(median([r["seconds"] for r in rows]), 3),
                    "seconds": [round(r["seconds"], 3) for r in rows],
                    **{k: v for k, v in rows[-1].items() if k != "seconds"},
                }
    finally:
        drop_warehouse(dsn)
    return result


def markdown(result: dict) -> str:
    a, b, q = result["conditional"], result["unconditional"], result["quiet_ingest"]
    rows = "\n".join(
        f"| {label} | {r['requests']} | {r['not_modified']} |"
        f" {r['fetched']} | {r['unchanged']} | **{r['seconds_median']:.2f} s** ({r['seconds']}) |"
        for label, r in (("conditional GETs (now)", a), ("no validators (before)", b))
    )
    return f"""# A corrections re-check that finds nothing changed (issue 20)

`bench/recheck.py`, {result["date"]}, commit {result["git_commit"]},
{result["machine"]["cpu"]} ({result["machine"]["cores"]} cores), load average
{result["load_average"]} at the end (the machine was shared with other work).

{result["count"]} releases of the last two days on the loopback sample site, all loaded; each
re-check asks for all of them, {result["runs"]} runs each (median seconds, the runs in
brackets).

| re-check | requests | not modified | fetched | unchanged | seconds |
| --- | ---: | ---: | ---: | ---: | ---: |
{rows}

Against a real site the requests are paced at one a second (600 pages: 10 minutes) either
way; a 304 saves the page's body, its parse and its merge.

An ingest run that finds nothing new (after the load, {3 * result["runs"]} runs): {q["requests"]}
requests, **{q["seconds_median"]:.2f} s** (median).
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    write_results(args.out / "recheck.json", measure(args.count, args.runs), markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
