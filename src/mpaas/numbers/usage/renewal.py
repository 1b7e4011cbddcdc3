"""A number's data plan renewing: when its next period starts (monthly on a RenewalDay clamped to short months, or
weekly), the renewal job that resets its usage then, and the renewal settings a caller changes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.core.errors import bad_request, required
from mpaas.core.jobs.queue import enqueue
from mpaas.core.wire import iso
from mpaas.models import DataPlan, PhoneNumber
from mpaas.numbers import calendar, repository
from mpaas.numbers.lifecycle import service as lifecycle
from mpaas.numbers.usage import repository as usage_repository
from mpaas.numbers.usage.schemas import RenewalInfoRequest
from mpaas.numbers.usage.service import behavior, number_behavior, numbers_of, plan_of

RENEWAL_JOB = "numbers.usage_renewal"


def next_renewal(plan: DataPlan, after: date) -> date:
    """The first renewal date strictly after `after` (a local date in the plan's zone). Monthly renewals
    clamp RenewalDay to short months (31 -> Feb 28/29) without drifting; weekly RenewalDay 1 is Monday."""
    day = plan.renewal_day or 1
    if plan.period_type == "W":
        ahead = (day - 1 - after.weekday()) % 7 or 7
        return after + timedelta(days=ahead)
    candidate = calendar.add_months(after, 0, day)
    return candidate if candidate > after else calendar.add_months(after, 1, day)


def _schedule(session: AsyncSession, plan: DataPlan, after: date, now: datetime) -> None:
    """The plan's next renewal: the first renewal date after `after`."""
    _renew_at(session, plan, calendar.local_midnight(next_renewal(plan, after), calendar.zone(plan.time_zone)), now)


def _renew_at(session: AsyncSession, plan: DataPlan, at: datetime, now: datetime) -> None:
    """The renewal job for `at`; it renews only if the plan still says `at` then (renew_if_due)."""
    plan.next_renewal_at = at
    enqueue(
        session,
        now,
        RENEWAL_JOB,
        {"phone_number_id": plan.phone_number_id, "due": iso(at)},
        delay_seconds=max(0.0, (at - now).total_seconds()),
    )


def reset(plan: DataPlan, row: PhoneNumber | None, now: datetime) -> None:
    plan.used_bytes, plan.notified, plan.updated_at = 0, False, now
    plan.behavior = number_behavior(plan, row) if row is not None else behavior(plan)


async def update_renewal(
    session: AsyncSession, principal: Principal, body: RenewalInfoRequest, now: datetime, default_zone: str
) -> dict:
    auto_renew, period_type, renewal_day = body.auto_renew, body.period_type, body.renewal_day
    for field, value in (("AutoRenew", auto_renew), ("PeriodType", period_type), ("RenewalDay", renewal_day)):
        if value is None:
            raise required(field)
    assert auto_renew is not None and period_type is not None and renewal_day is not None  # checked just above
    top = 31 if period_type == "M" else 7
    if not 1 <= renewal_day <= top:
        raise bad_request(f"RenewalDay must be between 1 and {top} for PeriodType {body.period_type}.")
    zone_name = body.time_zone or default_zone
    try:
        tz = calendar.zone(zone_name)
    except ValueError as exc:
        raise bad_request(f"TimeZone: {exc}") from None
    items = []
    for number in numbers_of(body):
        row = await lifecycle.find_live(session, principal, number, body.account_id, field="PhoneNumbers.Number")
        plan = await plan_of(session, row, now, zone_name)
        plan.period_type, plan.period_value, plan.renewal_day = period_type, body.period_value, renewal_day
        plan.auto_renew, plan.time_zone, plan.updated_at = auto_renew, zone_name, now
        if body.reset_usage:
            reset(plan, row, now)
        if auto_renew:
            _schedule(session, plan, calendar.local_date(now, tz), now)
        else:
            plan.next_renewal_at = None
        items.append({"Number": number, "Status": "Success", "StatusMessage": ""})
    return {"Status": "Complete", "StatusMessage": "", "PhoneNumbers": items}


async def renew_if_due(session: AsyncSession, payload: dict, now: datetime) -> bool:
    """The renewal job: reset usage and schedule the next period, unless the plan changed since."""
    plan = await usage_repository.get_plan(session, payload["phone_number_id"])
    if (
        plan is None
        or not plan.auto_renew
        or plan.next_renewal_at is None
        or iso(plan.next_renewal_at) != payload["due"]
    ):
        return False
    row = await repository.get_phone_number(session, plan.phone_number_id)
    reset(plan, row, now)
    tz = calendar.zone(plan.time_zone)
    renewed_on = calendar.local_date(plan.next_renewal_at, tz)
    if plan.period_type == "M" and plan.period_value > 1:
        nxt = calendar.add_months(renewed_on, plan.period_value, plan.renewal_day or 1)
        _renew_at(session, plan, calendar.local_midnight(nxt, tz), now)
    elif plan.period_type == "W" and plan.period_value > 1:
        _renew_at(session, plan, calendar.local_midnight(renewed_on + timedelta(days=7 * plan.period_value), tz), now)
    else:
        _schedule(session, plan, renewed_on, now)
    return True
