"""Where newswire finds its warehouse, its source site and its own files.

Configuration comes from the environment (or, inside Airflow, from the connection
``newswire_warehouse`` and the Variables ``<source>_base_url``); nothing secret is kept in code.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from newswire import __version__, wires

AIRFLOW_CONN_ID = "newswire_warehouse"


def base_url(explicit: str | None, source: str) -> str:
    """A source's site: ``--base-url`` (or the Airflow Variable), else the environment
    variable its declaration names (``PRNEWSWIRE_BASE_URL``, ``GLOBENEWSWIRE_BASE_URL`` ...),
    else the real site."""
    wire = wires.get(source)
    url = explicit or os.environ.get(wire.base_url_env) or wire.base_url
    return url.rstrip("/")


def home() -> Path:
    """The private state folder of the development tools (the embedded PostgreSQL, the
    demo's Airflow home): ``NEWSWIRE_HOME``, else ``.newswire/`` of the checkout the
    current folder is in (the one the make targets use), else ``$XDG_DATA_HOME/newswire``
    (``~/.local/share/newswire``)."""
    if os.environ.get("NEWSWIRE_HOME"):
        return Path(os.environ["NEWSWIRE_HOME"]).resolve()
    checkout = checkout_root(Path.cwd())
    if checkout is not None:
        return checkout / ".newswire"
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return (Path(data_home) / "newswire").resolve()


def checkout_root(start: Path) -> Path | None:
    """The newswire checkout ``start`` is in, found the way git finds ``.git``: the nearest
    folder, ``start`` or above, whose ``pyproject.toml`` declares the project ``newswire``
    (the sample site's own pyproject, a distribution of its own, is passed over)."""
    for folder in (start.resolve(), *start.resolve().parents):
        try:
            with open(folder / "pyproject.toml", "rb") as handle:
                name = tomllib.load(handle).get("project", {}).get("name")
        except (OSError, tomllib.TOMLDecodeError):
            continue
        if name == "newswire":
            return folder
    return None


def user_agent() -> str:
    """An honest User-Agent: who we are and how to reach the operator.

    Set ``NEWSWIRE_CONTACT`` (an e-mail or URL) so a site owner can reach the team running it.
    """
    contact = os.environ.get("NEWSWIRE_CONTACT") or "https://github.com/newswire/newswire"
    return f"newswire/{__version__} (+{contact}; press-release archiver)"


def feeds(source: str) -> tuple[str, ...]:
    """Feed paths polled by discovery: the first set of the environment variables the
    source's declaration names (``NEWSWIRE_<SOURCE>_FEEDS``, for PR Newswire also
    ``NEWSWIRE_FEEDS``: comma-separated paths under the base URL, e.g. category feeds such
    as ``/rss/food-and-beverages-industry-news.rss``), else the feeds it declares."""
    wire = wires.get(source)
    for name in wire.feeds_env:
        paths = tuple(p.strip() for p in os.environ.get(name, "").split(",") if p.strip())
        if paths:
            return paths
    return wire.feeds


def max_failed_share() -> float:
    """The share of pages that may fail before a run counts as failed (default 0.2)."""
    return float(os.environ.get("NEWSWIRE_MAX_FAILED_SHARE") or 0.2)


def drift_share() -> float:
    """The share of a run's parsed pages that may need a fallback layer for a field the
    wire's rules normally give before the run reports template drift
    (``NEWSWIRE_DRIFT_SHARE``, default 0.2)."""
    return float(os.environ.get("NEWSWIRE_DRIFT_SHARE") or 0.2)


def request_deadline() -> float:
    """Seconds one HTTP request may take from connect to the last byte of the body
    (``NEWSWIRE_REQUEST_DEADLINE``, default 60): a trickling server holds a worker no longer."""
    return float(os.environ.get("NEWSWIRE_REQUEST_DEADLINE") or 60)


def loopback_webhooks() -> bool:
    """Whether a webhook may be on this machine (``NEWSWIRE_LOOPBACK_WEBHOOKS=1``, as ``make
    up`` sets for its stand-in receiver). Off by default: a webhook URL, like any link, must
    not reach the services behind the firewall, this machine's included."""
    return os.environ.get("NEWSWIRE_LOOPBACK_WEBHOOKS", "").strip().lower() in ("1", "true", "yes")


def max_retry_after() -> float:
    """The longest ``Retry-After`` wait obeyed (``NEWSWIRE_MAX_RETRY_AFTER``, default 120 s);
    a page asking for more is a reject, retried by the next run."""
    return float(os.environ.get("NEWSWIRE_MAX_RETRY_AFTER") or 120)


def watch_interval() -> float:
    """Seconds between two feed requests of the feed watcher, per source (default 30; a real
    site is never polled more often than every 30 s: see ``newswire.pipeline.watching``)."""
    return float(os.environ.get("NEWSWIRE_WATCH_INTERVAL") or 30)
