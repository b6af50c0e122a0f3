"""Parse speed on one core: pages/s of newswire's parser, ``trafilatura.extract`` (with
metadata) and a bare ``lxml.html.document_fromstring`` of the same bytes (the floor), over the
real fixture pages and over sample-site pages (earnings releases with a dozen statements
among them). One process, one page at a time; each figure is the median of several timed
passes over the whole set, the tools taking turns pass by pass, after a warm-up. Each real
page is also timed alone, newswire beside bare lxml (``per_page``): a page whose parse
grows faster than its bytes shows there, not in the average.

    python bench/parse.py --samples 2000 --repeat 10 --runs 3
    python bench/parse.py --profile newswire      # cProfile of newswire on the sample pages
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time

from common import ROOT, median

REAL_DIR = ROOT.parent / "shared" / "fixtures" / "real"  # third-party: never committed
PAGES_TSV = ROOT / "tests" / "fixtures" / "labels" / "pages.tsv"
TOOLS = ("newswire", "trafilatura", "lxml")


def real_pages() -> list[tuple[str, bytes, str | None]]:
    """(name, bytes, the URL it was saved from) of each real page of ../shared/fixtures/real/,
    or none (said in one line) when that folder is absent."""
    if not REAL_DIR.is_dir():
        print(
            f"skipped: {REAL_DIR} is absent (third-party fixtures live in ../shared/)",
            file=sys.stderr,
        )
        return []
    with open(PAGES_TSV, newline="", encoding="utf-8") as f:
        urls = {row["file"]: row["release_url"] for row in csv.DictReader(f, delimiter="\t")}
    return [
        (path.stem, path.read_bytes(), urls.get(path.name))
        for path in sorted(REAL_DIR.glob("*.html"))
    ]


def sample_pages(count: int) -> list[tuple[bytes, str]]:
    from newswire_sample_site.releases import generate_releases
    from newswire_sample_site.render import render_release_page

    return [(render_release_page(rel).encode(), rel.url) for rel in generate_releases(count)]


def parsers() -> dict:
    """tool -> f(bytes, url); each returns something truthy when it got a result."""
    import lxml.html
    import trafilatura

    from newswire.parsing import ParseError, parse_release

    def newswire(content: bytes, url: str | None):
        try:
            return parse_release(content, url)
        except ParseError:
            return None

    def trafilatura_extract(content: bytes, url: str | None):
        return trafilatura.extract(content, url=url, output_format="json", with_metadata=True)

    def lxml_parse(content: bytes, url: str | None):
        return lxml.html.document_fromstring(content)

    return {"newswire": newswire, "trafilatura": trafilatura_extract, "lxml": lxml_parse}


def timed_in_turn(funcs: dict, pages: list, runs: int, passes: int = 1) -> dict:
    """{tool: seconds of each run}: a run is ``passes`` passes over ``pages``; the tools take
    their turn run by run, so a drift of the machine's speed (other work on it) hits each."""
    times = {tool: [] for tool in funcs}
    for _ in range(runs):
        for tool, fn in funcs.items():
            start = time.perf_counter()
            for _ in range(passes):
                for content, url in pages:
                    fn(content, url)
            times[tool].append(time.perf_counter() - start)
    return times


def bench_set(pages: list[tuple[bytes, str | None]], runs: int, tools=TOOLS) -> dict:
    """{tool: {pages_per_s, seconds, runs, pages, failed}} over ``pages``."""
    funcs = {tool: parsers()[tool] for tool in tools}
    failed = {tool: sum(fn(c, u) is None for c, u in pages[:50]) for tool, fn in funcs.items()}
    out = {}
    for tool, runs_seconds in timed_in_turn(funcs, pages, runs).items():
        seconds = median(runs_seconds)
        out[tool] = {
            "pages_per_s": round(len(pages) / seconds, 1),
            "seconds": round(seconds, 3),
            "runs": [round(t, 4) for t in runs_seconds],
            "pages": len(pages),
            "failed_in_warmup": failed[tool],  # warm-up: the first 50 pages
        }
    return out


def per_page(pages: list[tuple[str, bytes, str | None]], passes: int, runs: int) -> list[dict]:
    """Each page alone, newswire beside bare lxml in this one process (in turn, run by run);
    per tool the median run of ``passes`` parses."""
    funcs = {tool: parsers()[tool] for tool in ("newswire", "lxml")}
    out = []
    for name, content, url in pages:
        for fn in funcs.values():
            fn(content, url)  # warm-up
        times = timed_in_turn(funcs, [(content, url)], runs, passes)
        newswire, lxml = (median(times[tool]) / passes for tool in funcs)
        out.append(
            {
                "page": name,
                "kb": round(len(content) / 1024),
                "newswire_ms": round(newswire * 1000, 2),
                "lxml_ms": round(lxml * 1000, 2),
                "lxml_over_newswire": round(newswire / lxml, 2),
            }
        )
    return out


def ratios(results: dict) -> dict:
    n, t, x = (results[k]["pages_per_s"] for k in TOOLS)
    return {"newswire_over_trafilatura": round(n / t, 2), "lxml_over_newswire": round(x / n, 2)}


def run(samples: int = 2000, repeat: int = 10, runs: int = 3) -> dict:
    named = real_pages()
    real = [(content, url) for _, content, url in named] * repeat
    sample = sample_pages(samples)
    result = {"real": bench_set(real, runs), "sample": bench_set(sample, runs)}
    result["real"]["per_page"] = per_page(named, repeat, max(runs, 5))
    result["real"]["distinct_pages"] = len(named)
    result["real"]["mean_page_kb"] = round(sum(len(c) for c, _ in real) / len(real) / 1024, 1)
    result["sample"]["mean_page_kb"] = round(sum(len(c) for c, _ in sample) / len(sample) / 1024, 1)
    for name in ("real", "sample"):
        result[name]["ratios"] = ratios(result[name])
    return result


def profile(tool: str, samples: int, top: int = 30) -> None:
    """cProfile of one tool over the sample pages and the real ones, by cumulative and own time."""
    import cProfile
    import pstats

    fn = parsers()[tool]
    pages = sample_pages(samples) + [(content, url) for _, content, url in real_pages()] * 4
    fn(*pages[0])
    profiler = cProfile.Profile()
    profiler.enable()
    for content, url in pages:
        fn(content, url)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--samples", type=int, default=2000, help="sample-site pages (default 2000)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=10,
        help="passes over the real pages per timed run (default 10)",
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="timed runs; the median is kept (default 3)"
    )
    parser.add_argument("--profile", choices=TOOLS, help="print a cProfile of this tool instead")
    args = parser.parse_args()
    if args.profile:
        profile(args.profile, min(args.samples, 300))
        return
    print(json.dumps(run(args.samples, args.repeat, args.runs), indent=2))


if __name__ == "__main__":
    main()
