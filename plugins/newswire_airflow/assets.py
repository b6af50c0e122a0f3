"""The Airflow assets of newswire.

``RELEASES`` stands for the warehouse's releases table: the ingestion DAGs' load tasks
update it; ``newswire_quality`` is scheduled on it. The URI names the table, not a server:
``postgres://`` asset URIs must have the form ``postgres://host:port/database/schema/table``
(the postgres provider validates it), and the host ``warehouse`` stands for whatever the
``newswire_warehouse`` connection points at, so the asset stays the same when the warehouse
moves.

:func:`feed_asset` is a source's feed, watched by a
:class:`~newswire_airflow.triggers.feed_watch.FeedWatchTrigger` in the triggerer; the
``<source>_watch`` DAGs are scheduled on it.
"""

from airflow.sdk import Asset, AssetWatcher

from newswire_airflow.triggers.feed_watch import FeedWatchTrigger

RELEASES = Asset(
    name="newswire_releases", uri="postgres://warehouse:5432/newswire/newswire/releases"
)


def feed_asset(source: str) -> Asset:
    """The asset of ``source``'s feed, watched by a :class:`FeedWatchTrigger`."""
    return Asset(
        name=f"{source}_feed",
        uri=f"newswire://feeds/{source}",
        watchers=[AssetWatcher(name=f"{source}_feed_watcher", trigger=FeedWatchTrigger(source))],
    )
