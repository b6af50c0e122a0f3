"""The feed watcher's steps (issue 15): from the wire to the warehouse in seconds, not at the
next 15-minute run.

:func:`poll_feed` is one conditional GET of a source's feed (``If-None-Match`` /
``If-Modified-Since`` from ``newswire.http_validators``, so an unchanged feed costs one small
304) that returns the releases nobody has seen yet; the Airflow trigger
(``newswire_airflow.triggers.feed_watch``) calls it every :func:`poll_interval` seconds and
hands what it returns to a DAG run, whose first step, :func:`watched_step`, opens an
ingestion run of just those URLs (then ``fetch_step`` and ``load_step`` as for any run).

A loaded release whose feed item changed (title, link, pubDate or guid: a correction) is
handed on too, once per change (``newswire.release_listings``), and fetched again by the run.
What a poll passes over it says, with why (:class:`Poll`), so a quiet watcher explains itself.

A release is "seen" once: the sighting (``newswire.release_sightings``, with when and where)
is recorded in the same transaction that decides it is new, so two pollers, or a poll and a
15-minute discovery, never both hand it on. What a watched run misses (an event lost with a
triggerer, a page that failed) the 15-minute runs pick up: discovery takes what is not
loaded, whoever saw it first, and earlier fetch failures are retried.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newswire import settings, wires
from newswire.discovery.feeds import read_feed
from newswire.discovery.items import Discovered, Validators, same_site, seen
from newswire.fetching.allowlist import is_loopback
from newswire.fetching.client import PoliteClient
from newswire.pipeline.ingestion import sightings
from newswire.warehouse import runs
from newswire.warehouse.connection import connect

# A real site gets at most one feed request per POLITE_MIN_INTERVAL seconds per source, 2 a
# minute, whatever is asked; the loopback sample site may be polled every second.
POLITE_MIN_INTERVAL = 30.0
LOOPBACK_MIN_INTERVAL = 1.0
MAX_WATCHED_URLS = 500  # a watched run takes at most this many; the 15-minute run the rest
# What a hostile feed may cost a poll: the items read (feedparser takes 0.2 ms or more an
# item, in the triggerer), and the URLs handed on in the event, which Airflow keeps in its
# metadata database. A real feed lists 20 to 100 items. What is cut, the scheduled
# discovery picks up.
MAX_FEED_ITEMS = MAX_WATCHED_URLS
MAX_EVENT_CHARS = 64 * 1024  # of URLs in one event
MAX_BACKOFF = 900.0  # a feed that keeps failing is asked at most every 15 minutes


def poll_interval(base_url: str, requested: float | None = None) -> float:
    """Seconds between two feed requests to ``base_url``: ``requested`` (default
    ``NEWSWIRE_WATCH_INTERVAL``, 30), never below the floor of its kind of host."""
    wanted = settings.watch_interval() if requested is None else requested
    floor = LOOPBACK_MIN_INTERVAL if is_loopback(base_url) else POLITE_MIN_INTERVAL
    return max(floor, wanted)


def next_poll_in(interval: float, failures: int) -> float:
    """Seconds to the next poll after ``failures`` failed polls in a row (a 429 or 5xx after
    the client's own retries, a Retry-After longer than it waits, robots.txt refusing the
    feed, a warehouse down): the interval doubles with each, up to :data:`MAX_BACKOFF`."""
    return min(max(interval, MAX_BACKOFF), interval * 2 ** min(failures, 16))


@dataclass
class Poll:
    """What one poll of a feed found: ``new`` release URLs nobody saw before, ``changed``
    URLs of loaded releases whose feed item changed, and how many items it passed over and
    why (``loaded``: loaded and listed as before; ``seen``: handed to a run already)."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # empty: the feed listed nothing

    @property
    def urls(self) -> list[str]:
        return self.new + self.changed

    def explained(self) -> str:
        """One line for the log: what was taken and what was passed over, and why."""
        if not self.skipped:
            return "no items (the feed answered 304 Not Modified, or is empty)"
        why = {
            "loaded": "loaded and listed as before",
            "seen": "seen before, handed to a run",
            "over_limit": "over one event's limit, left to the scheduled discovery",
        }
        passed = [f"{n} {why[reason]}" for reason, n in self.skipped.items() if n]
        return f"{len(self.new)} new, {len(self.changed)} changed" + (
            f"; skipped {', '.join(passed)}" if passed else ""
        )


