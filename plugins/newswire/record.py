"""The shape of one parsed release, shared by the parser, the sample site and the loader.

A release is a plain ``dict`` with exactly the keys of :data:`RELEASE_FIELDS`, in that order
(JSON-ready values: strings, lists, ``None``). Keeping it a dict keeps ``newswire parse
--json``, the warehouse loader and the tests on one format.

:data:`FIELDS` declares each field once: its value's type, its column in
``newswire.releases``, whether it is hashed, derived or required, how long its strings may
be, and its row on the release page. What lists fields elsewhere is generated from it: the
merge's column lists (``newswire.warehouse.loading``), the release page's read
(``newswire.warehouse.releases``) and rows, and the checks a record passes before it is
stored (``newswire.warehouse.validation``).

**A version is a change of content, not of schema.** The warehouse keeps a new version of a
release exactly when its ``content_sha256`` changes, so the hash covers what the page says
and nothing else: the fields declared hashed, not every key of the record. A key outside
them (provenance such as ``field_sources``, anything a later parser adds) never makes a
version. The first declaration's fields are hashed as they always were, empty or not
(:data:`ALWAYS`), so every hash already stored stays valid; a field declared later is hashed
only when it holds something (:data:`WHEN_SET`: not ``None``, ``""`` or ``[]``), so
declaring one gives a new version only to releases whose page says something in it. Why not
hash the page's normalized text instead: a parser fix that reads a field better must still
reach the current row, and the merge leaves a release alone exactly when its hash is
unchanged.
"""

from __future__ import annotations

import hashlib
import json
import typing
from dataclasses import dataclass

# How content_sha256() covers a field (Field.hashed).
ALWAYS = "always"  # hashed empty or not: the first declaration's fields (stored hashes)
WHEN_SET = "when_set"  # hashed only when it holds something: content fields declared later

Ticker = dict[str, str | None]  # {"exchange": "NASDAQ", "symbol": "WDAY"}


@dataclass(frozen=True)
class Field:
    """One field of the record, declared once."""

    name: str
    type: object  # its value's type in the record: str, int, X | None, list[X], dict[K, V]
    column: str | None  # its column's type in newswire.releases; None: a table of its own
    # How content_sha256() covers it: ALWAYS is the first declaration's fields only (moving a
    # field in or out of it changes every stored hash); None: not content.
    hashed: str | None = WHEN_SET
    derived: bool = False  # computed by the parser from other fields: no extraction layer
    required: bool = False  # a record where it is absent, None or blank is refused
    max_chars: int | None = None  # each of its strings is cut to this length to be stored
    label: str | None = None  # its row on the release page; None: no row
    link: bool = False  # the release page shows its value (each item of a list) as a link

    @property
    def is_list(self) -> bool:
        """The field holds a list (checked, bounded and shown item by item)."""
        return typing.get_origin(self.type) is list


