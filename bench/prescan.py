"""What the parser's pre-scan of start tags costs, and what it saves: the scan's seconds
against the whole load (decode, scan, lxml, head, pruning) of the same pages, real and
sample-site ones; and how long an attribute bomb takes to become a reject. One process,
one page at a time; each figure is the median of several timed passes. Writes
bench/results/prescan.json (or ``--out``).

    python bench/prescan.py --samples 300 --runs 5
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from common import ROOT, timed, write_results
from parse import real_pages, sample_pages

RESULT = ROOT / "bench" / "results" / "prescan.json"
BOMBS = (100_000, 600_000)  # attributes of one element


def share(pages: list[bytes], runs: int) -> dict:
    from newswire.parsing import document

    def load_all():
        for content in pages:
            document.load(content)

    scan, _ = timed(lambda: [document._scan_start_tags(content) for content in pages], runs)
    load, _ = timed(load_all, runs)
    return {
        "pages": len(pages),
        "scan_s": round(scan, 4),
        "load_s": round(load, 4),
        "scan_share_of_load": round(scan / load, 3),
    }


def bomb_seconds(attributes: int) -> float:
    """Seconds for ``document.load`` to refuse a page with one element of ``attributes``."""
    from newswire.parsing import ParseError, document

    names = " ".join(f"a{n}" for n in range(attributes))
    page = f"<html><body><p {names}>x</p></body></html>".encode()
    start = time.perf_counter()
    try:
        document.load(page)
    except ParseError as exc:
        assert exc.reason == "too_many_attributes", exc
        return round(time.perf_counter() - start, 3)
    raise AssertionError("the bomb was parsed")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=300, help="sample-site pages")
    parser.add_argument("--runs", type=int, default=5, help="timed passes; the median is kept")
    parser.add_argument("--out", type=Path, default=RESULT, help=f"default {RESULT}")
    args = parser.parse_args()
    result = {
        "real": share([content for _, content, _ in real_pages()], args.runs),
        "sample": share([content for content, _ in sample_pages(args.samples)], args.runs),
        "bomb_reject_s": {str(n): bomb_seconds(n) for n in BOMBS},
    }
    write_results(args.out, result)


if __name__ == "__main__":
    main()
