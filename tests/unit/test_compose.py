"""The team deployment (docker-compose.yml, docker/) checked without a Docker engine.

1. The Compose Specification schema, through check-jsonschema's bundled copy (no network).
2. The structure this project relies on: the services, the common Airflow anchor with the
   CeleryExecutor, the worker command, the mounts, the warehouse connection, the postgres
   init script that creates the warehouse database, the image build, and dependencies that
   all point at real services.
3. Safe defaults: no secret has a default (compose refuses to start without it), every
   published port listens on 127.0.0.1 unless the operator opts in, and .env.example
   documents every variable.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support import ROOT

COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
INIT_SCRIPT = ROOT / "docker" / "postgres-init" / "10-newswire-db.sh"
INITDB_DIR = "/docker-entrypoint-initdb.d"

AIRFLOW_SERVICES = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-worker",
    "airflow-triggerer",
    "airflow-init",
}
REQUIRED_SERVICES = AIRFLOW_SERVICES | {"postgres", "redis"}
SECRETS = {
    "AIRFLOW_DB_PASSWORD",
    "NEWSWIRE_DB_PASSWORD",
    "AIRFLOW__API_AUTH__JWT_SECRET",
    "FERNET_KEY",
    "_AIRFLOW_WWW_USER_PASSWORD",
}
# ${NAME}, ${NAME:-default}, ${NAME:?message}; not $${NAME}, which the container's shell reads.
VARIABLE = re.compile(r"(?<!\$)\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    # safe_load resolves the anchors and `<<` merge keys as Compose does.
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def variables(compose) -> list[re.Match]:
    """Every variable the file uses (in values, not comments)."""

    def strings(node):
        if isinstance(node, dict):
            for key, value in node.items():
                yield str(key)
                yield from strings(value)
        elif isinstance(node, list):
            for value in node:
                yield from strings(value)
        elif isinstance(node, str):
            yield node

    return [m for text in strings(compose) for m in VARIABLE.finditer(text)]


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def common(compose) -> dict:
    return compose["x-airflow-common"]


def _check_jsonschema() -> str:
    """The console script installed next to this interpreter (the [test] extra), else PATH."""
    beside = Path(sys.executable).with_name("check-jsonschema")
    if beside.exists():
        return str(beside)
    found = shutil.which("check-jsonschema")
    if found:
        return found
    pytest.fail("check-jsonschema is not installed: pip install -e '.[test]' (the test extra)")


def _mounts(service: dict) -> dict[str, tuple[str, str]]:
    """Short-syntax volumes as {target: (source, mode)}."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            mode = "ro" if volume.get("read_only") else "rw"
            mounts[volume["target"]] = (volume.get("source", ""), mode)
            continue
        source, target, *mode = volume.split(":")
        mounts[target] = (source, mode[0] if mode else "rw")
    return mounts


def _with_defaults(text: str) -> str:
    """``text`` as compose reads it with no variable set: each ``${NAME:-default}`` is its
    default."""
    return VARIABLE.sub(lambda m: m["arg"] if m["op"] in ("-", ":-") else m[0], text)


def _environment(service: dict) -> dict:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def _depends_on(service: dict) -> list[str]:
    deps = service.get("depends_on", [])
    return list(deps) if isinstance(deps, (list, dict)) else []


def _airflow_version_pin() -> str:
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.lower().startswith("apache-airflow=="):
            return line.split("==", 1)[1].strip()
    raise AssertionError("constraints.txt pins no apache-airflow version")


