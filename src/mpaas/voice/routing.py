"""The routing decision of one call (POST /sip/v1/route): which branches Kamailio tries, or the SIP rejection.

Rules (docs/voice.md, "Routing decision"; the interface is /work/notes/voice-protocol.md):

- **Inbound**: the called number (the Request-URI's user part) is one of ours. It must be `Active` (else 480),
  `VoiceEnabled` with `ProductType` `Sms+Data+Voice` (else 403), have a `VoiceRouteId` whose route is enabled
  (else 403). A `Trunk` route gives its trunks as serial branches (lower `Trunk<n>Priortiy` first; the same
  priority ordered by `Trunk<n>Weight`, RFC 2782's weighted pick); a `Forward` route sends the call to the
  carrier trunk (MPAAS_SIP_CARRIER_URI) with the forward number, the caller id per `TransferCallerId`; a `URL`
  route is not built yet (501).
- A number of the inventory no account holds: 404.
- **Outbound**: the called number is not ours (or was ported away). The caller id (From) must be an `Active` number of an account
  whose enabled voice routes list the source address in `IpWhitelist`; then the call goes to the carrier trunk.
  Otherwise 403 (`Caller ID Not Owned`, or `Source Not Allowed` when the number's account does not list the
  source).

Every decision makes the call record (voice.calls.start_call): a rejection as a final, rejected record.

Speed: a decision is one indexed read in the usual case (routing_repository.decision_inputs: the number, its
route's version, and whether a Pause, a call filter or a workgroup could act on the call; only those that could
run their own reads), then the call record's insert. What is costly to rebuild per call, a route's branches and an
account's whitelist, is cached in the process by version (voice/compiled_routes.py): a route by its `updated_at` (which every change of a
route sets), an account's whitelist by the count and latest `updated_at` of its routes. The number's columns are
read on every call, so a status change, a product change or a new `VoiceRouteId` takes effect at once.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.billing import engine
from mpaas.config import Settings
from mpaas.core.db.database import Database
from mpaas.core.db.group_commit import GroupCommit
from mpaas.core.jobs.queue import jobs_written
from mpaas.core.phone import normalize_e164
from mpaas.guardian import call_screening
from mpaas.models.numbers import ACTIVE
from mpaas.numbers.porting.service import PORTED
from mpaas.numbers.schemas import VOICE_PRODUCT
from mpaas.voice import admission, calls, url_routing, voice_callbacks, workgroup_routing
from mpaas.voice import routing_repository as repository
from mpaas.voice.calls import INBOUND, OUTBOUND, start_call
from mpaas.voice.compiled_routes import TRANSFEREE, TRANSFEROR, CompiledRoute, RoutingCache, serial_order
from mpaas.voice.reject import Reject
from mpaas.voice.routing_schemas import RouteRequest

log = logging.getLogger("mpaas.voice.routing")

# A trunk that sends no provisional reply within this many ms counts as failed: Kamailio tries the next branch.
TRUNK_FR_TIMER_MS = 5000
# Kamailio's rtjson document version.
RTJSON_VERSION = "1.0"
# Header added to a customer trunk's INVITE: the call record's id, as in the Call_* webhooks.
CALL_ID_HEADER = "X-Mpaas-Call-Id"
# Marks a branch to a customer trunk among others (a workgroup member's trunk): it gets CALL_ID_HEADER too. Popped
# before the answer is sent.
CUSTOMER_TRUNK = "customer_trunk"


# --- the decision ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _carrier(uri: str) -> tuple[str, str, str]:
    """(scheme, host[:port], ;params) of MPAAS_SIP_CARRIER_URI (sip:10.0.0.9:5060;transport=tcp)."""
    scheme, _, rest = uri.strip().partition(":")
    rest = rest.removeprefix("//")
    hostport, semicolon, params = rest.partition(";")
    hostport = hostport.rpartition("@")[2]
    return (scheme.lower() if scheme.lower() in ("sip", "sips") else "sip"), hostport, semicolon + params


def _carrier_uri(settings: Settings, user: str) -> str:
    if not settings.sip_carrier_uri:
        raise Reject(503, "No Carrier Trunk")
    scheme, hostport, params = _carrier(settings.sip_carrier_uri)
    return f"{scheme}:{user}@{hostport}{params}"


def _own_host(settings: Settings) -> str:
    """The host of the From/Diversion URIs that name one of our numbers: where Kamailio listens."""
    if settings.sip_listen:
        return settings.sip_listen.split(":", 1)[1].rpartition(":")[0]
    return "localhost"


def _source_address(raw: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address((raw or "").strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


# Decision inputs not read yet (None is a number not found).
_UNREAD: Any = object()


@dataclass(slots=True)
class Decision:
    direction: str
    account_id: str | None = None
    number_id: str | None = None
    routes: list[dict[str, Any]] | None = None
    hunt: bool = False  # a workgroup's members: a busy or declining member passes the call to the next one
    routing: str = "serial"  # rtjson's: serial (one branch after another) | parallel (all at once)
    reject: Reject | None = None
    customer_trunk: bool = False  # branches to the account's own trunks (they get the call record's id header)
    route_id: str | None = None  # the number's voice route: the record keeps it (its CallbackVoiceUrl)


async def _inbound(
    session: AsyncSession,
    cache: RoutingCache,
    settings: Settings,
    number: str,
    inputs: Any,
    body: RouteRequest,
    decision: Decision,
    now: datetime,
) -> None:
    status, voice_enabled, product_type = inputs.status, inputs.voice_enabled, inputs.product_type
    route_id, route_type, route_enabled, version = (
        inputs.voice_route_id,
        inputs.route_type,
        inputs.route_enabled,
        inputs.updated_at,
    )
    if status != ACTIVE:
        raise Reject(480, "Number Not Active")
    if not voice_enabled or (product_type or "").lower() != VOICE_PRODUCT.lower():
        raise Reject(403, "Voice Not Enabled")
    if route_id is None or route_type is None:
        raise Reject(403, "No Voice Route")
    if not route_enabled:
        raise Reject(403, "Route Disabled")
    account_id, number_id = inputs.account_id, inputs.id
    # Each check runs only where the decision's one read found it could act (routing_repository.decision_inputs).
    if inputs.maybe_paused:
        await admission.admit(session, account_id=account_id, number_id=number_id, direction=INBOUND, now=now)
    caller = normalize_e164(body.from_ or "") or (body.from_ or "")
    if inputs.maybe_screened:
        await call_screening.screen(
            session,
            account_id=account_id,
            number_id=number_id,
            direction=INBOUND,
            own_number=number,
            other_number=caller,
            now=now,
        )
    workgroup = None
    if inputs.maybe_workgroup:
        workgroup = await workgroup_routing.route(
            session, settings, account_id=account_id, number_id=number_id, number=number, caller=caller, now=now
        )
    if workgroup is not None:
        decision.routing, decision.routes = workgroup
        decision.hunt = True
        return
    kind = route_type.lower()
    if kind == "url":
        decision.routing, decision.routes = await url_routing.route(
            session,
            settings,
            route_id=route_id,
            account_id=account_id,
            number_id=number_id,
            number=number,
            caller=caller,
            sip_call_id=body.call_id,
            now=now,
        )
        return
    route = await cache.route(session, route_id, version, kind)
    if kind == "forward":
        decision.routes = _forward_branches(settings, route, number)
    else:
        decision.routes, decision.customer_trunk = _trunk_branches(route, number), True


def _trunk_branches(route: CompiledRoute, number: str) -> list[dict[str, Any]]:
    if not route.trunks:
        raise Reject(480, "No Usable Trunk")
    branches = []
    for trunk in serial_order(route.trunks):
        branch: dict[str, Any] = {"uri": trunk.uri(number), "fr_timer": TRUNK_FR_TIMER_MS}
        if trunk.dst_uri:
            branch["dst_uri"] = trunk.dst_uri
        branches.append(branch)
    return branches


def _forward_branches(settings: Settings, route: CompiledRoute, number: str) -> list[dict[str, Any]]:
    """The carrier trunk with each forward number. Caller id (`TransferCallerId`): `Transferee` presents the
    original caller; `Transferor` presents our number (the one that forwards); `Transferee/Transferor` (also when
    unset) presents the caller and names our number in a Diversion header (RFC 5806), as carriers expect of a
    forwarded call."""
    if not route.forward_numbers:
        raise Reject(480, "No Forward Number")
    own = f"sip:{number}@{_own_host(settings)}"
    branches = []
    for target in route.forward_numbers:
        branch: dict[str, Any] = {"uri": _carrier_uri(settings, target), "fr_timer": TRUNK_FR_TIMER_MS}
        if route.transfer_caller_id == TRANSFEROR:
            branch["headers"] = {"from": {"uri": own}}
        elif route.transfer_caller_id != TRANSFEREE:
            branch["headers"] = {"extra": f"Diversion: <{own}>;reason=unconditional\r\n"}
        branches.append(branch)
    return branches


async def _outbound(
    session: AsyncSession,
    cache: RoutingCache,
    settings: Settings,
    body: RouteRequest,
    decision: Decision,
    now: datetime,
    owner: Any = _UNREAD,
) -> None:
    caller = normalize_e164(body.from_ or "")
    if owner is _UNREAD:
        owner = (
            await repository.decision_inputs(session, caller, engine.period_of(now), outbound=True) if caller else None
        )
    if caller is None or owner is None or owner.id is None or owner.status != ACTIVE:
        raise Reject(403, "Caller ID Not Owned")
    source = _source_address(body.source_ip)
    version = (int(owner.routes_count), owner.routes_latest)
    if source is None or not (await cache.whitelist(session, owner.account_id, version)).admits(source):
        raise Reject(403, "Source Not Allowed")
    decision.account_id, decision.number_id, decision.route_id = owner.account_id, owner.id, owner.voice_route_id
    destination = normalize_e164(body.to)
    if destination is None:
        raise Reject(484, "Address Incomplete")
    if owner.maybe_paused:
        await admission.admit(session, account_id=owner.account_id, number_id=owner.id, direction=OUTBOUND, now=now)
    if owner.maybe_screened:
        await call_screening.screen(
            session,
            account_id=owner.account_id,
            number_id=owner.id,
            direction=OUTBOUND,
            own_number=caller,
            other_number=destination,
            now=now,
        )
    decision.routes = [{"uri": _carrier_uri(settings, destination), "fr_timer": TRUNK_FR_TIMER_MS}]


async def decide(
    session: AsyncSession,
    cache: RoutingCache,
    settings: Settings,
    body: RouteRequest,
    now: datetime,
    *,
    inputs: Any = _UNREAD,
    owner: Any = _UNREAD,
) -> dict[str, Any]:
    """The answer to Kamailio for one INVITE, with the call record made in `session`'s transaction. `inputs`,
    `owner`: the called number's and (outbound) the caller id's decision inputs when read already."""
    called = normalize_e164(body.to)
    if inputs is _UNREAD:
        inputs = await repository.decision_inputs(session, called, engine.period_of(now)) if called else None
    try:
        if inputs is not None and called is not None and inputs.inventory_status != PORTED:
            # A number of ours: an inbound call, to a number an account holds or to one nobody holds (404).
            decision = Decision(
                INBOUND, account_id=inputs.account_id, number_id=inputs.id, route_id=inputs.voice_route_id
            )
            if inputs.id is None:
                raise Reject(404, "Not Found")
            await _inbound(session, cache, settings, called, inputs, body, decision, now)
        else:
            decision = Decision(OUTBOUND)
            await _outbound(session, cache, settings, body, decision, now, owner)
    except Reject as reject:
        decision.reject = reject
    record = await start_call(
        session,
        call_id=body.call_id,
        account_id=decision.account_id,
        number_id=decision.number_id,
        direction=decision.direction,
        from_number=body.from_ or "",
        to_number=body.to,
        reject_code=decision.reject.code if decision.reject else None,
        reject_reason=decision.reject.reason if decision.reject else None,
        now=now,
        record_id=url_routing.record_id(body.call_id),  # the id a VoiceUrl was told, if one was asked
        route_id=decision.route_id,
    )
    if decision.reject is not None and decision.account_id is not None:  # the route's CallbackVoiceUrl
        await voice_callbacks.queue_rejection(session, record, decision.account_id, decision.number_id, now)
    return _answer(decision, record)


def _answer(decision: Decision, record: str) -> dict[str, Any]:
    call: dict[str, Any] = {
        "CallRecordId": record,
        "AccountId": decision.account_id,
        "NumberId": decision.number_id,
        "Direction": decision.direction,
    }
    if decision.hunt:
        call["Hunt"] = 1  # read by Kamailio's failure route (voice/kamailio.py)
    if decision.reject is not None or not decision.routes:
        refusal = decision.reject or Reject(500, "No Route")
        return {"reject": {"code": refusal.code, "reason": refusal.reason}, "call": call}
    for branch in decision.routes:
        if branch.pop(CUSTOMER_TRUNK, False) or decision.customer_trunk:
            branch["headers"] = {"extra": f"{CALL_ID_HEADER}: {record}\r\n"}
    return {"version": RTJSON_VERSION, "routing": decision.routing, "routes": decision.routes, "call": call}


# --- the usual decision, apart from the write transaction --------------------------------------------------------


async def decide_call(
    db: Database,
    records: GroupCommit[dict[str, Any]],
    cache: RoutingCache,
    settings: Settings,
    body: RouteRequest,
    now: datetime,
) -> tuple[dict[str, Any], bool]:
    """The answer to Kamailio for one INVITE, and whether the decision queued jobs (webhooks, callbacks).

    The decision's inputs are read on the driver (routing_repository.decision_inputs_on_driver), outside any
    write transaction. The usual call, one this read decides alone (a Trunk or Forward route compiled at its
    current version, no Pause, call filter or workgroup that could act, an outbound caller id whose whitelist is
    cached at its version and admits the source), is answered once its record is written through `records`
    (calls.insert_records under group commit: concurrent decisions share one transaction, each answered after
    it commits). Anything else (a rejection, a URL route, a check to run, a cache to fill) is decided by `decide`
    in a write transaction of its own, with the inputs already read: the same rules as before, one code path for
    each outcome."""
    called = normalize_e164(body.to)
    period = engine.period_of(now)
    inputs = await repository.decision_inputs_on_driver(db, called, period) if called else None
    owner: Any = _UNREAD
    if inputs is not None and called is not None and inputs.inventory_status != PORTED:
        decision = _usual_inbound(cache, settings, called, inputs)
    else:
        caller = normalize_e164(body.from_ or "")
        owner = await repository.decision_inputs_on_driver(db, caller, period, outbound=True) if caller else None
        decision = _usual_outbound(cache, settings, body, owner)
    if decision is not None:
        record = await records.submit(
            calls.routed_record(
                call_id=body.call_id,
                account_id=decision.account_id,
                number_id=decision.number_id,
                direction=decision.direction,
                from_number=body.from_ or "",
                to_number=body.to,
                now=now,
                record_id=url_routing.record_id(body.call_id),
                route_id=decision.route_id,
            )
        )
        return _answer(decision, record), False
    async with db.write() as session:
        answer = await decide(session, cache, settings, body, now, inputs=inputs, owner=owner)
    return answer, jobs_written(session)


def _usual_inbound(cache: RoutingCache, settings: Settings, number: str, inputs: Any) -> Decision | None:
    """The inbound decision when the read alone makes it (`_inbound`'s rules, in its order), else None."""
    if (
        inputs.id is None
        or inputs.status != ACTIVE
        or not inputs.voice_enabled
        or (inputs.product_type or "").lower() != VOICE_PRODUCT.lower()
        or inputs.voice_route_id is None
        or inputs.route_type is None
        or not inputs.route_enabled
        or inputs.maybe_paused
        or inputs.maybe_screened
        or inputs.maybe_workgroup
    ):
        return None
    kind = inputs.route_type.lower()
    cached = cache.routes.get(inputs.voice_route_id)
    if kind == "url" or cached is None or cached[0] != inputs.updated_at:
        return None
    decision = Decision(INBOUND, account_id=inputs.account_id, number_id=inputs.id, route_id=inputs.voice_route_id)
    try:
        if kind == "forward":
            decision.routes = _forward_branches(settings, cached[1], number)
        else:
            decision.routes, decision.customer_trunk = _trunk_branches(cached[1], number), True
    except Reject:
        return None
    return decision


def _usual_outbound(cache: RoutingCache, settings: Settings, body: RouteRequest, owner: Any) -> Decision | None:
    """The outbound decision when the read alone makes it (`_outbound`'s rules), else None."""
    if owner is None or owner.id is None or owner.status != ACTIVE or owner.maybe_paused or owner.maybe_screened:
        return None
    cached = cache.whitelists.get(owner.account_id)
    source = _source_address(body.source_ip)
    if cached is None or cached[0] != (int(owner.routes_count), owner.routes_latest) or source is None:
        return None
    destination = normalize_e164(body.to)
    if destination is None or not settings.sip_carrier_uri or not cached[1].admits(source):
        return None
    decision = Decision(OUTBOUND, account_id=owner.account_id, number_id=owner.id, route_id=owner.voice_route_id)
    decision.routes = [{"uri": _carrier_uri(settings, destination), "fr_timer": TRUNK_FR_TIMER_MS}]
    return decision
