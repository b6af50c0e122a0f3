"""End-to-end: a backfill of N releases from the sample site into an empty warehouse,
then incremental runs with nothing new. The ingest runs as its own process (the real
`newswire ingest` command) so its wall time and peak memory are its own (peak RSS of its
largest process, and peak PSS of its whole process tree in case it has workers); the
sample site is served from this process (pages rendered on demand, about 0.3 ms each).

    python bench/backfill.py --count 2000 --faults all
    python bench/backfill.py --count 2000 --reparse 3   # then `newswire reparse`, 3 times

With ``--reparse K`` the backfill's raw archive is re-parsed K times with
`newswire reparse --dsn DSN` (a child process too) before the warehouse is dropped.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sys

from common import ROOT, drop_warehouse, fresh_warehouse, median, run_child

from newswire_sample_site.faults import ALL, Faults
from newswire_sample_site.server import SampleSite

NEWSWIRE = [sys.executable, "-m", "newswire.cli"]
# With --faults all, a trickled page holds a worker until the request deadline: the real
# sites' 60 s would make the bench measure waiting; loopback pages take milliseconds.
CHILD_ENV = {"PYTHONPATH": str(ROOT / "plugins"), "NEWSWIRE_REQUEST_DEADLINE": "5"}


def backfill(
    count: int,
    faults: Faults | None,
    workers: int = 4,
    incremental_runs: int = 3,
    reparse_runs: int = 0,
) -> dict:
    dsn = fresh_warehouse()
    try:
        with SampleSite(count=count, seed=7, faults=faults) as site:
            common = ["--base-url", site.base_url, "--dsn", dsn, "--workers", str(workers)]
            site_cpu = _cpu_self()
            wall, rss, out, cpu, pss = run_child(
                [*NEWSWIRE, "ingest", *common, "--since", "2024-01-01", "--until", "2026-12-31"],
                env=CHILD_ENV,
            )
            site_cpu = _cpu_self() - site_cpu
            requests_backfill = _requests(site.request_counts)
            loaded = int(re.search(r"loaded (\d+) new", out)[1])
            before = _requests(site.request_counts)
            incremental = [
                run_child([*NEWSWIRE, "ingest", *common], env=CHILD_ENV)
                for _ in range(incremental_runs)
            ]
            incremental_requests = (_requests(site.request_counts) - before) // max(
                incremental_runs, 1
            )
        result = {
            "count": count,
            "faults": faults.describe() if faults else "none",
            "workers": workers,
            "backfill_seconds": round(wall, 2),
            "backfill_requests": requests_backfill,
            "request_counts": dict(site.request_counts),
            "loaded_new": loaded,
            "releases_per_s": round(loaded / wall, 1),
            "peak_rss_mb": rss,
            "peak_tree_pss_mb": pss,
            "summary": out.strip(),
            # where the wall time went: the ingest process's CPU (1 core at most while
            # parsing: threads share the GIL), and the sample site's (this process)
            "ingest_cpu_seconds": round(cpu, 1),
            "site_cpu_seconds": round(site_cpu, 1),
        }
        if incremental:
            result.update(
                {
                    "incremental_seconds": round(median([c.wall for c in incremental]), 2),
                    "incremental_runs": [round(c.wall, 2) for c in incremental],
                    "incremental_peak_rss_mb": max(c.rss_mb for c in incremental),
                    "incremental_requests": incremental_requests,
                    "incremental_summary": incremental[-1].stdout.strip(),
                }
            )
        if reparse_runs:
            result["reparse"] = reparse(dsn, loaded, reparse_runs)
        return result
    finally:
        drop_warehouse(dsn)


def reparse(dsn: str, releases: int, runs: int) -> dict:
    """`newswire reparse` over the archive a backfill left: releases/s, median of ``runs``."""
    done = [run_child([*NEWSWIRE, "reparse", "--dsn", dsn], env=CHILD_ENV) for _ in range(runs)]
    seconds = median([c.wall for c in done])
    return {
        "releases": releases,
        "seconds": round(seconds, 2),
        "releases_per_s": round(releases / seconds, 1),
        "runs": [round(c.wall, 2) for c in done],
        "cpu_seconds": round(median([c.cpu for c in done]), 1),
        "peak_rss_mb": max(c.rss_mb for c in done),
        "peak_tree_pss_mb": max(c.tree_pss_mb for c in done),
        "summary": done[-1].stdout.strip(),
    }


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _requests(counts: dict) -> int:
    """HTTP requests the site answered. "release" counts full pages (slow ones included);
    "slow", "cp1252", "no_charset" and "element_bomb" describe some of those pages, they are
    not extra requests."""
    described = ("slow", "cp1252", "no_charset", "element_bomb")
    return sum(n for kind, n in counts.items() if kind not in described)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--faults", choices=("none", "all"), default="none")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--incremental", type=int, default=3, help="incremental runs after (median)"
    )
    parser.add_argument(
        "--reparse",
        type=int,
        default=0,
        metavar="K",
        help="then re-parse the archive K times (median)",
    )
    args = parser.parse_args()
    result = backfill(
        args.count,
        ALL if args.faults == "all" else None,
        args.workers,
        args.incremental,
        args.reparse,
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
