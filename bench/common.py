"""Shared by the benchmarks: a fresh warehouse on the embedded server, the machine's
description and load, medians of repeated timings, and wall time and peak RSS of child
processes."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))


def fresh_warehouse() -> str:
    """A new, migrated database: on the server of ``NEWSWIRE_BENCH_ADMIN_DSN`` when set (the
    tests use their own server), else on the embedded server (under NEWSWIRE_HOME)."""
    from newswire.warehouse.migrations import migrate

    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = os.environ.get("NEWSWIRE_BENCH_ADMIN_DSN")
    if admin:
        import psycopg2
        from psycopg2.extensions import make_dsn

        conn = psycopg2.connect(admin)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        conn.close()
        dsn = make_dsn(admin, dbname=name)
    else:
        from newswire import settings
        from newswire.warehouse.embedded import EmbeddedPostgres

        dsn = EmbeddedPostgres(settings.home() / "postgres").ensure_running(name)
    migrate(dsn)
    return dsn


def drop_warehouse(dsn: str) -> None:
    import psycopg2
    from psycopg2.extensions import parse_dsn

    params = parse_dsn(dsn)
    name = params.pop("dbname")
    conn = psycopg2.connect(**params, dbname="postgres")
    conn.autocommit = True
    # The embedded server's DSNs log in as its owner role, not a superuser: it may end its own
    # sessions, not an autovacuum worker's (WITH (FORCE) then fails with "permission denied
    # to terminate process"), and a plain DROP DATABASE stops autovacuum itself.
    with conn.cursor() as cur:
        cur.execute(
            """SELECT pg_terminate_backend(pid) FROM pg_stat_activity
               WHERE datname = %s AND usename = current_user AND pid <> pg_backend_pid()""",
            (name,),
        )
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.close()


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages (other work on the machine skews every figure)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def git_commit() -> str | None:
    """The checkout's commit, with "+dirty" when the work tree has changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + ("+dirty" if dirty else "")


def write_results(path: Path | None, result: dict, markdown=None) -> None:
    """Every benchmark's one way out: stamp ``result`` with the date, commit, machine and load
    average (at the end of the run), write it as JSON to ``path`` and, when ``markdown`` is
    given, ``markdown(result)`` beside it (the same name, ``.md``). Prints the markdown, else
    the JSON; with no ``path`` it only prints."""
    from datetime import UTC, datetime

    result.update(
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        git_commit=git_commit(),
        machine=machine(),
        load_average=load_average(),
    )
    text = json.dumps(result, indent=2, ensure_ascii=False, default=str)
    shown = markdown(result) if markdown else text
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")
        if markdown:
            path.with_suffix(".md").write_text(shown)
    print(shown)


def median(values: list[float]) -> float:
    return statistics.median(values)


def timed(fn, runs: int = 3) -> tuple[float, list[float]]:
    """(median seconds, every run's seconds) of ``fn()`` called ``runs`` times."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return median(times), [round(t, 4) for t in times]


# The child is started by a small launcher process: a child forked (or vforked) from this
# process would count this process's RSS at the fork in its peak RSS (``ru_maxrss`` keeps
# the high-water mark from before the exec), and this process can be large. The launcher
# also samples the proportional set size (PSS) of the child's whole process tree, so worker
# processes count (``ru_maxrss`` is the largest single process, not their sum).
_LAUNCHER = """
import json, os, resource, subprocess, sys, time

def tree(root):
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return found

def pss_kb(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration, ValueError):
            pass
    return total

start = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
peak_pss = 0
while child.poll() is None:
    peak_pss = max(peak_pss, pss_kb(tree(child.pid)))
    time.sleep(0.25)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as f:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    json.dump({"wall": wall, "maxrss_kb": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime,
               "tree_pss_kb": peak_pss}, f)
sys.exit(child.returncode)
"""


class Child(NamedTuple):
    wall: float  # seconds
    rss_mb: int  # peak RSS of the child itself (the largest process of its tree)
    stdout: str
    cpu: float  # user + system CPU seconds of the child and its workers
    tree_pss_mb: int  # peak PSS of the child's whole process tree, sampled every 0.25 s


def run_child(args: list[str], env: dict | None = None) -> Child:
    """Wall time, peak memory, stdout and CPU time of one subprocess (and its workers)."""
    with tempfile.TemporaryDirectory(prefix="newswire-bench-") as tmp:
        usage = Path(tmp) / "usage.json"
        done = subprocess.run(
            [sys.executable, "-I", "-c", _LAUNCHER, str(usage), *args],
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
        )
        if done.returncode != 0:
            raise RuntimeError(f"{args} failed ({done.returncode}): {done.stderr[-2000:]}")
        measured = json.loads(usage.read_text())
    return Child(
        measured["wall"],
        measured["maxrss_kb"] // 1024,
        done.stdout,
        measured["cpu"],
        measured["tree_pss_kb"] // 1024,
    )
