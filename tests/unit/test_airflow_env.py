"""scripts/airflow-env.sh: the Airflow environment of `make demo` and `make up`."""

import os
import subprocess
import sys

from tests.support import ROOT

SCRIPT = f"""
source "{ROOT}/scripts/airflow-env.sh"
airflow config get-value api host
NEWSWIRE_UI_HOST=0.0.0.0 source "{ROOT}/scripts/airflow-env.sh"
echo "$AIRFLOW__API__HOST"
"""


def test_the_api_server_listens_on_loopback_unless_the_operator_opts_in(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env["PATH"] = f"{os.path.dirname(sys.executable)}:{env['PATH']}"
    env["NEWSWIRE_HOME"] = str(tmp_path)
    result = subprocess.run(
        ["bash", "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    # What Airflow itself reads for `airflow api-server` (run by `airflow standalone`).
    assert result.stdout.split() == ["127.0.0.1", "0.0.0.0"]


def test_make_shell_has_make_ups_environment(tmp_path):
    (tmp_path / "env").write_text('declare -x AIRFLOW_HOME="/somewhere/airflow"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "MAKE"))}
    env.update(NEWSWIRE_HOME=str(tmp_path), HOME=str(tmp_path))
    shell = subprocess.run(
        ["make", "-s", "shell"], cwd=ROOT, env=env, input='echo "home=$AIRFLOW_HOME"\n',
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "home=/somewhere/airflow" in shell.stdout, shell.stdout + shell.stderr

    (tmp_path / "env").unlink()  # nothing is up
    refused = subprocess.run(
        ["make", "-s", "shell"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert refused.returncode != 0 and "run make up first" in refused.stderr
