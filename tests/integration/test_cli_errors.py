"""Bad input and unreachable warehouses through the real `newswire` command: one line on
stderr, the right exit code, no traceback, no run left 'running' (issue 11, defect 18)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newswire.pipeline import reparse

NEWSWIRE = str(Path(sys.executable).with_name("newswire"))
UNREACHABLE = "postgresql://newswire:x@127.0.0.1:1/newswire"  # nothing listens on port 1
WAREHOUSE_COMMANDS = {
    "ingest": ["ingest", "--base-url", "http://127.0.0.1:1"],
    "report": ["report"],
    "search": ["search", "acme"],
    "db migrate": ["db", "migrate"],
}


def newswire(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NEWSWIRE_HOME": str(home)}
    return subprocess.run(
        [NEWSWIRE, *args], capture_output=True, text=True, env=env, timeout=120, cwd=home
    )


def assert_one_line_error(result: subprocess.CompletedProcess, code: int) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert result.returncode == code, result.stderr
    return lines[0]


@pytest.mark.parametrize("name", WAREHOUSE_COMMANDS)
@pytest.mark.parametrize("kind", ["unreachable", "malformed", "wrong password"])
def test_a_bad_dsn_is_one_line(name, kind, pg_server, tmp_path):
    server, _ = pg_server
    dsn = {
        "unreachable": UNREACHABLE,
        "malformed": "not a dsn",
        "wrong password": f"postgresql://newswire:wrong@127.0.0.1:{server.running_port()}/postgres",
    }[kind]
    result = newswire(*WAREHOUSE_COMMANDS[name], "--dsn", dsn, home=tmp_path)
    line = assert_one_line_error(result, 1)
    assert line.startswith(f"newswire {name}: cannot connect to the warehouse: "), line


@pytest.mark.parametrize("command", [["report"], ["search", "acme"]], ids=" ".join)
def test_reading_a_database_without_the_warehouse_tables_says_to_migrate(
    command, empty_db, tmp_path
):
    line = assert_one_line_error(newswire(*command, "--dsn", empty_db, home=tmp_path), 1)
    assert line.endswith("run `newswire db migrate` first"), line


@pytest.mark.parametrize(
    "args",
    [
        ["ingest", "--limit", "-1"],
        ["ingest", "--workers", "0"],
        ["report", "--limit", "-1"],
        ["search", "acme", "--limit", "-1"],
        ["search", "acme", "--until", "2025-13-01"],
        ["db", "dsn", "--database", ""],
    ],
    ids=" ".join,
)
def test_bad_numbers_and_names_are_usage_errors(args, tmp_path):
    line = assert_one_line_error(newswire(*args, "--dsn", UNREACHABLE, home=tmp_path), 2)
    assert line.startswith(f"newswire {args[0]}")


def test_reparse_with_bad_workers_starts_no_run(warehouse, query, tmp_path):
    result = newswire("reparse", "--workers", "-1", "--dsn", warehouse, home=tmp_path)
    assert_one_line_error(result, 2)
    assert query(warehouse, "SELECT status FROM newswire.ingestion_runs") == []


def test_a_reparse_that_fails_leaves_its_run_failed(warehouse, query):
    with pytest.raises(ValueError):
        reparse(warehouse, workers=-1)
    assert query(warehouse, "SELECT status FROM newswire.ingestion_runs") == [("failed",)]


@pytest.mark.parametrize("url", ["http://[::1", "http://", "http://example.com:99999/"])
def test_parse_of_a_malformed_url_is_one_line(url, tmp_path):
    line = assert_one_line_error(newswire("parse", url, home=tmp_path), 1)
    assert line.startswith(f"newswire parse: {url}: invalid_url")


def test_parse_of_an_unreachable_host_is_one_line(tmp_path):
    line = assert_one_line_error(
        newswire("parse", "http://127.0.0.1:1/release.html", home=tmp_path), 1
    )
    # Said as what it is: the host cannot be reached (not "robots_disallowed").
    assert "robots_unreachable" in line and "Connection refused" in line, line


def test_parse_of_a_folder_without_pages_says_so(tmp_path):
    (tmp_path / "notes.txt").write_text("no pages here")
    line = assert_one_line_error(newswire("parse", str(tmp_path), home=tmp_path), 1)
    assert line == f"newswire parse: no pages (*.html, *.htm) in {tmp_path}"


# Each input of the list that gave a traceback, a library's message or an empty answer: one
# line naming the command, what to type instead, exit 2.
USAGE_ERRORS = {
    "ftp base url": (["ingest", "--base-url", "ftp://example.com"], "newswire ingest", "https://"),
    "file base url": (
        ["ingest", "--base-url", "file:///etc/passwd"],
        "newswire ingest",
        "https://",
    ),
    "unclosed bracket": (["ingest", "--base-url", "http://[::1"], "newswire ingest", "https://"),
    "backslash": (["ingest", "--base-url", "http://a\\b.example"], "newswire ingest", "https://"),
    "no such day": (["ingest", "--since", "2025-02-30"], "newswire ingest", "2025-02-01"),
    "no such month": (["search", "x", "--since", "2025-13-01"], "newswire search", "2025-02-01"),
    "window backwards": (
        ["search", "x", "--since", "2026-12-05", "--until", "2026-12-01"],
        "newswire search",
        "is after --until",
    ),
    "ingest window backwards": (
        ["ingest", "--since", "2026-12-05", "--until", "2026-12-01"],
        "newswire ingest",
        "is after --until",
    ),
    "empty query": (["search", ""], "newswire search", "give words"),
    "ticker without symbol": (
        ["search", "x", "--ticker", "NASDAQ:"],
        "newswire search",
        "NASDAQ:WDAY",
    ),
    "unknown flag": (["ingest", "--bogus"], "newswire ingest", "--bogus"),
    "unknown flag of a nested command": (
        ["db", "migrate", "--bogus"],
        "newswire db migrate",
        "--bogus",
    ),
    "port out of range": (["sample-site", "--port", "99999"], "newswire sample-site", "65535"),
    "reparse day": (["reparse", "--since", "2025-02-30"], "newswire reparse", "2025-02-01"),
}


@pytest.mark.parametrize("case", USAGE_ERRORS)
def test_a_usage_error_is_one_line_naming_the_command(case, tmp_path):
    args, command, hint = USAGE_ERRORS[case]
    dsn = [] if args[0] == "sample-site" else ["--dsn", UNREACHABLE]
    line = assert_one_line_error(newswire(*args, *dsn, home=tmp_path), 2)
    assert line.startswith(f"{command}: error: "), line
    assert hint in line and f"see {command} --help" in line, line


def test_a_base_url_from_the_environment_is_checked_too(tmp_path):
    env = {**os.environ, "NEWSWIRE_HOME": str(tmp_path), "PRNEWSWIRE_BASE_URL": "ftp://x.example"}
    result = subprocess.run(
        [NEWSWIRE, "ingest", "--dsn", UNREACHABLE], capture_output=True, text=True, env=env
    )
    line = assert_one_line_error(result, 2)
    assert line.startswith("newswire ingest: error: $PRNEWSWIRE_BASE_URL: expected a site"), line


def test_an_unreachable_site_is_said_once_without_library_internals(warehouse, tmp_path):
    result = newswire(
        "ingest", "--base-url", "http://127.0.0.1:1", "--dsn", warehouse, home=tmp_path
    )
    line = assert_one_line_error(result, 1)
    assert line.startswith("newswire ingest: discovery failed on http://127.0.0.1:1: "), line
    assert line.count("Connection refused") == 1, line
    for internal in ("HTTPConnection", "Max retries", "NewConnectionError", "_HTTPPool"):
        assert internal not in line, line


def test_a_search_over_all_of_time_is_an_answer(warehouse, tmp_path):
    """0001-01-01 .. 9999-12-31: the end of the last day is beyond Python's datetime."""
    result = newswire(
        "search", "x", "--since", "0001-01-01", "--until", "9999-12-31", "--dsn", warehouse,
        home=tmp_path,
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip() == "newswire search: no release matches"
    assert result.returncode == 1


def test_parse_reads_no_more_than_the_size_cap(tmp_path):
    """/dev/zero never ends: the command stops reading at the cap and says so."""
    result = subprocess.run(
        ["prlimit", "--as=1500000000", NEWSWIRE, "parse", "/dev/zero"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    line = assert_one_line_error(result, 1)
    assert line.startswith("newswire parse: /dev/zero: cannot parse (too_large): more than"), line
