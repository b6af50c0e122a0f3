"""Where newswire finds its warehouse, its source site and its own files.

Configuration comes from the environment (or, inside Airflow, from the connection
``newswire_warehouse`` and the Variable ``prnewswire_base_url``); nothing secret is kept in code.
"""

from __future__ import annotations

import os
from pathlib import Path

from newswire import __version__

DEFAULT_BASE_URL = "https://www.prnewswire.com"
AIRFLOW_CONN_ID = "newswire_warehouse"
AIRFLOW_BASE_URL_VARIABLE = "prnewswire_base_url"
DEFAULT_FEEDS = ("/rss/news-releases-list.rss",)

# The project checkout: plugins/newswire/settings.py -> plugins/newswire -> plugins -> root.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def base_url(explicit: str | None = None) -> str:
    """The source site: ``--base-url``, else ``PRNEWSWIRE_BASE_URL``, else the real site."""
    url = explicit or os.environ.get("PRNEWSWIRE_BASE_URL") or DEFAULT_BASE_URL
    return url.rstrip("/")


def home() -> Path:
    """The private state folder (embedded PostgreSQL, Airflow home for the demo).

    ``NEWSWIRE_HOME`` wins; otherwise ``.newswire/`` in the project checkout, so every
    command run from anywhere in a checkout shares one embedded server.
    """
    return Path(os.environ.get("NEWSWIRE_HOME") or PROJECT_ROOT / ".newswire").resolve()


def sql_dir() -> Path:
    """The migrations and report queries (``sql/`` in the checkout, mounted in compose)."""
    return Path(os.environ.get("NEWSWIRE_SQL_DIR") or PROJECT_ROOT / "sql")


def user_agent() -> str:
    """An honest User-Agent: who we are and how to reach the operator.

    Set ``NEWSWIRE_CONTACT`` (an e-mail or URL) so a site owner can reach the team running it.
    """
    contact = os.environ.get("NEWSWIRE_CONTACT") or "https://github.com/newswire/newswire"
    return f"newswire/{__version__} (+{contact}; press-release archiver)"


def feeds() -> tuple[str, ...]:
    """Feed paths polled by discovery: ``NEWSWIRE_FEEDS`` (comma-separated paths under the
    base URL, e.g. category feeds), else the main release feed."""
    value = os.environ.get("NEWSWIRE_FEEDS", "")
    paths = tuple(p.strip() for p in value.split(",") if p.strip())
    return paths or DEFAULT_FEEDS


def max_failed_share() -> float:
    """The share of pages that may fail before a run counts as failed (default 0.2)."""
    return float(os.environ.get("NEWSWIRE_MAX_FAILED_SHARE") or 0.2)
