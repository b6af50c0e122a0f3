"""Evaluate newswire's parser, and trafilatura on the same pages, against labelled truth.

Run it as ``python eval/evaluate.py`` (``make eval`` installs the ``eval`` extra first). It
prints a markdown report and writes it to ``eval/results.md``.

The labelled pages:

- **dev** and **test**: ``../shared/fixtures/real/*.html``, each with a hand-written
  ``tests/fixtures/labels/*.expected.json`` (conventions in ``labels/LABELS.md``), split by
  the ``set`` column of ``labels/pages.tsv``: the parser is tuned on the dev pages only; the
  test pages were labelled before the parser was run on them. Both tools get the page's
  bytes and the URL it was saved from (``labels/pages.tsv``), as the pipeline would after a
  fetch. A label ``{"reject": reason}`` says the parser must refuse the page with that
  reason (a portal's copy of a release is ``not_a_wire_page``, a wire's home page
  ``not_a_release_page``); it counts as one field, and the page has no body to score.
- **sample**: the first N releases of the bundled sample site (``generate_releases``), whose
  truth (``rel.expected``) is computed from the generator's inputs, never by parsing.

Metrics:

- newswire: exact-match accuracy of every field present in the label (``got == expected``),
  per field, over all fields of a set, and per page template (``pages.tsv``'s ``template``).
- newswire on renamed classes (real pages only): the same, on the page with every ``class``
  value replaced by a hash (``tests/support/template_changes.py``), as the next template
  change would serve it.
- trafilatura: exact match on the fields it has an equivalent for: ``title``, the published
  date (trafilatura's ``date`` is a calendar date only, so it is compared with the date part
  of the label's ``published_at``, both as the UTC day and as the New York day), and the
  issuer against trafilatura's ``author`` (exactly, and ignoring case and punctuation,
  since trafilatura rewrites author names). Its ``sitename`` is the wire's site name ("PR
  Newswire"), not the issuer, so that comparison is reported as n/a.
- body, every tool: token-level precision/recall/F1 of the extracted text against the
  label's ``body_text``: tokens are the whitespace-separated words, lowercased, with
  punctuation stripped from both ends; overlap is the multiset (bag-of-tokens with counts)
  intersection. Reported micro-averaged (token counts pooled over pages) and
  macro-averaged (mean of the per-page scores).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
# Real pages are third-party bytes: never committed, they live beside the checkout in
# ../shared/fixtures/real/; the project's labels of them stay in tests/fixtures/labels/.
REAL_DIR = ROOT.parent / "shared" / "fixtures" / "real"
LABELS_DIR = ROOT / "tests" / "fixtures" / "labels"
RESULTS = Path(__file__).resolve().parent / "results.md"
DEFAULT_SAMPLES = 200
ET = ZoneInfo("America/New_York")
# "renamed": newswire on the same real page with every class renamed to a meaningless hash
# (tests/support/template_changes.py), as the next template change would serve it.
TOOLS = ("newswire", "renamed", "trafilatura")
TOOL_TITLES = {
    "newswire": "newswire (known template)",
    "renamed": "newswire (renamed classes)",
    "trafilatura": "trafilatura",
}

# The trafilatura call, the same for every page (the defaults of a plain article extraction).
TRAFILATURA_OPTIONS = dict(
    output_format="json",
    with_metadata=True,
    include_comments=False,
    include_tables=True,
    favor_precision=False,
)


# -- the body metric -----------------------------------------------------------------------


def tokens(text: str | None) -> list[str]:
    """Words of ``text`` for the body metric: split on whitespace, lowercased (after NFC),
    with punctuation (Unicode category P*) stripped from both ends of each word; words that
    were only punctuation are dropped. Symbols such as ``©`` or ``$`` are kept."""
    words = []
    for word in unicodedata.normalize("NFC", text or "").lower().split():
        start, end = 0, len(word)
        while start < end and unicodedata.category(word[start]).startswith("P"):
            start += 1
        while end > start and unicodedata.category(word[end - 1]).startswith("P"):
            end -= 1
        if start < end:
            words.append(word[start:end])
    return words


class Overlap(NamedTuple):
    """Token counts of one comparison: the multiset intersection and the two sizes."""

    common: int
    predicted: int
    reference: int


class PRF(NamedTuple):
    precision: float
    recall: float
    f1: float


def token_overlap(predicted: str | None, reference: str | None) -> Overlap:
    """Bag-of-tokens overlap: ``sum(min(count_pred[t], count_ref[t]))`` over tokens ``t``."""
    pred, ref = Counter(tokens(predicted)), Counter(tokens(reference))
    return Overlap(sum((pred & ref).values()), sum(pred.values()), sum(ref.values()))


def prf(overlap: Overlap) -> PRF:
    """Precision, recall and F1 from token counts. Two empty texts agree fully (1, 1, 1);
    an empty side against a non-empty one scores 0 (precision of nothing counts as 0)."""
    common, n_pred, n_ref = overlap
    if n_pred == 0 and n_ref == 0:
        return PRF(1.0, 1.0, 1.0)
    precision = common / n_pred if n_pred else 0.0
    recall = common / n_ref if n_ref else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1)


def body_prf(predicted: str | None, reference: str | None) -> PRF:
    """Token-level precision/recall/F1 of ``predicted`` against ``reference`` (see module)."""
    return prf(token_overlap(predicted, reference))


# -- the labelled pages --------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One labelled page: the bytes both tools get, the URL they are told, and the truth."""

    name: str
    group: str  # "dev", "test" or "sample"
    content: bytes
    url: str | None
    label: dict
    template: str = "sample site"


