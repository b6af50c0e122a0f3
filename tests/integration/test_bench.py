"""`make bench` smoke test: `bench/run.py --quick` runs every section end to end with tiny N
and writes its results where it is told. Speed is not asserted (machines are noisy); the
figures only have to exist and be positive."""

import json
import os
import subprocess
import sys

from tests.support import ROOT
from tests.support.corpus import shared

SECTIONS = ("parse", "load", "end_to_end", "reparse", "dag_parse", "sample_site", "scale")


def run_bench(script: str, *args: str, admin_dsn: str | None = None, timeout: int = 600, **kw):
    """Run ``bench/<script>`` with ``args``, its warehouses on the test server when
    ``admin_dsn`` is given; it must succeed."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NEWSWIRE_BENCH_ADMIN_DSN": admin_dsn} if admin_dsn else None,
        **kw,
    )
    assert done.returncode == 0, done.stderr[-4000:]


def test_quick_bench_writes_every_section(pg_server, tmp_path):
    _, admin_dsn = pg_server
    out = tmp_path / "results"
    run_bench(
        "run.py", "--quick", "--out", str(out), admin_dsn=admin_dsn, timeout=900, cwd=tmp_path
    )
    report = json.loads((out / "latest.json").read_text())

    assert report["errors"] == {}
    assert report["mode"] == "quick"
    assert report["machine"]["cores"] >= 1 and report["date"] and report["git_commit"]
    for section in SECTIONS:
        assert report[section], section

    for corpus in ("real", "sample"):
        for tool in ("newswire", "trafilatura", "lxml"):
            assert report["parse"][corpus][tool]["pages_per_s"] > 0, (corpus, tool)
        assert all(v > 0 for v in report["parse"][corpus]["ratios"].values())
    for rows in report["load"].values():
        for part in ("stage", "merge", "total", "copy"):
            assert rows[part]["rows_per_s"] > 0, part
        assert rows["ratios"]["load_over_copy"] > 0
    for run in ("backfill", "backfill_small"):
        e2e = report["end_to_end"][run]
        assert e2e["backfill_seconds"] > 0 and e2e["peak_rss_mb"] > 0
        assert e2e["loaded_new"] == e2e["count"] and e2e["backfill_requests"] >= e2e["count"]
    assert report["end_to_end"]["backfill"]["incremental_seconds"] > 0
    assert report["end_to_end"]["rss_growth"] > 0
    assert report["reparse"]["releases_per_s"] > 0
    files = report["dag_parse"]["files"]
    assert set(files) == {p.name for p in (ROOT / "dags").glob("*.py")}
    for name, timing in files.items():
        assert timing["dagbag_seconds"] > 0 and timing["cold_seconds"] > 0, name
        # newswire_sources.py makes one DAG per source; the others one each
        assert timing["dags"] >= 1 and timing["import_errors"] == {}, name
    assert report["sample_site"]["count"] == 200 and report["sample_site"]["seconds"] > 0

    scale = report["scale"]
    assert scale["big"]["count"] == 2000 and scale["load_ratio"] > 0
    for run in ("empty", "big"):
        assert scale[run]["incremental"]["seconds"] > 0
        assert set(scale[run]["reports"]) == {
            p.stem for p in (ROOT / "sql" / "reports").glob("*.sql")
        }
        assert scale[run]["load_10k"]["merge_rows_per_s"] > 0
        assert scale[run]["search_p95_ms"] > 0
    assert "Seq Scan on releases" not in scale["big"]["plans"]["report_latest_releases"]

    assert report["figures"] and all(row["value"] > 0 for row in report["figures"])
    table = (out / "latest.md").read_text()
    assert "| section | figure | value | target | met |" in table
    assert table.count("\n| ") == len(report["figures"]) + 2  # header, rule, one row a figure


def test_the_recheck_bench_compares_conditional_gets_with_none(pg_server, tmp_path):
    _, admin_dsn = pg_server
    run_bench(
        "recheck.py", "--count", "20", "--runs", "1", "--out", str(tmp_path), admin_dsn=admin_dsn
    )
    result = json.loads((tmp_path / "recheck.json").read_text())
    conditional, unconditional = result["conditional"], result["unconditional"]
    assert conditional["requests"] == unconditional["requests"] > 0
    assert conditional["not_modified"] == conditional["requests"] and not conditional["fetched"]
    assert unconditional["unchanged"] == unconditional["requests"]
    assert result["quiet_ingest"]["requests"] > 0 and (tmp_path / "recheck.md").exists()


def test_the_prescan_bench_writes_the_scans_share_and_the_bombs_reject(tmp_path):
    shared("real")  # its real-page figures need them
    out = tmp_path / "prescan.json"
    run_bench("prescan.py", "--samples", "5", "--runs", "1", "--out", str(out))
    result = json.loads(out.read_text())
    for pages in ("real", "sample"):
        assert result[pages]["pages"] > 0 and 0 < result[pages]["scan_share_of_load"] < 1
    assert all(seconds > 0 for seconds in result["bomb_reject_s"].values())
    assert result["date"] and result["git_commit"] and result["machine"]["cores"] >= 1
