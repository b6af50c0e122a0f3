"""A private PostgreSQL server under ``.newswire/`` for when ``NEWSWIRE_DSN`` is unset.

The server binaries come from the ``pgserver`` wheel, so a fresh machine with only Python
needs nothing else. The server listens on 127.0.0.1 only (no Unix socket, so deep checkout
paths do not hit the socket path limit), keeps running between commands and is reused by
every ``newswire`` command, the demo and ``make up``. ``newswire db stop`` stops it.

Other accounts on the machine cannot use it: it accepts password logins only
(scram-sha-256), with a random password made at initdb and kept in ``password`` (mode 0600)
beside the data folder; every DSN handed out carries it. The state folder, the data folder and
the server log (which holds page contents) are private (0700 / 0600).

PostgreSQL refuses to run as root, so as root the server runs as a system user
``newswire`` (created on first use) that owns the data folder. That account must be able to
reach the data folder: when the state folder lies in a private tree (``/root/...``), the
server's files (data folder, log and password) live in
``/var/lib/newswire/<hash of the state folder>`` instead; the lock stays in the state folder.
Binaries it cannot reach either (a virtualenv under /root) are copied once to
``/var/lib/newswire/pginstall-<hash>``.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import importlib.util
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg2
from psycopg2 import sql

SUPERUSER = "newswire"  # the server's bootstrap superuser: for setting up roles, never handed out
OWNER = "newswire_owner"  # the role of every DSN handed out: owns the warehouse, no superuser
READER = "newswire_reader"  # the read-only role of the migrations (002), made here by the superuser
DATABASE = "newswire"
SERVICE_ACCOUNT = "newswire"  # the OS user that runs the server when we are root
# As root, the server files of a state folder the service account cannot reach.
SHARED_SERVER_HOME = Path("/var/lib/newswire")


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
    """One private server for the state folder ``root``."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()

    @functools.cached_property
    def server_dir(self) -> Path:
        """The folder of the data folder, the log and the password: ``root``, unless we are
        root and a parent of ``root`` is closed to other accounts (the service account could
        not reach it); then ``/var/lib/newswire/<hash of root>``."""
        if os.geteuid() != 0 or _searchable_by_others(self.root.parent):
            return self.root
        return SHARED_SERVER_HOME / hashlib.sha256(str(self.root).encode()).hexdigest()[:16]

    @property
    def datadir(self) -> Path:
        return self.server_dir / "data"

    @property
    def logfile(self) -> Path:
        return self.server_dir / "postgres.log"

    @property
    def password_file(self) -> Path:
        """The owner's password, beside the data folder, so the two are kept or deleted
        together; root's own file when we are root (the service account needs no password)."""
        return self.server_dir / "password"

    @property
    def admin_password_file(self) -> Path:
        """The superuser's password, never part of a DSN handed out."""
        return self.server_dir / "admin-password"

    # -- public ---------------------------------------------------------------------------
    def ensure_running(self, database: str = DATABASE) -> str:
        """Initialise and start the server if needed, create ``database``; return its DSN."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.root.chmod(0o700)
        with self._lock():
            account = self._service_account()
            if not (self.datadir / "PG_VERSION").exists():
                self._initdb(account)
            elif not self.admin_password_file.exists():
                raise EmbeddedPostgresError(
                    f"the embedded PostgreSQL in {self.datadir} was set up by an older newswire,"
                    f" whose DSNs logged in as a superuser (who can run programs on this machine):"
                    f" run `newswire db stop`, delete {self.server_dir} (its data is lost) and"
                    f" run the command again"
                )
            port = self.running_port()
            if port is None:
                port = self._start(account)
                self._set_up_roles(port)
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

    def stop(self, mode: str = "fast") -> bool:
        """Stop the server (``fast``: a clean shutdown with its checkpoint; ``immediate``:
        none, for a throwaway server whose data nobody keeps). Returns False when it was not
        running."""
        if self.running_port() is None:
            return False
        self._run(
            "pg_ctl",
            "stop",
            "-D",
            str(self.datadir),
            "-m",
            mode,
            "-w",
            account=self._service_account(),
        )
        return True

    def dsn(self, port: int, database: str = DATABASE) -> str:
        """A DSN of ``database`` that logs in (it carries the password)."""
        return _dsn(OWNER, self._password(), port, database)

    # -- steps ----------------------------------------------------------------------------
    def _password(self) -> str:
        try:
            return self.password_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            raise EmbeddedPostgresError(
                f"the embedded PostgreSQL in {self.datadir} has no password file "
                f"{self.password_file} (it was set up by an older newswire, which trusted "
                f"every local account): run `newswire db stop`, delete {self.datadir} "
                f"(its data is lost) and run the command again"
            ) from None

    def _initdb(self, account: pwd.struct_passwd | None) -> None:
        if self.server_dir != self.root:
            _make_shared_home()
        self.server_dir.mkdir(mode=0o700, exist_ok=True)
        self.datadir.mkdir(mode=0o700, exist_ok=True)
        if account is not None:
            for path in (self.server_dir, self.datadir):
                os.chown(path, account.pw_uid, account.pw_gid)
        _write_private(self.password_file, secrets.token_urlsafe(24) + "\n")
        admin_password = secrets.token_urlsafe(24)
        _write_private(self.admin_password_file, admin_password + "\n")
        # initdb reads the password from a file it can open: one in the server's own folder.
        with tempfile.NamedTemporaryFile("w", dir=self.server_dir, prefix="initdb-") as pwfile:
            pwfile.write(admin_password + "\n")
            pwfile.flush()
            if account is not None:
                os.fchown(pwfile.fileno(), account.pw_uid, account.pw_gid)
            self._run(
                "initdb",
                "-D",
                str(self.datadir),
                "-U",
                SUPERUSER,
                f"--pwfile={pwfile.name}",
                "--auth=scram-sha-256",
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

    @property
    def port_file(self) -> Path:
        """The port the server last listened on, in the state folder: it starts there again,
        so a DSN handed out before a restart (``make up`` exports one) stays valid."""
        return self.root / "port"

    def _port_to_use(self) -> int:
        """The recorded port while it is free, else a new free one (recorded)."""
        try:
            recorded = int(self.port_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            recorded = None
        if recorded is not None and _port_is_free(recorded):
            return recorded
        port = _free_port()
        _write_private(self.port_file, f"{port}\n")
        return port

    def _start(self, account: pwd.struct_passwd | None) -> int:
        port = self._port_to_use()
        _write_private(self.logfile, None, account)
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

    def _set_up_roles(self, port: int) -> None:
        """As the superuser: the owner role the DSNs use (it creates the databases, so it owns
        them and all they hold, and may create the reader logins of ``newswire_reader``),
        with the password of :attr:`password_file`. Not a superuser: it cannot run programs
        (``COPY ... TO PROGRAM``) or read the server's files."""
        admin_password = self.admin_password_file.read_text(encoding="utf-8").strip()
        conn = _connect_with_retry(_dsn(SUPERUSER, admin_password, port, "postgres"))
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                for role, options in ((OWNER, "LOGIN CREATEDB CREATEROLE"), (READER, "NOLOGIN")):
                    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
                    if cur.fetchone() is None:
                        cur.execute(
                            sql.SQL("CREATE ROLE {} " + options).format(sql.Identifier(role))
                        )
                cur.execute(
                    sql.SQL("ALTER ROLE {} NOSUPERUSER PASSWORD %s").format(sql.Identifier(OWNER)),
                    (self._password(),),
                )
                cur.execute(
                    sql.SQL("GRANT {} TO {} WITH ADMIN OPTION").format(
                        sql.Identifier(READER), sql.Identifier(OWNER)
                    )
                )
                # Reading the settings (data_directory, which `newswire db dsn` users check).
                cur.execute(
                    sql.SQL("GRANT pg_read_all_settings TO {}").format(sql.Identifier(OWNER))
                )
                # Settings only a superuser may change unless granted (a merge's bound on
                # temporary files).
                cur.execute(
                    sql.SQL("GRANT SET ON PARAMETER temp_file_limit TO {}").format(
                        sql.Identifier(OWNER)
                    )
                )
        finally:
            conn.close()

    def _create_database(self, port: int, database: str) -> None:
        conn = _connect_with_retry(self.dsn(port, "postgres"))
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
                if cur.fetchone() is None:
                    cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
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

    @staticmethod
    def _run(program: str, *args: str, account: pwd.struct_passwd | None) -> None:
        """Run a server binary, as ``account`` when given; output goes to a file, not a pipe,
        because pg_ctl's server child keeps inherited pipes open."""
        command = [str(_binaries_for(account) / program), *args]
        kwargs = {}
        if account is not None:
            kwargs = {
                "user": account.pw_uid,
                "group": account.pw_gid,
                "extra_groups": [],
                "cwd": "/",
            }
        with open(os.devnull, "rb") as stdin, tempfile.TemporaryFile() as output:
            try:
                result = subprocess.run(
                    command,
                    stdin=stdin,
                    stdout=output,
                    stderr=output,
                    env={**os.environ, "LC_ALL": "C"},
                    **kwargs,
                )
            except OSError as exc:
                raise EmbeddedPostgresError(f"cannot run {command[0]}: {exc}") from None
            if result.returncode != 0:
                output.seek(0)
                message = output.read().decode(errors="replace").strip()
                raise EmbeddedPostgresError(f"{program} failed ({result.returncode}): {message}")


