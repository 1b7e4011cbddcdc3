"""Where the platform may connect on a tenant's behalf, and what a URL a tenant saves must look like.

Egress policy. A tenant chooses where webhooks go (route URLs, account webhooks), so every outbound
connection made for a tenant is a request the tenant aims at whatever the server can reach. Only globally
routable addresses are allowed (`is_global` below: the IANA special-purpose registries, stricter than
`ipaddress.is_global` of any one Python version, and applied to the IPv4 address embedded in IPv4-mapped,
IPv4-compatible, 6to4 and NAT64 addresses), plus what the operator allows with `MPAAS_EGRESS_ALLOW`
(`EgressPolicy.parse`). The check is made after resolution, on every new connection, and the connection goes
to the address that was checked (core/http/client.py), so a name that answers differently to the check and
to the connection (DNS rebinding) cannot get through.

At save time (`http_url`, used by every URL field of the request schemas through `HttpUrl` below) the syntax is
checked, and a host that is an IP literal, or a name that is loopback by definition (`localhost`,
`*.localhost`, RFC 6761), is checked against the policy of the app serving the request (`SAVE_POLICY`, set
per request by the app's HTTP edge, `HttpEdge` in core/http/server.py). Other names are not resolved at save
time: a lookup in the request path costs a round trip to DNS the request waits on, may hang, lets a tenant probe
the server's resolver, and proves nothing (the answer can change before the first delivery); the per-connection
check is what holds.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import SplitResult, urlsplit

from pydantic import AfterValidator

from mpaas.core.wire import Optional, Required

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# IANA IPv4 Special-Purpose Address Registry: none of these is reachable on the public internet (192.0.0.9 and
# 192.0.0.10, anycast services inside 192.0.0.0/24, are refused with the rest of it).
_NOT_GLOBAL_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local (cloud metadata services live here)
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the broadcast address
    )
)
# IPv6: only global unicast (2000::/3) can be global, minus its special-purpose blocks. Addresses that embed an
# IPv4 address are judged by that address (`embedded_ipv4`).
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_NOT_GLOBAL_V6 = tuple(
    ipaddress.IPv6Network(n)
    for n in (
        "2001::/23",  # IETF protocol assignments, Teredo (2001::/32) included
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
    )
)
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

LOOPBACK = (ipaddress.IPv4Network("127.0.0.0/8"), ipaddress.IPv6Network("::1/128"))
PRIVATE = tuple(
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a packet to `ip` actually reaches: IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible
    (::a.b.c.d), 6to4 (2002:AABB:CCDD::/48) and NAT64 (64:ff9b::a.b.c.d)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _SIX_TO_FOUR:
        return ip.sixtofour
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_global(ip: IPAddress) -> bool:
    """Whether `ip` is a globally routable unicast address (and, for an address embedding an IPv4 address,
    whether that one is)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = embedded_ipv4(ip)
        if embedded is not None:
            return is_global(embedded)
        return ip in _GLOBAL_UNICAST and not any(ip in n for n in _NOT_GLOBAL_V6) and ip.is_global
    return not any(ip in n for n in _NOT_GLOBAL_V4) and ip.is_global


def parse_address(address: str) -> IPAddress:
    return ipaddress.ip_address(address)  # an IPv6 scope (fe80::1%eth0) is kept: it is link-local either way


class EgressRefused(Exception):
    """The destination is not allowed by the egress policy. The message names no resolved address: the
    attempt a tenant can read says only that the policy refused it."""


@dataclass(frozen=True)
class EgressPolicy:
    """Public addresses, and the networks the operator allowed besides (MPAAS_EGRESS_ALLOW)."""

    allowed: tuple[Network, ...] = ()
    spec: str = ""

    @classmethod
    def parse(cls, spec: str | None) -> EgressPolicy:
        """`loopback`, `private` and CIDRs (or single addresses), separated by commas or spaces; empty or
        `none` allows nothing beyond public addresses. Raises ValueError naming what it cannot read."""
        networks: list[Network] = []
        for token in re.split(r"[\s,]+", (spec or "").strip()):
            word = token.lower()
            if word in ("", "none"):
                continue
            if word == "loopback":
                networks.extend(LOOPBACK)
            elif word == "private":
                networks.extend(PRIVATE)
            else:
                try:
                    networks.append(ipaddress.ip_network(token, strict=False))
                except ValueError:
                    raise ValueError(
                        f"MPAAS_EGRESS_ALLOW: {token!r} is not 'loopback', 'private', 'none' or an address range "
                        "such as 10.1.0.0/16"
                    ) from None
        return cls(tuple(dict.fromkeys(networks)), (spec or "").strip())

    def permits(self, ip: IPAddress) -> bool:
        if is_global(ip):
            return True
        candidates: list[IPAddress] = [ip]
        if isinstance(ip, ipaddress.IPv6Address):
            embedded = embedded_ipv4(ip)
            if embedded is not None:
                candidates.append(embedded)
            if ip.scope_id:
                candidates.append(ipaddress.IPv6Address(int(ip)))  # fe80::1%eth0 matches fe80::/10
        return any(c in network for c in candidates for network in self.allowed if c.version == network.version)

    def check(self, addresses: list[str]) -> str:
        """The address to connect to: the first of `addresses` (one lookup's answers), all of which must be
        permitted (a name answering a public and a private address is refused). Raises EgressRefused."""
        if not addresses:
            raise EgressRefused("refused by the egress policy: the name has no address")
        for address in addresses:
            if not self.permits(parse_address(address)):
                raise EgressRefused(REFUSED)
        return addresses[0]


