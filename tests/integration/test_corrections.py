"""Releases that correct another release ("CORRECTION -- <title>", migration 012), linked in
a real PostgreSQL by whichever load comes second, and the alerts of corrections."""

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from newswire import pipeline
from newswire.parsing import parse_release
from newswire.warehouse import watchlists
from newswire.warehouse.watchlists import Watchlist
from newswire_sample_site import SampleSite
from newswire_sample_site.releases import CORRECTION_SENTENCE
from tests.support.records import FETCHED_AT, correction_of, load, make_record

ORIGINAL = make_record(0, title="Workday Reports Fourth Quarter Results")  # NASDAQ:WDAY
LINKS = """SELECT release_id, corrects_release_id FROM newswire.corrections
           ORDER BY release_id"""
ALERTS = "SELECT release_id, matched FROM newswire.alerts ORDER BY alert_id"


CORRECTION = correction_of(ORIGINAL, 1)


@pytest.mark.parametrize("correction_first", [False, True], ids=["after", "before"])
def test_a_correction_is_linked_whichever_is_loaded_first(warehouse, query, correction_first):
    others = [make_record(i) for i in (2, 3)]
    first, second = ([CORRECTION], [ORIGINAL]) if correction_first else ([ORIGINAL], [CORRECTION])
    load(warehouse, "one", first + others)
    waiting = [(CORRECTION["release_id"], None)] if correction_first else []
    assert query(warehouse, LINKS) == waiting
    load(warehouse, "two", second)
    assert query(warehouse, LINKS) == [(CORRECTION["release_id"], ORIGINAL["release_id"])]
    load(warehouse, "three", [ORIGINAL, CORRECTION], fetched=FETCHED_AT + timedelta(hours=1))
    assert query(warehouse, LINKS) == [(CORRECTION["release_id"], ORIGINAL["release_id"])]


def test_the_title_is_compared_without_case_or_spacing_and_the_body_names_it_too(warehouse, query):
    shouting = correction_of(
        ORIGINAL, 1, title="Correction--WORKDAY  REPORTS fourth quarter results"
    )
    cut = correction_of(ORIGINAL, 2, title="CORRECTION -- Workday Reports Fourth Quarter")
    unrelated = correction_of(make_record(5, title="Something else"), 3)
    load(warehouse, "one", [ORIGINAL, shouting, cut, unrelated])
    assert query(warehouse, LINKS) == [
        (shouting["release_id"], ORIGINAL["release_id"]),
        (cut["release_id"], ORIGINAL["release_id"]),  # by the title its body names
        (unrelated["release_id"], None),
    ]


def test_of_two_releases_with_the_title_the_issuers_own_is_corrected(warehouse, query):
    same_title = make_record(4, title=ORIGINAL["title"], issuer="Global Times")  # newer
    load(warehouse, "one", [ORIGINAL, same_title, CORRECTION])
    assert query(warehouse, LINKS) == [(CORRECTION["release_id"], ORIGINAL["release_id"])]


def test_a_correction_made_in_place_is_a_version_not_a_link(warehouse, query):
    load(warehouse, "one", [ORIGINAL])
    in_place = {**ORIGINAL, "title": f"CORRECTION -- {ORIGINAL['title']}"}
    load(warehouse, "two", [make_record(0, **in_place)], fetched=FETCHED_AT + timedelta(days=1))
    assert query(warehouse, LINKS) == []
    assert query(warehouse, "SELECT version FROM newswire.releases") == [(2,)]


@pytest.mark.parametrize("correction_first", [False, True], ids=["after", "before"])
def test_a_watchlist_is_alerted_of_the_correction_of_a_release_it_alerted_once(
    warehouse, query, correction_first
):
    watchlists.add(warehouse, Watchlist("wday", ["NASDAQ:WDAY"], webhook_conn_id="hook"))
    watchlists.add(warehouse, Watchlist("other", ["NYSE:ACME"], webhook_conn_id="hook"))
    first, second = ([CORRECTION], [ORIGINAL]) if correction_first else ([ORIGINAL], [CORRECTION])
    load(warehouse, "one", first)
    load(warehouse, "two", second)
    expected = [
        (ORIGINAL["release_id"], "ticker NASDAQ:WDAY"),
        (CORRECTION["release_id"], "correction of an alerted release"),
    ]
    assert query(warehouse, ALERTS) == expected
    corrected_again = {**CORRECTION, "body_text": CORRECTION["body_text"] + " Again."}
    load(warehouse, "three", [make_record(1, **corrected_again)], fetched=FETCHED_AT + timedelta(1))
    assert query(warehouse, ALERTS) == expected  # a new version of either: no second alert


