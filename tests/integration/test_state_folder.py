"""One warehouse per checkout: the `newswire` command typed inside a checkout uses the state
folder the make targets use (``.newswire/`` of the checkout, found the way git finds
``.git``), and says which server it uses once per terminal session."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newswire.settings import checkout_root
from tests.support import ROOT

BIN = Path(sys.executable).parent
ANNOUNCEMENT = "newswire: NEWSWIRE_DSN is not set"


@pytest.fixture
def fresh_clone(tmp_path):
    """A fresh clone of this repository, its embedded server stopped at the end."""
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", "--depth", "1", f"file://{ROOT}", str(clone)], check=True
    )
    yield clone
    for home in (clone / ".newswire", tmp_path / "xdg" / "newswire"):  # whichever was used
        subprocess.run(
            [BIN / "newswire", "db", "stop"],
            env={**os.environ, "NEWSWIRE_HOME": str(home)},
            capture_output=True,
        )


def user_env(tmp_path) -> dict:
    """A user's shell: no NEWSWIRE_HOME, no NEWSWIRE_DSN, a home data folder of its own."""
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSWIRE_HOME", "NEWSWIRE_DSN")}
    return {**env, "XDG_DATA_HOME": str(tmp_path / "xdg"), "PATH": f"{BIN}:{env['PATH']}"}


def test_newswire_typed_in_the_checkout_reports_what_the_demo_loaded(
    fresh_clone, sample_site, tmp_path
):
    env = user_env(tmp_path)
    # The demo's steps as scripts/demo.sh runs them (its environment from airflow-env.sh),
    # the Airflow run replaced by the same pipeline run from the command line.
    demo = (
        'source scripts/airflow-env.sh && export PATH="$0:$PATH" && cd "$ROOT" && '
        'export NEWSWIRE_DSN="$(newswire db dsn)" && newswire db migrate && '
        f"newswire ingest --base-url {sample_site.base_url} --limit 12"
    )
    subprocess.run(
        ["bash", "-c", demo, str(BIN)], cwd=fresh_clone, env=env, check=True, capture_output=True
    )

    # Then, as a user would: cwd somewhere inside the checkout, nothing set.
    report = subprocess.run(
        [BIN / "newswire", "report", "warehouse_totals"],
        cwd=fresh_clone / "sample_site",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert report.returncode == 0, report.stderr
    releases = report.stdout.splitlines()[3].split()[0]  # "== title", header, rule, the row
    assert releases == "12", report.stdout
    assert str(fresh_clone / ".newswire") in report.stderr or "/var/lib/newswire" in report.stderr
    assert not (tmp_path / "xdg" / "newswire").exists()  # no second warehouse

    # The announcement: once per terminal session (the run above was the first of this one).
    again = subprocess.run(
        [BIN / "newswire", "report"], cwd=fresh_clone, env=env, capture_output=True, text=True
    )
    assert again.returncode == 0 and ANNOUNCEMENT not in again.stderr, again.stderr
    new_terminal = subprocess.run(
        [BIN / "newswire", "report"],
        cwd=fresh_clone,
        env=env,
        capture_output=True,
        text=True,
        start_new_session=True,
    )
    assert ANNOUNCEMENT in new_terminal.stderr, new_terminal.stderr
    asked = subprocess.run(
        [BIN / "newswire", "db", "dsn"], cwd=fresh_clone, env=env, capture_output=True, text=True
    )
    assert ANNOUNCEMENT in asked.stderr, asked.stderr


def test_the_checkout_is_the_nearest_folder_with_newswires_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "newswire"\n')
    inner = tmp_path / "sample_site" / "pkg"
    inner.mkdir(parents=True)
    (tmp_path / "sample_site" / "pyproject.toml").write_text('[project]\nname = "other"\n')
    assert checkout_root(inner) == tmp_path.resolve()
    assert checkout_root(tmp_path) == tmp_path.resolve()
    (tmp_path / "pyproject.toml").write_text("not [ toml")
    assert checkout_root(inner) is None
