"""The Airflow Asset that stands for the warehouse's releases table.

The ingestion DAGs' load tasks update it; ``newswire_quality`` is scheduled on it. The URI
names the table, not a server: ``postgres://`` asset URIs must have the form
``postgres://host:port/database/schema/table`` (the postgres provider validates it), and
the host ``warehouse`` stands for whatever the ``newswire_warehouse`` connection points at,
so the asset stays the same when the warehouse moves.
"""

from airflow.sdk import Asset

RELEASES = Asset(
    name="newswire_releases", uri="postgres://warehouse:5432/newswire/newswire/releases"
)
