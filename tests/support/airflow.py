"""Airflow processes of the tests' own (standalone, Celery workers)."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def airflow_env(home: Path, **settings: str) -> dict[str, str]:
    """The environment of an Airflow process of its own: this shell's environment without
    its AIRFLOW* settings, an isolated home, this project's DAGs and plugins, no examples."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "PATH": f"{Path(sys.executable).parent}:{env['PATH']}",
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        }
    )
    env.update(settings)
    return env


@contextmanager
def running_standalone(env: dict[str, str], home: Path, timeout: float) -> Iterator[str]:
    """`airflow standalone` in ``env`` (its API on ``AIRFLOW__API__PORT``), logging to
    ``home/standalone.log``; yields the API's base URL once its health check answers (a
    :class:`RuntimeError` with the log's tail if it exits or ``timeout`` seconds pass first).
    Stopped with its whole process group afterwards: TERM, then KILL after 30 s."""
    base_url = f"http://127.0.0.1:{env['AIRFLOW__API__PORT']}"
    log_path = home / "standalone.log"
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            ["airflow", "standalone"],
            env=env,
            cwd=home,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"airflow standalone did not come up within {timeout:.0f} s:\n"
                    f"{log_path.read_text()[-3000:]}"
                )
            try:
                with urllib.request.urlopen(f"{base_url}/api/v2/monitor/health", timeout=5):
                    break
            except OSError:
                time.sleep(1)
        yield base_url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
