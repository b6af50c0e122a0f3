"""docs/performance.md quotes only bench/results/: every figure in its tables is in the
results file the paragraph above the table names, with that file's date beside it; every
results file has its place on the page, and every path the page names exists."""

import json
import re
from pathlib import Path

import pytest

from tests.support import ROOT

PAGE = ROOT / "docs" / "performance.md"
RESULTS = ROOT / "bench" / "results"

# A number starts a word ("5x", "52 MB", not "p95" or "x86_64"); commit ids are no figures.
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_COMMIT = re.compile(r"\b(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b")
_RESULTS_FILE = re.compile(r"bench/results/[\w./-]+\.(?:md|json)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def numbers(text: str) -> set[str]:
    """The numbers written in ``text``, thousands separators dropped ("1,460.1" -> "1460.1")."""
    return set(_NUMBER.findall(_THOUSANDS.sub("", _COMMIT.sub("", text))))


def tables(page: str) -> list[tuple[str, list[list[str]]]]:
    """Each table of ``page``: (the text between the previous table or heading and it, its
    body rows as lists of cells; the header and rule rows left out)."""
    found, prose, rows = [], [], []
    for line in page.splitlines() + [""]:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
            continue
        if rows:
            found.append(("\n".join(prose), rows[2:]))
            prose, rows = [], []
        prose = [] if line.startswith("#") else prose + [line]
    return found


def file_date(path: Path) -> str | None:
    """The date a results file was written: its ``date`` field, or the first date in a
    markdown file; None when it says none."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        date = json.loads(text).get("date")
        return date[:10] if date else None
    match = _DATE.search(text)
    return match.group() if match else None


def unfounded(page: str, root: Path = ROOT) -> list[str]:
    """Each figure of a table of ``page`` (every cell but the first, the row's label) that
    is not in the results files the paragraph above the table names, and each of those files
    whose date that paragraph does not give."""
    problems = []
    for prose, rows in tables(page):
        sources = [root / name for name in dict.fromkeys(_RESULTS_FILE.findall(prose))]
        if not sources:
            problems.append(f"a table names no results file: {rows[0]}")
            continue
        known = set().union(*(numbers(path.read_text(encoding="utf-8")) for path in sources))
        for row in rows:
            for cell in row[1:]:
                problems += [
                    f"{n} ({row[0]}: {cell}) is in none of {[p.name for p in sources]}"
                    for n in sorted(numbers(cell) - known)
                ]
        for path in sources:
            date = file_date(path)
            if date and date not in prose:
                problems.append(f"{path.relative_to(root)} is of {date}, not said above its table")
    return problems


def test_every_figure_of_the_page_is_in_the_results_file_it_names():
    assert unfounded(PAGE.read_text(encoding="utf-8")) == []


def test_a_figure_in_no_results_file_is_caught(tmp_path):
    results = tmp_path / "bench" / "results"
    results.mkdir(parents=True)
    (results / "x.md").write_text("- date: 2026-12-01\n\n| a | 1,234.5 rows/s | 0.42 ms |\n")
    page = "`bench/results/x.md` ({date}):\n\n| what | rows/s |\n| --- | --- |\n| load | {n} |\n"

    assert unfounded(page.format(date="2026-12-01", n="1,234.5 rows/s"), tmp_path) == []
    assert unfounded(page.format(date="2026-12-01", n="1234.5"), tmp_path) == []
    [made_up] = unfounded(page.format(date="2026-12-01", n="1,234.6 rows/s"), tmp_path)
    assert made_up.startswith("1234.6 ")
    # a figure of another file, or a rounded one, is not this file's figure
    assert unfounded(page.format(date="2026-12-01", n="1,235 rows/s"), tmp_path)
    [stale] = unfounded(page.format(date="2026-11-30", n="0.42 ms"), tmp_path)
    assert "2026-12-01" in stale
    assert unfounded("| what | figure |\n| --- | --- |\n| load | 0.42 ms |\n", tmp_path)


def test_every_results_file_has_its_place_on_the_page_and_every_named_path_exists():
    page = PAGE.read_text(encoding="utf-8")
    named = set(re.findall(r"bench/[\w./-]*\w", page))
    for name in named:
        assert (ROOT / name).exists(), f"docs/performance.md names {name}, which is gone"
    for path in RESULTS.rglob("*"):
        if path.suffix in (".md", ".json"):
            stem = str(path.relative_to(ROOT).with_suffix(""))
            assert any(n.startswith(stem + ".") for n in named), f"{stem} has no section"


@pytest.mark.parametrize(
    "pattern",
    [r"\bissues? \d+", r"#\d+", _COMMIT.pattern],
    ids=["issue number", "issue reference", "commit id"],
)
def test_the_page_names_no_issue_and_no_commit(pattern):
    assert not re.findall(pattern, PAGE.read_text(encoding="utf-8"))