FIELDS = (
    # the wire's own id (PR Newswire: the 9-digit number in the URL)
    Field("release_id", str, "text", ALWAYS, derived=True, required=True, label="Release id"),
    # canonical https URL, no tracking query
    Field("url", str, "text", ALWAYS, derived=True, required=True, label="Original", link=True),
    # the name of its wire, a declaration of newswire.wires ("prnewswire", ...)
    Field("wire", str, "text", ALWAYS, derived=True, required=True, label="Wire"),
    # the page's heading (the page shows it as its own heading)
    Field("title", str, "text", ALWAYS, required=True, max_chars=2_000),
    # several subtitles joined with "\n" (the page shows them under the title)
    Field("subtitle", str | None, "text", ALWAYS, max_chars=10_000),
    # the "News provided by" organization
    Field("issuer", str | None, "text", ALWAYS, max_chars=300, label="Issuer"),
    # ISO 8601 in UTC, e.g. "2025-02-19T13:00:00+00:00"
    Field("published_at", str | None, "timestamptz", ALWAYS, label="Published"),
    # e.g. "BEIJING", "PARIS and TEANECK, N.J."
    Field("dateline_location", str | None, "text", ALWAYS, max_chars=500, label="Dateline"),
    # from the closing "SOURCE <org>" line
    Field("source_org", str | None, "text", ALWAYS, max_chars=300, label="Source"),
    # stored in newswire.release_tickers, in order of appearance
    Field("tickers", list[Ticker], None, ALWAYS, max_chars=32, label="Tickers"),
    # stored in newswire.industries and newswire.release_industries
    Field("industries", list[str], None, ALWAYS, max_chars=200, label="Industries"),
    # e.g. "en"
    Field("language", str | None, "text", ALWAYS, max_chars=35, label="Language"),
    # paragraphs separated by one blank line (the page shows it below the fields; any length)
    Field("body_text", str, "text", ALWAYS),
    # the contacts block, its lines joined with "\n" (any length)
    Field("contacts", str | None, "text", ALWAYS, label="Contacts"),
    # absolute URLs of the release's own images
    Field("images", list[str], "text[]", ALWAYS, label="Images", link=True),
    # the wire's subject tags ("Trade Show News", ...)
    Field("subjects", list[str], "text[]", ALWAYS, max_chars=200, label="Subjects"),
    # the dateline's date, ISO ("2025-02-19")
    Field("dateline_date", str | None, "date", ALWAYS, label="Dateline date"),
    # words in body_text
    Field("word_count", int, "integer", ALWAYS, derived=True, label="Words"),
    # hash of the content fields (see content_sha256())
    Field("content_sha256", str, "text", hashed=None, derived=True),
    # {field: layer}: which extraction layer gave each non-empty field
    Field("field_sources", dict[str, str], "jsonb", hashed=None, derived=True),
)

RELEASE_FIELDS = tuple(field.name for field in FIELDS)
# Fields the parser derives rather than extracts: they have no layer.
DERIVED_FIELDS = tuple(field.name for field in FIELDS if field.derived)
# What the page says: the fields content_sha256() covers (see the module's docstring).
FIRST_CONTENT_FIELDS = tuple(field.name for field in FIELDS if field.hashed == ALWAYS)
ADDED_CONTENT_FIELDS = tuple(field.name for field in FIELDS if field.hashed == WHEN_SET)
CONTENT_FIELDS = FIRST_CONTENT_FIELDS + ADDED_CONTENT_FIELDS
# The fields that hold lists (validated item by item before a record is stored).
LIST_FIELDS = tuple(field.name for field in FIELDS if field.is_list)
# The fields stored in a column of newswire.releases, and the rows of the release page.
COLUMN_FIELDS = tuple(field for field in FIELDS if field.column)
PAGE_FIELDS = tuple(field for field in FIELDS if field.label)

# The layers a field can come from (``field_sources``' values): the wire's own rules first,
# then the fallbacks that read what every release page says whatever its classes.
FALLBACK_LAYERS = ("jsonld", "meta", "headings", "text")
LAYERS = ("rules", *FALLBACK_LAYERS)


def content_sha256(record: dict) -> str:
    """A stable hash of what the page says (:data:`CONTENT_FIELDS`, see the module's
    docstring): it changes exactly when the release's parsed content does, so the warehouse
    keys its versions on it. Keys of the record outside the content fields are ignored."""
    fields = {key: record[key] for key in FIRST_CONTENT_FIELDS if key in record}
    fields.update(
        {key: record[key] for key in ADDED_CONTENT_FIELDS if record.get(key) not in (None, "", [])}
    )
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def word_count(text: str) -> int:
    return len(text.split())


def sourced_from(record: dict, layer: str = "rules") -> dict:
    """``field_sources`` for a record whose every non-empty extracted field came from
    ``layer``."""
    return {
        field: layer
        for field, value in record.items()
        if field not in DERIVED_FIELDS and value not in (None, "", [])
    }