REFUSED = "refused by the egress policy: the destination is not a public address"
# Every address: for unit use of the HTTP client, and an operator's explicit `0.0.0.0/0, ::/0`.
ALLOW_ALL = EgressPolicy.parse("0.0.0.0/0, ::/0")

# The policy of the app serving the current request, for the save-time check (`http_url`). Unset outside a
# request (the SDK's models, unit use of the schemas): then only the syntax is checked.
SAVE_POLICY: ContextVar[EgressPolicy | None] = ContextVar("mpaas_save_policy", default=None)


# URL syntax.

MAX_URL_LENGTH = 2048
HTTP_SCHEMES = ("http", "https")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?")
_NUMERIC_LABEL = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)")
_LOOPBACK_NAMES = re.compile(r"(?:.+\.)?localhost\.?")


def _unsafe_character(value: str) -> str | None:
    for ch in value:
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp", "Zs"):
            return ch
    return None


def _host_address(host: str) -> IPAddress | None:
    """The address a URL's host names without a lookup: an IP literal, or loopback for `localhost`. Raises
    ValueError for a host that is not a valid name or address (including the numeric forms a resolver would
    read as an address, `127.1`, `2130706433`, `0x7f.1`: written so, they only hide one)."""
    if ":" in host:  # urlsplit took it out of [brackets]
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise ValueError("has an invalid host: not an IPv6 address") from None
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValueError("has an invalid host name") from None
    labels = ascii_host.rstrip(".").split(".")
    if len(ascii_host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise ValueError("has an invalid host name")
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        try:
            return ipaddress.IPv4Address(ascii_host.rstrip("."))
        except ValueError:
            raise ValueError("has an invalid host: write an IPv4 address as four decimal numbers") from None
    if _LOOPBACK_NAMES.fullmatch(ascii_host):
        return ipaddress.IPv4Address("127.0.0.1")
    return None


def parse_url(value: str, schemes: tuple[str, ...] = HTTP_SCHEMES) -> tuple[SplitResult, IPAddress | None]:
    """The parts of an absolute URL with one of `schemes`, a valid host and a port in 1..65535, and the
    address its host names without a lookup. Raises ValueError with a message that completes
    "The <Field> field ..."."""
    if len(value) > MAX_URL_LENGTH:
        raise ValueError(f"must be at most {MAX_URL_LENGTH} characters")
    bad = _unsafe_character(value)
    if bad is not None:
        raise ValueError(f"must not contain spaces or control characters (found U+{ord(bad):04X})")
    if "\\" in value:
        raise ValueError("must not contain backslashes")
    expected = " or ".join(f"{s}://" for s in schemes)
    try:
        parts = urlsplit(value)
    except ValueError:
        raise ValueError(f"must be an absolute {expected} URL with a valid host") from None
    if parts.scheme.lower() not in schemes or not value[len(parts.scheme) :].startswith("://"):
        raise ValueError(f"must be an absolute {expected} URL")
    if "@" in parts.netloc:
        raise ValueError("must not contain credentials (user:password@); use the authentication fields")
    if not parts.hostname:
        raise ValueError(f"must be an absolute {expected} URL with a host")
    _, colon, port = parts.netloc.rsplit("]", 1)[-1].rpartition(":")
    if colon and port and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise ValueError("has an invalid port (1 to 65535)")
    return parts, _host_address(parts.hostname)


def http_url(value: str | None) -> str | None:
    """An http(s) URL the platform will connect to: its syntax, and (inside a request) its host when it is an
    address or `localhost`, against the policy (`SAVE_POLICY`)."""
    if value is None:
        return None
    _parts, address = parse_url(value)
    policy = SAVE_POLICY.get()
    if address is not None and policy is not None and not policy.permits(address):
        raise ValueError(
            f"is refused: {address} is not a public address, and this server's egress policy does not allow it "
            "(MPAAS_EGRESS_ALLOW)"
        )
    return value


def any_uri(value: str | None, schemes: tuple[str, ...] = ("http", "https", "ws", "wss", "sip", "sips")) -> str | None:
    """An absolute URI the platform does not fetch over HTTP (a SIP trunk, a media stream): syntax only."""
    if value is None:
        return None
    parse_url(value, schemes)
    return value


# The URL types of the request schemas, the one place every URL field takes its rules from: an http(s) URL with
# a valid host and a port in 1..65535, no spaces, controls or credentials, and a host the egress policy allows
# when it is an address or `localhost` (refused when saved, 400 naming the field, rather than dropped at
# delivery). AnyUri: a URI the platform does not fetch over HTTP (a SIP trunk, a media stream), syntax only.
HttpUrl = Annotated[Optional, AfterValidator(http_url)]
RequiredHttpUrl = Annotated[Required, AfterValidator(http_url)]
AnyUri = Annotated[Optional, AfterValidator(any_uri)]
