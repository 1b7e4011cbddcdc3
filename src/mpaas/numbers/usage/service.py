"""Data usage: limits per number, usage from the network, the throttle/block policy and renewals.

Behaviour is a function of usage and limits (`behavior()`): below ThrottleValue a number is Active, from
ThrottleValue it is Throttled at ThrottleSpeed, from LimitValue it is Blocked; a number that is not Active
(parked, cancelled) is Blocked whatever its usage, and so is one whose stored fields give it no data
(`data_blocked`: ProductType Sms-Only has no data allowance; a Suspended or Deactivated SIM). Notify/Throttle/Limit crossings call
`events.usage_threshold_crossed` once per period. Renewal resets usage on RenewalDay at local midnight in
the plan's explicit time zone, through durable jobs."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.billing.enforcement import is_restricted, record_number_usage
from mpaas.core.errors import bad_request, missing, required
from mpaas.core.phone import normalize_e164
from mpaas.core.wire import iso
from mpaas.models import DataPlan, PhoneNumber, RadiusSession
from mpaas.models.numbers import ACTIVE
from mpaas.models.usage import BEHAVIOR_ACTIVE, BEHAVIOR_BLOCKED, BEHAVIOR_THROTTLED
from mpaas.numbers import events, repository
from mpaas.numbers.lifecycle import service as lifecycle
from mpaas.numbers.usage import repository as usage_repository
from mpaas.numbers.usage.schemas import DataUsageRequest, NumbersRequest, UsageRecordIn

log = logging.getLogger("mpaas.numbers.usage")

# Usage records repeat the same few numbers; parsing one with phonenumbers costs ~100 us.
_e164 = lru_cache(maxsize=65536)(normalize_e164)
DEFAULT_LIMIT_MB = 20
UNIT_BYTES = {"KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}
# The speed a billing Restrict applies when the number's own data plan names none.
RESTRICT_SPEED = "1-mbps"
SPEED_KBPS = {
    "64-kbps": 64,
    "128-kbps": 128,
    "256-kbps": 256,
    "512-kbps": 512,
    "1-mbps": 1024,
    "5-mbps": 5120,
    "20-mbps": 20480,
    "50-mbps": 51200,
    "100-mbps": 102400,
}


def carrier_speed(speed: str | None) -> str | None:
    """`1-mbps` -> `thr1024kbps`, the carrier form the settings example shows."""
    return f"thr{SPEED_KBPS[speed]}kbps" if speed in SPEED_KBPS else speed


def human_bytes(n: int) -> str:
    """`0 B`, `512 KB`, `20 MB`, `1.5 GB` (binary units, as the limits are)."""
    for unit in ("TB", "GB", "MB", "KB"):
        size = UNIT_BYTES[unit]
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.2f} {unit}".replace(".00 ", " ")
    return f"{n} B"


def _bytes(plan: DataPlan, value: int | None) -> int | None:
    return None if value is None else value * UNIT_BYTES.get(plan.value_unit, UNIT_BYTES["MB"])


# SIM states that stop a number's data (the contract's SimStatus has Suspended; Deactivated is the operator's or
# an older record's), compared case-insensitively.
DATA_BLOCKED_SIM_STATUSES = frozenset({"suspended", "deactivated"})


def data_blocked(row: PhoneNumber) -> str | None:
    """Why the number's stored fields allow it no data at all, whatever its usage (None: they allow it)."""
    if (row.product_type or "").lower() == "sms-only":
        return "ProductType Sms-Only has no data allowance"
    if (row.sim_status or "").lower() in DATA_BLOCKED_SIM_STATUSES:
        return f"SIM {row.sim_status}"
    return None


def number_behavior(plan: DataPlan, row: PhoneNumber) -> str:
    """`behavior` for the number's row: its status, and its product type and SIM status (`data_blocked`)."""
    if data_blocked(row) is not None:
        return BEHAVIOR_BLOCKED
    return behavior(plan, row.status)


