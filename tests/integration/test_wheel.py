"""The product is the wheel: built from the checkout and installed in a fresh environment
with no checkout beside it, it migrates a real PostgreSQL server (its SQL ships inside it)
and carries no development code."""

import os
import shutil
import subprocess
import sys
import zipfile

from tests.support import ROOT


def run(*command, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    assert done.returncode == 0, f"{command}:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done


def copy_of_the_checkout(to):
    """The checkout's files as git sees them (tracked, and new ones not ignored), without
    build leftovers: setuptools builds in the source folder, and a stale ``build/`` there
    would end up in the wheel."""
    listed = run("git", "ls-files", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in listed.stdout.splitlines():
        if (ROOT / name).is_file():
            (to / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, to / name)
    return to


def test_the_wheel_alone_migrates_a_warehouse(empty_db, query, tmp_path):
    source = copy_of_the_checkout(tmp_path / "checkout")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "dist", source)
    [wheel] = (tmp_path / "dist").glob("newswire-*.whl")
    shutil.rmtree(source)

    names = set(zipfile.ZipFile(wheel).namelist())
    assert not [name for name in names if name.startswith("newswire_sample_site")]
    shipped_sql = {
        "newswire/sql/" + path.relative_to(ROOT / "sql").as_posix()
        for path in (ROOT / "sql").rglob("*.sql")
    }
    assert len(shipped_sql) > 5 and shipped_sql <= names
    templates = ROOT / "plugins/newswire_airflow/ui/templates"
    if templates.is_dir():
        assert {
            "newswire_airflow/ui/templates/" + path.name for path in templates.glob("*.html")
        } <= names

    # A fresh environment: the wheel, and only what `newswire db migrate` needs.
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "-q",
        "--no-deps",
        "-c",
        ROOT / "constraints.txt",
        wheel,
        "psycopg2-binary",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("NEWSWIRE_", "PYTHON", "AIRFLOW"))
    }
    where = run(
        python,
        "-c",
        "import importlib.util, newswire.sql;"
        " print(newswire.sql.__file__);"
        " print(importlib.util.find_spec('newswire_sample_site'))",
        cwd=elsewhere,
        env=env,
    ).stdout.splitlines()
    assert where[0].startswith(str(venv)) and where[1] == "None"

    migrated = run(
        venv / "bin" / "newswire", "db", "migrate", "--dsn", empty_db, cwd=elsewhere, env=env
    )

    versions = len(list((ROOT / "sql").glob("[0-9][0-9][0-9]_*.sql")))
    assert f"warehouse schema at version {versions}" in migrated.stdout
    assert query(empty_db, "SELECT max(version) FROM newswire.schema_migrations") == [(versions,)]
    views = query(
        empty_db,
        "SELECT table_name FROM information_schema.views WHERE table_schema = 'newswire'",
    )
    assert {name for (name,) in views} == {
        "report_" + path.stem for path in (ROOT / "sql" / "reports").glob("*.sql")
    }
