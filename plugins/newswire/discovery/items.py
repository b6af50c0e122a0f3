"""What discovery finds (a release URL, its id, maybe its time) and the URL rules it uses."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit


@dataclass(frozen=True)
class Discovered:
    url: str
    release_id: str
    source: str  # the source's name, the wire of the release in the warehouse
    published: datetime | None = None  # aware UTC, from the feed or the listing card; None: unknown
    seen_in: str | None = None  # the feed, listing page or sitemap that listed it
    seen_at: datetime | None = None  # when that was read
    # What the feed item ("feed") or listing card ("card") said of it, as a fingerprint
    # (:func:`fingerprint`): when it changes for a loaded release, the release is fetched again.
    listed_as: tuple[str, str] | None = None


def fingerprint(kind: str, title: str, link: str, published: datetime | None, guid: str = ""):
    """``(kind, hash)`` of what a feed item or listing card says of a release: its title
    (whitespace folded), link, time and guid. A correction changes one of them; the site
    they are read on does not (the link's path and the guid's count, not their host)."""
    when = published.isoformat() if published else ""
    paths = (urlsplit(link).path, urlsplit(guid).path if "://" in guid else guid)
    said = "\n".join((" ".join(title.split()), *paths, when))
    return kind, hashlib.sha256(said.encode("utf-8")).hexdigest()[:32]


def seen(items: list[Discovered], where: str) -> list[Discovered]:
    """``items``, marked as listed by ``where`` now (their sighting, see
    ``newswire.release_sightings``)."""
    now = datetime.now(UTC)
    return [replace(item, seen_in=where, seen_at=now) for item in items]


@dataclass
class Validators:
    """ETag / Last-Modified per feed URL, read before discovery and saved after it."""

    by_url: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def request_headers(self, url: str) -> dict:
        etag, last_modified = self.by_url.get(url, (None, None))
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return headers


def same_site(base_url: str, url: str) -> str:
    """Resolve ``url`` on the configured site: links never take us to another host."""
    return base_url + urlsplit(urljoin(base_url + "/", url)).path
