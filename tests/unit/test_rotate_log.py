"""scripts/rotate_log.py, which `make up` writes Airflow's output through: the log is cut at
its size and only the newest files are kept."""

import subprocess
import sys

from tests.support import ROOT


def test_the_log_rotates_at_its_size_and_keeps_the_newest(tmp_path):
    log = tmp_path / "standalone.log"
    lines = "".join(f"line {i:06d} {'x' * 90}\n" for i in range(5000))  # about 500 KB
    subprocess.run(
        [sys.executable, ROOT / "scripts" / "rotate_log.py", log, "--max-mb", "0.1", "--keep", "2"],
        input=lines.encode(), check=True, timeout=60,
    )  # fmt: skip
    files = sorted(tmp_path.iterdir())
    assert [f.name for f in files] == ["standalone.log", "standalone.log.1", "standalone.log.2"]
    assert all(f.stat().st_size <= 100 * 1024 * 1.05 for f in files)
    assert log.read_text().splitlines()[-1].startswith("line 004999 ")
