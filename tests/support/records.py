"""Small hand-built release records for warehouse tests (no parser involved)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newswire.pipeline import load_step
from newswire.record import RELEASE_FIELDS, content_sha256, word_count
from newswire.warehouse import archive, runs
from newswire.warehouse.connection import connect
from newswire.warehouse.loading import StagedRecord, stage

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
        "dateline_date": "2025-02-17",
    }
    record.update(changes)
    record["word_count"] = word_count(record["body_text"])
    record["content_sha256"] = content_sha256(record)
    assert set(record) == set(RELEASE_FIELDS)
    return record


FETCHED_AT = datetime(2026, 1, 1, tzinfo=UTC)


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