def behavior(plan: DataPlan, number_status: str = ACTIVE) -> str:
    if number_status != ACTIVE:
        return BEHAVIOR_BLOCKED
    if plan.used_bytes >= _bytes(plan, plan.limit_value):
        return BEHAVIOR_BLOCKED
    throttle = _bytes(plan, plan.throttle_value)
    if throttle is not None and plan.used_bytes >= throttle:
        return BEHAVIOR_THROTTLED
    return BEHAVIOR_ACTIVE


def new_plan(row: PhoneNumber, now: datetime, time_zone: str) -> DataPlan:
    return DataPlan(
        phone_number_id=row.id,
        number=row.number,
        value_unit="MB",
        notify_value=None,
        throttle_value=None,
        throttle_speed=None,
        limit_value=DEFAULT_LIMIT_MB,
        used_bytes=0,
        behavior=BEHAVIOR_ACTIVE,
        notified=False,
        period_type="M",
        period_value=1,
        renewal_day=None,
        auto_renew=False,
        time_zone=time_zone,
        next_renewal_at=None,
        imei=None,
        updated_at=now,
    )


async def plan_of(session: AsyncSession, row: PhoneNumber, now: datetime, time_zone: str) -> DataPlan:
    plan = await usage_repository.get_plan(session, row.id)
    if plan is None:
        plan = new_plan(row, now, time_zone)
        session.add(plan)
    return plan


def numbers_of(body: NumbersRequest) -> list[str]:
    if not body.phone_numbers:
        raise required("PhoneNumbers")
    out = []
    for item in body.phone_numbers:
        number = normalize_e164(item.number)
        if number is None:
            raise bad_request(f"PhoneNumbers: {item.number!r} is not an E.164 number such as +18015551234.")
        out.append(number)
    return out


# --- limits ----------------------------------------------------------------------------------------


def check_limits(notify: int | None, throttle: int | None, limit: int, speed: str | None) -> None:
    if notify is not None and throttle is not None and notify >= throttle:
        raise bad_request("NotifyValue must be less than ThrottleValue")
    if throttle is not None and throttle >= limit:
        raise bad_request("ThrottleValue must be less than LimitValue")
    if notify is not None and notify >= limit:
        raise bad_request("NotifyValue must be less than LimitValue")
    if throttle is not None and not speed:
        raise bad_request("ThrottleSpeed is required when ThrottleValue is set.")


async def set_limits(
    session: AsyncSession, principal: Principal, body: DataUsageRequest, now: datetime, time_zone: str
) -> dict:
    if not body.value_unit:
        raise required("ValueUnit")
    limit = body.limit_value or DEFAULT_LIMIT_MB
    check_limits(body.notify_value, body.throttle_value, limit, body.throttle_speed)
    for number in numbers_of(body):
        row = await lifecycle.find_live(session, principal, number, body.account_id, field="PhoneNumbers.Number")
        plan = await plan_of(session, row, now, time_zone)
        plan.value_unit, plan.notify_value, plan.throttle_value = (
            body.value_unit,
            body.notify_value,
            body.throttle_value,
        )
        plan.throttle_speed, plan.limit_value, plan.updated_at = body.throttle_speed, limit, now
        plan.behavior = number_behavior(plan, row)
        notify = _bytes(plan, plan.notify_value)
        plan.notified = notify is not None and plan.used_bytes >= notify
    return {
        "Status": "Complete",
        "StatusMessage": "",
        "ValueUnit": body.value_unit,
        "NotifyValue": body.notify_value,
        "ThrottleValue": body.throttle_value,
        "ThrottleSpeed": body.throttle_speed,
        "LimitValue": limit,
        "PhoneNumbers": [{"Number": n} for n in numbers_of(body)],
    }


async def _per_number(session: AsyncSession, principal: Principal, body: NumbersRequest, view) -> dict:
    items = []
    accounts = principal.visible_accounts(body.account_id)
    for number in numbers_of(body):
        row = await repository.find_number(session, accounts, number=number)
        if row is None:
            items.append(
                {
                    "Number": number,
                    "Status": "Error",
                    "StatusMessage": f"Not found: number {number} does not exist or belongs to a different account.",
                }
            )
            continue
        plan = await usage_repository.get_plan(session, row.id) or new_plan(row, row.updated_at, "UTC")
        items.append({"Number": number, **view(row, plan)})
    return {"PhoneNumbers": items, "Status": "Complete"}


