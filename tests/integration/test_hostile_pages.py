"""Issue 11, defects 1-4: pages and records the warehouse must survive, in a real
PostgreSQL over real loopback HTTP. One page never costs another page: what cannot be
stored is a reject with its reason and its raw page, and the run goes on."""

import random
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newswire import pipeline
from newswire.pipeline import load_step
from newswire.warehouse import runs
from newswire.warehouse.connection import connect
from newswire.warehouse.loading import StagedRecord
from newswire.warehouse.search import search
from newswire.warehouse.validation import storable
from newswire_sample_site.faults import Faults
from newswire_sample_site.releases import generate_releases
from newswire_sample_site.render import render_release_page
from newswire_sample_site.server import SampleSite
from tests.support.http import Recorder
from tests.support.records import archived, load, make_record

HTML = {"Content-Type": "text/html; charset=utf-8"}


def _huge_body(megabytes: float) -> str:
    """A long filing's table: distinct tokens, about ``megabytes`` of them."""
    rows = int(megabytes * 1_000_000 / 60)
    return "Results follow.\n\n" + "\n".join(
        " | ".join(f"r{row:07d}c{col}" for col in range(5)) for row in range(rows)
    )


def test_a_release_too_big_for_a_tsvector_lands_with_the_rest(warehouse, query):
    """Defect 1: its search vector indexes a prefix, its body is stored whole."""
    huge = make_record(1, body_text=_huge_body(5))
    summary = load(warehouse, "run", [make_record(0), huge, make_record(2)])
    assert (summary.loaded_new, summary.rejected) == (3, 0)
    assert query(
        warehouse,
        "SELECT length(body_text) FROM newswire.releases WHERE release_id = %s",
        (huge["release_id"],),
    ) == [(len(huge["body_text"]),)]
    assert [hit[2] for hit in search(warehouse, "r0000010c3")] == ["Release number 1"]


def _ingest_urls(dsn: str, base_url: str, paths: list[str]):
    """One run over exactly ``paths`` (no discovery): fetch, stage and load them."""
    run_key = pipeline.new_run_key("test")
    with connect(dsn) as conn, conn.cursor() as cur:
        runs.open_run(cur, run_key, base_url)
    pipeline.fetch_step(
        dsn, base_url, run_key, [base_url + p for p in paths], workers=1, source="prnewswire"
    )
    return load_step(dsn, run_key, max_failed_share=1.0)


def test_a_page_without_a_release_id_falls_back_to_its_url_or_is_a_reject(warehouse, query):
    """Defect 2: a relative canonical link without an id, on a release URL and on a URL
    without an id, between good pages of the same batch."""
    good, relative, other = generate_releases(3, seed=5)
    id_less = relative.path.replace(f"-{relative.release_id}", "")

    def without_id(rel):
        page = render_release_page(rel).replace(f'"{rel.url}"', f'"{id_less}"')
        assert rel.url not in page
        return (200, HTML, page.encode())

    site = Recorder(
        {
            good.path: (200, HTML, render_release_page(good).encode()),
            relative.path: without_id(relative),
            id_less: without_id(relative),
            other.path: (200, HTML, render_release_page(other).encode()),
        }
    )
    try:
        summary = _ingest_urls(warehouse, site.url, [good.path, relative.path, id_less, other.path])
    finally:
        site.close()
    assert (summary.loaded_new, summary.rejected) == (3, 1)
    landed = dict(query(warehouse, "SELECT release_id, url FROM newswire.releases"))
    assert landed == {
        good.release_id: good.url,
        relative.release_id: "https" + site.url.removeprefix("http") + relative.path,
        other.release_id: other.url,
    }
    ((reason, stage, raw_page_id),) = query(
        warehouse,
        "SELECT reason, stage, raw_page_id FROM newswire.rejects WHERE url = %s",
        (site.url + id_less,),
    )
    assert (reason, stage) == ("missing_release_id", "store")
    assert archived(warehouse, raw_page_id) == without_id(relative)[2]


