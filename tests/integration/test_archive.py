"""The raw archive on a real warehouse: pages in zstd against a dictionary of their host and
month, read back byte-exact (sha256 checked); pages archived in gzip before stay readable
and are recompressed in place, resumably, never unreadable."""

import gzip
import hashlib
from datetime import UTC, datetime

import pytest

from newswire.warehouse import archive
from newswire.warehouse.connection import connect
from newswire.warehouse.migrations import migrate
from tests.support.corpus import real_pages
from tests.support.records import archived

FETCHED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def store(dsn, url, content, fetched=FETCHED, status=200) -> int:
    with connect(dsn) as conn, conn.cursor() as cur:
        return archive.store_page(cur, url, status, "text/html", fetched, content, {})


def old_gzip_page(dsn, url, content) -> int:
    """A page as the archive stored it before zstd: gzip-6 in body_gzip."""
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            """INSERT INTO newswire.raw_pages
                   (url, http_status, content_type, fetched_at, sha256, body_gzip)
               VALUES (%s, 200, 'text/html', %s, %s, %s) RETURNING raw_page_id""",
            (url, FETCHED, hashlib.sha256(content).hexdigest(), gzip.compress(content, 6)),
        )
        return cur.fetchone()[0]


def stored_sizes(query, dsn) -> dict[int, int]:
    return dict(query(dsn, "SELECT raw_page_id, length(body_zstd) FROM newswire.raw_pages"))


def test_real_pages_read_back_byte_exact_in_less_than_gzip(warehouse, query):
    current = [p for p in real_pages() if p.template.startswith("prnewswire current")]
    ids = {p.stem: store(warehouse, p.url, p.read_bytes()) for p in current}
    for page in current:
        assert archived(warehouse, ids[page.stem]) == page.read_bytes()
    # One dictionary for the host and month: the first page large enough, stored against
    # itself; every other page of the template against it, smaller than gzip-6 would keep
    # it (how much smaller: bench/archive.py).
    assert query(warehouse, "SELECT host, month FROM newswire.page_dictionaries") == [
        ("www.prnewswire.com", datetime(2026, 3, 1).date())
    ]
    sizes = stored_sizes(query, warehouse)
    for page in current[1:]:
        assert sizes[ids[page.stem]] < len(gzip.compress(page.read_bytes(), 6)), page.stem


def test_a_new_month_has_its_own_dictionary_and_small_pages_make_none(warehouse, query):
    big = b"<html>" + b"<nav>the site's navigation</nav>" * 2000 + b"</html>"
    store(warehouse, "https://example.com/404", b"not found", status=404)
    store(warehouse, "https://example.com/tiny", b"<html>stub</html>")
    store(warehouse, "https://example.com/huge", b"<p>x</p>" * 200_000)  # 1.6 MB
    assert query(warehouse, "SELECT count(*) FROM newswire.page_dictionaries") == [(0,)]
    first = store(warehouse, "https://example.com/a", big)
    later = store(
        warehouse, "https://example.com/b", big + b"!", fetched=datetime(2026, 4, 1, tzinfo=UTC)
    )
    assert query(warehouse, "SELECT month FROM newswire.page_dictionaries ORDER BY 1") == [
        (datetime(2026, 3, 1).date(),),
        (datetime(2026, 4, 1).date(),),
    ]
    assert archived(warehouse, first) == big and archived(warehouse, later) == big + b"!"


def test_a_page_that_does_not_match_its_sha256_is_not_returned(warehouse):
    raw_page_id = store(warehouse, "https://example.com/a", b"<html>page</html>")
    with connect(warehouse) as conn, conn.cursor() as cur:
        cur.execute("UPDATE newswire.raw_pages SET sha256 = repeat('0', 64)")
        with pytest.raises(ValueError, match="does not match its sha256"):
            archive.read_page(cur, raw_page_id)


def test_gzip_pages_are_recompressed_in_place_resumably_and_never_unreadable(
    warehouse, query, monkeypatch
):
    pages = {
        f"https://www.prnewswire.com/news-releases/r-{n}.html": (
            b"<html><nav>" + b"navigation " * 4000 + b"</nav>" + str(n).encode() * 50 + b"</html>"
        )
        for n in range(7)
    }
    ids = {url: old_gzip_page(warehouse, url, content) for url, content in pages.items()}
    compress, calls = archive._compress, []

    def crash_in_the_second_batch(*args):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("killed")
        return compress(*args)

    monkeypatch.setattr(archive, "_compress", crash_in_the_second_batch)
    with pytest.raises(RuntimeError, match="killed"):
        archive.recompress(warehouse, batch=3)
    assert query(
        warehouse,
        "SELECT count(body_zstd), count(body_gzip) FROM newswire.raw_pages",
    ) == [(3, 4)]  # the first batch committed, the second rolled back whole
    for url, content in pages.items():
        assert archived(warehouse, ids[url]) == content
    monkeypatch.setattr(archive, "_compress", compress)
    assert archive.recompress(warehouse, batch=3) == 4  # the rest, not the done ones again
    assert query(
        warehouse,
        "SELECT count(body_zstd), count(body_gzip) FROM newswire.raw_pages",
    ) == [(7, 0)]
    for url, content in pages.items():
        assert archived(warehouse, ids[url]) == content


def test_pages_archived_before_the_migration_stay_readable(empty_db, query):
    migrate(empty_db, target=9)
    content = b"<html>archived by an older newswire</html>"
    raw_page_id = old_gzip_page(empty_db, "https://www.prnewswire.com/x.html", content)
    migrate(empty_db)
    assert archived(empty_db, raw_page_id) == content
    assert archive.recompress(empty_db) == 1
    assert archived(empty_db, raw_page_id) == content
