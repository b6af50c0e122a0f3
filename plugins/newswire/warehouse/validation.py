"""What the warehouse can hold: a record is checked and made storable before it is staged,
so that no value of one page can fail the ``COPY`` or the merge of a whole batch.

The rules, per field (a refused record becomes a ``store`` reject of its page, whose raw
bytes stay in the archive):

- Every string, anywhere in the record: NUL characters are removed (PostgreSQL's ``text``
  and ``jsonb`` cannot hold them, and they mean nothing in a release) and lone surrogates,
  which are not Unicode and cannot be written as UTF-8, become U+FFFD.
- ``wire``, ``release_id``, ``url`` and ``title`` are required: without one the record is
  refused (``missing_release_id`` ...). The pipeline first falls back to the id and URL of
  the fetched page (see ``newswire.pipeline.ingestion``). A ``release_id`` longer than
  :data:`MAX_ID_CHARS` is refused (``bad_release_id``): cutting an id makes another one.
- ``published_at`` and ``dateline_date`` must be ISO 8601 (else ``bad_published_at`` /
  ``bad_dateline_date``); they are stored in Python's canonical spelling.
- ``word_count`` must be an integer PostgreSQL's ``integer`` holds (else ``bad_word_count``).
- Short fields are cut to :data:`MAX_CHARS`, each industry and subject to
  :data:`MAX_ITEM_CHARS` and each ticker exchange or symbol to :data:`MAX_TICKER_CHARS`:
  most are indexed, and an index entry holds at most 2,704 bytes (a character may take four
  of them). Lists keep their first :data:`MAX_ITEMS` items (a ticker's position is a
  ``smallint``). A longer value is parser garbage, not a headline: cutting it keeps the
  release.
- ``field_sources`` must map fields of the record to layers of
  :data:`newswire.record.LAYERS` (else ``invalid_record``).
- ``body_text`` and ``contacts`` keep any length (search indexes the body's first 100,000
  characters, see ``sql/005``).
- A value of the wrong type (a number for a title, a string for a list) refuses the record
  (``invalid_record``).

The record's ``content_sha256`` is computed again from what is stored.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from newswire.record import LAYERS, LIST_FIELDS, RELEASE_FIELDS, content_sha256

MAX_ID_CHARS = 100
MAX_CHARS = {
    "title": 2_000,
    "subtitle": 10_000,
    "issuer": 300,
    "source_org": 300,
    "dateline_location": 500,
    "language": 35,
}
MAX_ITEM_CHARS = 200
MAX_TICKER_CHARS = 32
MAX_ITEMS = 10_000
_REQUIRED = ("wire", "release_id", "url", "title")
_TEXT_FIELDS = tuple(
    f
    for f in RELEASE_FIELDS
    if f not in LIST_FIELDS and f not in ("word_count", "content_sha256", "field_sources")
)
_INT_MAX = 2**31 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")


class Refused(ValueError):
    """The warehouse cannot store the record: ``reason`` is the reject's short code."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


def clean_text(value: str) -> str:
    """``value`` without NUL characters and with lone surrogates replaced: text that
    PostgreSQL can store."""
    return _SURROGATE.sub("\ufffd", value.replace("\x00", ""))


def storable(record: dict) -> dict:
    """The record as the warehouse stores it (a new dict), or :class:`Refused`."""
    record = _cleaned(record)
    _check_types(record)
    for field in _REQUIRED:
        if not (record[field] or "").strip():
            raise Refused(f"missing_{field}", f"the record has no {field}")
    if len(record["release_id"]) > MAX_ID_CHARS:
        raise Refused("bad_release_id", f"release_id longer than {MAX_ID_CHARS} characters")
    record["published_at"] = _iso(record["published_at"], datetime, "published_at")
    record["dateline_date"] = _iso(record["dateline_date"], date, "dateline_date")
    if not 0 <= record["word_count"] <= _INT_MAX:
        raise Refused("bad_word_count", f"word_count {record['word_count']} out of range")
    for field, limit in MAX_CHARS.items():
        if record[field] is not None:
            record[field] = record[field][:limit]
    for field in LIST_FIELDS:
        record[field] = record[field][:MAX_ITEMS]
    for field in ("industries", "subjects"):
        record[field] = [item[:MAX_ITEM_CHARS] for item in record[field]]
    record["tickers"] = [
        {key: value and value[:MAX_TICKER_CHARS] for key, value in ticker.items()}
        for ticker in record["tickers"]
    ]
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
    wrong = [f for f in RELEASE_FIELDS if f not in record]
    wrong += [f for f in _TEXT_FIELDS if not isinstance(record.get(f, ""), str | None)]
    wrong += [
        f
        for f in ("industries", "images", "subjects")
        if not (isinstance(record.get(f), list) and all(isinstance(i, str) for i in record[f]))
    ]
    tickers = record.get("tickers")
    if not (
        isinstance(tickers, list)
        and all(
            isinstance(t, dict) and all(isinstance(v, str | None) for v in t.values())
            for t in tickers
        )
    ):
        wrong.append("tickers")
    sources = record.get("field_sources")
    if not (
        isinstance(sources, dict)
        and all(field in RELEASE_FIELDS and layer in LAYERS for field, layer in sources.items())
    ):
        wrong.append("field_sources")
    count = record.get("word_count")
    if not isinstance(count, int) or isinstance(count, bool):
        wrong.append("word_count")
    sources = record.get("field_sources")
    if not (
        isinstance(sources, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in sources.items())
    ):
        wrong.append("field_sources")
    if wrong:
        raise Refused("invalid_record", f"missing or mistyped fields: {', '.join(wrong)}")


def _iso(value: str | None, kind: type[date], field: str) -> str | None:
    if value is None:
        return None
    try:
        return kind.fromisoformat(value).isoformat()
    except ValueError:
        raise Refused(f"bad_{field}", f"{field} is not ISO 8601: {value[:100]!r}") from None