def _binaries_for(account: pwd.struct_passwd | None) -> Path:
    """The server binaries as ``account`` can run them. As root, binaries in a private tree
    (the pgserver wheel in a virtualenv under /root) are out of the service account's reach:
    it runs a copy in /var/lib/newswire, made once per build. The copy keeps the wheel's
    layout: its binaries find libpq in ``pgserver.libs`` at ``$ORIGIN/../../../``."""
    bindir = postgres_bin_path()
    if account is None or _searchable_by_others(bindir):
        return bindir
    install = bindir.parent  # .../site-packages/pgserver/pginstall
    build = (bindir / "postgres").stat()
    key = f"{install}:{build.st_size}:{build.st_mtime_ns}"
    copy = SHARED_SERVER_HOME / f"pginstall-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
    copied_bindir = copy / install.parent.name / install.name / "bin"
    if copy.exists():
        return copied_bindir
    _make_shared_home()
    staging = Path(tempfile.mkdtemp(dir=SHARED_SERVER_HOME, prefix=".pginstall-"))
    try:
        tree = staging / "pginstall"
        shutil.copytree(install, tree / install.parent.name / install.name, symlinks=True)
        libs = install.parent.parent / "pgserver.libs"
        if libs.is_dir():
            shutil.copytree(libs, tree / libs.name, symlinks=True)
        for folder in (tree, tree / install.parent.name):
            folder.chmod(0o755)
        tree.rename(copy)  # whole or not at all
    except OSError:
        if not copy.exists():  # not another process's copy that won the race
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return copied_bindir


