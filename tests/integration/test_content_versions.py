"""A version is a change of content, not of schema (real PostgreSQL, real loads): a field
added to the record gives no release a new version unless the page says something new."""

import hashlib
import json

import pytest

from newswire import record as record_module
from newswire.record import FIRST_CONTENT_FIELDS, content_sha256
from tests.support.records import load, make_record

RELEASES = 6


def versions(query, dsn):
    return query(
        dsn,
        "SELECT release_id, version, content_sha256 FROM newswire.release_versions ORDER BY 1, 2",
    )


def test_hashes_stored_before_the_rule_stay_valid():
    """The rule hashes the first declaration's fields as the old rule hashed every field of a
    record that had exactly those, so no release stored before it gets a new version."""
    before = {key: make_record(3)[key] for key in FIRST_CONTENT_FIELDS}  # a record of then
    old_rule = hashlib.sha256(
        json.dumps(before, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()
    assert content_sha256(before) == old_rule
    assert content_sha256({**before, "field_sources": {"title": "rules"}}) == old_rule


def test_a_field_added_to_the_record_makes_no_new_version(warehouse, query):
    load(warehouse, "before", [make_record(i) for i in range(RELEASES)])
    before = versions(query, warehouse)
    # The parser now adds keys to every record: provenance, and a field it newly reads.
    grown = [
        {**make_record(i), "field_sources": {"title": "headings"}, "summary": f"Summary {i}"}
        for i in range(RELEASES)
    ]
    summary = load(warehouse, "after", grown)
    assert (summary.loaded_new, summary.loaded_updated, summary.unchanged) == (0, 0, RELEASES)
    assert versions(query, warehouse) == before


def test_a_content_field_declared_later_versions_only_releases_that_say_something_in_it(
    warehouse, query, monkeypatch
):
    load(warehouse, "before", [make_record(i) for i in range(RELEASES)])
    before = versions(query, warehouse)
    monkeypatch.setattr(record_module, "ADDED_CONTENT_FIELDS", ("summary",))
    empty_values = (None, "", [])
    grown = [
        {**make_record(i), "summary": empty_values[i % len(empty_values)]}
        for i in range(RELEASES - 1)
    ]
    grown.append({**make_record(RELEASES - 1), "summary": "The page now has a summary."})
    summary = load(warehouse, "after", grown)
    assert (summary.loaded_new, summary.loaded_updated, summary.unchanged) == (0, 1, RELEASES - 1)
    after = versions(query, warehouse)
    assert set(before) <= set(after)
    assert [row for row in after if row not in before] == [
        (str(302_000_000 + RELEASES - 1), 2, content_sha256(grown[-1]))
    ]


@pytest.mark.parametrize("changed", [{"title": "CORRECTION -- a new title"}, {"subtitle": "New"}])
def test_a_change_of_what_the_page_says_still_makes_a_version(warehouse, query, changed):
    load(warehouse, "before", [make_record(0)])
    summary = load(warehouse, "after", [{**make_record(0, **changed), "field_sources": {}}])
    assert summary.loaded_updated == 1
    assert [v for _, v, _ in versions(query, warehouse)] == [1, 2]