async def settings_of(session: AsyncSession, principal: Principal, body: NumbersRequest) -> dict:
    return await _per_number(
        session,
        principal,
        body,
        lambda row, plan: {
            "Status": "Success",
            "StatusMessage": "",
            "NotifyValue": plan.notify_value,
            "LimitValue": plan.limit_value,
            "ThrottleValue": plan.throttle_value,
            "ThrottleSpeed": carrier_speed(plan.throttle_speed),
            "ValueUnit": plan.value_unit,
            "PeriodType": plan.period_type,
            "RenewalDay": plan.renewal_day,
            "AutoRenew": plan.auto_renew,
            "TimeZone": plan.time_zone,
            "NextRenewalDate": iso(plan.next_renewal_at),
        },
    )


async def info_of(session: AsyncSession, principal: Principal, body: NumbersRequest) -> dict:
    def view(row: PhoneNumber, plan: DataPlan) -> dict:
        limit = _bytes(plan, plan.limit_value)
        current = number_behavior(plan, row)
        out = {
            "Status": row.status.upper(),
            "StatusMessage": "",
            "Used": human_bytes(plan.used_bytes),
            "Remaining": human_bytes(max(0, limit - plan.used_bytes)),
            "CurrentBehavior": current,
        }
        if current == BEHAVIOR_THROTTLED:
            out["ThrottleSpeed"] = plan.throttle_speed
        return out

    return await _per_number(session, principal, body, view)


# --- usage from the network ------------------------------------------------------------------------


async def add_usage(session: AsyncSession, plan: DataPlan, row: PhoneNumber, nbytes: int, now: datetime) -> None:
    """Count `nbytes` against the plan and react to every threshold crossed on the way."""
    if nbytes <= 0:
        return
    before = plan.used_bytes
    plan.used_bytes = before + nbytes
    plan.updated_at = now
    notify = _bytes(plan, plan.notify_value)
    if notify is not None and not plan.notified and plan.used_bytes >= notify:
        plan.notified = True
        await events.usage_threshold_crossed(session, row.account_id, row.number, "Notify", plan.used_bytes, now)
    for level, value in (("Throttle", _bytes(plan, plan.throttle_value)), ("Limit", _bytes(plan, plan.limit_value))):
        if value is not None and before < value <= plan.used_bytes:
            await events.usage_threshold_crossed(session, row.account_id, row.number, level, plan.used_bytes, now)
    plan.behavior = number_behavior(plan, row)
    reason = data_blocked(row)
    if reason is not None:  # the network reported use the policy endpoint answers Blocked: counted, and said
        log.warning("data usage reported for %s, whose data is blocked (%s)", row.number, reason)
    await record_number_usage(session, row, "Data", nbytes, now)


async def ingest(session: AsyncSession, records: list[UsageRecordIn], now: datetime, time_zone: str) -> dict:
    """POST /ops/v1/usage: each RecordId counts once, however often it is delivered."""
    rows, invalid = [], []
    seen: set[str] = set()
    imeis: dict[str, str] = {}
    for record in records:
        number = _e164(record.phone_number or "")
        if not record.record_id or number is None:
            invalid.append(record.record_id or "")
            continue
        if record.record_id in seen:
            continue
        seen.add(record.record_id)
        if record.imei:
            imeis[number] = record.imei
        rows.append(
            {
                "record_id": record.record_id,
                "number": number,
                "bytes": record.bytes,
                "occurred_at": record.timestamp or now,
                "received_at": now,
            }
        )
    new_ids = await usage_repository.insert_new_records(session, rows)
    per_number: dict[str, int] = defaultdict(int)
    for r in rows:
        if r["record_id"] in new_ids:
            per_number[r["number"]] += r["bytes"]
    unknown = await apply_usage(session, per_number, now, time_zone, imeis)
    return {
        "Accepted": len(new_ids),
        "Duplicates": len(rows) - len(new_ids),
        "Invalid": len(invalid),
        "UnknownNumbers": sorted(unknown),
    }


