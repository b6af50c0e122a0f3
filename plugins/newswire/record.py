"""The shape of one parsed release, shared by the parser, the sample site and the loader.

A release is a plain ``dict`` with exactly the keys of :data:`RELEASE_FIELDS` (JSON-ready
values: strings, lists, ``None``). Keeping it a dict keeps ``newswire parse --json``, the
warehouse loader and the tests on one format.
"""

RELEASE_FIELDS = (
    "release_id",         # str: the wire's own id (PR Newswire: the 9-digit number in the URL)
    "url",                # str: canonical https URL, no tracking query
    "wire",               # str: "prnewswire", "newswireca" or "globenewswire"
    "title",              # str
    "subtitle",           # str | None: several subtitles joined with "\n"
    "issuer",             # str | None: the "News provided by" organization
    "published_at",       # str | None: ISO 8601 in UTC, e.g. "2025-02-19T13:00:00+00:00"
    "dateline_location",  # str | None: e.g. "BEIJING", "PARIS and TEANECK, N.J."
    "source_org",         # str | None: from the closing "SOURCE <org>" line
    "tickers",            # list[{"exchange": "NASDAQ", "symbol": "WDAY"}]
    "industries",         # list[str]
    "language",           # str | None: e.g. "en"
    "body_text",          # str: paragraphs separated by one blank line
    "contacts",           # str | None: the contacts block, its lines joined with "\n"
    "images",             # list[str]: absolute URLs of the release's own images
)

LIST_FIELDS = ("tickers", "industries", "images")
