"""From the wire to the warehouse (issue 15): how long a release takes from its publication
to its row in the warehouse, with Airflow's event-driven ingestion, and a correction from its
publication to its version in the warehouse.

The live sample site (in this process) publishes a release every 5-20 s (seeded) for
``--minutes`` and corrects some (in place: same id, a new title); `airflow standalone`
(LocalExecutor, metadata in PostgreSQL) runs the feed watcher in its triggerer with its
default settings (a poll every 30 s) and the ``prnewswire_watch`` DAG it schedules, beside the
15-minute ``prnewswire_ingest`` and ``prnewswire_recheck``, as ``make up`` does. The archive
is loaded first, so only live releases are measured. The figures come from the warehouse:
``newswire.report_ingestion_latency`` (the day's distribution),
``newswire.report_release_latency`` (each release) and ``release_versions`` (the first
version with the corrected title, and when it was loaded; the site says when it corrected);
the release page of a corrected release is read through the running Airflow API. Writes
``bench/results/latency.md`` and ``latency.json``.

    .venv/bin/python bench/latency.py               # 10 minutes, about 13 with start-up
    .venv/bin/python bench/latency.py --minutes 2 --every 5-10 --out /tmp/x
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from common import ROOT, drop_warehouse, fresh_warehouse, write_results

sys.path.insert(0, str(ROOT))
from tests.support.airflow import airflow_env, free_port, running_standalone  # noqa: E402

SOURCE = "prnewswire"
RESULTS = ROOT / "bench" / "results"


def fresh_database(beside: str) -> str:
    """A new empty database on the server of the DSN ``beside``; its DSN."""
    import psycopg2
    from psycopg2.extensions import make_dsn

    name = f"airflow_{uuid.uuid4().hex[:10]}"
    conn = psycopg2.connect(make_dsn(beside, dbname="postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return make_dsn(beside, dbname=name)


def url_of(dsn: str, scheme: str = "postgresql") -> str:
    """The DSN (URI or key=value) as a URL: Airflow's connections and SQLAlchemy take only
    those."""
    from psycopg2.extensions import parse_dsn
    from sqlalchemy.engine import URL

    p = parse_dsn(dsn)
    return URL.create(
        scheme,
        username=p.get("user"),
        password=p.get("password"),
        host=p.get("host"),
        port=int(p["port"]) if p.get("port") else None,
        database=p["dbname"],
    ).render_as_string(hide_password=False)


@contextmanager
def standalone(warehouse: str, metadata: str, site_url: str, extra_env: dict[str, str]):
    """`airflow standalone` with LocalExecutor and PostgreSQL metadata, the warehouse
    connection, the source Variable and the pool; yields ``airflow(*args)``, a CLI runner in
    its environment, and ``get(path)``, an authenticated GET of the API server (the text).
    Stopped with its whole process group."""
    home = Path(tempfile.mkdtemp(prefix="newswire-latency-"))
    port = free_port()
    env = airflow_env(
        home,
        AIRFLOW__API__PORT=str(port),
        AIRFLOW__API__BASE_URL=f"http://127.0.0.1:{port}",
        AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(free_port()),
        AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=str(free_port()),
        AIRFLOW__CORE__EXECUTOR="LocalExecutor",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=url_of(metadata, "postgresql+psycopg2"),
        AIRFLOW_CONN_NEWSWIRE_WAREHOUSE=url_of(warehouse),
        AIRFLOW_VAR_PRNEWSWIRE_BASE_URL=site_url,
        **extra_env,
    )

    def airflow(*args: str) -> str:
        done = subprocess.run(
            [str(Path(sys.executable).with_name("airflow")), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            raise RuntimeError(f"airflow {' '.join(args)}: {done.stderr[-2000:]}")
        return done.stdout

    done = False
    try:
        with running_standalone(env, home, timeout=300) as api:
            yield airflow, lambda path: api_get(api, home, path)
        done = True
    finally:
        if done:
            shutil.rmtree(home, ignore_errors=True)
        else:
            print(f"airflow standalone's log: {home / 'standalone.log'}", file=sys.stderr)


def api_get(api: str, home: Path, path: str) -> str:
    """GET ``path`` of the API server at ``api`` as the standalone's admin (a token from the
    simple auth manager's ``/auth/token``)."""
    import requests

    [(user, password)] = json.loads(
        (home / "simple_auth_manager_passwords.json.generated").read_text()
    ).items()
    token = requests.post(
        f"{api}/auth/token", json={"username": user, "password": password}, timeout=30
    ).json()["access_token"]
    answer = requests.get(api + path, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    answer.raise_for_status()
    return answer.text


def unpause_when_parsed(airflow, *dag_ids: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            for dag_id in dag_ids:
                airflow("dags", "unpause", dag_id)
            return
        except RuntimeError:
            if time.monotonic() > deadline:
                raise
            time.sleep(3)


def wait_for_feed_polls(site, count: int, timeout: float = 240) -> float:
    """Wait until the watcher has asked for the feed ``count`` more times; the seconds waited."""
    start, first = time.monotonic(), site.request_counts["rss"]
    while site.request_counts["rss"] < first + count:
        if time.monotonic() - start > timeout:
            raise RuntimeError(f"the feed watcher did not poll within {timeout:.0f} s")
        time.sleep(0.5)
    return time.monotonic() - start


def latencies(dsn: str, release_ids: list[str]) -> dict[str, tuple[int, float | None]]:
    """{release id: (rows in releases, seconds from publication to loaded)}."""
    import psycopg2

    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            """SELECT release_id, count(*),
                      max(extract(epoch FROM loaded_at - published_at))::float8
               FROM newswire.report_release_latency WHERE wire = %s AND release_id = ANY(%s)
               GROUP BY 1""",
            (SOURCE, release_ids),
        )
        found = {rid: (n, s) for rid, n, s in cur.fetchall()}
    conn.close()
    return {rid: found.get(rid, (0, None)) for rid in release_ids}


def corrections_loaded(dsn: str, corrected: dict[str, datetime]) -> dict[str, tuple]:
    """{release id: (version, seconds from the correction to the load of the first version
    with the corrected title)} of the releases ``corrected`` (id: when the site corrected
    it); (None, None) for one not loaded corrected yet."""
    import psycopg2

    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            """SELECT DISTINCT ON (release_id) release_id, version, loaded_at
               FROM newswire.release_versions
               WHERE wire = %s AND release_id = ANY(%s)
                 AND record->>'title' LIKE 'CORRECTION -- %%'
               ORDER BY release_id, version""",
            (SOURCE, list(corrected)),
        )
        found = {rid: (v, (at - corrected[rid]).total_seconds()) for rid, v, at in cur}
    conn.close()
    return {rid: found.get(rid, (None, None)) for rid in corrected}