def _make_shared_home() -> None:
    SHARED_SERVER_HOME.mkdir(parents=True, exist_ok=True)
    SHARED_SERVER_HOME.chmod(0o755)  # root's; the service account passes through


def _searchable_by_others(folder: Path) -> bool:
    """Whether any account can pass through ``folder`` and its parents (missing ones are
    made by us, open)."""
    for path in (folder, *folder.parents):
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            continue
        if not mode & 0o001:
            return False
    return True


def _write_private(path: Path, text: str | None, account: pwd.struct_passwd | None = None) -> None:
    """Make ``path`` mode 0600 (owned by ``account`` when given); write ``text`` unless None
    (None keeps what is there: the log grows across starts). As root this runs in a folder
    the service account owns: a symlink planted there is refused, not followed."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_TRUNC if text is not None else 0)
    with os.fdopen(os.open(path, flags, 0o600), "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        if account is not None:
            os.fchown(handle.fileno(), account.pw_uid, account.pw_gid)
        if text is not None:
            handle.write(text)


def _dsn(user: str, password: str, port: int, database: str) -> str:
    return (
        f"postgresql://{user}:{quote(password, safe='')}@127.0.0.1:{port}/"
        f"{quote(database, safe='')}"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_is_free(port: int) -> bool:
    """Whether the server could listen on ``port`` of 127.0.0.1 now."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _connect_with_retry(dsn: str, attempts: int = 50):
    """Connect, waiting out the few moments a just-started server refuses connections."""
    for _ in range(attempts - 1):
        try:
            return psycopg2.connect(dsn, connect_timeout=5)
        except psycopg2.OperationalError:
            time.sleep(0.2)
    return psycopg2.connect(dsn, connect_timeout=5)
