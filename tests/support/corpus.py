"""The real pages and captures the tests read, and the project's labels of them.

Third-party bytes (real pages, listing captures, robots.txt) are never committed: they live in
``../shared/fixtures/`` beside the checkout (provenance in its ``INDEX.tsv``). The labels the
project wrote stay in the repo, in ``tests/fixtures/labels/``, keyed by file name:
``pages.tsv`` (each real page's set, template and URL), ``<page>.expected.json`` and
``listings.tsv`` (each capture's time). A test that needs a missing file skips with one line
saying what is missing; ``eval/`` and ``bench/`` use :func:`missing` for the same line.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import FIXTURES, ROOT

SHARED = ROOT.parent / "shared" / "fixtures"
LABELS = FIXTURES / "labels"


def missing(what: str = "") -> str:
    """The one line said when third-party material is absent (a stranger's clone)."""
    return f"skipped: {SHARED / what} is absent (third-party fixtures live in ../shared/)"


def shared(*parts: str) -> Path:
    """A file or folder of ``../shared/fixtures/``; the calling test skips when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(missing("/".join(parts)))
    return path


@dataclass(frozen=True)
class RealPage:
    """A labelled real page: its file in ``../shared/fixtures/real/``, its label here."""

    name: str  # the file name, e.g. prnewswire_2023_workday.html
    split: str  # "dev" (the parser is tuned on it) or "test" (measured by `make eval` only)
    template: str
    url: str | None  # the release URL it was saved from

    @property
    def stem(self) -> str:
        return self.name.removesuffix(".html")

    @property
    def path(self) -> Path:
        return SHARED / "real" / self.name

    def read_bytes(self) -> bytes:
        """The page's bytes; the calling test skips when ``../shared`` is absent."""
        return shared("real", self.name).read_bytes()

    def read_text(self) -> str:
        return self.read_bytes().decode("utf-8")

    @property
    def label(self) -> dict:
        return json.loads((LABELS / f"{self.stem}.expected.json").read_text(encoding="utf-8"))


def real_pages(split: str | None = None) -> list[RealPage]:
    """Every labelled real page (from ``pages.tsv``), or those of one split."""
    with open(LABELS / "pages.tsv", encoding="utf-8", newline="") as index:
        rows = list(csv.DictReader(index, delimiter="\t"))
    pages = [
        RealPage(row["file"], row["set"], row["template"], row["release_url"] or None)
        for row in rows
    ]
    return [page for page in pages if split in (None, page.split)]


def real_page(stem: str) -> RealPage:
    """One labelled real page by its stem (``prnewswire_2023_workday``)."""
    (page,) = [page for page in real_pages() if page.stem == stem]
    return page