def corrections_linked(dsn: str, issued: dict[str, datetime]) -> dict[str, float | None]:
    """{release id of a "CORRECTION --" release: seconds from its publication to its link to
    the release it corrects} of the releases ``issued`` (id: when the site published it);
    None for one not linked yet."""
    import psycopg2

    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            """SELECT release_id, linked_at FROM newswire.corrections
               WHERE wire = %s AND release_id = ANY(%s) AND corrects_release_id IS NOT NULL""",
            (SOURCE, list(issued)),
        )
        found = {rid: (at - issued[rid]).total_seconds() for rid, at in cur}
    conn.close()
    return {rid: found.get(rid) for rid in issued}


def report_rows(dsn: str, day: date) -> list[dict]:
    from newswire.warehouse.reports import run_report

    columns, rows = run_report(dsn, "ingestion_latency")
    return [dict(zip(columns, row)) for row in rows if row[0] == day]


def measure(
    minutes: float, every: tuple[float, float], settle: float = 180, watch_interval=None
) -> dict:
    """Run the live site and Airflow for ``minutes``; wait up to ``settle`` s for the last
    releases; return the figures."""
    from newswire import pipeline
    from newswire_sample_site.server import SampleSite

    dsn = fresh_warehouse()
    metadata = fresh_database(dsn)
    extra = {"NEWSWIRE_WATCH_INTERVAL": str(watch_interval)} if watch_interval else {}
    corrected: dict[str, datetime] = {}  # release id -> when the site corrected it
    issued: dict[str, datetime] = {}  # "CORRECTION --" release id -> when it was published

    def note(kind, rel) -> None:
        if kind == "corrected":
            corrected[rel.release_id] = datetime.now(UTC)
        elif kind == "correction":
            issued[rel.release_id] = rel.published_utc

    try:
        with SampleSite(count=30, seed=15) as site:
            # the archive: loaded before, not measured
            pipeline.ingest(dsn, site.base_url, source="prnewswire")
            with standalone(dsn, metadata, site.base_url, extra) as (airflow, get):
                airflow("pools", "set", "newswire_http", "4", "newswire: HTTP work")
                dags = (f"{SOURCE}_watch", f"{SOURCE}_ingest", f"{SOURCE}_recheck")
                unpause_when_parsed(airflow, *dags)
                wait_for_feed_polls(site, 2)  # the watcher is polling at its interval
                polls_before, started = site.request_counts["rss"], time.monotonic()
                site.go_live(every, corrections=0.2, on_change=note)
                time.sleep(minutes * 60)
                site.stop_live()
                elapsed = time.monotonic() - started
                feed_requests = site.request_counts["rss"] - polls_before
                published = site.live_releases
                ids = [rel.release_id for rel in published]
                deadline = time.monotonic() + settle
                while time.monotonic() < deadline:
                    found = latencies(dsn, ids)
                    fixed = corrections_loaded(dsn, corrected)
                    linked = corrections_linked(dsn, issued)
                    if (
                        all(n for n, _ in found.values())
                        and all(v for v, _ in fixed.values())
                        and all(s is not None for s in linked.values())
                    ):
                        break
                    time.sleep(2)
                found, fixed = latencies(dsn, ids), corrections_loaded(dsn, corrected)
                linked = corrections_linked(dsn, issued)
                days = sorted({rel.published_utc.date() for rel in published})
                report = [row for day in days for row in report_rows(dsn, day)]
                shown = next((rid for rid, (v, _) in fixed.items() if v and v > 1), None)
                page = get(f"/newswire/releases/{SOURCE}/{shown}") if shown else ""
    finally:
        drop_warehouse(dsn)
        drop_warehouse(metadata)
    seconds = sorted(s for _, s in found.values() if s is not None)
    correction_seconds = sorted(s for _, s in fixed.values() if s is not None)
    link_seconds = sorted(s for s in linked.values() if s is not None)
    return {
        "minutes": minutes,
        "every_s": list(every),
        "watch_interval_s": watch_interval or 30,
        "published": len(published),
        "loaded": sum(1 for n, _ in found.values() if n),
        "loaded_more_than_once": sum(1 for n, _ in found.values() if n > 1),
        "latency_s": dict(zip(ids, (s for _, s in found.values()))),
        "p50_s": _percentile(seconds, 0.5),
        "p95_s": _percentile(seconds, 0.95),
        "max_s": seconds[-1] if seconds else None,
        "feed_requests_per_minute": round(feed_requests / (elapsed / 60), 2),
        "corrected": len(fixed),
        "corrections_loaded": sum(1 for v, _ in fixed.values() if v),
        "corrections_as_new_version": sum(1 for v, _ in fixed.values() if v and v > 1),
        "correction_latency_s": {rid: s for rid, (_, s) in fixed.items()},
        "correction_p50_s": _percentile(correction_seconds, 0.5),
        "correction_p95_s": _percentile(correction_seconds, 0.95),
        "correction_max_s": correction_seconds[-1] if correction_seconds else None,
        "correction_releases": len(linked),
        "correction_releases_linked": len(link_seconds),
        "correction_link_latency_s": linked,
        "correction_link_p50_s": _percentile(link_seconds, 0.5),
        "correction_link_p95_s": _percentile(link_seconds, 0.95),
        "correction_link_max_s": link_seconds[-1] if link_seconds else None,
        "release_page_checked": shown,
        "release_page_shows_version_2": bool(shown) and "version 2" in page,
        "report_ingestion_latency": [{k: _plain(v) for k, v in row.items()} for row in report],
    }


