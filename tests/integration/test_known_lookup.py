"""Discovery asks the warehouse only about its candidates: an incremental run reads as
many release rows with 10 releases in the warehouse as with 20,000."""

from newswire import pipeline
from tests.support.warehouse_size import add_filler_releases, release_rows_read

WAREHOUSE_ROWS = 20_000


def test_an_incremental_discovery_does_not_read_the_whole_warehouse(warehouse, sample_site):
    add_filler_releases(warehouse, WAREHOUSE_ROWS)
    before = release_rows_read(warehouse)
    urls = pipeline.discover_step(warehouse, sample_site.base_url, "lookup-1", source="prnewswire")
    read = release_rows_read(warehouse) - before
    assert len(urls) == len(sample_site.releases)  # the filler is not on the site
    assert read < 1_000  # the candidates at most, never the 20,000 rows of the wire