def poll_feed(dsn: str, client: PoliteClient, source: str, feed: str) -> Poll:
    """One conditional GET of ``feed`` (a path on the client's site) of ``source``: the
    releases in it that are neither loaded nor seen before, now recorded as seen, and the
    loaded ones whose item changed, now recorded as listed so. Only the first
    :data:`MAX_FEED_ITEMS` items are read, and no more URLs are handed on (and recorded) than
    :data:`MAX_WATCHED_URLS` of :data:`MAX_EVENT_CHARS` in all. Raises
    :class:`~newswire.fetching.client.FetchError` when the feed cannot be read."""
    wire, url = wires.get(source), client.base_url + feed
    with connect(dsn) as conn, conn.cursor() as cur:
        known_validators = runs.http_validators(cur).get(url)
    validators = Validators({url: known_validators} if known_validators else {})
    items = seen(read_feed(client, wire, url, validators, MAX_FEED_ITEMS), url)  # [] when 304
    if not items:
        return Poll()
    with connect(dsn) as conn, conn.cursor() as cur:
        runs.save_http_validators(cur, validators.by_url)
        unchanged = runs.listed_unchanged(cur, wire.name, items)
        todo = [item for item in items if item.release_id not in unchanged]
        within = _event_sized(todo)  # what one event can carry: the rest waits, unrecorded
        loaded = runs.known_among(cur, wire.name, [item.release_id for item in within])
        fresh = [item for item in within if item.release_id not in loaded]
        first_seen = set(runs.record_sightings(cur, sightings(fresh)))
        relisted = set(runs.record_listings(cur, within))
    ids = {item.release_id for item in items}
    new, changed = _urls(fresh, first_seen), _urls(within, loaded & relisted)
    passed_over = len(unchanged)
    over_limit = len({item.release_id for item in todo} - {item.release_id for item in within})
    return Poll(
        new=new,
        changed=changed,
        skipped={
            "loaded": passed_over,
            "over_limit": over_limit,
            "seen": len(ids) - passed_over - over_limit - len(new) - len(changed),
        },
    )


def _urls(items, wanted: set[str]) -> list[str]:
    """The URL of each release of ``wanted`` once (a feed may list one twice), in order."""
    urls: dict[str, str] = {}
    for item in items:
        if item.release_id in wanted:
            urls.setdefault(item.release_id, item.url)
    return list(urls.values())


def _event_sized(items: list[Discovered]) -> list[Discovered]:
    """The first of ``items`` that fit in one event: MAX_WATCHED_URLS, MAX_EVENT_CHARS."""
    kept, chars = [], 0
    for item in items[:MAX_WATCHED_URLS]:
        chars += len(item.url)
        if chars > MAX_EVENT_CHARS:
            break
        kept.append(item)
    return kept


def watched_step(
    dsn: str,
    base_url: str,
    run_key: str,
    urls: list[str],
    *,
    source: str,
    dag_run_id: str | None = None,
    changed: list[str] = (),
) -> list[str]:
    """Open the ingestion run of releases the watcher saw and return the URLs to fetch:
    those of ``urls`` (new releases) and ``changed`` (loaded releases whose feed item
    changed) that are releases of ``source`` (re-rooted on ``base_url``, at most
    :data:`MAX_WATCHED_URLS`), less the new ones loaded meanwhile. No discovery: nothing
    else is read."""
    wire, base_url = wires.get(source), base_url.rstrip("/")
    by_id: dict[str, str] = {}
    for url in [*changed, *urls]:
        release_id = wire.release_id(url)
        if release_id and len(by_id) < MAX_WATCHED_URLS:
            by_id.setdefault(release_id, same_site(base_url, url))
    again = {wire.release_id(url) for url in changed}
    with connect(dsn) as conn, conn.cursor() as cur:
        runs.open_run(cur, run_key, base_url, dag_run_id=dag_run_id)
        loaded = runs.known_among(cur, wire.name, list(by_id.keys() - again)) - again
        todo = [url for release_id, url in by_id.items() if release_id not in loaded]
        runs.set_discovered(cur, run_key, len(todo))
    return todo
