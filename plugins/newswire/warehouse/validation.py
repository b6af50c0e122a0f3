"""What the warehouse can hold: a record is checked and made storable before it is staged,
so that no value of one page can fail the ``COPY`` or the merge of a whole batch.

The rules follow the record's declaration (:data:`newswire.record.FIELDS`); a refused record
becomes a ``store`` reject of its page, whose raw bytes stay in the archive:

- Every string, anywhere in the record: NUL characters are removed (PostgreSQL's ``text``
  and ``jsonb`` cannot hold them, and they mean nothing in a release) and lone surrogates,
  which are not Unicode and cannot be written as UTF-8, become U+FFFD.
- A required field (``wire``, ``release_id``, ``url``, ``title``) that is absent, ``None``
  or blank refuses the record (``missing_release_id`` ...). The pipeline first falls back to
  the id and URL of the fetched page (see ``newswire.pipeline.ingestion``). A
  ``release_id`` longer than :data:`MAX_ID_CHARS` is refused (``bad_release_id``): cutting
  an id makes another one.
- A field missing, or whose value is not of its declared type (a number for a title, a
  string for a list, a list item of the wrong type), refuses the record
  (``invalid_record``, naming every such field).
- A field whose column is a ``timestamptz`` or a ``date`` must be ISO 8601 (else
  ``bad_published_at`` / ``bad_dateline_date``); it is stored in Python's canonical
  spelling. An ``integer`` field is a count PostgreSQL's ``integer`` holds (else
  ``bad_word_count``).
- Each string of a field that declares ``max_chars`` is cut to it (a title, each industry,
  each ticker's exchange and symbol): most are indexed, and an index entry holds at most
  2,704 bytes (a character may take four of them). Lists keep their first
  :data:`MAX_ITEMS` items (a ticker's position is a ``smallint``). A longer value is parser
  garbage, not a headline: cutting it keeps the release. ``body_text`` and ``contacts``
  keep any length (search indexes the body's first 100,000 characters, see ``sql/005``).
- ``field_sources`` must map fields of the record to layers of
  :data:`newswire.record.LAYERS` (else ``invalid_record``).

The record's ``content_sha256`` is computed again from what is stored.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable
from datetime import date, datetime

from newswire.record import FIELDS, LAYERS, RELEASE_FIELDS, content_sha256

MAX_ID_CHARS = 100
MAX_ITEMS = 10_000
_INT_MAX = 2**31 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")
# What a value of a timestamp or date column is read as (ISO 8601).
_ISO_KINDS = {"timestamptz": datetime, "date": date}


class Refused(ValueError):
    """The warehouse cannot store the record: ``reason`` is the reject's short code."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


def clean_text(value: str) -> str:
    """``value`` without NUL characters and with lone surrogates replaced: text that
    PostgreSQL can store."""
    return _SURROGATE.sub("\ufffd", value.replace("\x00", ""))


def holds(kind) -> Callable[[object], bool]:
    """A test of whether a value is of the declared type ``kind``: ``str``, ``int`` (not a
    bool), ``X | None``, ``list[X]`` or ``dict[K, V]``, nested."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is types.UnionType:
        arms = [holds(arm) for arm in args]
        return lambda value: any(arm(value) for arm in arms)
    if origin is list:
        item = holds(args[0])
        return lambda value: isinstance(value, list) and all(map(item, value))
    if origin is dict:
        key, item = holds(args[0]), holds(args[1])
        return lambda value: (
            isinstance(value, dict) and all(key(k) and item(v) for k, v in value.items())
        )
    if kind is int:
        return lambda value: isinstance(value, int) and not isinstance(value, bool)
    if kind is types.NoneType:
        return lambda value: value is None
    if isinstance(kind, type):
        return lambda value: isinstance(value, kind)
    raise TypeError(f"no check for the declared type {kind!r}")


_CHECKS = {field.name: holds(field.type) for field in FIELDS}


def storable(record: dict) -> dict:
    """The record as the warehouse stores it (a new dict), or :class:`Refused`."""
    record = _cleaned(record)
    absent = [name for name in RELEASE_FIELDS if name not in record]
    if absent:
        raise Refused("invalid_record", f"missing or mistyped fields: {', '.join(absent)}")
    for field in FIELDS:
        value = record[field.name]
        if field.required and (value is None or isinstance(value, str) and not value.strip()):
            raise Refused(f"missing_{field.name}", f"the record has no {field.name}")
    _check_types(record)
    if len(record["release_id"]) > MAX_ID_CHARS:
        raise Refused("bad_release_id", f"release_id longer than {MAX_ID_CHARS} characters")
    for field in FIELDS:
        record[field.name] = _bounded(field, record[field.name])
    record["content_sha256"] = content_sha256(record)
    return record


def _cleaned(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    if isinstance(value, dict):
        return {_cleaned(key): _cleaned(item) for key, item in value.items()}
    return value


def _check_types(record: dict) -> None:
    wrong = [name for name, check in _CHECKS.items() if not check(record[name])]
    sources = record["field_sources"]
    if "field_sources" not in wrong and not all(
        field in RELEASE_FIELDS and layer in LAYERS for field, layer in sources.items()
    ):
        wrong.append("field_sources")
    if wrong:
        raise Refused("invalid_record", f"missing or mistyped fields: {', '.join(wrong)}")


def _bounded(field, value):
    """``value`` (of its declared type) as its column can hold it, or :class:`Refused`."""
    if value is None:
        return None
    if field.column in _ISO_KINDS:
        try:
            return _ISO_KINDS[field.column].fromisoformat(value).isoformat()
        except ValueError:
            raise Refused(
                f"bad_{field.name}", f"{field.name} is not ISO 8601: {value[:100]!r}"
            ) from None
    if field.column == "integer" and not 0 <= value <= _INT_MAX:
        raise Refused(f"bad_{field.name}", f"{field.name} {value} out of range")
    if field.is_list:
        value = value[:MAX_ITEMS]
    if field.max_chars:
        return _cut(value, field.max_chars)
    return value


def _cut(value, limit: int):
    """``value`` with each of its strings (a list's items, a dict's values) cut to
    ``limit`` characters."""
    if isinstance(value, str):
        return value[:limit]
    if isinstance(value, list):
        return [_cut(item, limit) for item in value]
    if isinstance(value, dict):
        return {key: _cut(item, limit) for key, item in value.items()}
    return value