def test_the_corrections_report_lists_links_and_waiting_corrections(warehouse, query):
    waiting = correction_of(make_record(5, title="Not loaded yet"), 3)
    load(warehouse, "one", [ORIGINAL, CORRECTION, waiting])
    rows = query(
        warehouse,
        "SELECT release_id, title, corrects_release_id, corrects_title"
        " FROM newswire.report_corrections",
    )
    assert rows == [
        (CORRECTION["release_id"], CORRECTION["title"], ORIGINAL["release_id"], ORIGINAL["title"]),
        (waiting["release_id"], waiting["title"], None, None),
    ]


@pytest.mark.parametrize("correction_first", [False, True], ids=["after", "before"])
def test_the_sample_sites_correction_release_is_parsed_loaded_and_linked(
    warehouse, query, correction_first
):
    """The sample site corrects a release by a release of its own, as PR Newswire does; it
    is fetched, parsed and linked whether its run comes after or before the original's."""
    with SampleSite(count=10, seed=5) as site:
        now = datetime.now(UTC)
        original = site.publish(at=now - timedelta(minutes=2))
        if not correction_first:
            # the archive and the original
            pipeline.ingest(warehouse, site.base_url, source="prnewswire")
        fix = site.publish_correction(original, at=now - timedelta(minutes=1))
        page = requests.get(site.base_url + fix.path, timeout=10)
        record = parse_release(page.content, page.url)
        assert record["title"] == f"CORRECTION -- {original.title}"
        assert record["body_text"].startswith(f"In the news release, {original.title}, issued ")
        assert CORRECTION_SENTENCE in record["body_text"]
        if correction_first:
            newest = pipeline.ingest(warehouse, site.base_url, limit=1, source="prnewswire")
            assert newest.loaded_new == 1
            assert query(warehouse, LINKS) == [(fix.release_id, None)]  # waiting
        else:
            assert query(warehouse, LINKS) == []
        pipeline.ingest(warehouse, site.base_url, source="prnewswire")
    assert query(warehouse, LINKS) == [(fix.release_id, original.release_id)]


@pytest.mark.parametrize("which", ["_OF_THE_BATCH", "_WAITING_FOR_THE_BATCH"])
def test_a_load_looks_up_originals_and_waiting_corrections_by_index(warehouse, query, which):
    """The link statements read the releases by title, and the corrections by key or only
    the waiting ones, through indexes: a load's cost does not grow with the warehouse."""
    from newswire.warehouse import corrections

    waiting = correction_of(make_record(5, title="Not loaded yet"), 3)
    load(warehouse, "one", [ORIGINAL, CORRECTION, waiting] + [make_record(i) for i in range(6, 40)])
    batch = """CREATE TEMP TABLE _batch AS
               SELECT wire, release_id, true AS replaces FROM newswire.releases LIMIT 2"""
    link = corrections._LINK.format(which=getattr(corrections, which))
    # Tiny tables: scans are forbidden (a walk of the primary key too, for the waiting ones)
    # so the plan shows the indexes a large warehouse is read through.
    walk = "SET enable_indexscan = off;" if which == "_WAITING_FOR_THE_BATCH" else ""
    rows = query(warehouse, f"SET enable_seqscan = off; {walk} {batch}; ANALYZE; EXPLAIN {link}")
    plan = "\n".join(row[0] for row in rows)
    assert "Index Scan on releases_title_key_idx" in plan, plan
    assert "Seq Scan on releases" not in plan and "Seq Scan on corrections" not in plan, plan
    if which == "_WAITING_FOR_THE_BATCH":
        assert "Index Cond: (corrects_release_id IS NULL)" in plan, plan  # only the waiting
    else:
        assert "Filter: ((corrects_release_id IS NULL) AND (hashed SubPlan" not in plan, plan


def test_newswire_search_marks_a_corrected_release(warehouse, tmp_path):
    load(warehouse, "one", [ORIGINAL, CORRECTION, make_record(2)])
    result = subprocess.run(
        [str(Path(sys.executable).with_name("newswire")), "search", "release", "--recent"]
        + ["--dsn", warehouse],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    header, _, *rows = result.stdout.splitlines()
    assert header.split()[-1] == "corrected"
    marked = [row for row in rows if row.rstrip().endswith("corrected")]
    assert len(marked) == 1 and ORIGINAL["title"] in marked[0], result.stdout