def test_compose_file_matches_the_compose_specification():
    result = subprocess.run(
        [_check_jsonschema(), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_services_exist(services):
    assert REQUIRED_SERVICES <= set(services), REQUIRED_SERVICES - set(services)
    # Flower is there but optional: only with `--profile flower`.
    assert services["flower"]["profiles"] == ["flower"]
    assert services["flower"]["command"][-1].endswith("exec airflow celery flower")


def test_common_anchor_runs_celery_on_postgres_and_redis(common):
    env = _environment(common)
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://airflow:")
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].endswith("@postgres/airflow")
    broker = env["AIRFLOW__CELERY__BROKER_URL"]
    assert broker.startswith("redis://") and "@redis:6379" in broker
    execution_api = env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"]
    assert execution_api == "http://airflow-apiserver:8080/execution/"
    assert env["AIRFLOW__API_AUTH__JWT_SECRET"].startswith("${AIRFLOW__API_AUTH__JWT_SECRET")
    assert str(env["AIRFLOW__CORE__LOAD_EXAMPLES"]).lower() == "false"
    assert "_PIP_ADDITIONAL_REQUIREMENTS" not in env  # the project is built into the image


def test_every_airflow_service_uses_the_common_anchor(services, common):
    common_env = _environment(common)
    airflow_services = {n for n in services if n.startswith("airflow-") or n == "flower"}
    assert AIRFLOW_SERVICES <= airflow_services
    for name in airflow_services:
        service = services[name]
        env = _environment(service)
        assert env.get("AIRFLOW__CORE__EXECUTOR") == "CeleryExecutor", name
        # Every key of the anchor's environment, with the anchor's value (services may add keys).
        assert {k: env.get(k) for k in common_env} == common_env, name
        assert service.get("build") == common["build"], name
        assert service.get("image") == common["image"], name


def test_worker_is_a_scalable_celery_worker(services):
    worker = services["airflow-worker"]
    assert worker["command"] in ("celery worker", ["celery", "worker"])
    # `docker compose up -d --scale airflow-worker=N` needs no fixed name and no host port.
    assert "container_name" not in worker
    assert not worker.get("ports")
    assert _environment(worker)["DUMB_INIT_SETSID"] == "0"


def test_project_folders_are_mounted(common, services):
    for name in AIRFLOW_SERVICES:
        mounts = _mounts(services[name])
        for folder in ("dags", "plugins", "logs", "config"):
            source, _ = mounts.get(f"/opt/airflow/{folder}", ("", ""))
            assert source.rstrip("/") == f"./{folder}", (name, folder, mounts)
        # The SQL ships inside the installed package: no checkout folder is needed.
        assert "/opt/airflow/sql" not in mounts, name
    assert "NEWSWIRE_SQL_DIR" not in _environment(common)


def test_warehouse_connection_points_at_the_newswire_database(common):
    env = _environment(common)
    uri = env["AIRFLOW_CONN_NEWSWIRE_WAREHOUSE"]
    part = r"\$\{[^}]*\}|[^:@/${}]+"  # a ${VAR:-default} or a literal
    match = re.fullmatch(
        rf"postgresql://(?P<user>{part}):(?P<password>{part})@postgres:5432/(?P<db>{part})", uri
    )
    assert match, uri
    # No secret in the file: the password comes from the environment, with no default.
    assert match["password"].startswith("${NEWSWIRE_DB_PASSWORD:?"), uri
    assert match["db"] == "${NEWSWIRE_DB_NAME:-newswire}"
    assert env["PRNEWSWIRE_BASE_URL"] == "${PRNEWSWIRE_BASE_URL:-https://www.prnewswire.com}"
    assert env["NEWSWIRE_CONTACT"].startswith("${NEWSWIRE_CONTACT")


def test_postgres_init_script_creates_the_warehouse_database(services):
    postgres = services["postgres"]
    source, mode = _mounts(postgres)[INITDB_DIR]
    assert (ROOT / source).resolve() == INIT_SCRIPT.parent
    assert mode == "ro"
    assert INIT_SCRIPT.is_file()
    script = INIT_SCRIPT.read_text()
    assert re.search(r'CREATE DATABASE :"db_name"', script)
    assert 'db_name="${NEWSWIRE_DB_NAME:-newswire}"' in script
    syntax = subprocess.run(["bash", "-n", str(INIT_SCRIPT)], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr
    # The script reads the same names and password as the connection above.
    env = _environment(postgres)
    assert env["NEWSWIRE_DB_NAME"] == "${NEWSWIRE_DB_NAME:-newswire}"
    assert env["NEWSWIRE_DB_USER"] == "${NEWSWIRE_DB_USER:-newswire}"
    password = env["NEWSWIRE_DB_PASSWORD"]
    assert password.startswith("${NEWSWIRE_DB_PASSWORD:?"), password
    connection = _environment(services["airflow-init"])["AIRFLOW_CONN_NEWSWIRE_WAREHOUSE"]
    assert f":{password}@" in connection
    assert 'db_password="${NEWSWIRE_DB_PASSWORD:?' in script
    assert env["POSTGRES_DB"] == "airflow"


def test_airflow_init_migrates_creates_the_admin_and_the_pool(services):
    init = services["airflow-init"]
    env = _environment(init)
    assert env["_AIRFLOW_DB_MIGRATE"] == "true"
    assert env["_AIRFLOW_WWW_USER_CREATE"] == "true"
    script = "\n".join(init["command"])
    # The pool's name and size come from the package (newswire_airflow.pools), not from here.
    assert re.search(r"/entrypoint python -m newswire_airflow\.pools\b", script), script
    for name in AIRFLOW_SERVICES - {"airflow-init"}:
        condition = services[name]["depends_on"]["airflow-init"]["condition"]
        assert condition == "service_completed_successfully", name


def test_healthchecks(services):
    for name in REQUIRED_SERVICES - {"airflow-init"}:
        assert services[name]["healthcheck"]["test"], name


def test_dependencies_name_real_services(compose, services):
    names = set(services)
    for name, service in [("x-airflow-common", compose["x-airflow-common"]), *services.items()]:
        missing = set(_depends_on(service)) - names
        assert not missing, f"{name} depends on unknown services {missing}"


def test_image_is_built_from_the_official_airflow_image(common):
    build = common["build"]
    assert build["context"] == "."
    dockerfile = ROOT / build["dockerfile"]
    assert dockerfile.is_file()
    text = dockerfile.read_text()
    froms = re.findall(r"^FROM\s+(\S+)", text, flags=re.MULTILINE)
    # The image's Airflow is the version the project pins.
    assert froms == [f"apache/airflow:{_airflow_version_pin()}-python3.11"], froms
    assert re.search(r"pip install --no-cache-dir -c constraints\.txt .* \.\s", text)
    # Everything the Dockerfile copies exists in the build context.
    for line in re.findall(r"^COPY\s+(.+)$", text, flags=re.MULTILINE):
        *sources, _target = [part for part in line.split() if not part.startswith("--")]
        for source in sources:
            assert (ROOT / source).exists(), source


def test_no_secret_has_a_default(variables):
    """A known default secret is a public one (a JWT forged offline with the old default
    passed the login check): each secret is `${NAME:?message}`, everywhere it is used."""
    for name in SECRETS:
        forms = {m["op"] for m in variables if m["name"] == name}
        assert forms == {":?"}, (name, forms)
    # Whatever else looks secret has no value of its own either.
    for m in variables:
        if re.search(r"PASSWORD|SECRET|KEY|AUTH", m["name"]):
            assert m["op"] == ":?" or not m["arg"], m[0]


def test_flower_refuses_to_start_without_a_login(services):
    """Compose checks `${NAME:?}` in every service, profile or not, so Flower's own login is
    checked by its command: without it, it exits before serving anything."""
    flower = services["flower"]
    assert _environment(flower)["AIRFLOW__CELERY__FLOWER_BASIC_AUTH"] == "${FLOWER_BASIC_AUTH:-}"
    script = flower["command"][-1].replace("$$", "$")
    for basic_auth, code in (("", 1), ("admin:s3cret", 0)):
        result = subprocess.run(
            ["bash", "-c", script.replace("exec airflow celery flower", "exit 0")],
            env={"PATH": "/usr/bin:/bin", "AIRFLOW__CELERY__FLOWER_BASIC_AUTH": basic_auth},
            capture_output=True,
            text=True,
        )
        assert result.returncode == code, result.stderr


def test_published_ports_listen_on_loopback_unless_the_operator_opts_in(services):
    published = {
        name: port for name, service in services.items() for port in service.get("ports", [])
    }
    assert set(published) == {"airflow-apiserver", "flower"}
    for name, port in published.items():
        assert isinstance(port, str) and port.startswith("${NEWSWIRE_BIND_ADDRESS:-"), name
        address, _host_port, _container_port = _with_defaults(port).split(":")
        assert address == "127.0.0.1", (name, port)


def test_env_example_documents_every_variable_and_holds_no_secret(variables):
    documented = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            documented[name] = value
    used = {m["name"] for m in variables}
    assert used <= set(documented), used - set(documented)
    for name in SECRETS | {"FLOWER_BASIC_AUTH"}:
        assert documented[name] == "", name


def test_image_carries_the_product_and_not_the_sample_site():
    """The build context is an allow-list (docker/Dockerfile.dockerignore): what the
    package build needs (plugins/ and sql/, see pyproject's package-dir) goes in, the sample
    site does not."""
    allowed = {
        line[1:].strip().rstrip("/")
        for line in (ROOT / "docker/Dockerfile.dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    assert {"plugins", "sql", "pyproject.toml"} <= allowed
    assert not any(entry.startswith("sample_site") for entry in allowed)
    copied = re.findall(r"^COPY\s+(.+)$", (ROOT / "docker/Dockerfile").read_text(), re.M)
    assert not any("sample_site" in line for line in copied)


def test_the_pool_is_created_from_the_package_only():
    """`make up` and compose create the pool with `python -m newswire_airflow.pools`; neither
    writes its size down a second time."""
    up = (ROOT / "scripts" / "up.sh").read_text()
    assert re.search(r"^python -m newswire_airflow\.pools\b", up, flags=re.MULTILINE), up
    for path in (COMPOSE_FILE, ROOT / "scripts" / "up.sh"):
        assert not re.search(r"pools\s+set", path.read_text()), path
