"""A private PostgreSQL server under ``.newswire/`` for when ``NEWSWIRE_DSN`` is unset.

The server binaries come from the ``pgserver`` wheel, so a fresh machine with only Python
needs nothing else. The server listens on 127.0.0.1 only (no Unix socket, so deep checkout
paths do not hit the socket path limit), keeps running between commands and is reused by
every ``newswire`` command, the demo and ``make up``. ``newswire db stop`` stops it.

PostgreSQL refuses to run as root, so as root the server runs as a system user
``newswire`` (created on first use) that owns the data folder.
"""

from __future__ import annotations

import fcntl
import functools
import importlib.util
import os
import pwd
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg2

SUPERUSER = "newswire"
DATABASE = "newswire"
SERVICE_ACCOUNT = "newswire"  # the OS user that runs the server when we are root


@functools.cache
def postgres_bin_path() -> Path:
    """The server binaries: ``NEWSWIRE_PG_BIN``, else the ones inside the pgserver wheel
    (found without importing pgserver, whose import creates lock files and runtime folders
    we do not use), else the machine's own PostgreSQL (Debian/Ubuntu layout). pgserver has
    no wheel for every platform (none for Linux aarch64), hence the fallbacks."""
    if os.environ.get("NEWSWIRE_PG_BIN"):
        return Path(os.environ["NEWSWIRE_PG_BIN"])
    spec = importlib.util.find_spec("pgserver")
    if spec is not None and spec.submodule_search_locations:
        return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"
    system = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if system:
        return system[-1].parent
    raise EmbeddedPostgresError(
        "no PostgreSQL server binaries: install the pgserver wheel or "
        "PostgreSQL, set NEWSWIRE_PG_BIN, or set NEWSWIRE_DSN"
    )


class EmbeddedPostgresError(RuntimeError):
    """The embedded server could not be set up or started; the message says why."""


class EmbeddedPostgres:
    """One private server whose files all live in ``root``."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.datadir = self.root / "data"
        self.logfile = self.root / "postgres.log"

    # -- public ---------------------------------------------------------------------------
    def ensure_running(self, database: str = DATABASE) -> str:
        """Initialise and start the server if needed, create ``database``; return its DSN."""
        self.root.mkdir(parents=True, exist_ok=True)
        with self._lock():
            account = self._service_account()
            if not (self.datadir / "PG_VERSION").exists():
                self._initdb(account)
            port = self.running_port()
            if port is None:
                port = self._start(account)
            self._create_database(port, database)
        return self.dsn(port, database)

    def running_port(self) -> int | None:
        """The port of the running server, or None when it is not running."""
        pidfile = self.datadir / "postmaster.pid"
        try:
            lines = pidfile.read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
        except (OSError, IndexError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:  # alive, owned by the service account
            pass
        return port

    def stop(self) -> bool:
        """Stop the server (fast shutdown). Returns False when it was not running."""
        if self.running_port() is None:
            return False
        self._run(
            "pg_ctl",
            "stop",
            "-D",
            str(self.datadir),
            "-m",
            "fast",
            "-w",
            account=self._service_account(),
        )
        return True

    @staticmethod
    def dsn(port: int, database: str = DATABASE) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{port}/{database}"

    # -- steps ----------------------------------------------------------------------------
    def _initdb(self, account: pwd.struct_passwd | None) -> None:
        self.datadir.mkdir(mode=0o700, exist_ok=True)
        if account is not None:
            self._check_traversable(account)
            for path in (self.root, self.datadir):
                os.chown(path, account.pw_uid, account.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.datadir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            account=account,
        )
        with open(self.datadir / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                "\n# newswire embedded server\n"
                "listen_addresses = '127.0.0.1'\n"
                "unix_socket_directories = ''\n"
                "max_connections = 200\n"
                "fsync = on\n"
            )

    def _start(self, account: pwd.struct_passwd | None) -> int:
        port = _free_port()
        if account is not None and not self.logfile.exists():
            self.logfile.touch()
            os.chown(self.logfile, account.pw_uid, account.pw_gid)
        try:
            self._run(
                "pg_ctl",
                "start",
                "-D",
                str(self.datadir),
                "-w",
                "-t",
                "60",
                "-l",
                str(self.logfile),
                "-o",
                f"-p {port}",
                account=account,
            )
        except EmbeddedPostgresError as exc:
            tail = self.logfile.read_text(errors="replace")[-2000:] if self.logfile.exists() else ""
            raise EmbeddedPostgresError(f"{exc}\n--- {self.logfile} ---\n{tail}") from None
        return port

    def _create_database(self, port: int, database: str) -> None:
        conn = _connect_with_retry(self.dsn(port, "postgres"))
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
                if cur.fetchone() is None:
                    cur.execute(f'CREATE DATABASE "{database}"')
        finally:
            conn.close()

    # -- plumbing -------------------------------------------------------------------------
    @contextmanager
    def _lock(self):
        """Serialise start-up between processes (two commands started at once)."""
        with open(self.root / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @staticmethod
    def _service_account() -> pwd.struct_passwd | None:
        """None for a normal user; as root, the unprivileged account that runs the server."""
        if os.geteuid() != 0:
            return None
        try:
            return pwd.getpwnam(SERVICE_ACCOUNT)
        except KeyError:
            subprocess.run(
                [
                    "useradd",
                    "--system",
                    "--no-create-home",
                    "--shell",
                    "/usr/sbin/nologin",
                    SERVICE_ACCOUNT,
                ],
                check=True,
                capture_output=True,
            )
            return pwd.getpwnam(SERVICE_ACCOUNT)

    def _check_traversable(self, account: pwd.struct_passwd) -> None:
        for parent in self.root.parents:
            mode = parent.stat().st_mode
            if parent.stat().st_uid != account.pw_uid and not mode & 0o001:
                raise EmbeddedPostgresError(
                    f"{parent} is not searchable by the '{account.pw_name}' account that runs "
                    f"PostgreSQL as root; set NEWSWIRE_HOME to a folder outside it "
                    f"(e.g. /var/lib/newswire) or set NEWSWIRE_DSN to an existing server."
                )

    @staticmethod
    def _run(program: str, *args: str, account: pwd.struct_passwd | None) -> None:
        """Run a server binary, as ``account`` when given; output goes to a file, not a pipe,
        because pg_ctl's server child keeps inherited pipes open."""
        command = [str(postgres_bin_path() / program), *args]
        kwargs = {}
        if account is not None:
            kwargs = {
                "user": account.pw_uid,
                "group": account.pw_gid,
                "extra_groups": [],
                "cwd": "/",
            }
        with open(os.devnull, "rb") as stdin, tempfile.TemporaryFile() as output:
            result = subprocess.run(
                command,
                stdin=stdin,
                stdout=output,
                stderr=output,
                env={**os.environ, "LC_ALL": "C"},
                **kwargs,
            )
            if result.returncode != 0:
                output.seek(0)
                message = output.read().decode(errors="replace").strip()
                raise EmbeddedPostgresError(f"{program} failed ({result.returncode}): {message}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _connect_with_retry(dsn: str, attempts: int = 50):
    """Connect, waiting out the few moments a just-started server refuses connections."""
    for _ in range(attempts - 1):
        try:
            return psycopg2.connect(dsn, connect_timeout=5)
        except psycopg2.OperationalError:
            time.sleep(0.2)
    return psycopg2.connect(dsn, connect_timeout=5)
