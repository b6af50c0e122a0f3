"""Sample-site generation: seconds to generate N releases (the sample site, the tests and the
backfill benchmark all start by generating theirs). Median of several runs, one process.

    python bench/generate.py --count 20000 --runs 3
"""

from __future__ import annotations

import argparse
import json

from common import timed


def run(count: int = 20_000, runs: int = 3) -> dict:
    from newswire_sample_site import generate_releases

    seconds, all_runs = timed(lambda: generate_releases(count), runs)
    return {
        "count": count,
        "seconds": round(seconds, 3),
        "runs": all_runs,
        "releases_per_s": round(count / seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(run(args.count, args.runs), indent=2))


if __name__ == "__main__":
    main()
