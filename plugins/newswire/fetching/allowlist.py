"""Where the HTTP client may go: the configured source site and its wire's own hosts, on
public addresses and web ports only.

A link in a feed, a listing or a redirect can name any host. Only hosts on the allow-list
of the source's wire are ever requested, and a host that resolves to a private, loopback,
link-local or otherwise non-public address is refused (server-side request forgery). The
one exception is the configured base URL itself when it is on loopback (:func:`is_loopback`):
the bundled sample site lives there because the operator said so.

The same policy holds for every outgoing connection: a webhook's allow-list is its own host
(:func:`for_receiver`), on a public address, and on loopback only when the operator opted in.

URLs are read with urllib3's own parser, the one that decides where a request connects,
and a URL that parsers read differently (a backslash, userinfo, whitespace, control
characters) is refused outright. :meth:`AllowList.check` resolves the host once and
returns the checked :class:`Target`; the client connects to that very address, so a DNS
answer that changes in between (rebinding) cannot redirect the connection.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass

from urllib3.exceptions import LocationParseError
from urllib3.util import Url, parse_url

from newswire import settings, wires

WEB_PORTS = frozenset({80, 443})
# Characters that parsers disagree on: a backslash is a path separator to browsers and
# to urllib3 but not to urllib.parse; whitespace and control characters get stripped or
# kept depending on the parser.
_AMBIGUOUS = re.compile(r"[\\\s\x00-\x1f\x7f]")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the IPv4 address in the low bits
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: local use only

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class HostNotAllowed(ValueError):
    """``reason`` is ``bad_url``, ``bad_scheme``, ``host_not_allowed``, ``port_not_allowed``,
    ``dns_failure`` or ``private_address``."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Target:
    """A checked URL's endpoint: connect to ``address``, speak HTTP (and TLS) as ``host``."""

    host: str  # lowercase, IPv6 without brackets: as urllib3's connection names it
    port: int
    address: Address


class AllowList:
    def __init__(self, base_url: str, extra_hosts: tuple[str, ...] = (), *, loopback=True):
        """``loopback``: whether ``base_url`` may be on this machine (then its origin only)."""
        base = parse(base_url)
        self.loopback = loopback
        self.base_host = _host(base)
        self.base_origin = (base.scheme, self.base_host, _port(base))
        self.ports = WEB_PORTS | {_port(base)}
        hosts = {self.base_host, *extra_hosts}
        for wire in wires.all():
            if self.base_host in wire.hosts:
                hosts.update(wire.hosts)
        self.hosts = frozenset(h.lower() for h in hosts)

    def check(self, url: str) -> Target:
        """The :class:`Target` to connect to for ``url``; raise :class:`HostNotAllowed`
        unless ``url`` may be requested."""
        parts = parse(url)
        host, port = _host(parts), _port(parts)
        if host not in self.hosts:
            raise HostNotAllowed(
                "host_not_allowed", f"{host} is not on the allow-list {sorted(self.hosts)}"
            )
        if host == self.base_host and self.loopback and is_loopback(url):
            if (parts.scheme, host, port) != self.base_origin:  # another local service
                raise HostNotAllowed(
                    "host_not_allowed", f"{parts.netloc} is not the configured site"
                )
            # the operator's own choice, e.g. the sample site on 127.0.0.1
            return Target(host, port, _resolve(host, port)[0])
        addresses = _resolve(host, port)
        for address in addresses:
            if not is_public(address):
                raise HostNotAllowed("private_address", f"{host} resolves to {address}")
        if port not in self.ports:
            raise HostNotAllowed("port_not_allowed", f"port {port} of {host}")
        return Target(host, port, addresses[0])


def for_receiver(url: str) -> AllowList:
    """The allow-list of a receiver the operator configured (a webhook): its own host on a
    public address and a web port (or the port it names), on this machine only with
    ``NEWSWIRE_LOOPBACK_WEBHOOKS=1``."""
    return AllowList(url, loopback=settings.loopback_webhooks())


def parse(url: str) -> Url:
    """``url`` as urllib3 reads it; raise :class:`HostNotAllowed` for a URL that is not a
    plain http(s) URL every parser reads the same way."""
    if _AMBIGUOUS.search(url):
        raise HostNotAllowed("bad_url", f"backslash, whitespace or control character: {url!r}")
    try:
        parts = parse_url(url)
    except LocationParseError as exc:
        raise HostNotAllowed("bad_url", str(exc)) from None
    if parts.scheme not in ("http", "https"):
        raise HostNotAllowed("bad_scheme", url)
    if parts.auth is not None or "@" in (parts.netloc or ""):
        raise HostNotAllowed("bad_url", f"userinfo in {url!r}")
    if not parts.host:
        raise HostNotAllowed("bad_url", f"no host in {url!r}")
    return parts


def is_public(address: Address) -> bool:
    """Globally reachable, and so is any IPv4 address it wraps (IPv4-mapped, IPv4-compatible,
    NAT64, 6to4, Teredo): ``64:ff9b::7f00:1`` is loopback in disguise."""
    if address.version == 6 and address in _NAT64_LOCAL:
        return False
    return address.is_global and all(inner.is_global for inner in _embedded_ipv4(address))


def _embedded_ipv4(address: Address) -> list[ipaddress.IPv4Address]:
    if address.version == 4:
        return []
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    inner = [
        address.ipv4_mapped,
        address.sixtofour,
        *(address.teredo or ()),
        low32 if address in _NAT64 or int(address) >> 32 == 0 else None,  # NAT64, ::a.b.c.d
    ]
    return [a for a in inner if a is not None]


def _host(parts: Url) -> str:
    return parts.host.lower().strip("[]")


def _port(parts: Url) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def is_loopback(url: str) -> bool:
    """Whether ``url`` is on this machine (``localhost`` or a loopback address), like the
    bundled sample site: as the base URL it is allowed, and the client does not rate-limit it."""
    host = _host(parse(url))
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _resolve(host: str, port: int) -> list[Address]:
    """Every address of ``host``; a lookup that fails refuses the URL (fail closed)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise HostNotAllowed("dns_failure", f"{host}: {exc}") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise HostNotAllowed("dns_failure", f"{host}: no address")
    return addresses