async def apply_usage(
    session: AsyncSession,
    per_number: dict[str, int],
    now: datetime,
    time_zone: str,
    imeis: dict[str, str] | None = None,
) -> set[str]:
    """Add usage per number (one plan lookup per number); returns numbers no account holds."""
    wanted = set(per_number) | set(imeis or {})
    if not wanted:
        return set()
    found = await usage_repository.plans_for(session, list(wanted))
    for number in wanted:
        if number not in found:
            continue
        plan, row = found[number]
        if plan is None:
            plan = new_plan(row, now, time_zone)
            session.add(plan)
        if imeis and number in imeis:
            plan.imei = imeis[number][:16]
        await add_usage(session, plan, row, per_number.get(number, 0), now)
    return wanted - set(found)


async def radius_accounting(
    session: AsyncSession,
    session_id: str,
    number: str,
    status: str,
    octets: int,
    imei: str | None,
    now: datetime,
    time_zone: str,
) -> int:
    """One Accounting-Request; see `radius_batch`. Returns the bytes counted."""
    return await radius_batch(session, [(session_id, number, status, octets, imei)], now, time_zone)


async def radius_batch(
    session: AsyncSession, requests: list[tuple[str, str, str, int, str | None]], now: datetime, time_zone: str
) -> int:
    """Accounting-Requests (session id, number, status, octets, IMEI). Counters are running totals per
    session: only growth past the highest total seen counts, so duplicates and late Interim-Updates add
    nothing (and the order of requests inside a batch does not matter). Returns the bytes counted."""
    highest: dict[tuple[str, str], int] = {}
    stopped: set[tuple[str, str]] = set()
    imeis: dict[str, str] = {}
    for session_id, number, status, octets, imei in requests:
        key = (session_id, number)
        highest[key] = max(highest.get(key, 0), octets)
        if status == "Stop":
            stopped.add(key)
        if imei:
            imeis[number] = imei
    per_number: dict[str, int] = defaultdict(int)
    stored = await usage_repository.radius_sessions(session, list(highest))
    for key, octets in highest.items():
        acct = stored.get(key)
        if acct is None:
            acct = RadiusSession(session_id=key[0], number=key[1], octets=0, stopped=False, updated_at=now)
            session.add(acct)
        per_number[key[1]] += max(0, octets - acct.octets)
        acct.octets = max(acct.octets, octets)
        acct.stopped = acct.stopped or key in stopped
        acct.updated_at = now
    await apply_usage(session, per_number, now, time_zone, imeis or None)
    return sum(per_number.values())


async def policy(session: AsyncSession, raw: str | None, now: datetime) -> dict:
    """What a PCRF or packet gateway enforces for a number right now."""
    if not raw:
        raise required("PhoneNumber")
    number = normalize_e164(raw)
    if number is None:
        raise bad_request("The PhoneNumber field must be an E.164 number such as +18015551234.")
    found = await usage_repository.plans_for(session, [number])
    if number not in found:
        raise missing("number", number)
    plan, row = found[number]
    plan = plan or new_plan(row, row.updated_at, "UTC")
    current = number_behavior(plan, row)
    speed = plan.throttle_speed
    if current == BEHAVIOR_ACTIVE and await is_restricted(session, row, now):
        # A billing threshold with the Restrict action throttles data until its period ends.
        current, speed = BEHAVIOR_THROTTLED, speed or RESTRICT_SPEED
    return {
        "PhoneNumber": number,
        "NumberStatus": row.status,
        "Behavior": current,
        "ThrottleSpeed": speed if current == BEHAVIOR_THROTTLED else None,
        "ThrottleKbps": SPEED_KBPS.get(speed) if current == BEHAVIOR_THROTTLED else None,
        "UsedBytes": plan.used_bytes,
        "LimitBytes": _bytes(plan, plan.limit_value),
    }
