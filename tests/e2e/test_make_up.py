"""`make up` on a small host: scripts/up.sh for real (a state folder of its own, a free UI
port, the sample site still), then scripts/down.sh. Nothing it starts listens beyond
loopback, LocalExecutor's workers follow the cores, and no file under the state folder is
readable by another user."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from tests.support import ROOT
from tests.support.airflow import free_port

LOOPBACK = ("127.0.0.1", "::1", "::ffff:127.0.0.1")


@pytest.fixture
def made_up(tmp_path):
    """scripts/up.sh run as `make up` runs it; scripts/down.sh afterwards, whatever happens."""
    home = tmp_path / "state"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "NEWSWIRE"))}
    env.update(
        NEWSWIRE_HOME=str(home),
        NEWSWIRE_UI_PORT=str(free_port()),
        NEWSWIRE_LIVE_EVERY="off",
        PATH=f"{Path(sys.executable).parent}:{env['PATH']}",
    )
    env.pop("PRNEWSWIRE_BASE_URL", None)
    try:
        up = subprocess.run(
            [ROOT / "scripts" / "up.sh"], env=env, cwd=ROOT, capture_output=True, text=True,
            timeout=600,
        )  # fmt: skip
        assert up.returncode == 0, up.stdout + up.stderr
        yield home, up.stdout
    finally:
        subprocess.run(
            [ROOT / "scripts" / "down.sh"], env=env, cwd=ROOT, capture_output=True, timeout=120
        )


def processes_of(home: Path) -> list[psutil.Process]:
    """Every process in the process groups up.sh recorded."""
    groups = {int(line.split()[1]) for line in (home / "up.pids").read_text().splitlines()}
    found = []
    for process in psutil.process_iter():
        try:
            if os.getpgid(process.pid) in groups:
                found.append(process)
        except (ProcessLookupError, psutil.Error):
            continue
    return found


def test_make_up_listens_on_loopback_only_sized_to_the_cores_with_private_files(made_up):
    home, output = made_up
    processes = processes_of(home)
    listening = [
        (p.name(), c.laddr)
        for p in processes
        for c in p.net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert listening, "the UI listens"
    assert [(name, addr) for name, addr in listening if addr.ip not in LOOPBACK] == []
    assert {addr.port for _, addr in listening}.isdisjoint({8793, 8794})

    # LocalExecutor forks 4 workers per core, not Airflow's default 32.
    workers = [p for p in processes if "LocalExecutor" in " ".join(p.cmdline())]
    assert 0 < len(workers) <= 4 * os.cpu_count(), [p.cmdline() for p in workers]

    readable = [
        f"{path} {stat.filemode(path.lstat().st_mode)}"
        for path in [home, *home.rglob("*")]
        if not path.is_symlink() and path.lstat().st_mode & 0o077
    ]
    assert readable == []
    assert "login:         admin / " in output
    assert (home / "env").is_file() and (home / "standalone.log").stat().st_size > 0
