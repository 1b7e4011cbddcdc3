"""A voice route compiled into what Kamailio is told: a Trunk route's usable trunks (checked against the egress
policy, ordered by priority and weight), a Forward route's numbers, an account's source-address whitelist; and the
process's cache of them, each kept with the version it was built from (voice/routing.py reads the versions on
every call, so a change takes effect at once)."""

from __future__ import annotations

import ipaddress
import logging
import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.core.egress import EgressPolicy, parse_url
from mpaas.core.phone import normalize_e164
from mpaas.routes.schemas import SRV_MAX
from mpaas.voice import routing_repository as repository

log = logging.getLogger("mpaas.voice.routing")

TRANSFEREE, TRANSFEROR, BOTH = "Transferee", "Transferor", "Transferee/Transferor"
DEFAULT_TRANSFER_CALLER_ID = BOTH
DEFAULT_WEIGHT = 1
# Entries per cache before it is emptied (a server has a few thousand routes; tests build many apps).
CACHE_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class Trunk:
    """One usable trunk of a route: where its branch goes, and how it is ordered."""

    scheme: str  # sip | sips (the Request-URI's)
    hostport: str  # the Request-URI's host[:port]
    dst_uri: str | None  # where the INVITE is sent when it differs from the Request-URI (TrunkIp with TrunkUri)
    transport: str  # udp | tcp | tls
    priority: int
    weight: int
    index: int  # 1 or 2

    def uri(self, user: str) -> str:
        return f"{self.scheme}:{user}@{self.hostport};transport={self.transport}"


@dataclass(frozen=True, slots=True)
class CompiledRoute:
    trunks: tuple[Trunk, ...]
    forward_numbers: tuple[str, ...]
    transfer_caller_id: str
    problems: tuple[str, ...]  # trunks left out, and why (logged once per route version)


