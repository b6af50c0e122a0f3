"""The embedded PostgreSQL: starts as root (through its service account, also from a private
folder such as /root/...) and as a normal user, is reused rather than started twice, and lets
no other account in."""

import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg2
import pytest

from newswire.warehouse.embedded import (
    SHARED_SERVER_HOME,
    EmbeddedPostgres,
    EmbeddedPostgresError,
    postgres_bin_path,
)

SCRIPT = """
import psycopg2, sys
from pathlib import Path
from newswire.warehouse.embedded import EmbeddedPostgres
server = EmbeddedPostgres(Path(sys.argv[1]))
first = server.ensure_running()
second = server.ensure_running()
assert first == second, (first, second)
with psycopg2.connect(first) as conn, conn.cursor() as cur:
    cur.execute("SELECT current_setting('data_directory')")
    print(cur.fetchone()[0])
assert server.stop() is True
assert server.running_port() is None
"""


def test_server_is_reused_and_serves_its_own_data_folder(pg_server):
    server, admin_dsn = pg_server
    assert server.ensure_running("postgres") == admin_dsn
    with psycopg2.connect(admin_dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT current_setting('data_directory'), current_setting('listen_addresses')")
        assert cur.fetchone() == (str(server.datadir), "127.0.0.1")
    conn.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_only_the_password_holder_gets_in_and_the_files_are_private(pg_server):
    """Another local account knows the port and the user name, not the password: refused.
    The server log (it holds page contents) and the password are the owner's alone."""
    server, _ = pg_server
    port = server.running_port()
    as_other = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    result = subprocess.run(
        [
            *as_other,
            str(postgres_bin_path() / "psql"),
            "--no-password",
            "--no-psqlrc",
            f"postgresql://newswire@127.0.0.1:{port}/postgres",
            "-c",
            "COPY (SELECT 1) TO PROGRAM 'true'",
        ],
        capture_output=True,
        text=True,
        cwd="/",
        env={"PATH": os.environ["PATH"], "PGPASSFILE": os.devnull, "PGCONNECT_TIMEOUT": "10"},
        timeout=60,
    )
    assert result.returncode != 0, result.stdout
    assert "password" in result.stderr, result.stderr
    hba = (server.datadir / "pg_hba.conf").read_text()
    rules = [line.split() for line in hba.splitlines() if line.strip() and line[0] != "#"]
    assert rules and all(rule[-1] == "scram-sha-256" for rule in rules), hba
    assert _mode(server.logfile) == 0o600
    assert _mode(server.password_file) == 0o600
    assert _mode(server.root) == 0o700


def test_database_names_are_identifiers_not_sql(pg_server, query):
    """`newswire db dsn --database NAME`: the name is quoted, so nothing of it runs as SQL."""
    server, admin_dsn = pg_server
    prefix = f"x_{uuid.uuid4().hex[:8]}"
    name = f'{prefix}" WITH TEMPLATE template0 CONNECTION LIMIT 3 --'
    dsn = server.ensure_running(name)
    created = query(
        admin_dsn,
        "SELECT datname, datconnlimit FROM pg_database WHERE datname LIKE %s",
        (prefix + "%",),
    )
    assert created == [(name, -1)]
    assert query(dsn, "SELECT current_database()") == [(name,)]


@pytest.mark.skipif(os.geteuid() != 0, reason="as root only")
def test_works_as_root_in_a_private_folder():
    """`git clone ... /root/newswire && make demo`: the checkout and its virtualenv (with the
    server binaries) sit in a folder closed to others (0700), which the service account
    cannot enter; the server's files and a copy of the binaries go elsewhere."""
    private = Path(tempfile.mkdtemp(prefix="newswire-private-"))
    assert _mode(private) == 0o700
    checkout = private / "newswire"
    # The wheel's files as a virtualenv in the checkout holds them.
    wheel = postgres_bin_path().parent.parent
    site_packages = checkout / ".venv" / "site-packages"
    shutil.copytree(wheel / "pginstall", site_packages / "pgserver" / "pginstall", symlinks=True)
    if (wheel.parent / "pgserver.libs").is_dir():
        shutil.copytree(wheel.parent / "pgserver.libs", site_packages / "pgserver.libs")
    root = checkout / ".newswire" / "postgres"
    server = EmbeddedPostgres(root)
    server_dir = server.server_dir  # where it goes while the checkout exists
    shared_before = set(SHARED_SERVER_HOME.glob("pginstall-*"))
    try:
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(root)],
            env={
                **os.environ,
                "NEWSWIRE_PG_BIN": str(site_packages / "pgserver" / "pginstall" / "bin"),
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        datadir = Path(result.stdout.strip())
        assert datadir == server.datadir
        assert private not in datadir.parents
        assert _mode(server.logfile) == 0o600
        assert _mode(private) == 0o700  # left as it was
    finally:
        shutil.rmtree(private, ignore_errors=True)
        shutil.rmtree(server_dir, ignore_errors=True)
        for copy in set(SHARED_SERVER_HOME.glob("pginstall-*")) - shared_before:
            shutil.rmtree(copy, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="as root only")
def test_root_follows_no_link_the_service_account_plants(tmp_path):
    """As root, the server's folder belongs to the service account: a log file replaced by a
    link to a file of root's must not hand that file over (chown) to the account."""
    server = EmbeddedPostgres(tmp_path / "pg")
    try:
        server.ensure_running()
        server.stop()
        victim = tmp_path / "roots-file"
        victim.write_text("root's\n")
        before = victim.stat()
        server.logfile.unlink()
        server.logfile.symlink_to(victim)
        with pytest.raises(OSError):
            server.ensure_running()
        after = victim.stat()
        assert (after.st_uid, after.st_mode) == (before.st_uid, before.st_mode)
        assert server.running_port() is None
    finally:
        server.stop()
        shutil.rmtree(server.server_dir, ignore_errors=True)


def _nobody_can_run_python() -> bool:
    return (
        subprocess.run(
            ["runuser", "-u", "nobody", "--", sys.executable, "-c", "pass"], capture_output=True
        ).returncode
        == 0
    )


@pytest.fixture
def python_for_nobody():
    """As root on a machine whose Python lives under /root (mode 700), let 'nobody' reach
    the interpreter for the test's duration (o+x on the blocking folders), then restore."""
    changed = []
    if os.geteuid() == 0 and not _nobody_can_run_python():
        for folder in [*Path(os.path.realpath(sys.executable)).parents, *Path.cwd().parents]:
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH:
                os.chmod(folder, mode | stat.S_IXOTH)
                changed.append((folder, mode))
    try:
        yield _nobody_can_run_python() if os.geteuid() == 0 else True
    finally:
        for folder, mode in changed:
            os.chmod(folder, mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="the suite already runs as a normal user")
def test_works_as_a_normal_user_too(python_for_nobody):
    assert python_for_nobody, "'nobody' cannot run this interpreter"
    user = pwd.getpwnam("nobody")
    home = tempfile.mkdtemp(prefix="newswire-nobody-")
    os.chmod(home, 0o700)  # a private home, as usual
    os.chown(home, user.pw_uid, user.pw_gid)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, os.path.join(home, "pg")],
        user=user.pw_uid,
        group=user.pw_gid,
        extra_groups=[],
        cwd="/",
        env={"PATH": os.environ["PATH"], "HOME": home},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == os.path.join(home, "pg", "data")


