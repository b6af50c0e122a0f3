"""The record's one declaration (``newswire.record.FIELDS``) and the checks generated from it
(``newswire.warehouse.validation.storable``): every field of each kind refuses a value of
the wrong type, required fields refuse blanks, and the declared bounds are applied."""

from __future__ import annotations

import typing

import pytest

from newswire import record as record_module
from newswire.record import FIELDS, LIST_FIELDS, RELEASE_FIELDS, content_sha256
from newswire.warehouse.validation import MAX_ITEMS, Refused, storable
from tests.support.records import make_record


def test_the_declaration_keeps_the_records_format_and_its_stored_hashes():
    """The record's keys, in ``newswire parse --json``'s order, and the fields every stored
    hash covers empty or not: changing either breaks the format or every stored hash."""
    assert RELEASE_FIELDS == (
        "release_id", "url", "wire", "title", "subtitle", "issuer", "published_at",
        "dateline_location", "source_org", "tickers", "industries", "language", "body_text",
        "contacts", "images", "subjects", "dateline_date", "word_count", "content_sha256",
        "field_sources",
    )  # fmt: skip
    assert record_module.FIRST_CONTENT_FIELDS == RELEASE_FIELDS[:18]
    assert record_module.ADDED_CONTENT_FIELDS == ()
    assert LIST_FIELDS == ("tickers", "industries", "images", "subjects")
    assert record_module.DERIVED_FIELDS == (
        "release_id", "url", "wire", "word_count", "content_sha256", "field_sources",
    )  # fmt: skip


def test_a_hash_stored_before_the_declaration_is_unchanged():
    """A record's hash, computed by hand the way every stored hash was (pinned)."""
    assert content_sha256(make_record(3)) == (
        "1def3d834b0cc1fb5e94fbb4497b648dcfacee2d77492c439d10592e58b6606a"
    )


def _wrong_values(kind) -> list:
    """Values that are not of the declared type ``kind``: the other kinds, and for a list
    or a dict, one holding an item of the wrong type."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    others = [7, "text", ["text"], {"text": "text"}, True, 1.5]
    if origin is list:
        return ["text", {"a": "b"}, [*_wrong_values(args[0])[:1]]]
    if origin is dict:
        return [["a"], "text", {"key": 7}]
    arms = args if origin else (kind,)
    return [
        value
        for value in others
        if not any(type(value) is arm or (arm is str and isinstance(value, str)) for arm in arms)
    ]


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: field.name)
def test_a_value_of_the_wrong_type_refuses_the_record(field):
    for wrong in _wrong_values(field.type):
        with pytest.raises(Refused) as refused:
            storable({**make_record(1), field.name: wrong})
        assert refused.value.reason == "invalid_record", (field.name, wrong)
        assert field.name in str(refused.value), (field.name, wrong)


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: field.name)
def test_a_record_without_a_field_is_refused(field):
    incomplete = make_record(1)
    del incomplete[field.name]
    with pytest.raises(Refused, match=field.name) as refused:
        storable(incomplete)
    assert refused.value.reason == "invalid_record"


@pytest.mark.parametrize("name", ["wire", "release_id", "url", "title"])
@pytest.mark.parametrize("blank", [None, "", " \n"])
def test_a_required_field_that_is_blank_refuses_the_record(name, blank):
    with pytest.raises(Refused) as refused:
        storable({**make_record(1), name: blank})
    assert refused.value.reason == f"missing_{name}"


def test_an_optional_field_may_be_none_and_a_none_elsewhere_is_refused():
    optional = [f.name for f in FIELDS if type(None) in typing.get_args(f.type)]
    assert storable({**make_record(1), **dict.fromkeys(optional)})
    for field in ("body_text", "word_count", "images", "field_sources"):
        with pytest.raises(Refused, match=field):
            storable({**make_record(1), field: None})


@pytest.mark.parametrize(
    ("name", "value", "stored"),
    [
        ("published_at", "2025-02-19T13:00:00.000+00:00", "2025-02-19T13:00:00+00:00"),
        ("dateline_date", "2025-02-19", "2025-02-19"),
    ],
)
def test_a_time_or_date_is_stored_in_its_canonical_spelling_or_refused(name, value, stored):
    assert storable({**make_record(1), name: value})[name] == stored
    with pytest.raises(Refused) as refused:
        storable({**make_record(1), name: "19 Feb 2025"})
    assert refused.value.reason == f"bad_{name}"


@pytest.mark.parametrize("count", [-1, 2**31])
def test_a_count_out_of_an_integer_column_is_refused(count):
    with pytest.raises(Refused) as refused:
        storable({**make_record(1), "word_count": count})
    assert refused.value.reason == "bad_word_count"


def test_each_string_of_a_bounded_field_is_cut_and_lists_keep_their_first_items():
    long = "x" * 50_000
    stored = storable(
        {
            **make_record(1),
            "title": long,
            "tickers": [{"exchange": long, "symbol": None}],
            "industries": [long] * (MAX_ITEMS + 5),
            "images": [long],
            "body_text": long,
        }
    )
    bounded = {f.name: f.max_chars for f in FIELDS}
    assert len(stored["title"]) == bounded["title"] == 2_000
    assert stored["tickers"] == [{"exchange": "x" * bounded["tickers"], "symbol": None}]
    assert len(stored["industries"]) == MAX_ITEMS
    assert {len(item) for item in stored["industries"]} == {bounded["industries"]}
    assert stored["images"] == [long] and stored["body_text"] == long  # unbounded
    assert stored["content_sha256"] == content_sha256(stored)


def test_field_sources_name_fields_of_the_record_and_known_layers():
    assert storable({**make_record(1), "field_sources": {"title": "jsonld"}})
    for sources in ({"summary": "rules"}, {"title": "guess"}):
        with pytest.raises(Refused, match="field_sources"):
            storable({**make_record(1), "field_sources": sources})
