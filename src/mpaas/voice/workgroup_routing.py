"""Calls to a number a workgroup answers: its members as branches (simultaneous: parallel; round-robin: serial,
starting after the last member who answered), its schedule choosing OnHours/OffHours routing
(docs/voice.md, "Workgroups and schedules").

- A workgroup answers its `TelegentPhone` (an account's number). The number must still be able to take calls
  (Active, voice enabled, an enabled voice route: voice/routing.py checks that first); the workgroup then
  takes the place of the route's own destination.
- Schedule: at the call's time (`now`, the platform clock) in the workgroup's `TimeZone` (UTC when unset),
  within the day's hours the call goes to the on-hours target (`OnHoursType`/`OnHoursId`) or, without one,
  to the members; outside them to the off-hours target, or, without one, it is refused 480 `Workgroup Closed`.
  No schedule: always the members. A `Workgroup` target is routed as that workgroup (its own schedule too),
  a `User` target (a phone number, or a member's WAID-) rings that one number.
- Members: numbers (Type User) and nested workgroups (Type Workgroup: their numbers, expanded up to
  MAX_DEPTH levels, each workgroup once). A number of the same account with an enabled `Trunk` voice route
  rings its trunks directly, with the call record's id in `X-Mpaas-Call-Id` as every customer trunk gets it; any
  other number is dialed through the carrier trunk (MPAAS_SIP_CARRIER_URI), without it.
  The workgroup's own number is never rung (it would call itself).
- `simultaneous`: every number at once (rtjson "parallel"), each ringing `WaitBetween` seconds.
  `round-robin`: one member after another (rtjson "serial"), each ringing `WaitBetween` seconds
  (`fr_inv_timer`), starting after the member who answered the last call (`Workgroup.last_member_id`, stored
  by `after_events` from the answered event's branch) or, before any answer, at position `CallOrder`.
- `IVR` needs media (prompts, digits): refused 501 `IVR Needs Media` until media exists.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.config import Settings
from mpaas.core.phone import normalize_e164
from mpaas.models import Schedule, Workgroup, WorkgroupMember
from mpaas.models.numbers import ACTIVE
from mpaas.schedules.schemas import DAYS, minutes
from mpaas.voice import batch_reads, routing_repository
from mpaas.voice.compiled_routes import compile_route, serial_order
from mpaas.voice.reject import Reject
from mpaas.workgroups import repository
from mpaas.workgroups.schemas import IVR, ROUND_ROBIN, USER, WORKGROUP

log = logging.getLogger("mpaas.voice.workgroups")

MAX_DEPTH = 5  # nested workgroups (and on/off-hours targets) followed at most this deep
DEFAULT_WAIT_SECONDS = 20  # how long a member rings when WaitBetween is not set
PROVISIONAL_MS = 5000  # fr_timer: no 100/180 within this from a member's side, the next member


@dataclass(slots=True)
class _Account:
    workgroups: dict[str, Workgroup]
    members: dict[str, list[WorkgroupMember]]  # by workgroup id, in ring order


def _in_order(members: list[WorkgroupMember]) -> list[WorkgroupMember]:
    return sorted(members, key=lambda m: (m.digit_order is None, m.digit_order or 0, m.created_at, m.id))


async def _account(session: AsyncSession, account_id: str) -> _Account:
    members: dict[str, list[WorkgroupMember]] = {}
    for member in await repository.account_members(session, account_id):
        members.setdefault(member.workgroup_id, []).append(member)
    return _Account(await repository.workgroups_of(session, account_id), {k: _in_order(v) for k, v in members.items()})


# ------------------------------------------------------------------------------------------ schedules


def is_open(hours: dict[str, Any], local: datetime) -> bool:
    """Whether `local` (a wall-clock time) is within the schedule's hours. A day's end at or before its start
    runs past midnight into the next day; the same start and end is open all day."""
    now = local.hour * 60 + local.minute
    today = hours.get(DAYS[local.weekday()]) or None
    if today:
        start, end = minutes(today[0]), minutes(today[1])
        if start == end or (start < end and start <= now < end) or (end < start and now >= start):
            return True
    yesterday = hours.get(DAYS[(local.weekday() - 1) % 7]) or None
    if yesterday:
        start, end = minutes(yesterday[0]), minutes(yesterday[1])
        if end < start and now < end:
            return True
    return False


def local_time(workgroup: Workgroup, now: datetime) -> datetime:
    zone = ZoneInfo(workgroup.time_zone) if workgroup.time_zone else UTC
    return (now if now.tzinfo else now.replace(tzinfo=UTC)).astimezone(zone)


async def _schedule(session: AsyncSession, schedule_id: str) -> Schedule | None:
    return await session.get(Schedule, schedule_id)


# ------------------------------------------------------------------------------------------ members


def _numbers(account: _Account, member: WorkgroupMember, depth: int, seen: set[str]) -> list[tuple[str, str]]:
    """(number, the top-level member's id is filled by the caller) of one member: itself, or the numbers of the
    nested workgroup, depth-bounded, each workgroup once."""
    if member.type == USER:
        return [(member.phone_number, member.id)] if member.phone_number else []
    nested = member.reference_workgroup_id
    if not nested or nested in seen or depth >= MAX_DEPTH or nested not in account.workgroups:
        return []
    seen.add(nested)
    out: list[tuple[str, str]] = []
    for child in account.members.get(nested, []):
        out.extend(_numbers(account, child, depth + 1, seen))
    return out


def expand(account: _Account, workgroup: Workgroup) -> list[tuple[WorkgroupMember, list[str]]]:
    """Each top-level member with the numbers it rings, in ring order."""
    out = []
    for member in account.members.get(workgroup.id, []):
        numbers = [n for n, _ in _numbers(account, member, 0, {workgroup.id})]
        out.append((member, list(dict.fromkeys(numbers))))
    return out


def rotation(workgroup: Workgroup, members: list[Any]) -> int:
    """Where a round-robin call starts: after the member who answered last; before any, at CallOrder (1-based)."""
    ids = [m.id for m, _ in members]
    if workgroup.last_member_id in ids:
        return (ids.index(workgroup.last_member_id) + 1) % len(ids)
    order = (workgroup.call_order or "").strip()
    if order.isdigit() and 1 <= int(order) <= len(ids):
        return int(order) - 1
    return 0


async def _branches_for(
    session: AsyncSession, settings: Settings, account_id: str, number: str, timers: dict[str, int], parallel: bool
) -> list[dict[str, Any]]:
    """Branches that ring one member number: its own trunks when it is the account's number on an enabled Trunk
    route, else the carrier trunk."""
    # deferred: voice.routing imports this module (its decision calls `route`)
    from mpaas.voice import routing

    inputs = await routing_repository.number_inputs(session, number)
    if (
        inputs is not None
        and inputs.id is not None
        and inputs.account_id == account_id
        and inputs.status == ACTIVE
        and inputs.route_enabled
        and (inputs.route_type or "").lower() == "trunk"
    ):
        compiled = compile_route(
            await routing_repository.route_attributes(session, inputs.voice_route_id) or {}, settings.egress_policy
        )
        trunks = serial_order(compiled.trunks)
        if trunks:
            out = []
            for trunk in trunks[:1] if parallel else trunks:
                # a customer trunk: it gets the call record's id header (routing.CALL_ID_HEADER), as a Trunk route's
                branch: dict[str, Any] = {"uri": trunk.uri(number), **timers, routing.CUSTOMER_TRUNK: True}
                if trunk.dst_uri:
                    branch["dst_uri"] = trunk.dst_uri
                out.append(branch)
            return out
    if not settings.sip_carrier_uri:
        log.warning("workgroup member %s skipped: no carrier trunk (MPAAS_SIP_CARRIER_URI)", number)
        return []
    return [{"uri": routing._carrier_uri(settings, number), **timers}]


async def _ring(
    session: AsyncSession, settings: Settings, account: _Account, workgroup: Workgroup, own: str
) -> tuple[str, list[dict[str, Any]]]:
    if workgroup.type == IVR:
        raise Reject(501, "IVR Needs Media")
    wait_ms = (workgroup.wait_between or DEFAULT_WAIT_SECONDS) * 1000
    timers = {"fr_timer": PROVISIONAL_MS, "fr_inv_timer": wait_ms}
    members = [(m, [n for n in numbers if n != own]) for m, numbers in expand(account, workgroup)]
    members = [(m, numbers) for m, numbers in members if numbers]
    parallel = workgroup.type != ROUND_ROBIN
    if not parallel and members:
        start = rotation(workgroup, members)
        members = members[start:] + members[:start]
    branches: list[dict[str, Any]] = []
    rung: set[str] = set()
    for _member, numbers in members:
        for number in numbers:
            if number not in rung:
                rung.add(number)
                branches.extend(await _branches_for(session, settings, workgroup.account_id, number, timers, parallel))
    if not branches:
        if rung and not settings.sip_carrier_uri:
            raise Reject(503, "No Carrier Trunk")
        raise Reject(480, "No Workgroup Members")
    return ("parallel" if parallel else "serial"), branches


async def _route_workgroup(
    session: AsyncSession,
    settings: Settings,
    account: _Account,
    workgroup: Workgroup,
    own: str,
    now: datetime,
    depth: int,
) -> tuple[str, list[dict[str, Any]]]:
    target: tuple[str | None, str | None] = (None, None)
    if workgroup.schedule_id:
        schedule = await _schedule(session, workgroup.schedule_id)
        opened = schedule is None or is_open(schedule.hours or {}, local_time(workgroup, now))
        if opened:
            target = (workgroup.on_hours_type, workgroup.on_hours_id)
        else:
            target = (workgroup.off_hours_type, workgroup.off_hours_id)
            if not target[0] or not target[1]:
                raise Reject(480, "Workgroup Closed")
    kind, target_id = target
    if not kind or not target_id:
        return await _ring(session, settings, account, workgroup, own)
    if kind == WORKGROUP:
        nested = account.workgroups.get(target_id)
        if nested is None or depth >= MAX_DEPTH:
            raise Reject(480, "No Workgroup Members")
        return await _route_workgroup(session, settings, account, nested, own, now, depth + 1)
    number = target_id
    if target_id.upper().startswith("WAID-"):
        member = next((m for ms in account.members.values() for m in ms if m.id == target_id), None)
        number = member.phone_number if member is not None and member.phone_number else ""
    wait_ms = (workgroup.wait_between or DEFAULT_WAIT_SECONDS) * 1000
    branches = (
        await _branches_for(
            session,
            settings,
            workgroup.account_id,
            number,
            {"fr_timer": PROVISIONAL_MS, "fr_inv_timer": wait_ms},
            False,
        )
        if number and number != own
        else []
    )
    if not branches:
        raise Reject(480, "No Workgroup Members")
    return "serial", branches


async def route(
    session: AsyncSession,
    settings: Settings,
    *,
    account_id: str,
    number_id: str,
    number: str,
    caller: str,
    now: datetime,
) -> tuple[str, list[dict[str, Any]]] | None:
    """None when no workgroup answers `number`; else (rtjson routing mode "serial" | "parallel", branches).
    Raise voice.reject.Reject to refuse the call."""
    workgroup = await repository.answering(session, account_id, number)
    if workgroup is None:
        return None
    account = await _account(session, account_id)
    return await _route_workgroup(session, settings, account, workgroup, number, now, 0)


def _branch_number(branch: str | None) -> str | None:
    """The user part of a branch URI (`sip:+18015550100@host;transport=udp`), as E.164."""
    if not branch or ":" not in branch:
        return None
    user = branch.split(":", 1)[1].split("@", 1)[0]
    return normalize_e164(user) if "@" in branch else None


async def after_events(session: AsyncSession, call: Any, snapshots: Sequence[Any], now: datetime) -> None:
    """An answered call of a round-robin workgroup: the member whose number answered (the answered event's
    branch) is stored as the workgroup's last, so the next call starts after it."""
    if call.account_id is None or call.direction != "inbound":
        return
    answered = [e for e, _ in snapshots if e.event == "answered" and e.branch]
    if not answered:
        return
    number = _branch_number(answered[-1].branch)
    called = normalize_e164(call.to_number or "")
    if number is None or called is None:
        return
    batch = batch_reads.known(session)
    key = (call.account_id, called)
    if batch is not None and key in batch.workgroup_looked and key not in batch.workgroup_numbers:
        return  # the batch found no workgroup answering the number
    workgroup = await repository.answering(session, call.account_id, called)
    if workgroup is None:
        return
    account = await _account(session, call.account_id)
    candidates = [workgroup]
    for kind, target in (
        (workgroup.on_hours_type, workgroup.on_hours_id),
        (workgroup.off_hours_type, workgroup.off_hours_id),
    ):
        if kind == WORKGROUP and target in account.workgroups:
            candidates.append(account.workgroups[target])
    for candidate in candidates:
        if candidate.type != ROUND_ROBIN:
            continue
        for member, numbers in expand(account, candidate):
            if number in numbers:
                if candidate.last_member_id != member.id:
                    candidate.last_member_id = member.id
                    candidate.updated_at = now
                break