def at_scale(count: int, runs: int = 3) -> dict:
    """What the latency report costs at ``count`` releases (``bench/scale.py``'s synthetic
    fill, 1,000 a day): the report's first 50 rows (best of ``runs``, ms) and its plan, one
    day's rollup refresh (what a load pays per day it touches), and a 10,000-release merge with
    009's triggers on and off."""
    import scale as synthetic

    from newswire.warehouse.connection import connect
    from newswire.warehouse.reports import run_report

    dsn = fresh_warehouse()
    try:
        result = {"count": count, "fill_s": round(synthetic.fill(dsn, count), 1)}
        with connect(dsn) as conn, conn.cursor() as cur:
            report = synthetic.best_of(
                lambda: run_report(dsn, "ingestion_latency", 50, conn=conn), runs
            )
            result["report_ms"] = round(1000 * report, 2)
            result["plan"] = synthetic.plan(
                cur, "SELECT * FROM newswire.report_ingestion_latency LIMIT 50"
            )
            cur.execute("SELECT max(day) FROM newswire.rollup_ingestion_latency")
            day = cur.fetchone()[0]
            refresh = synthetic.best_of(
                lambda: cur.execute(
                    "SELECT newswire.refresh_ingestion_latency(ARRAY[%s::date])", (day,)
                ),
                runs,
            )
            result["refresh_one_day_ms"] = round(1000 * refresh, 2)
        batch = synthetic.batch_records(10_000)
        for label, switch in (
            ("merge_s_triggers_on", "ENABLE"),
            ("merge_s_latency_triggers_off", "DISABLE"),
        ):
            with connect(dsn) as conn, conn.cursor() as cur:
                cur.execute("DELETE FROM newswire.ingestion_runs WHERE run_key LIKE 'bench__%%'")
                for event in ("insert", "update", "delete"):
                    cur.execute(
                        f"ALTER TABLE newswire.releases {switch} TRIGGER latency_after_{event}"
                    )
            result[label] = synthetic.load_batch(dsn, batch, runs)["merge_s"]
        return result
    finally:
        drop_warehouse(dsn)


