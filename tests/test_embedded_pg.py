"""The embedded PostgreSQL: starts as root (through its service account) and as a normal user,
and is reused rather than started twice."""

import os
import pwd
import subprocess
import sys
import tempfile

import psycopg2
import pytest

from newswire.embedded_pg import EmbeddedPostgres

SCRIPT = """
import psycopg2, sys
from pathlib import Path
from newswire.embedded_pg import EmbeddedPostgres
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


def _nobody_can_run_python() -> bool:
    return subprocess.run(["runuser", "-u", "nobody", "--", sys.executable, "-c", "pass"],
                          capture_output=True).returncode == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="the suite already runs as a normal user")
@pytest.mark.skipif(os.geteuid() == 0 and not _nobody_can_run_python(),
                    reason="this interpreter lives where 'nobody' may not execute it")
def test_works_as_a_normal_user_too():
    user = pwd.getpwnam("nobody")
    home = tempfile.mkdtemp(prefix="newswire-nobody-")
    os.chmod(home, 0o755)
    os.chown(home, user.pw_uid, user.pw_gid)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, os.path.join(home, "pg")],
        user=user.pw_uid, group=user.pw_gid, extra_groups=[], cwd="/",
        env={"PATH": os.environ["PATH"], "HOME": home}, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == os.path.join(home, "pg", "data")
