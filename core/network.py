"""Which network addresses the crawler may reach: public ones only, whatever form they are written in.

Feeds, sitemaps, pages and redirects are written by others: a link to http://169.254.169.254/ (cloud
metadata) or http://localhost:6379/ must not turn the crawler against our own network. The crawl's
downloader middleware (crawlers/middlewares.py) and `newsdesk extract` (every redirect hop) both
judge addresses here.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from core.errors import UserError

ALLOWED_SCHEMES = ("http", "https")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 well-known prefix: the IPv4 address is the last 32 bits


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address stands for, where it is one of the forms that carry one:
    IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d), 6to4
    (2002:AABB:CCDD::) and Teredo (2001:0::/32, its server and its client). A packet to any of them
    reaches that IPv4 address, so that is the address to judge."""
    found = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip in _NAT64 or (int(ip) >> 32 == 0 and int(ip) > 1):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return found


def address_is_public(address: str) -> bool:
    """False for loopback, private, link-local (cloud metadata), shared, reserved and multicast, and
    for IPv6 addresses that embed such an IPv4 address."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = embedded_ipv4(ip)
        if embedded:
            return all(v4.is_global and not v4.is_multicast for v4 in embedded)
    return ip.is_global and not ip.is_multicast


def literal_ip(host: str) -> str | None:
    """The address a host names by itself ("127.0.0.1", "[::1]"), or None for a name."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def check_public_url(url: str) -> None:
    """Raise a one-line UserError unless ``url`` is http(s) and every address its host resolves to
    is public (resolved here, with the system resolver, as urllib will connect)."""
    parts = urlsplit(url)
    if parts.scheme not in ALLOWED_SCHEMES:
        raise UserError(f"{url}: scheme {parts.scheme!r} is not http(s)")
    host = parts.hostname or ""
    addresses = [literal_ip(host)] if literal_ip(host) else None
    if addresses is None:
        try:
            addresses = sorted({info[4][0] for info in socket.getaddrinfo(host, parts.port or None)})
        except (OSError, UnicodeError):
            raise UserError(f"cannot resolve {host}") from None
    for address in addresses:
        if not address_is_public(address.split("%", 1)[0]):
            raise UserError(f"{url} resolves to a private address ({address}); "
                            "set NEWSDESK_ALLOW_PRIVATE_NETWORKS=1 to allow it")