def real_pages(directory: Path = REAL_DIR, labels: Path = LABELS_DIR) -> list[Page]:
    """The hand-labelled real pages, by file name, with their set, template and URL (the
    ``release_url`` they were saved from) from ``labels/pages.tsv``. When the pages are absent
    (a clone without ``../shared/`` beside it) this says so in one line and gives none."""
    if not directory.is_dir():
        print(
            f"skipped: {directory} is absent (third-party fixtures live in ../shared/)",
            file=sys.stderr,
        )
        return []
    with (labels / "pages.tsv").open(encoding="utf-8", newline="") as f:
        index = {row["file"]: row for row in csv.DictReader(f, delimiter="\t")}
    pages = []
    for name, row in index.items():
        stem = name.removesuffix(".html")
        pages.append(
            Page(
                stem,
                row["set"],
                (directory / name).read_bytes(),
                row.get("release_url") or None,
                json.loads((labels / f"{stem}.expected.json").read_text(encoding="utf-8")),
                row.get("template") or "unknown",
            )
        )
    return sorted(pages, key=lambda page: page.name)


def sample_pages(count: int = DEFAULT_SAMPLES, seed: int = 7) -> list[Page]:
    """The first ``count`` sample-site releases, rendered as the site serves them (UTF-8)."""
    from newswire_sample_site.releases import generate_releases
    from newswire_sample_site.render import render_release_page

    return [
        Page(
            f"sample-{rel.index:04d}",
            "sample",
            render_release_page(rel).encode("utf-8"),
            rel.url,
            rel.expected,
        )
        for rel in generate_releases(count, seed=seed)
    ]


# -- running the tools ---------------------------------------------------------------------


def run_newswire(page: Page) -> tuple[dict | None, str | None]:
    """newswire's record for the page, or ``(None, "reason: message")`` on a ParseError."""
    from newswire.parsing import ParseError, parse_release

    try:
        return parse_release(page.content, page.url), None
    except ParseError as exc:
        return None, str(exc)


def run_newswire_renamed(page: Page) -> tuple[dict | None, str | None]:
    """newswire on the page with every ``class`` renamed, as :func:`run_newswire`."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # tests.support, when run as a script
    from tests.support.template_changes import rename_classes

    return run_newswire(Page(page.name, page.group, rename_classes(page.content), page.url, {}))


def run_trafilatura(page: Page) -> dict | None:
    """trafilatura's JSON output for the page as a dict, ``None`` when it extracts nothing."""
    import trafilatura

    out = trafilatura.extract(page.content, url=page.url, **TRAFILATURA_OPTIONS)
    return json.loads(out) if out else None


