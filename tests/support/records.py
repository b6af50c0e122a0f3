"""Small hand-built release records for warehouse tests (no parser involved)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newswire.pipeline import load_step
from newswire.record import RELEASE_FIELDS, content_sha256, sourced_from, word_count
from newswire.warehouse import archive, runs
from newswire.warehouse.connection import connect
from newswire.warehouse.loading import StagedRecord, stage
from newswire.warehouse.watchlists import Alert

BASE_TIME = datetime(2025, 2, 17, 14, 0, tzinfo=UTC)
ISSUERS = ("Workday Inc.", "Workday, Inc.", "Global Times", "Zoë Industries GmbH")


def make_record(i: int, **changes) -> dict:
    record = {
        "release_id": str(302_000_000 + i),
        "url": f"https://www.prnewswire.com/news-releases/release-{302_000_000 + i}.html",
        "wire": "prnewswire",
        "title": f"Release number {i}",
        "subtitle": None,
        "issuer": ISSUERS[i % len(ISSUERS)],
        "published_at": (BASE_TIME + timedelta(hours=6 * i)).isoformat(),
        "dateline_location": "NEW YORK",
        "source_org": ISSUERS[i % len(ISSUERS)],
        "tickers": [{"exchange": "NASDAQ", "symbol": "WDAY"}] if i % 2 == 0 else [],
        "industries": ["Computer Software"] + (["Banking"] if i % 3 == 0 else []),
        "language": "en",
        "body_text": (
            f"NEW YORK, Feb. 17, 2025 /PRNewswire/ -- Body of release {i}.\n\nSecond paragraph."
        ),
        "contacts": None,
        "images": [],
        "subjects": [],
        "field_sources": {},  # hand-built: no parser layer
        "dateline_date": "2025-02-17",
    }
    record.update(changes)
    record["word_count"] = word_count(record["body_text"])
    record["content_sha256"] = content_sha256(record)
    record["field_sources"] = changes.get("field_sources") or sourced_from(record)
    assert set(record) == set(RELEASE_FIELDS)
    return record


FETCHED_AT = datetime(2026, 1, 1, tzinfo=UTC)


def correction_of(original: dict, i: int, *, title: str | None = None, **changes) -> dict:
    """Release ``i`` correcting ``original`` as PR Newswire words it, a day later, with no
    ticker of its own (a watchlist on the ticker does not match it)."""
    body = (
        f"NEW YORK, Feb. 18, 2025 /PRNewswire/ -- In the news release, {original['title']}, "
        f"issued 17-Feb-2025 by {original['issuer']} over PR Newswire, we are advised by the "
        "company that the second paragraph has changed. The complete, corrected release "
        f"follows:\n\n{original['body_text']}"
    )
    return make_record(
        i,
        title=title or f"CORRECTION -- {original['title']}",
        issuer=original["issuer"],
        published_at=(FETCHED_AT - timedelta(days=300)).isoformat(),
        body_text=body,
        tickers=[],
        **changes,
    )


def staged(records: list[dict], fetched: datetime = FETCHED_AT) -> list[StagedRecord]:
    return [StagedRecord(r, "test", fetched, r["url"]) for r in records]


def load(dsn, run_key, records, fetched: datetime = FETCHED_AT):
    """Open a run, stage ``records`` (fetched at ``fetched``) and load them: what fetch +
    load do, minus HTTP."""
    with connect(dsn) as conn, conn.cursor() as cur:
        runs.open_run(cur, run_key, "test")
        stage(cur, run_key, staged(records, fetched))
    return load_step(dsn, run_key)


def archived(dsn, raw_page_id: int) -> bytes:
    """An archived page's bytes, as fetched (read and checked by the archive itself)."""
    with connect(dsn) as conn, conn.cursor() as cur:
        return archive.read_page(cur, raw_page_id)


def make_alert(**fields) -> Alert:
    """An alert as the warehouse hands it to the notifiers (a ticker match of a watchlist, a
    title written to test escaping); ``fields`` replace the defaults."""
    defaults = dict(
        alert_id=7,
        watchlist="wday",
        webhook_conn_id="hook",
        email_to=None,
        matched="ticker NASDAQ:WDAY",
        attempts=0,
        wire="prnewswire",
        release_id="302000000",
        title="<!channel> Workday & Co <https://evil.example|click>",
        issuer="Workday, Inc.",
        tickers=["NASDAQ:WDAY", "NYSE:X"],
        published_at=datetime(2025, 2, 17, 21, 5, tzinfo=UTC),
        url="https://www.prnewswire.com/news-releases/release-302000000.html",
    )
    return Alert(**{**defaults, **fields})
