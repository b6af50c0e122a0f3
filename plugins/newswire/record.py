"""The shape of one parsed release, shared by the parser, the sample site and the loader.

A release is a plain ``dict`` with exactly the keys of :data:`RELEASE_FIELDS` (JSON-ready
values: strings, lists, ``None``). Keeping it a dict keeps ``newswire parse --json``, the
warehouse loader and the tests on one format.

**A version is a change of content, not of schema.** The warehouse keeps a new version of a
release exactly when its ``content_sha256`` changes, so the hash covers what the page says
and nothing else: the declared :data:`CONTENT_FIELDS`, not every key of the record. A key
outside them (provenance such as ``field_sources``, anything a later parser adds) never
makes a version. The first declaration's fields are hashed as they always were, empty or
not, so every hash already stored stays valid; a field declared later is hashed only when
it holds something (not ``None``, ``""`` or ``[]``), so declaring one gives a new version
only to releases whose page says something in it. Why not hash the page's normalized text
instead: a parser fix that reads a field better must still reach the current row, and the
merge leaves a release alone exactly when its hash is unchanged.
"""

import hashlib
import json

RELEASE_FIELDS = (
    "release_id",  # str: the wire's own id (PR Newswire: the 9-digit number in the URL)
    "url",  # str: canonical https URL, no tracking query
    "wire",  # str: the name of its wire, a declaration of newswire.wires
    "title",  # str
    "subtitle",  # str | None: several subtitles joined with "\n"
    "issuer",  # str | None: the "News provided by" organization
    "published_at",  # str | None: ISO 8601 in UTC, e.g. "2025-02-19T13:00:00+00:00"
    "dateline_location",  # str | None: e.g. "BEIJING", "PARIS and TEANECK, N.J."
    "source_org",  # str | None: from the closing "SOURCE <org>" line
    "tickers",  # list[{"exchange": "NASDAQ", "symbol": "WDAY"}]
    "industries",  # list[str]
    "language",  # str | None: e.g. "en"
    "body_text",  # str: paragraphs separated by one blank line
    "contacts",  # str | None: the contacts block, its lines joined with "\n"
    "images",  # list[str]: absolute URLs of the release's own images
    "subjects",  # list[str]: the wire's subject tags ("Trade Show News", ...)
    "dateline_date",  # str | None: the dateline's date, ISO ("2025-02-19")
    "word_count",  # int: words in body_text
    "content_sha256",  # str: hash of the content fields (see content_sha256())
    "field_sources",  # {field: layer}: which extraction layer gave each non-empty field
)

# The layers a field can come from (``field_sources``' values): the wire's own rules first,
# then the fallbacks that read what every release page says whatever its classes.
FALLBACK_LAYERS = ("jsonld", "meta", "headings", "text")
LAYERS = ("rules", *FALLBACK_LAYERS)
# Fields the parser derives rather than extracts: they have no layer.
DERIVED_FIELDS = ("release_id", "url", "wire", "word_count", "content_sha256", "field_sources")

# What the page says: the fields content_sha256() covers. The first declaration's fields
# are hashed empty or not (so hashes stored before this rule stay valid); a field added
# here later goes in ADDED_CONTENT_FIELDS and is hashed only when it is not empty.
FIRST_CONTENT_FIELDS = (
    "release_id",
    "url",
    "wire",
    "title",
    "subtitle",
    "issuer",
    "published_at",
    "dateline_location",
    "source_org",
    "tickers",
    "industries",
    "language",
    "body_text",
    "contacts",
    "images",
    "subjects",
    "dateline_date",
    "word_count",
)
ADDED_CONTENT_FIELDS: tuple[str, ...] = ()
CONTENT_FIELDS = FIRST_CONTENT_FIELDS + ADDED_CONTENT_FIELDS


# The fields that hold lists (validated item by item before a record is stored).
LIST_FIELDS = ("tickers", "industries", "images", "subjects")


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