def trafilatura_version() -> str | None:
    try:
        from importlib.metadata import version

        return version("trafilatura")
    except Exception:
        return None


# -- comparing -----------------------------------------------------------------------------


def clean(text: str | None) -> str | None:
    """The labels' text rule (NFC, whitespace runs to one space, strip), applied to
    trafilatura's title and author so that layout whitespace does not count as an error."""
    if text is None:
        return None
    return " ".join(unicodedata.normalize("NFC", text).split()) or None


def utc_day(iso: str | None) -> str | None:
    """The UTC calendar day of an ISO instant ("2023-06-13T13:05:00+00:00" -> "2023-06-13")."""
    moment = _instant(iso)
    return moment.astimezone(UTC).date().isoformat() if moment else None


def et_day(iso: str | None) -> str | None:
    """The America/New_York calendar day of an ISO instant (the wires' own day)."""
    moment = _instant(iso)
    return moment.astimezone(ET).date().isoformat() if moment else None


def _instant(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _day(value: str | None) -> str | None:
    """trafilatura's ``date`` ("YYYY-MM-DD") as an ISO day, None if it is not one."""
    try:
        return date.fromisoformat(value).isoformat() if value else None
    except ValueError:
        return None


# Rows of the accuracy table beyond the record fields: (key, label field, description).
DATE_ROWS = (
    ("published_at:utc_day", "published_at", "published date (UTC day of published_at)"),
    ("published_at:et_day", "published_at", "published date (New York day of published_at)"),
)
NA = "n/a"
# trafilatura's column for record fields that are not scored by exact match.
TRAFILATURA_NOTES = {
    "published_at": "n/a (date only: see the rows below)",
    "body_text": "see token F1 below",
}


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += bool(ok)
        self.total += 1

    def cell(self) -> str:
        if not self.total:
            return NA
        return f"{self.right}/{self.total} ({100 * self.right / self.total:.1f}%)"


@dataclass
class PageResult:
    """What the evaluation found on one page."""

    name: str
    newswire_error: str | None
    mismatches: list[tuple[str, object, object]]  # newswire: (field, expected, got)
    body: dict[str, Overlap]  # tool -> token counts; empty for a page that must be refused
    trafilatura_found: bool
    template: str = "sample site"
    fields: Tally = field(default_factory=Tally)  # newswire, over all its labelled fields
    renamed_mismatches: list[tuple[str, object, object]] = field(default_factory=list)
    renamed_fields: Tally = field(default_factory=Tally)  # the same, classes renamed

    def body_prf(self, tool: str) -> PRF:
        return prf(self.body[tool])


@dataclass
class GroupResult:
    """Results over one group of pages ("dev", "test" or "sample")."""

    group: str
    pages: list[PageResult] = field(default_factory=list)
    # (row key) -> tool -> Tally; row keys are record fields and the DATE_ROWS keys
    accuracy: dict[str, dict[str, Tally]] = field(default_factory=dict)

    def tally(self, key: str, tool: str) -> Tally:
        return self.accuracy.setdefault(key, {}).setdefault(tool, Tally())

    def micro(self, tool: str) -> PRF:
        """Body P/R/F1 with the token counts of all pages pooled."""
        scored = [p.body[tool] for p in self.pages if tool in p.body]
        return prf(Overlap(*(sum(o[i] for o in scored) for i in range(3))))

    def fields(self, tool: str = "newswire") -> Tally:
        """newswire (or, ``tool="renamed"``, newswire on renamed classes) over every labelled
        field of every page of the group."""
        tallies = [p.renamed_fields if tool == "renamed" else p.fields for p in self.pages]
        return Tally(sum(t.right for t in tallies), sum(t.total for t in tallies))

    def templates(self) -> dict[str, list[PageResult]]:
        by_template: dict[str, list[PageResult]] = {}
        for page in self.pages:
            by_template.setdefault(page.template, []).append(page)
        return dict(sorted(by_template.items()))

    def macro(self, tool: str) -> PRF:
        """Body P/R/F1 averaged over pages (each page weighs the same)."""
        scores = [p.body_prf(tool) for p in self.pages if tool in p.body]
        if not scores:
            return PRF(0.0, 0.0, 0.0)
        return PRF(*(sum(s[i] for s in scores) / len(scores) for i in range(3)))


def evaluate_page(page: Page, result: GroupResult, with_trafilatura: bool = True) -> PageResult:
    """Run the tools on one page and add its counts to ``result``."""
    label = page.label
    got, error = run_newswire(page)
    mismatches, fields = _score_fields(label, got, error, result, "newswire")
    renamed_mismatches, renamed_fields, renamed = [], Tally(), None
    if page.group != "sample":  # the sample site's template is its own: nothing to rename
        renamed, renamed_error = run_newswire_renamed(page)
        renamed_mismatches, renamed_fields = _score_fields(
            label, renamed, renamed_error, result, "renamed"
        )
    if "reject" in label:  # the page must be refused: its refusal is its one field
        page_result = PageResult(
            page.name,
            error,
            mismatches,
            {},
            False,
            page.template,
            fields,
            renamed_mismatches,
            renamed_fields,
        )
        result.pages.append(page_result)
        return page_result
    body = {"newswire": token_overlap(got["body_text"] if got else None, label.get("body_text"))}
    if page.group != "sample":
        body["renamed"] = token_overlap(
            renamed["body_text"] if renamed else None, label.get("body_text")
        )
    published = got.get("published_at") if got else None
    if "published_at" in label:
        result.tally("published_at:utc_day", "newswire").add(
            got is not None and utc_day(published) == utc_day(label["published_at"])
        )
        result.tally("published_at:et_day", "newswire").add(
            got is not None and et_day(published) == et_day(label["published_at"])
        )

    found = False
    if with_trafilatura:
        traf = run_trafilatura(page)
        found = traf is not None
        traf = traf or {}
        if "title" in label:
            result.tally("title", "trafilatura").add(clean(traf.get("title")) == label["title"])
        if "issuer" in label:
            author, issuer = traf.get("author"), label["issuer"]
            result.tally("issuer", "trafilatura").add(clean(author) == issuer)
            result.tally("issuer:author_loose", "trafilatura").add(
                bool(author) and tokens(author) == tokens(issuer)
            )
            result.tally("issuer:sitename", "trafilatura").add(
                clean(traf.get("source-hostname")) == issuer
            )
        if "published_at" in label:
            day = _day(traf.get("date"))
            result.tally("published_at:utc_day", "trafilatura").add(
                day is not None and day == utc_day(label["published_at"])
            )
            result.tally("published_at:et_day", "trafilatura").add(
                day is not None and day == et_day(label["published_at"])
            )
        body["trafilatura"] = token_overlap(traf.get("text"), label.get("body_text"))
    page_result = PageResult(
        page.name,
        error,
        mismatches,
        body,
        found,
        page.template,
        fields,
        renamed_mismatches,
        renamed_fields,
    )
    result.pages.append(page_result)
    return page_result


def _score_fields(
    label: dict, got: dict | None, error: str | None, result: GroupResult, tool: str
) -> tuple[list, Tally]:
    """Exact-match scores of one newswire record (``tool`` "newswire" or "renamed") against
    the label: the mismatches and the page's tally, added to ``result`` too."""
    from newswire.record import RELEASE_FIELDS

    mismatches, fields = [], Tally()
    for key in RELEASE_FIELDS:
        if key not in label:
            continue
        value = got.get(key) if got else None
        ok = got is not None and value == label[key]
        result.tally(key, tool).add(ok)
        fields.add(ok)
        if not ok:
            mismatches.append((key, label[key], value if got else error))
    if "reject" in label:
        ok = error is not None and error.split(":", 1)[0] == label["reject"]
        result.tally("reject", tool).add(ok)
        fields.add(ok)
        if not ok:
            mismatches.append(("reject", label["reject"], error or "a record"))
    return mismatches, fields


def evaluate(pages: Iterable[Page], with_trafilatura: bool = True) -> dict[str, GroupResult]:
    """Evaluate every page; results by group, in the order the groups first appear."""
    results: dict[str, GroupResult] = {}
    for page in pages:
        group = results.setdefault(page.group, GroupResult(page.group))
        evaluate_page(page, group, with_trafilatura)
    return results


# -- the report ----------------------------------------------------------------------------

GROUP_TITLES = {
    "dev": "Development set: real pages the parser is tuned on (hand-labelled)",
    "test": "Test set: real pages labelled blind, since seen",
    "sample": "Sample-site pages (truth from the generator's inputs)",
}
GROUP_ORDER = ("test", "dev", "sample")
TEST_SET_SEEN = (
    "**This test set has been seen.** Its pages were labelled blind and first measured "
    "untuned; the three kinds of miss they showed then (a dateline after the highlights, "
    "empty table cells kept as ` | `, a contacts table read as body) were then fixed by "
    "general rules, tested on made-up pages (`tests/unit/test_fallbacks.py`), never on these "
    "pages. Its figures are no longer a blind measure: that needs new pages labelled blind."
)


def _pct(x: float) -> str:
    return f"{100 * x:.2f}"


def render(
    results: dict[str, GroupResult],
    *,
    command: str,
    when: str,
    parser_version: str,
    traf_version: str | None,
) -> str:
    """The markdown report (deterministic apart from ``when``)."""
    from newswire.record import RELEASE_FIELDS

    counts = ", ".join(f"{len(g.pages)} {g.group}" for g in results.values())
    all_tools = [t for t in TOOLS if t != "trafilatura" or traf_version]
    lines = [
        "# Extraction evaluation: newswire (known template, renamed classes) vs trafilatura",
        "",
        f"- Produced by: `{command}` (run by `make eval`)",
        f"- Date: {when}",
        f"- newswire parser: `PARSER_VERSION = {parser_version}`",
        f"- trafilatura: {traf_version or 'not installed (its columns are left out)'}"
        + (
            ", called as `trafilatura.extract(html_bytes, url=..., "
            + ", ".join(f"{k}={v!r}" for k, v in TRAFILATURA_OPTIONS.items())
            + ")`"
            if traf_version
            else ""
        ),
        f"- Pages: {counts}",
        "",
        "## How to read",
        "",
        "- **Field accuracy**: a page counts as right for a field when the value is exactly the "
        "label's (lists in order, `null` included). Only fields present in a page's label are "
        "counted: the real pages' labels have no `word_count` or `content_sha256`. "
        "`reject` is the refusal a page's label asks for (`not_a_wire_page`, "
        "`not_a_release_page`). **All fields** pools every labelled field of every page of a "
        "set.",
        "- trafilatura is scored only where it has an equivalent: `title` (whitespace-normalized "
        "like the labels), `issuer` against its `author`, and the published **date**: "
        'trafilatura normalizes author names ("Northwind Traders, Inc." becomes '
        '"Northwind Traders; Inc"), so a second issuer row compares the words only. '
        "trafilatura's `date` is a calendar day without a time, so it is compared with the day "
        "of the label's `published_at`, both as the UTC day (the brief's rule) and as the New "
        "York day (the wires' own day; the two differ for releases sent after 19:00/20:00 ET). "
        "Its `sitename` (JSON key `source-hostname`) is the wire's name (\"Cision PR "
        'Newswire", "GlobeNewswire News Room"), not the issuer: n/a, with the count of '
        "pages where it happens to equal the issuer. `n/a` = no equivalent field in "
        "trafilatura's output.",
        "- **newswire (renamed classes)**: newswire on the same real page with every `class` "
        "value replaced by a meaningless hash (text, tags, ids, meta tags and JSON-LD as they "
        "were), as the next template change would serve it "
        "(`tests/support/template_changes.py`). It should lose nothing: the wire's rules fall "
        "back on JSON-LD, meta tags, headings and the text. **Per page and field** shows "
        "✓/✗ for the known template / renamed classes.",
        "- **Body**: token-level precision / recall / F1 of the extracted text against the "
        "label's `body_text`. Tokens: whitespace-separated words, lowercased, punctuation "
        "stripped from both ends; overlap is the bag-of-tokens (multiset) intersection. "
        "Precision = overlap / extracted tokens (penalizes boilerplate such as the dateline, "
        "SOURCE line, contacts); recall = overlap / label tokens (penalizes lost text). "
        "**micro** pools the token counts of all pages, **macro** is the mean of per-page "
        "scores. Values are percentages.",
        "",
    ]
    groups = sorted(
        results.values(),
        key=lambda g: (
            GROUP_ORDER.index(g.group) if g.group in GROUP_ORDER else len(GROUP_ORDER),
            g.group,
        ),
    )
    for group in groups:
        lines += [f"## {GROUP_TITLES.get(group.group, group.group)}: {len(group.pages)} pages", ""]
        tools = [t for t in all_tools if t != "renamed" or group.group != "sample"]
        if group.group == "test":
            lines += [TEST_SET_SEEN, ""]
        lines += [f"**All fields, newswire: {group.fields().cell()}**", ""]
        if "renamed" in tools:
            lines += [
                f"**All fields, newswire on renamed classes: {group.fields('renamed').cell()}**",
                "",
            ]
        if group.group != "sample":
            lines += _template_rows(group, tools)
        lines += [
            "### Field accuracy (exact match)",
            "",
            "| field | " + " | ".join(TOOL_TITLES[t] for t in tools) + " |",
            "|---|" + "---|" * len(tools),
        ]
        for key in (*RELEASE_FIELDS, "reject"):
            if key not in group.accuracy:
                continue
            row = [group.tally(key, t).cell() for t in tools if t != "trafilatura"]
            if "trafilatura" in tools:
                if key == "title":
                    row.append(group.tally(key, "trafilatura").cell())
                elif key == "issuer":
                    row.append(group.tally(key, "trafilatura").cell() + " (vs `author`)")
                else:
                    row.append(TRAFILATURA_NOTES.get(key, NA))
            lines.append(f"| `{key}` | " + " | ".join(row) + " |")
            if key == "published_at":
                for date_key, _, description in DATE_ROWS:
                    cells = [group.tally(date_key, t).cell() for t in tools]
                    lines.append(f"| {description} | " + " | ".join(cells) + " |")
            if key == "issuer" and "trafilatura" in tools:
                lines.append(
                    "| issuer vs `author`, ignoring case and punctuation | "
                    + "— | " * (len(tools) - 1)
                    + group.tally("issuer:author_loose", "trafilatura").cell()
                    + " |"
                )
                sitename = group.tally("issuer:sitename", "trafilatura")
                lines.append(
                    "| issuer vs `sitename` | "
                    + "— | " * (len(tools) - 1)
                    + "n/a: the wire's site name, not the "
                    f"issuer (equal on {sitename.right}/{sitename.total}) |"
                )
        has_body = any(p.body for p in group.pages)
        lines += ["", "### Body text, token level (%)", ""]
        if has_body:
            lines += [
                "| tool | micro P | micro R | micro F1 | macro P | macro R | macro F1 |",
                "|---|---|---|---|---|---|---|",
            ]
            for tool in tools:
                micro, macro = group.micro(tool), group.macro(tool)
                lines.append(
                    f"| {TOOL_TITLES[tool]} | "
                    + " | ".join(_pct(x) for x in (*micro, *macro))
                    + " |"
                )
        else:
            lines.append("No page of this set has a body to score: each must be refused.")
        if group.group != "sample" and has_body:
            lines += [
                "",
                "### Body F1 per page (%)",
                "",
                "| page | " + " | ".join(f"{TOOL_TITLES[t]} P / R / F1" for t in tools) + " |",
                "|---|" + "---|" * len(tools),
            ]
            for page in sorted((p for p in group.pages if p.body), key=lambda p: p.name):
                cells = [" / ".join(_pct(x) for x in page.body_prf(t)) for t in tools]
                lines.append(f"| {page.name} | " + " | ".join(cells) + " |")
        missed = [
            p for p in group.pages if "trafilatura" in tools and p.body and not p.trafilatura_found
        ]
        if missed:
            lines += [
                "",
                f"trafilatura extracted nothing on {len(missed)} page(s): "
                + ", ".join(p.name for p in missed)
                + ".",
            ]
        if "renamed" in tools:
            lines += ["", *_page_field_rows(group)]
        lines += _mismatch_rows("### newswire mismatches", group, "mismatches")
        if "renamed" in tools:
            lines += _mismatch_rows(
                "### newswire mismatches with the classes renamed", group, "renamed_mismatches"
            )
        lines.append("")
    return "\n".join(lines)


def _mismatch_rows(title: str, group: GroupResult, kind: str) -> list[str]:
    """One line per wrong field of each page (``kind``: the PageResult list to read)."""
    lines = ["", title, ""]
    wrong = [p for p in group.pages if getattr(p, kind)]
    if not wrong:
        lines.append("None: every labelled field is right on every page.")
    for page in sorted(wrong, key=lambda p: p.name):
        for key, expected, got in getattr(page, kind):
            lines.append(f"- {page.name}, `{key}`: expected {_short(expected)}, got {_short(got)}")
    return lines


def _page_field_rows(group: GroupResult) -> list[str]:
    """Per page and field: ✓ when newswire is right, on the known template / with the
    classes renamed (✓/✗ means the renamed page lost what the known template gives)."""
    from newswire.record import RELEASE_FIELDS

    fields = [f for f in (*RELEASE_FIELDS, "reject") if f in group.accuracy]
    lines = [
        "### Per page and field: known template / renamed classes",
        "",
        "| page | " + " | ".join(f"`{f}`" for f in fields) + " |",
        "|---|" + "---|" * len(fields),
    ]
    for page in sorted(group.pages, key=lambda p: p.name):
        wrong = {key for key, _, _ in page.mismatches}
        wrong_renamed = {key for key, _, _ in page.renamed_mismatches}
        cells = [
            ("✗" if f in wrong else "✓") + "/" + ("✗" if f in wrong_renamed else "✓")
            if _scored(page, f)
            else ""
            for f in fields
        ]
        lines.append(f"| {page.name} | " + " | ".join(cells) + " |")
    return lines


def _scored(page: PageResult, field: str) -> bool:
    """Whether ``field`` is scored on ``page``: a page to be refused scores only ``reject``,
    a release every field of its label but that one."""
    return (field == "reject") == (not page.body)


def _template_rows(group: GroupResult, tools: list[str]) -> list[str]:
    """One row per page template: pages, newswire's fields right, body F1 of each tool."""
    lines = [
        "### Per template",
        "",
        "| template | pages | fields right (newswire) | "
        + ("fields right (renamed classes) | " if "renamed" in tools else "")
        + " | ".join(f"body F1 {TOOL_TITLES[t]} (micro)" for t in tools)
        + " |",
        "|---|---|---|" + "---|" * (len(tools) + ("renamed" in tools)),
    ]
    for template, pages in group.templates().items():
        sub = GroupResult(group.group, pages)
        cells = [sub.fields("renamed").cell()] if "renamed" in tools else []
        cells += [
            _pct(sub.micro(t).f1) if any(p.body for p in pages) else "n/a (no body)" for t in tools
        ]
        lines.append(
            f"| {template} | {len(pages)} | {sub.fields().cell()} | " + " | ".join(cells) + " |"
        )
    return lines + [""]


def _short(value: object, limit: int = 120) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return f"`{text if len(text) <= limit else text[:limit] + '…'}`"


def main(argv: list[str] | None = None) -> int:
    """Evaluate the real pages and ``--samples`` sample pages; print and write the report."""
    from newswire.parsing import PARSER_VERSION

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--samples",
        type=int,
        default=DEFAULT_SAMPLES,
        help=f"number of sample-site pages (default {DEFAULT_SAMPLES})",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS,
        help="where to write the markdown (default eval/results.md)",
    )
    args = parser.parse_args(argv)
    traf_version = trafilatura_version()
    pages = real_pages() + sample_pages(args.samples)
    results = evaluate(pages, with_trafilatura=traf_version is not None)
    command = "python eval/evaluate.py" + (
        f" --samples {args.samples}" if args.samples != DEFAULT_SAMPLES else ""
    )
    report = render(
        results,
        command=command,
        when=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        parser_version=PARSER_VERSION,
        traf_version=traf_version,
    )
    print(report)
    args.output.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