@dataclass(frozen=True, slots=True)
class Whitelist:
    addresses: frozenset[ipaddress.IPv4Address | ipaddress.IPv6Address]
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]

    def admits(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return address in self.addresses or any(
            address in network for network in self.networks if network.version == address.version
        )


class RoutingCache:
    """The process's compiled routes and whitelists, each kept with the version it was built from."""

    def __init__(self, policy: EgressPolicy):
        self.policy = policy
        self.routes: dict[str, tuple[datetime, CompiledRoute]] = {}
        self.whitelists: dict[str, tuple[tuple[int, datetime | None], Whitelist]] = {}

    async def route(self, session: AsyncSession, route_id: str, version: datetime, kind: str) -> CompiledRoute:
        """`kind`: the route's RouteType, lower case (a change of it is a change of `version` too)."""
        cached = self.routes.get(route_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        attributes = await repository.route_attributes(session, route_id) or {}
        compiled = compile_route(attributes, self.policy, forward=kind == "forward")
        if compiled.problems:  # once per route version: the operator sees why a trunk is never tried
            log.warning("voice route %s: trunks left out: %s", route_id, "; ".join(compiled.problems))
        if len(self.routes) >= CACHE_LIMIT:
            self.routes.clear()
        self.routes[route_id] = (version, compiled)
        return compiled

    async def whitelist(
        self, session: AsyncSession, account_id: str, version: tuple[int, datetime | None] | None = None
    ) -> Whitelist:
        """`version`: the account's routes' (count, latest updated_at) when the caller read it already."""
        if version is None:
            version = await repository.account_routes_version(session, account_id)
        cached = self.whitelists.get(account_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        routes = await repository.account_routes(session, account_id)
        whitelist = compile_whitelist(attributes for enabled, attributes in routes if enabled)
        if len(self.whitelists) >= CACHE_LIMIT:
            self.whitelists.clear()
        self.whitelists[account_id] = (version, whitelist)
        return whitelist


def _host(value: str, policy: EgressPolicy) -> tuple[str | None, str | None]:
    """(host as written in a SIP URI, None) for a valid host name or address the egress policy allows, else
    (None, why). Checked because the value goes into Kamailio's Request-URI as it is."""
    host = value.strip()
    bracketed = f"[{host}]" if ":" in host and not host.startswith("[") else host
    try:
        _parts, address = parse_url(f"sip://{bracketed}", ("sip",))
    except ValueError as error:
        return None, f"{value!r} {error}"
    if address is not None and not policy.permits(address):
        return None, f"{value} is refused by the egress policy (MPAAS_EGRESS_ALLOW)"
    return bracketed, None


def _trunk(attributes: dict[str, Any], n: int, policy: EgressPolicy) -> tuple[Trunk | None, str | None]:
    ip, uri = attributes.get(f"TrunkIp{n}"), attributes.get(f"TrunkUri{n}")
    if not ip and not uri:
        return None, None
    if attributes.get(f"TrunkEnabled{n}") is False:
        return None, None
    parts = urlsplit(uri) if uri else None
    scheme = "sips" if parts is not None and parts.scheme.lower() == "sips" else "sip"
    transport = (attributes.get(f"TrunkTransport{n}") or ("TLS" if scheme == "sips" else "UDP")).lower()
    default_port = 5061 if transport == "tls" else 5060
    port = attributes.get(f"TrunkPort{n}")
    uri_host = None
    if parts is not None and parts.hostname:
        uri_host, problem = _host(parts.hostname, policy)
        if uri_host is None:
            return None, f"TrunkUri{n}: {problem}"
    if ip:
        ip_host, problem = _host(ip, policy)
        if ip_host is None:
            return None, f"TrunkIp{n}: {problem}"
        dst_port = port or default_port
        if uri_host is not None:  # the URI names the trunk (Request-URI), the address is where it is sent
            uri_port = parts.port if parts is not None else None
            hostport = f"{uri_host}:{uri_port}" if uri_port else uri_host
            dst_uri: str | None = f"sip:{ip_host}:{dst_port};transport={transport}"
        else:
            hostport, dst_uri = f"{ip_host}:{dst_port}", None
    else:
        assert uri_host is not None and parts is not None
        hostport, dst_uri = f"{uri_host}:{port or parts.port or default_port}", None
    priority = attributes.get(f"Trunk{n}Priortiy")
    weight = attributes.get(f"Trunk{n}Weight")
    return (
        Trunk(
            scheme=scheme,
            hostport=hostport,
            dst_uri=dst_uri,
            transport=transport,
            # Unset priorities come after every set one, trunk 1 before trunk 2 (the contract's failover pair).
            priority=priority if isinstance(priority, int) else SRV_MAX + n,
            weight=weight if isinstance(weight, int) else DEFAULT_WEIGHT,
            index=n,
        ),
        None,
    )


def compile_route(attributes: dict[str, Any], policy: EgressPolicy, *, forward: bool = False) -> CompiledRoute:
    """A Trunk route's usable trunks, or (`forward`) a Forward route's destination numbers: TrunkIp1 (then
    TrunkIp2) holding an E.164 number (the contract has no field of its own for it; docs/compatibility.md)."""
    trunks: list[Trunk] = []
    problems: list[str] = []
    numbers: list[str] = []
    for n in (1, 2):
        if forward:
            target = attributes.get(f"TrunkIp{n}")
            number = normalize_e164(str(target)) if target else None
            if number is not None and attributes.get(f"TrunkEnabled{n}") is not False:
                numbers.append(number)
            continue
        trunk, problem = _trunk(attributes, n, policy)
        if trunk is not None:
            trunks.append(trunk)
        if problem:
            problems.append(problem)
    transfer = attributes.get("TransferCallerId") or DEFAULT_TRANSFER_CALLER_ID
    return CompiledRoute(tuple(trunks), tuple(numbers), transfer, tuple(problems))


def compile_whitelist(routes_attributes: Any) -> Whitelist:
    addresses: set[ipaddress.IPv4Address | ipaddress.IPv6Address] = set()
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for attributes in routes_attributes:
        for entry in attributes.get("IpWhitelist") or ():
            raw = entry.get("IpAddress") if isinstance(entry, dict) else None
            try:
                network = ipaddress.ip_network(str(raw).strip(), strict=False)
            except ValueError:
                continue  # not an address: admits nothing
            if network.num_addresses == 1:
                addresses.add(network.network_address)
            else:
                networks.append(network)
    return Whitelist(frozenset(addresses), tuple(networks))


def serial_order(trunks: tuple[Trunk, ...], rng: random.Random | None = None) -> list[Trunk]:
    """Lower priority first; within one priority, a weighted random order (RFC 2782's: each next one picked with
    a chance of its weight over the group's remaining weights). Weight 0 trunks come after the weighted ones of
    their priority, in random order among themselves."""
    pick = rng or random
    ordered: list[Trunk] = []
    for priority in sorted({t.priority for t in trunks}):
        group = sorted((t for t in trunks if t.priority == priority), key=lambda t: t.index)
        weighted = [t for t in group if t.weight > 0]
        while weighted:
            point = pick.randint(1, sum(t.weight for t in weighted))
            running = 0
            for i, trunk in enumerate(weighted):
                running += trunk.weight
                if running >= point:
                    ordered.append(weighted.pop(i))
                    break
        unweighted = [t for t in group if t.weight <= 0]
        pick.shuffle(unweighted)
        ordered.extend(unweighted)
    return ordered