def test_a_nul_byte_in_a_header_is_taken_out(warehouse, query):
    """Defect 3: headers are data from a stranger."""
    releases = generate_releases(3, seed=5)
    site = Recorder(
        {
            rel.path: (
                200,
                {**HTML, "ETag": f'"v1\x00{rel.release_id}"', "Last-Modified": "Mon\x00"},
                render_release_page(rel).encode(),
            )
            for rel in releases
        }
    )
    try:
        summary = _ingest_urls(warehouse, site.url, [rel.path for rel in releases])
    finally:
        site.close()
    assert (summary.loaded_new, summary.rejected) == (3, 0)
    etags = query(warehouse, "SELECT headers->>'ETag' FROM newswire.raw_pages ORDER BY 1")
    assert etags == sorted((f'"v1{rel.release_id}"',) for rel in releases)


def test_a_nul_byte_in_a_feeds_validators_is_taken_out(warehouse, query):
    """Defect 3, for the feed: its ETag and Last-Modified are kept for the next poll."""
    (rel,) = generate_releases(1, seed=5)
    site = Recorder(
        {
            rel.path: (200, HTML, render_release_page(rel).encode()),
            "/rss/news-releases-list.rss": (
                200,
                {"Content-Type": "application/rss+xml", "ETag": '"f\x00"', "Last-Modified": "\x00"},
                f"<rss><channel><item><link>{rel.path}</link></item></channel></rss>".encode(),
            ),
        }
    )
    try:
        summary = pipeline.ingest(warehouse, site.url, max_failed_share=1.0, source="prnewswire")
    finally:
        site.close()
    assert summary.loaded_new == 1
    assert query(warehouse, "SELECT etag, last_modified FROM newswire.http_validators") == [
        ('"f"', "")
    ]


def test_a_database_error_on_one_page_costs_only_that_page(warehouse, query):
    """Defect 4: an error the checks before COPY do not foresee (here a rule the schema
    gained) becomes that page's reject; the rest of the batch is staged and lands."""
    releases = generate_releases(3, seed=5)
    poison = releases[1]
    with connect(warehouse) as conn, conn.cursor() as cur:
        cur.execute(
            "ALTER TABLE newswire.staged_releases ADD CONSTRAINT unforeseen"
            " CHECK (release_id <> %s)",
            (poison.release_id,),
        )
    site = Recorder({rel.path: (200, HTML, render_release_page(rel).encode()) for rel in releases})
    try:
        summary = _ingest_urls(warehouse, site.url, [rel.path for rel in releases])
    finally:
        site.close()
    assert (summary.loaded_new, summary.rejected) == (2, 1)
    ((url, stage, reason, detail, raw_page_id),) = query(
        warehouse, "SELECT url, stage, reason, detail, raw_page_id FROM newswire.rejects"
    )
    assert (url, stage, reason) == (site.url + poison.path, "store", "store_error")
    assert "CheckViolation" in detail and raw_page_id is not None


# -- the property: hostile values anywhere never cost a batch -------------------------------
# Four bytes a character, incompressible, long past any index entry's limit.
_RNG = random.Random(11)
_WIDE = "".join(chr(_RNG.randrange(0x20000, 0x2A6DF)) for _ in range(3000))
_TICKERS_10000 = [{"exchange": "NYSE", "symbol": f"T{i}"} for i in range(10_000)]
_HOSTILE_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=40),  # NULs, surrogates ...
    st.sampled_from(
        ["", " ", "\x00", "\ud800", "a\udfffb", "x" * 5000, _WIDE, "İ" * 3000, _huge_body(1.5)]
    ),
)
_OPTIONAL = st.one_of(st.none(), _HOSTILE_TEXT)
_TICKERS = st.one_of(
    st.lists(st.fixed_dictionaries({"exchange": _HOSTILE_TEXT, "symbol": _HOSTILE_TEXT})),
    st.just(_TICKERS_10000),
)
_HOSTILE_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "release_id": _OPTIONAL,
        "url": _OPTIONAL,
        "title": _OPTIONAL,
        "subtitle": _OPTIONAL,
        "issuer": _OPTIONAL,
        "source_org": _OPTIONAL,
        "dateline_location": _OPTIONAL,
        "language": _OPTIONAL,
        "body_text": _HOSTILE_TEXT,
        "contacts": _OPTIONAL,
        "published_at": _OPTIONAL,
        "dateline_date": _OPTIONAL,
        "tickers": _TICKERS,
        "industries": st.lists(_HOSTILE_TEXT, max_size=5),
        "images": st.lists(_HOSTILE_TEXT, max_size=5),
        "subjects": st.lists(_HOSTILE_TEXT, max_size=5),
    },
)


