"""The sample site's generator and fault options, without serving anything: deterministic
releases and their truth, and the command line's fault flags."""

from __future__ import annotations

import argparse
import re
from collections import Counter
from dataclasses import replace

import pytest

from newswire.record import RELEASE_FIELDS
from newswire_sample_site import generate_releases, server
from newswire_sample_site.faults import ALL, Faults
from newswire_sample_site.releases import clean
from tests.support import ROOT

SEED_FILE = ROOT / "sample_site/newswire_sample_site/data/seed_release_global_times.txt"


# -- generation ---------------------------------------------------------------------------


def test_same_seed_same_releases_and_prefix_stable():
    short, long = generate_releases(15, seed=7), generate_releases(300, seed=7)
    assert short == generate_releases(15, seed=7)
    assert [r.expected for r in short] == [r.expected for r in long[:15]]
    assert [r.title for r in generate_releases(15, seed=8)] != [r.title for r in short]


def test_twenty_thousand_releases_have_distinct_ids():
    """(How long generating them takes is measured by bench/generate.py, not asserted here.)"""
    assert len({r.release_id for r in generate_releases(20_000)}) == 20_000


def test_ids_urls_and_record_shape():
    releases = generate_releases(120)
    for rel in releases:
        record = rel.expected
        assert tuple(record) == RELEASE_FIELDS
        assert re.fullmatch(r"30\d{7}", record["release_id"])
        assert re.fullmatch(
            r"https://www\.prnewswire\.com/news-releases/[a-z0-9]+(-[a-z0-9]+)*-"
            + record["release_id"]
            + r"\.html",
            record["url"],
        )
        assert record["wire"] == "prnewswire" and record["language"] == "en"
        assert record["published_at"].endswith("+00:00")
        assert all(set(t) == {"exchange", "symbol"} for t in record["tickers"])
        assert 1 <= len(record["industries"]) <= 3
        assert all("?" not in url for url in record["images"])
        assert record["title"] == clean(record["title"])
        for line in record["body_text"].replace("\n\n", "\n").split("\n"):
            # a table row keeps its empty cells ("Total |  | 1,234"): each cell is clean
            assert line and line == line.strip()
            assert all(cell.strip() == clean(cell) for cell in line.split("|"))
    assert len({r.release_id for r in releases}) == 120


def test_seed_release_truth():
    seed = generate_releases(1)[0].expected
    lines = [
        line.strip() for line in SEED_FILE.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    assert (seed["issuer"], seed["source_org"], seed["dateline_location"]) == (
        "Global Times",
        "Global Times",
        "BEIJING",
    )
    assert seed["published_at"] == "2025-02-19T13:00:00+00:00"  # 08:00 EST
    assert seed["body_text"].startswith("A netizen on people.cn")
    dateline = "BEIJING, Feb. 19, 2025 /PRNewswire/ — "
    assert lines[0].startswith(dateline)
    assert seed["body_text"] == "\n\n".join([lines[0].removeprefix(dateline), *lines[1:-1]])
    assert lines[-1] == "SOURCE Global Times"
    assert (seed["tickers"], seed["contacts"], seed["images"], seed["subtitle"]) == (
        [],
        None,
        [],
        None,
    )


def test_times_cover_winter_and_summer_on_whole_minutes():
    releases = generate_releases(120)
    offsets = Counter(r.published.isoformat()[-6:] for r in releases)
    assert set(offsets) == {"-05:00", "-04:00"}
    assert set(r.published.isoformat()[-6:] for r in generate_releases(3)) == {"-05:00", "-04:00"}
    for rel in releases[1:]:
        assert rel.published.second == 0
        assert "2024-11-01" <= rel.published.date().isoformat() <= "2025-10-31"
        assert re.fullmatch(
            r"([A-Z][a-z]{2} \d{1,2}|\d{1,2} [A-Z][a-z]{2}), \d{4}, \d\d:\d\d ET", rel.visible_time
        )
    assert 1 <= sum(r.day_first for r in releases) <= 30


def test_releases_vary_like_real_ones():
    records = [r.expected for r in generate_releases(120)]
    bodies = "\n".join(r["body_text"] for r in records)
    assert {len(r["tickers"]) for r in records} == {0, 1, 2}
    assert {r["subtitle"].count("\n") + 1 if r["subtitle"] else 0 for r in records} == {0, 1, 2}
    assert any(" and " in r["dateline_location"] for r in records)
    assert any(", " in r["dateline_location"] for r in records)
    assert "/PRNewswire" not in bodies  # the datelines are not part of the bodies
    assert {r.wire_tag for r in generate_releases(120)} == {
        "/PRNewswire/",
        "/PRNewswire-USNewswire/",
    }
    assert {r.dash for r in generate_releases(120)} == {"--", "—"}
    assert "\n- " in bodies and " | " in bodies  # lists and tables
    assert any(r["contacts"] for r in records) and any(r["contacts"] is None for r in records)
    assert any(r["images"] for r in records) and any(not r["images"] for r in records)
    assert any(not r["title"].isascii() for r in records) and any(
        not r["issuer"].isascii() for r in records
    )


# -- fault options on the command line ----------------------------------------------------


def _parse(*argv: str) -> Faults:
    parser = argparse.ArgumentParser()
    server.add_arguments(parser)
    return server.fault_options.faults_from_args(parser.parse_args(argv))


def test_cli_flags():
    assert _parse() == Faults() and not Faults().enabled
    assert _parse("--faults", "all") == ALL and ALL.enabled
    assert _parse("--faults", "all", "--burst", "4", "--slow-seconds", "0.1") == replace(
        ALL, burst=4, slow_seconds=0.1
    )
    assert _parse(
        "--rate-limit-every",
        "3",
        "--retry-after",
        "5",
        "--retry-after-date",
        "--server-error-every",
        "4",
        "--slow-every",
        "5",
        "--slow-seconds",
        "1.5",
        "--drop-every",
        "6",
        "--truncate-every",
        "7",
        "--cp1252-every",
        "8",
        "--no-charset-every",
        "9",
        "--duplicate-feed-entries",
        "--changing-releases",
        "10",
    ) == Faults(
        rate_limit_every=3,
        retry_after=5,
        retry_after_date=True,
        server_error_every=4,
        slow_every=5,
        slow_seconds=1.5,
        drop_every=6,
        truncate_every=7,
        cp1252_every=8,
        no_charset_every=9,
        duplicate_feed_entries=True,
        changing_releases=10,
    )
    assert _parse("--changing-releases").changing_releases == ALL.changing_releases
    assert _parse(
        "--robots-bomb",
        "--trickle-every",
        "3",
        "--trickle-interval",
        "0.1",
        "--huge-retry-after-every",
        "4",
        "--element-bomb-every",
        "5",
        "--attribute-bomb-every",
        "6",
    ) == Faults(
        robots_bomb=True,
        trickle_every=3,
        trickle_interval=0.1,
        huge_retry_after_every=4,
        element_bomb_every=5,
        attribute_bomb_every=6,
    )
    with pytest.raises(ValueError):
        Faults(burst=0)