@pytest.mark.skipif(
    not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")), reason="no system PostgreSQL here"
)
def test_the_machines_own_postgresql_binaries_work_too():
    """Where the pgserver wheel does not exist (Linux aarch64), NEWSWIRE_PG_BIN or the
    system's PostgreSQL serves instead."""
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))[-1].parent
    home = Path(tempfile.mkdtemp(prefix="newswire-system-pg-"))
    os.chmod(home, 0o755)  # the service account must reach the data folder
    root = home / "pg"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(root)],
        capture_output=True,
        text=True,
        env={**os.environ, "NEWSWIRE_PG_BIN": str(bindir)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(root / "data")


def test_the_dsn_handed_out_owns_the_warehouse_but_is_not_a_superuser(warehouse):
    """It migrates (so it owns the schema), but cannot run a program on the machine."""
    with psycopg2.connect(warehouse) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT rolsuper, (SELECT nspowner::regrole::text FROM pg_namespace"
            " WHERE nspname = 'newswire') FROM pg_roles WHERE rolname = current_user"
        )
        assert cur.fetchone() == (False, "newswire_owner")
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cur.execute("COPY (SELECT 1) TO PROGRAM 'true'")
    conn.close()
    with psycopg2.connect(warehouse) as conn, conn.cursor() as cur:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cur.execute("ALTER ROLE current_user SUPERUSER")
    conn.close()


def test_a_server_whose_dsns_were_a_superusers_is_refused_with_what_to_do(tmp_path):
    server = EmbeddedPostgres(tmp_path / "postgres")
    try:
        server.ensure_running()
        server.stop()
        server.admin_password_file.unlink()  # as an older newswire set it up
        with pytest.raises(EmbeddedPostgresError, match="older newswire.*delete"):
            server.ensure_running()
    finally:
        server.stop()
        shutil.rmtree(server.server_dir, ignore_errors=True)