@pytest.fixture(scope="module")
def shared_warehouse(pg_server):
    from tests.support.postgres import create_warehouse

    return create_warehouse(pg_server)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=_HOSTILE_FIELDS, n=st.integers(min_value=10, max_value=10**6))
@example(changes={"tickers": [{"exchange": _WIDE, "symbol": _WIDE}], "issuer": _WIDE}, n=7)
@example(changes={"industries": [_WIDE], "subjects": [_WIDE], "title": _WIDE}, n=8)
@example(changes={"tickers": _TICKERS_10000, "body_text": _huge_body(5)}, n=9)
def test_hostile_values_are_stored_or_rejected_never_lose_the_batch(
    shared_warehouse, query, changes, n
):
    dsn = shared_warehouse
    hostile = {**make_record(n), **changes}
    good = make_record(n + 1)
    run_key = f"prop-{n}-{pipeline.new_run_key()}"
    fetched = datetime(2026, 1, 1, tzinfo=UTC)
    urls = (f"https://x/{run_key}/hostile", f"https://x/{run_key}/good")
    items = [StagedRecord(r, "test", fetched, u) for r, u in zip((hostile, good), urls)]
    with connect(dsn) as conn, conn.cursor() as cur:
        runs.open_run(cur, run_key, "test")
        runs.stage_records(cur, run_key, items)
    summary = load_step(dsn, run_key, max_failed_share=1.0)
    assert summary.loaded_new + summary.loaded_updated + summary.unchanged + summary.rejected == 2
    assert query(
        dsn, "SELECT title FROM newswire.releases WHERE release_id = %s", (good["release_id"],)
    ) == [(good["title"],)]
    rejects = query(dsn, "SELECT reason FROM newswire.rejects WHERE run_key = %s", (run_key,))
    if rejects:
        assert summary.rejected == 1 and rejects[0][0] != "store_error", rejects
    else:
        stored = storable(hostile)
        assert query(
            dsn,
            "SELECT content_sha256 FROM newswire.release_versions"
            " WHERE release_id = %s AND content_sha256 = %s",
            (stored["release_id"], stored["content_sha256"]),
        ) == [(stored["content_sha256"],)]


def test_the_sample_sites_hostile_pages_land_once_in_one_run(warehouse, query):
    """The sample site's issue-11 faults (``--faults all`` has them too): a huge-table
    release, id-less pages and NUL headers, in one run; every release lands exactly once
    as it is (an id-less page under the URL it was fetched from), nothing is rejected."""
    hostile = Faults(huge_every=13, no_id_every=3, nul_header_every=4)
    with SampleSite(count=24, seed=11, faults=hostile) as site:
        summary = pipeline.ingest(warehouse, site.base_url, source="prnewswire")
        truth = {rel.release_id: site.expected(rel) for rel in site.releases}
        counts = dict(site.request_counts)
    assert (counts["huge"], counts["no_id"], counts["nul_header"]) == (1, 8, 6)
    assert (summary.loaded_new, summary.rejected) == (24, 0)
    landed = query(
        warehouse, "SELECT release_id, content_sha256, length(body_text) FROM newswire.releases"
    )
    assert {rid: sha for rid, sha, _ in landed} == {
        rid: record["content_sha256"] for rid, record in truth.items()
    }
    huge = site.releases[12]
    assert (
        dict((rid, size) for rid, _, size in landed)[huge.release_id]
        == len(truth[huge.release_id]["body_text"])
        > 2_000_000
    )
    ((raw_page_id,),) = query(
        warehouse,
        "SELECT raw_page_id FROM newswire.releases WHERE release_id = %s",
        (huge.release_id,),
    )
    assert len(archived(warehouse, raw_page_id)) > 4_500_000  # the page as fetched, archived
    assert query(
        warehouse, "SELECT count(*) FROM newswire.raw_pages WHERE headers::text LIKE '%\\u0000%'"
    ) == [(0,)]
    assert query(warehouse, "SELECT count(*) FROM newswire.rejects") == [(0,)]
