"""Event-driven ingestion: a feed watcher in the triggerer, an asset it updates, and the DAG
run that ingests just what it saw.

:class:`FeedWatchTrigger` is a ``BaseEventTrigger``: an ``AssetWatcher`` of the asset
:func:`newswire_airflow.assets.feed_asset` runs it in the triggerer, where it polls the
source's feed (:func:`newswire.pipeline.watching.poll_feed`: conditional GET, the polite
client with its robots.txt, read again when a day old or minutes after a failure,
Retry-After, deadlines and size cap) every ``poll_interval`` seconds, the feeds of a source
in turn, and fires an event whose payload names the new releases (a bounded number:
``MAX_WATCHED_URLS``). The event updates the asset (its extra is ``{"from_trigger": true,
"payload": {...}}``), which schedules the ``<source>_watch`` DAG; its discover task reads
the URLs from ``triggering_asset_events``.

The trigger only reads the feed and the warehouse: it never fetches a release. Blocking work
(HTTP, SQL) runs in a thread, so it never holds the triggerer's event loop; a poll that fails
is logged and the next one waits longer (the interval doubles with each failure in a row, up
to 15 minutes); a ``Retry-After`` is honoured by the client itself, as for every request.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseEventTrigger, TriggerEvent

log = logging.getLogger(__name__)


class FeedWatchTrigger(BaseEventTrigger):
    """Poll the feeds of ``source`` and fire an event ``{"source": ..., "urls": [...],
    "changed": [...]}`` whenever releases appear that nobody saw before (``urls``) or loaded
    ones are listed differently (``changed``: corrections). Each poll logs what it took and
    what it passed over, and why. ``interval`` (seconds) defaults to
    ``NEWSWIRE_WATCH_INTERVAL`` in the triggerer's environment; the floor of
    :func:`~newswire.pipeline.watching.poll_interval` applies either way."""

    def __init__(self, source: str, interval: float | None = None, **kwargs):
        super().__init__(**kwargs)
        self.source = source
        self.interval = interval

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return f"{type(self).__module__}.{type(self).__qualname__}", {
            "source": self.source,
            "interval": self.interval,
        }

    async def run(self) -> AsyncIterator[TriggerEvent]:
        from psycopg2 import Error as DatabaseError

        from newswire import settings
        from newswire.fetching.client import FetchError, PoliteClient
        from newswire.pipeline import watching
        from newswire_airflow.hooks.warehouse import warehouse_dsn
        from newswire_airflow.tasks import source_base_url

        dsn = await asyncio.to_thread(warehouse_dsn)
        base_url = await asyncio.to_thread(source_base_url, self.source)
        interval = watching.poll_interval(base_url, self.interval)
        feeds = settings.feeds(self.source)  # NEWSWIRE_<SOURCE>_FEEDS, else its own
        log.info("watching %s every %.0f s: %s", base_url, interval, ", ".join(feeds))
        with PoliteClient(base_url) as client:
            failures = 0
            for feed in itertools.cycle(feeds):
                try:
                    poll = await asyncio.to_thread(
                        watching.poll_feed, dsn, client, self.source, feed
                    )
                    failures = 0
                except (FetchError, DatabaseError) as exc:
                    failures += 1
                    poll = watching.Poll()
                    log.warning(
                        "feed %s%s not polled (%d in a row): %s", base_url, feed, failures, exc
                    )
                else:  # what it took and what it passed over, and why
                    log.info("feed %s%s: %s", base_url, feed, poll.explained())
                if poll.urls:
                    yield TriggerEvent(
                        {"source": self.source, "urls": poll.new, "changed": poll.changed}
                    )
                await asyncio.sleep(watching.next_poll_in(interval, failures))
