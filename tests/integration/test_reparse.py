"""`newswire reparse`: the current parser over the raw archive, no network."""

import subprocess
import sys
from datetime import UTC, datetime

from newswire import pipeline
from newswire.pipeline import reparse
from newswire.warehouse import archive
from newswire.warehouse.connection import connect
from newswire_sample_site.faults import Faults
from newswire_sample_site.server import SampleSite


def test_reparse_repairs_rows_and_lands_pages_an_older_parser_rejected(
    warehouse, sample_site, query
):
    pipeline.ingest(warehouse, sample_site.base_url, limit=12, source="prnewswire")
    with connect(warehouse) as conn, conn.cursor() as cur:
        # what an older, buggy parser left: a wrong title, and a page it could not parse
        cur.execute(
            "UPDATE newswire.releases SET title = 'wrong', content_sha256 = 'old'"
            " WHERE release_id = (SELECT min(release_id) FROM newswire.releases)"
            " RETURNING release_id"
        )
        ((damaged,),) = cur.fetchall()
        cur.execute(
            """SELECT release_id, raw_page_id, url FROM newswire.releases
                       WHERE release_id <> %s ORDER BY release_id DESC LIMIT 1""",
            (damaged,),
        )
        lost, raw_page_id, url = cur.fetchone()
        cur.execute("DELETE FROM newswire.releases WHERE release_id = %s", (lost,))
        cur.execute(
            """INSERT INTO newswire.rejects (run_key, url, stage, reason, raw_page_id)
                       SELECT run_key, %s, 'parse', 'missing_title', %s
                       FROM newswire.ingestion_runs LIMIT 1""",
            (url, raw_page_id),
        )
    summary = reparse(warehouse, workers=2)
    assert (summary.loaded_new, summary.loaded_updated, summary.unchanged) == (1, 1, 10)
    truth = {r.release_id: r.expected["title"] for r in sample_site.releases}
    titles = dict(query(warehouse, "SELECT release_id, title FROM newswire.releases"))
    assert titles[damaged] == truth[damaged] and titles[lost] == truth[lost] and len(titles) == 12
    assert query(warehouse, "SELECT resolved_at IS NOT NULL FROM newswire.rejects") == [(True,)]
    # nothing new the second time
    again = reparse(warehouse, workers=1)
    assert (again.loaded_new, again.loaded_updated, again.unchanged) == (0, 0, 12)


def test_a_correction_loaded_while_reparse_runs_stays_current(warehouse, query, monkeypatch):
    """Issue 11, defect 10: re-parse reads the raw pages, a correction of one of them lands,
    then re-parse merges what it parsed from the older page."""
    with SampleSite(count=4, seed=3, faults=Faults(changing_releases=1)) as site:
        pipeline.ingest(warehouse, site.base_url, source="prnewswire")
        pages = archive.iter_reparse_pages

        def pages_then_a_correction(*args, **kwargs):
            yield from pages(*args, **kwargs)
            site.advance()  # every release is corrected, and a backfill loads the corrections
            window = (datetime(2019, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
            corrected = pipeline.ingest(
                warehouse, site.base_url, since=window[0], until=window[1], source="prnewswire"
            )
            assert corrected.loaded_updated == 4

        monkeypatch.setattr(archive, "iter_reparse_pages", pages_then_a_correction)
        summary = reparse(warehouse, workers=1)
        assert (summary.loaded_new, summary.loaded_updated) == (0, 0)
        truth = {rel.release_id: site.expected(rel)["content_sha256"] for rel in site.releases}
    assert dict(query(warehouse, "SELECT release_id, content_sha256 FROM newswire.releases")) == (
        truth
    )
    assert query(warehouse, "SELECT DISTINCT version FROM newswire.releases") == [(2,)]


def test_reparse_command(warehouse, sample_site):
    pipeline.ingest(warehouse, sample_site.base_url, limit=3, source="prnewswire")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newswire.cli",
            "reparse",
            "--dsn",
            warehouse,
            "--wire",
            "prnewswire",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "loaded 0 new / 0 updated / 3 unchanged" in done.stdout
