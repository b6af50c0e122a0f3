"""Every wire we parse is a source we ingest: ``newswire ingest --source globenewswire``
against the sample site's GlobeNewswire-shaped wire, beside PR Newswire in one warehouse."""

import subprocess
import sys

from newswire import pipeline
from newswire_sample_site import SampleSite
from newswire_sample_site.globe import expected


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newswire.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_ingest_source_globenewswire_lands_its_releases_with_its_wire(warehouse, query):
    with SampleSite(count=80, seed=9, wire="globenewswire") as site:
        done = _cli("ingest", "--source", "globenewswire", "--base-url", site.base_url,
                    "--dsn", warehouse)  # fmt: skip
        requests = dict(site.request_counts)
    assert done.returncode == 0, done.stderr
    rows = query(
        warehouse,
        """SELECT release_id, url, wire, title, issuer, published_at FROM newswire.releases""",
    )
    landed = {
        row[0]: dict(zip(("release_id", "url", "wire", "title", "issuer"), row[:5]))
        | {"published_at": row[5].isoformat()}
        for row in rows
    }
    assert landed == {rel.release_id: expected(rel) for rel in site.releases}
    assert requests["release"] == len(site.releases)


def test_two_sources_share_a_warehouse_and_each_retries_only_its_own(warehouse, query):
    with (
        SampleSite(count=30, seed=3) as prn,
        SampleSite(count=30, seed=4, wire="globenewswire") as globe,
    ):
        first = pipeline.ingest(warehouse, prn.base_url, source="prnewswire")
        second = pipeline.ingest(warehouse, globe.base_url, source="globenewswire")
        again = pipeline.ingest(warehouse, globe.base_url, source="globenewswire")
    wires = dict(query(warehouse, "SELECT wire, count(*) FROM newswire.releases GROUP BY wire"))
    assert wires == {"prnewswire": 30, "globenewswire": 30}
    assert (first.loaded_new, second.loaded_new, again.discovered) == (30, 30, 0)
