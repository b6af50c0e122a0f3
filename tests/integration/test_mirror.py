"""A mirror of the wire (a caching proxy, an internal mirror: the same current-template
pages, their canonical link and og:url rewritten to the mirror) is ingested as the wire
with ``newswire ingest --source prnewswire --base-url MIRROR``, and re-parsed as the wire.
Real HTTP over loopback from the sample site in mirror mode, real PostgreSQL."""

from newswire.cli import main
from newswire.pipeline import reparse
from newswire_sample_site.server import SampleSite


def test_a_mirror_is_ingested_as_the_wire_and_reparsed_as_it(warehouse, query, capsys):
    with SampleSite(count=24, seed=11, mirror=True) as mirror:
        argv = ["ingest", "--source", "prnewswire", "--base-url", mirror.base_url]
        assert main([*argv, "--dsn", warehouse]) == 0
        assert "loaded 24 new" in capsys.readouterr().out
        expected = {rel.release_id: mirror.expected(rel) for rel in mirror.releases}
    assert all(record["url"].startswith("https://127.0.0.1:") for record in expected.values())
    stored = dict(
        query(
            warehouse,
            "SELECT release_id, record FROM newswire.release_versions WHERE wire = 'prnewswire'",
        )  # fmt: skip
    )
    assert stored == expected  # every release, every field as the page holds it
    assert query(warehouse, "SELECT count(*) FROM newswire.rejects") == [(0,)]
    # The archive remembers the run's declaration: a re-parse reads the pages the same way.
    again = reparse(warehouse, workers=1)
    assert (again.discovered, again.unchanged, again.rejected) == (24, 24, 0)
