"""An incremental discovery with a small and a huge warehouse: the time of
``pipeline.discover_step`` against the sample site when every release on it is loaded
already, with N other releases of the wire in the warehouse (issue 12: discovery asks the
warehouse about its candidates only, so N must not matter).

    python bench/incremental.py --sizes 10 1000000
"""

from __future__ import annotations

import argparse
import time

import psycopg2
from common import drop_warehouse, fresh_warehouse, median

FILLER_FIRST_ID = 100_000_000  # far below the sample site's ids


def fill(dsn: str, count: int, site_ids: list[str]) -> None:
    """``count`` minimal releases that are not on the site, and every release that is."""
    conn = psycopg2.connect(dsn)
    with conn, conn.cursor() as cur:
        cur.execute(
            """INSERT INTO newswire.releases (wire, release_id, url, title, body_text,
                   content_sha256, parser_version, fetched_at)
               SELECT 'prnewswire', id, 'https://www.prnewswire.com/news-releases/r-' || id
                      || '.html', 'filler', '', '', 'filler', now()
               FROM (SELECT n::text AS id FROM generate_series(%s::bigint, %s::bigint - 1) n
                     UNION ALL SELECT unnest(%s::text[])) ids""",
            (FILLER_FIRST_ID, FILLER_FIRST_ID + count, site_ids),
        )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE newswire.releases")
    conn.close()


def main() -> None:
    from newswire import pipeline
    from newswire_sample_site.server import SampleSite

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1_000_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with SampleSite(count=120) as site:
        for size in args.sizes:
            dsn = fresh_warehouse()
            try:
                fill(dsn, size, [rel.release_id for rel in site.releases])
                # feed validators saved
                pipeline.discover_step(dsn, site.base_url, "warm-up", source="prnewswire")
                times = []
                for n in range(args.runs):
                    start = time.perf_counter()
                    urls = pipeline.discover_step(
                        dsn, site.base_url, f"run-{n}", source="prnewswire"
                    )
                    times.append(time.perf_counter() - start)
                    assert urls == [], urls  # everything on the site is loaded
                print(
                    f"{size + len(site.releases):>9} releases in the warehouse: incremental"
                    f" discover_step median {median(times) * 1000:.1f} ms over {args.runs} runs"
                    f" ({', '.join(f'{t * 1000:.1f}' for t in times)} ms)",
                    flush=True,
                )
            finally:
                drop_warehouse(dsn)


if __name__ == "__main__":
    main()
