"""`make bench`: every benchmark of issue 7 in one run, side by side with the peers and the
limits, against the targets. Writes ``latest.json`` (all figures, every run's timing, the
machine and its load) and ``latest.md`` (the table) to ``bench/results/`` (or ``--out``),
and prints the table.

    python bench/run.py              # the full run (about 10-15 minutes on 2 cores)
    python bench/run.py --quick      # a smoke run with tiny N (the figures mean nothing)
    python bench/run.py --only parse dags

Sections: parse (bench/parse.py), load (bench/load.py), end_to_end and reparse
(bench/backfill.py), dag_parse (bench/dags.py), sample_site (bench/generate.py), scale
(bench/scale.py: 1,000,000 releases, filled through the load, beside an empty warehouse;
1-2 hours of the run on two shared cores, about 15 GB of disk).
Run it on a quiet machine: the load average at the start and at the end is recorded with the
results.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

import backfill
import generate
import load
import parse
import scale
from common import ROOT, load_average, write_results

import dags
from newswire.pipeline import STAGE_BATCH

SECTIONS = ("parse", "load", "end_to_end", "reparse", "dag_parse", "sample_site", "scale")
SIZES = {
    "full": {
        "parse_samples": 2000,
        "parse_repeat": 10,
        "parse_runs": 3,
        "load_counts": [50000, 10000],
        "load_runs": 3,
        "backfill": 10000,
        "backfill_small": 2000,
        "incremental_runs": 3,
        "reparse_runs": 3,
        "dag_runs": 3,
        "sample_count": 20000,
        "sample_runs": 3,
        "scale_count": 1_000_000,
        "scale_runs": 3,
        "scale_batch": 10_000,
        "scale_sample": 200,
    },
    "quick": {
        "parse_samples": 20,
        "parse_repeat": 1,
        "parse_runs": 3,
        "load_counts": [200, 100],
        "load_runs": 1,
        "backfill": 40,
        "backfill_small": 20,
        "incremental_runs": 1,
        "reparse_runs": 1,
        "dag_runs": 1,
        "sample_count": 200,
        "sample_runs": 1,
        "scale_count": 2000,
        "scale_runs": 1,
        "scale_batch": 100,
        "scale_sample": 10,
    },
}
# Issue 7, section 3.
TARGETS = {
    "parse_vs_trafilatura": 3.0,
    "parse_vs_lxml": 4.0,
    # Issue 24: over the real pages, and each real page alone.
    "parse_real_vs_trafilatura": 5.0,
    "parse_page_vs_lxml": 4.0,
    "load_vs_copy": 0.60,
    "backfill_seconds": 180.0,
    "peak_rss_mb": 500.0,
    "rss_growth": 1.20,
    "incremental_seconds": 5.0,
    "dag_seconds": 0.5,
    "sample_generation_seconds": 4.0,  # 20,000 releases
    # Issue 14, at 1,000,000 releases.
    "scale_incremental_seconds": 3.0,
    "scale_incremental_rss_mb": 100.0,
    "scale_read_ms": 100.0,
    "scale_search_p95_ms": 300.0,
    "scale_load_ratio": 0.80,
    "scale_small_merge_seconds": 2.0,
}


def run_sections(sizes: dict, only: tuple[str, ...]) -> tuple[dict, dict, dict]:
    results, errors, loads = {}, {}, {}

    def section(name, fn):
        if name not in only:
            return
        started = time.perf_counter()
        loads[name] = {"start": load_average()}
        print(
            f"bench: {name} ... (load average {loads[name]['start']})", file=sys.stderr, flush=True
        )
        try:
            results[name] = fn()
        except Exception:
            errors[name] = traceback.format_exc()
            print(f"bench: {name} failed:\n{errors[name]}", file=sys.stderr, flush=True)
        loads[name].update(end=load_average(), seconds=round(time.perf_counter() - started, 1))
        print(
            f"bench: {name} done in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
            flush=True,
        )

    section(
        "parse",
        lambda: parse.run(sizes["parse_samples"], sizes["parse_repeat"], sizes["parse_runs"]),
    )

    def load_all():
        recs = load.records(max(sizes["load_counts"]))
        return {str(n): load.run(n, sizes["load_runs"], recs) for n in sizes["load_counts"]}

    section("load", load_all)

    small: dict = {}

    def end_to_end():
        # The small backfill's archive is re-parsed before its warehouse is dropped.
        reparse_runs = sizes["reparse_runs"] if "reparse" in only else 0
        small.update(
            backfill.backfill(
                sizes["backfill_small"], None, incremental_runs=0, reparse_runs=reparse_runs
            )
        )
        big = backfill.backfill(sizes["backfill"], None, incremental_runs=sizes["incremental_runs"])
        small_view = {k: v for k, v in small.items() if k != "reparse"}
        return {
            "backfill": big,
            "backfill_small": small_view,
            "rss_growth": round(big["peak_rss_mb"] / small["peak_rss_mb"], 2),
        }

    if "end_to_end" in only:
        section("end_to_end", end_to_end)
    if "reparse" in only:
        if "end_to_end" in only:
            if "reparse" in small:
                results["reparse"] = small["reparse"]
            elif "end_to_end" in errors:
                errors["reparse"] = "skipped: the backfill it re-parses failed"
        else:
            section(
                "reparse",
                lambda: backfill.backfill(
                    sizes["backfill_small"],
                    None,
                    incremental_runs=0,
                    reparse_runs=sizes["reparse_runs"],
                )["reparse"],
            )
    section("dag_parse", lambda: dags.run(sizes["dag_runs"]))
    section("sample_site", lambda: generate.run(sizes["sample_count"], sizes["sample_runs"]))
    section(
        "scale",
        lambda: scale.run(
            sizes["scale_count"], sizes["scale_runs"], sizes["scale_batch"], sizes["scale_sample"]
        ),
    )
    return results, errors, loads


# -- the table ----------------------------------------------------------------------------
def figures(results: dict, sizes: dict) -> list[dict]:
    """Rows of the table: figure, value, target, met (None: no target)."""
    rows = []
    T = TARGETS

    def row(section, figure, value, unit="", target=None, met=None):
        rows.append(
            {
                "section": section,
                "figure": figure,
                "value": value,
                "unit": unit,
                "target": target,
                "met": met,
            }
        )

    if "parse" in results:
        p = results["parse"]
        for name, label in (
            ("real", f"{p['real']['distinct_pages']} real fixture pages"),
            ("sample", f"{sizes['parse_samples']} sample pages"),
        ):
            for tool in parse.TOOLS:
                row(
                    "parse",
                    f"{tool} pages/s, {label} (1 core)",
                    p[name][tool]["pages_per_s"],
                    "pages/s",
                )
            r = p[name]["ratios"]
            floor = T["parse_real_vs_trafilatura" if name == "real" else "parse_vs_trafilatura"]
            row(
                "parse",
                f"newswire / trafilatura, {label}",
                r["newswire_over_trafilatura"],
                "x",
                f">= {floor:g}x",
                r["newswire_over_trafilatura"] >= floor,
            )
            row(
                "parse",
                f"lxml / newswire, {label}",
                r["lxml_over_newswire"],
                "x",
                f"<= {T['parse_vs_lxml']:g}x",
                r["lxml_over_newswire"] <= T["parse_vs_lxml"],
            )
        for page in p["real"].get("per_page", []):
            row(
                "parse",
                f"newswire / bare lxml, {page['page']} ({page['kb']} KB:"
                f" {page['newswire_ms']} ms / {page['lxml_ms']} ms)",
                page["lxml_over_newswire"],
                "x",
                f"<= {T['parse_page_vs_lxml']:g}x",
                page["lxml_over_newswire"] <= T["parse_page_vs_lxml"],
            )
    if "load" in results:
        for n, load in results["load"].items():
            rows_label = f"{int(n):,} rows"
            row(
                "load",
                f"staging rows/s, {rows_label} (batches of {STAGE_BATCH})",
                load["stage"]["rows_per_s"],
                "rows/s",
            )
            row(
                "load",
                f"merge rows/s, {rows_label} (one merge)",
                load["merge"]["rows_per_s"],
                "rows/s",
            )
            row(
                "load",
                f"load rows/s (staging + merge), {rows_label}",
                load["total"]["rows_per_s"],
                "rows/s",
            )
            row("load", f"bare COPY rows/s, {rows_label}", load["copy"]["rows_per_s"], "rows/s")
            ratio = load["ratios"]["load_over_copy"]
            row(
                "load",
                f"load / COPY, {rows_label}",
                ratio,
                "x",
                f">= {T['load_vs_copy']:.0%} of COPY",
                ratio >= T["load_vs_copy"],
            )
    if "end_to_end" in results:
        e = results["end_to_end"]
        big, small = e["backfill"], e["backfill_small"]
        n = f"{big['count']:,}"
        row(
            "end to end",
            f"backfill of {n} releases, wall",
            big["backfill_seconds"],
            "s",
            f"< {T['backfill_seconds']:g} s",
            big["backfill_seconds"] < T["backfill_seconds"],
        )
        row("end to end", f"backfill of {n}: requests", big["backfill_requests"])
        row("end to end", f"backfill of {n}: releases/s", big["releases_per_s"], "releases/s")
        row(
            "end to end",
            f"backfill of {n}: ingest CPU (wall = CPU: one core busy)",
            big["ingest_cpu_seconds"],
            "s",
        )
        row(
            "end to end",
            f"backfill of {n}: peak RSS",
            big["peak_rss_mb"],
            "MB",
            f"< {T['peak_rss_mb']:g} MB",
            big["peak_rss_mb"] < T["peak_rss_mb"],
        )
        row(
            "end to end",
            f"backfill of {n}: peak PSS, whole process tree",
            big["peak_tree_pss_mb"],
            "MB",
            f"< {T['peak_rss_mb']:g} MB",
            big["peak_tree_pss_mb"] < T["peak_rss_mb"],
        )
        row("end to end", f"backfill of {small['count']:,}: wall", small["backfill_seconds"], "s")
        row(
            "end to end",
            f"backfill of {small['count']:,}: peak RSS",
            small["peak_rss_mb"],
            "MB",
            f"< {T['peak_rss_mb']:g} MB",
            small["peak_rss_mb"] < T["peak_rss_mb"],
        )
        row(
            "end to end",
            f"peak RSS {n} / {small['count']:,}",
            e["rss_growth"],
            "x",
            f"flat (<= {T['rss_growth']:g}x)",
            e["rss_growth"] <= T["rss_growth"],
        )
        row(
            "end to end",
            "incremental run, nothing new, wall",
            big["incremental_seconds"],
            "s",
            f"< {T['incremental_seconds']:g} s",
            big["incremental_seconds"] < T["incremental_seconds"],
        )
    if "reparse" in results:
        r = results["reparse"]
        row(
            "reparse",
            f"newswire reparse, {r['releases']:,} releases",
            r["releases_per_s"],
            "releases/s",
        )
    if "dag_parse" in results:
        for name, f in results["dag_parse"]["files"].items():
            row(
                "DAG parse",
                f"{name} (Airflow's parse time, Airflow loaded)",
                f["dagbag_seconds"],
                "s",
                f"< {T['dag_seconds']:g} s",
                f["dagbag_seconds"] < T["dag_seconds"],
            )
            row(
                "DAG parse",
                f"{name} (cold interpreter, importing Airflow too)",
                f["cold_seconds"],
                "s",
            )
    if "sample_site" in results:
        s = results["sample_site"]
        row(
            "sample site",
            f"generate {s['count']:,} sample releases",
            s["seconds"],
            "s",
            f"< {T['sample_generation_seconds']:g} s for 20,000",
            s["seconds"] < T["sample_generation_seconds"],
        )
    if "scale" in results:
        scale_figures(results["scale"], row)
    return rows


def scale_figures(s: dict, row) -> None:
    """Issue 14: each figure on N releases, beside the same on an empty warehouse."""
    T = TARGETS
    big, empty = s["big"], s["empty"]
    at = f"{s['count']:,} releases (empty: "

    def read_row(figure, value, empty_value):
        row(
            "scale",
            f"{figure}, {at}{empty_value:g} ms)",
            value,
            "ms",
            f"< {T['scale_read_ms']:g} ms",
            value < T["scale_read_ms"],
        )

    inc, inc0 = big["incremental"], empty["incremental"]
    row(
        "scale",
        f"incremental run, nothing new, {at}{inc0['seconds']:g} s)",
        inc["seconds"],
        "s",
        f"< {T['scale_incremental_seconds']:g} s",
        inc["seconds"] < T["scale_incremental_seconds"],
    )
    row(
        "scale",
        f"incremental run peak RSS, {at}{inc0['peak_rss_mb']} MB)",
        inc["peak_rss_mb"],
        "MB",
        f"< {T['scale_incremental_rss_mb']:g} MB",
        inc["peak_rss_mb"] < T["scale_incremental_rss_mb"],
    )
    for name, ms in big["reports"].items():
        read_row(f"report_{name}, 50 rows", ms, empty["reports"][name])
    read_row("Newswire page, all its reads", big["page"]["total_ms"], empty["page"]["total_ms"])
    row(
        "scale",
        f"search p95, common and rare queries, {at}{empty['search_p95_ms']:g} ms)",
        big["search_p95_ms"],
        "ms",
        f"< {T['scale_search_p95_ms']:g} ms",
        big["search_p95_ms"] < T["scale_search_p95_ms"],
    )
    small = big["load_100"]
    row(
        "scale",
        f"merge of {small['rows']} new releases, {at}{empty['load_100']['merge_s']:g} s)",
        small["merge_s"],
        "s",
        f"< {T['scale_small_merge_seconds']:g} s",
        small["merge_s"] < T["scale_small_merge_seconds"],
    )
    load, load0 = big["load_10k"], empty["load_10k"]
    row(
        "scale",
        f"merge of {load['rows']:,} releases, {at}{load0['merge_rows_per_s']:,.0f} rows/s)",
        load["merge_rows_per_s"],
        "rows/s",
    )
    row(
        "scale",
        f"merge rate, {s['count']:,} releases / empty",
        s["load_ratio"],
        "x",
        f">= {T['scale_load_ratio']:.0%}",
        s["load_ratio"] >= T["scale_load_ratio"],
    )


def markdown(report: dict) -> str:
    m = report["machine"]
    quick = report["mode"] == "quick"
    lines = [
        f"# newswire benchmarks ({report['mode']})",
        "",
        f"- date: {report['date']}; commit: `{report['git_commit']}`",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, "
        f"Python {m['python']}, {m['platform']}",
        f"- load average (1/5/15 min) at start: {report['load_average_start']}, "
        f"at end: {report['load_average']}; by section (start -> end): "
        + ", ".join(
            f"{k} {v['start'][0]} -> {v['end'][0]}"
            for k, v in report["load_average_by_section"].items()
        ),
        "",
    ]
    if quick:
        lines += [
            "**Quick smoke run: N is tiny, the figures and the met column mean nothing.**",
            "",
        ]
    lines += ["| section | figure | value | target | met |", "| --- | --- | ---: | --- | --- |"]
    for r in report["figures"]:
        value = (
            f"{r['value']:,}"
            if isinstance(r["value"], int)
            else f"{r['value']:,.2f}"
            if r["unit"] in ("x", "s")
            else f"{r['value']:,.1f}"
        )
        met = "" if r["met"] is None else ("yes" if r["met"] else "**no**")
        target = r["target"] or ""
        lines.append(f"| {r['section']} | {r['figure']} | {value} {r['unit']} | {target} | {met} |")
    if report["errors"]:
        lines += ["", "Failed sections: " + ", ".join(report["errors"])]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smoke run with tiny N")
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bench" / "results",
        help="folder for latest.json and latest.md (default bench/results)",
    )
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    args = parser.parse_args()
    mode = "quick" if args.quick else "full"
    sizes = SIZES[mode]
    report = {
        "mode": mode,
        "load_average_start": load_average(),
        "sizes": sizes,
        "targets": TARGETS,
    }
    started = time.perf_counter()
    results, errors, loads = run_sections(sizes, tuple(args.only))
    report.update(results)
    report["load_average_by_section"] = loads  # others' work on the machine skews the figures
    report["duration_seconds"] = round(time.perf_counter() - started, 1)
    report["errors"] = errors
    report["figures"] = figures(results, sizes)
    report["ratios"] = {
        "parse_" + k: v["ratios"]
        for k, v in results.get("parse", {}).items()
        if isinstance(v, dict) and "ratios" in v
    }
    report["ratios"].update({f"load_{n}": v["ratios"] for n, v in results.get("load", {}).items()})
    write_results(args.out / "latest.json", report, markdown)
    print(
        f"bench: wrote {args.out / 'latest.json'} and {args.out / 'latest.md'}"
        f" in {report['duration_seconds']:.0f} s",
        file=sys.stderr,
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
