"""DAG parse: seconds to import each file in dags/, each time in a fresh interpreter.

Two figures per file, each the median of several fresh processes:

- ``dagbag_seconds``: Airflow's own per-file parse time (``DagBag(...).dagbag_stats``, what
  ``airflow dags report`` shows) in an interpreter that has Airflow loaded already, as the
  DAG processor has. This is the figure the 0.5 s target is about.
- ``cold_seconds``: ``runpy.run_path(file)`` in a bare fresh interpreter, timed inside the
  child (so interpreter start-up is not in it), i.e. importing Airflow itself too.

``heaviest_imports`` lists what the file's own imports cost once Airflow is loaded
(``python -X importtime``, top-level modules by cumulative time).

    python bench/dags.py --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from common import ROOT, median

DAGS = ROOT / "dags"

_DAGBAG = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
[stat] = bag.dagbag_stats
print(json.dumps({"seconds": stat.duration.total_seconds(), "dags": stat.dag_num,
                  "errors": {k: str(v)[:500] for k, v in bag.import_errors.items()}}))
"""

_COLD = """
import runpy, sys, time
start = time.perf_counter()
runpy.run_path(sys.argv[1])
print(time.perf_counter() - start)
"""

_IMPORTTIME = """
import sys
from airflow.dag_processing.dagbag import DagBag
print("--- dag file ---", file=sys.stderr, flush=True)
DagBag(dag_folder=sys.argv[1])
"""


def airflow_env(home: str) -> dict:
    return {
        **os.environ,
        "AIRFLOW_HOME": home,
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "PYTHONPATH": str(ROOT / "plugins"),
    }


def _child(code: str, path, env: dict, *flags: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, *flags, "-c", code, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{path.name}: {done.stderr[-2000:]}")
    return done


def heaviest_imports(path, env: dict, top: int = 5) -> list[tuple[str, float]]:
    stderr = _child(_IMPORTTIME, path, env, "-X", "importtime").stderr
    after = stderr.split("--- dag file ---", 1)[-1].splitlines()
    found = []
    for line in after:
        parts = line.split("|")
        if not line.startswith("import time:") or len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2][1:]  # one space after the bar, then two more per nesting level
        if not name.startswith(" "):  # a top-level import of the DAG file (or of Airflow's parse)
            found.append((name.strip(), round(int(parts[1]) / 1e6, 3)))
    return [item for item in sorted(found, key=lambda item: -item[1])[:top] if item[1] >= 0.001]


def interpreter_start(runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - start)
    return median(times)


def run(runs: int = 3) -> dict:
    with tempfile.TemporaryDirectory(prefix="newswire-bench-airflow-") as home:
        env = airflow_env(home)
        files = sorted(DAGS.glob("*.py"))
        _child(_DAGBAG, files[0], env)  # first use of the home writes airflow.cfg: not timed
        result = {"interpreter_start_seconds": round(interpreter_start(runs), 3), "files": {}}
        for path in files:
            bag = [
                json.loads(_child(_DAGBAG, path, env).stdout.strip().splitlines()[-1])
                for _ in range(runs)
            ]
            cold = [
                float(_child(_COLD, path, env).stdout.strip().splitlines()[-1]) for _ in range(runs)
            ]
            result["files"][path.name] = {
                "dagbag_seconds": round(median([b["seconds"] for b in bag]), 3),
                "dagbag_runs": [round(b["seconds"], 3) for b in bag],
                "cold_seconds": round(median(cold), 3),
                "cold_runs": [round(c, 3) for c in cold],
                "dags": bag[-1]["dags"],
                "import_errors": bag[-1]["errors"],
                "heaviest_imports": heaviest_imports(path, env),
            }
    result["max_dagbag_seconds"] = max(f["dagbag_seconds"] for f in result["files"].values())
    result["max_cold_seconds"] = max(f["cold_seconds"] for f in result["files"].values())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    print(json.dumps(run(parser.parse_args().runs), indent=2))


if __name__ == "__main__":
    main()
