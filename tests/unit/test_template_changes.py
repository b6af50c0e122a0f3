"""The next template change, played on the development pages (never on the test pages):
each change of tests/support/template_changes.py applied to a real page must leave the record
as it is on the known template, field by field. Where a field truly cannot survive a
change, the test names it and says why."""

import pytest

from newswire.parsing import parse_release
from newswire.record import RELEASE_FIELDS
from tests.support.corpus import real_pages
from tests.support.template_changes import CHANGES, drop_canonical, rename_classes

DEV_RELEASES = [page for page in real_pages("dev") if "reject" not in page.label]
CONTENT = [field for field in RELEASE_FIELDS if field != "field_sources"]
# The current template's pages: everything the rules read there is named by classes.
CURRENT_TEMPLATE = ("prnewswire_2016_hackerrank", "prnewswire_2023_workday")


def _mismatches(got: dict, known: dict, fields=CONTENT) -> dict:
    return {f: (known[f], got[f]) for f in fields if got[f] != known[f]}


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("page", DEV_RELEASES, ids=lambda p: p.stem)
def test_a_template_change_leaves_the_record_as_on_the_known_template(page, change):
    """Fetched from its URL, as the pipeline reads it."""
    content = page.read_bytes()
    known = parse_release(content, page.url)
    changed = parse_release(CHANGES[change](content), page.url)
    assert _mismatches(changed, known) == {}


@pytest.mark.parametrize("page", DEV_RELEASES, ids=lambda p: p.stem)
def test_a_saved_file_with_renamed_classes_is_still_its_wires_page(page):
    """No URL to go by: the wire is known by its publisher (or ids), not its classes."""
    content = page.read_bytes()
    known = parse_release(content)
    assert _mismatches(parse_release(rename_classes(content)), known) == {}


@pytest.mark.parametrize("page", DEV_RELEASES, ids=lambda p: p.stem)
def test_a_saved_file_without_its_canonical_url_loses_only_its_address(page):
    """``url`` and ``release_id`` cannot survive: a file without ``link rel=canonical`` and
    ``og:url`` says nowhere else where the release lives (the id is the URL's number); the
    pipeline has the fetched URL for them, a file has none."""
    content = page.read_bytes()
    known = parse_release(content)
    changed = parse_release(drop_canonical(content))
    assert (changed["url"], changed["release_id"]) == (None, None)
    kept = [f for f in CONTENT if f not in ("url", "release_id", "content_sha256")]
    assert _mismatches(changed, known, kept) == {}


@pytest.mark.parametrize("stem", CURRENT_TEMPLATE)
def test_field_sources_tell_rules_from_fallbacks(stem):
    """On the known template the rules give the body and headline and no fallback runs;
    with the classes renamed the same values come from the fallback layers, and the record
    says so (what a drift warning counts)."""
    page = next(p for p in DEV_RELEASES if p.stem == stem)
    content = page.read_bytes()
    known = parse_release(content, page.url)["field_sources"]
    renamed = parse_release(rename_classes(content), page.url)["field_sources"]
    assert {known[f] for f in ("title", "issuer", "body_text", "industries")} == {"rules"}
    assert set(known.values()) <= {"rules", "meta"}
    assert renamed["body_text"] == "text"
    assert renamed.keys() == known.keys()