def _plain(value):
    """A report value as JSON has it (numeric -> float, a day -> ISO text)."""
    if isinstance(value, Decimal):
        return float(value)
    return value.isoformat() if isinstance(value, date) else value


def _percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation, as PostgreSQL's percentile_cont."""
    if not values:
        return None
    k = (len(values) - 1) * q
    low = int(k)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def markdown(result: dict) -> str:
    rows = result["report_ingestion_latency"]
    table = "\n".join(
        f"| {r['day']} | {r['wire']} | {r['releases']:.0f} | {r['p50_s']} | {r['p95_s']} |"
        f" {r['max_s']} | {r['seen_p50_s']} | {r['seen_p95_s']} | {r['seen_max_s']} |"
        for r in rows
    )
    return f"""# From the wire to the warehouse: latency

`bench/latency.py`, {result["date"]}, commit {result["git_commit"]},
{result["machine"]["cpu"]} ({result["machine"]["cores"]} cores), load average
{result["load_average"]} at the end (the machine was shared with other work).

The live sample site published a release every {result["every_s"][0]:g}-{result["every_s"][1]:g} s
(20% of publications followed by a correction of an earlier one: half in place, half by a
release of its own titled "CORRECTION -- <title>") for {result["minutes"]:g}
minutes; `airflow standalone` (LocalExecutor, PostgreSQL metadata) ran the feed watcher in
its triggerer (one conditional GET every {result["watch_interval_s"]:g} s) with
`prnewswire_watch`, `prnewswire_ingest` and `prnewswire_recheck` unpaused.

- releases published: {result["published"]}, loaded: {result["loaded"]}, loaded more than
  once: {result["loaded_more_than_once"]}
- publication -> loaded, over those releases: p50 **{_s(result["p50_s"])}**, p95
  **{_s(result["p95_s"])}**, max {_s(result["max_s"])} (target: p95 < 90 s, p50 < 45 s)
- feed requests per minute (watcher and 15-minute runs together):
  {result["feed_requests_per_minute"]}
- corrections published: {result["corrected"]}, loaded: {result["corrections_loaded"]} (as a
  new version: {result["corrections_as_new_version"]}; the others were corrected before their
  first load); correction -> its version loaded: p50 **{_s(result["correction_p50_s"])}**, p95
  **{_s(result["correction_p95_s"])}**, max {_s(result["correction_max_s"])} (target: p95 < 90 s)
- corrections issued as releases of their own: {result["correction_releases"]}, linked to
  the release they correct: {result["correction_releases_linked"]}; publication -> linked: p50
  **{_s(result["correction_link_p50_s"])}**, p95 **{_s(result["correction_link_p95_s"])}**, max
  {_s(result["correction_link_max_s"])} (target: p95 < 90 s)
- the release page of a corrected release ({result["release_page_checked"]}, read through
  the running API server) shows version 2: {result["release_page_shows_version_2"]}

`newswire.report_ingestion_latency` for the day(s) of the live releases (seconds; the
archive, published a year earlier, is on other days):

| day | wire | releases | p50 | p95 | max | first seen -> loaded p50 | p95 | max |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
{table}
"""


def _s(value) -> str:
    return "n/a" if value is None else f"{value:.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--every", default="5-20", help="seconds between publications, MIN-MAX")
    parser.add_argument("--watch-interval", type=float, help="NEWSWIRE_WATCH_INTERVAL (default 30)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--scale", type=int, metavar="N", help="instead: the report's cost at N releases"
    )
    args = parser.parse_args(argv)
    if args.scale:
        write_results(args.out / "latency_scale.json", at_scale(args.scale))
        return 0
    low, _, high = args.every.partition("-")
    result = measure(
        args.minutes, (float(low), float(high or low)), watch_interval=args.watch_interval
    )
    write_results(args.out / "latency.json", result, markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
