"""Where the HTTP client may go: the configured source site and its wire's own hosts, on
public addresses only.

A link in a feed, a listing or a redirect can name any host. Only hosts on the allow-list
of the source's wire are ever requested, and a host that resolves to a private, loopback,
link-local or otherwise non-public address is refused (server-side request forgery). The
one exception is the configured base URL itself when it is on loopback (:func:`is_loopback`):
the bundled sample site lives there because the operator said so.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

# The hosts each wire publishes on (release pages, feeds, listing pages).
WIRE_HOSTS = {
    "prnewswire": ("www.prnewswire.com", "prnewswire.com"),
    "newswireca": ("www.newswire.ca", "newswire.ca"),
    "globenewswire": ("www.globenewswire.com", "globenewswire.com"),
}


class HostNotAllowed(ValueError):
    """``reason`` is ``host_not_allowed``, ``private_address`` or ``bad_scheme``."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class AllowList:
    def __init__(self, base_url: str, extra_hosts: tuple[str, ...] = ()):
        base = urlsplit(base_url)
        self.base_host = (base.hostname or "").lower()
        self.base_origin = (base.scheme, self.base_host, _port(base))
        hosts = {self.base_host, *extra_hosts}
        for wire_hosts in WIRE_HOSTS.values():
            if self.base_host in wire_hosts:
                hosts.update(wire_hosts)
        self.hosts = frozenset(h.lower() for h in hosts)

    def check(self, url: str) -> None:
        """Raise :class:`HostNotAllowed` unless ``url`` may be requested."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise HostNotAllowed("bad_scheme", url)
        host = (parts.hostname or "").lower()
        if host not in self.hosts:
            raise HostNotAllowed(
                "host_not_allowed", f"{host} is not on the allow-list {sorted(self.hosts)}"
            )
        if host == self.base_host and is_loopback(url):
            if (parts.scheme, host, _port(parts)) != self.base_origin:  # another local service
                raise HostNotAllowed(
                    "host_not_allowed", f"{parts.netloc} is not the configured site"
                )
            return  # the operator's own choice, e.g. the sample site on 127.0.0.1
        for address in _addresses(host, _port(parts)):
            if not address.is_global:
                raise HostNotAllowed("private_address", f"{host} resolves to {address}")


def _port(parts) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def is_loopback(url: str) -> bool:
    """Whether ``url`` is on this machine (``localhost`` or a loopback address), like the
    bundled sample site: as the base URL it is allowed, and the client does not rate-limit it."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        return []  # the request itself will fail with a connection error
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
