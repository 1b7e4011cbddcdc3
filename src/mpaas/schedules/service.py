"""Schedule rules: business hours per weekday, written through the /ext/v1/schedules extension, read through
the contract's GET /v1.0/account/schedules; deleting one a workgroup uses is refused."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.core import ids
from mpaas.core.errors import bad_request, missing
from mpaas.models import Schedule
from mpaas.schedules import repository
from mpaas.schedules.schemas import DAYS, CreateSchedule, ScheduleFields, UpdateSchedule

PREFIX = "SID"
ALIASES = ("SCH",)  # the contract's description spells schedules SCH- (docs/compatibility.md)


def canonical_id(value: str) -> str:
    """`SCH-x` is `SID-x`: both prefixes name the same schedule."""
    head, dash, rest = value.strip().partition("-")
    return f"{PREFIX}-{rest}" if dash and head.upper() in ALIASES else value.strip()


def _apply(schedule: Schedule, body: ScheduleFields) -> None:
    hours: dict[str, list[str]] = dict(schedule.hours or {})
    for day in DAYS:
        start_field, end_field = body.day_fields(day)
        start, end = hours.get(day, [None, None]) if hours.get(day) else (None, None)
        if start_field in body.model_fields_set:
            start = getattr(body, start_field)
        if end_field in body.model_fields_set:
            end = getattr(body, end_field)
        if (start is None) != (end is None):
            raise bad_request(f"{day}StartTime and {day}EndTime must both be set, or both be empty (closed).")
        if start is None or end is None:
            hours.pop(day, None)
        else:
            hours[day] = [start, end]
    schedule.hours = hours
    if body.name is not None:
        schedule.name = body.name


async def create(session: AsyncSession, principal: Principal, body: CreateSchedule, now: datetime) -> Schedule:
    schedule = Schedule(
        id=ids.new_id(PREFIX),
        account_id=principal.resolve_account(body.account_id),
        name=body.name,
        hours={},
        created_at=now,
        updated_at=now,
    )
    _apply(schedule, body)
    session.add(schedule)
    await session.flush()
    return schedule


async def find(session: AsyncSession, principal: Principal, schedule_id: str, account_id: str | None) -> Schedule:
    schedule = await repository.get(session, canonical_id(schedule_id), principal.visible_accounts(account_id))
    if schedule is None:
        raise missing("schedule", schedule_id)
    return schedule


async def update(session: AsyncSession, principal: Principal, body: UpdateSchedule, now: datetime) -> Schedule:
    schedule = await find(session, principal, body.schedule_id, body.account_id)
    if "name" in body.model_fields_set and body.name is None:
        raise bad_request("The Name field cannot be cleared.")
    _apply(schedule, body)
    schedule.updated_at = now
    await session.flush()
    return schedule


async def delete(session: AsyncSession, principal: Principal, schedule_id: str, account_id: str | None) -> str:
    schedule = await find(session, principal, schedule_id, account_id)
    if in_use := await repository.workgroups_using(session, schedule.id):
        raise bad_request(
            f"Schedule {schedule.id} is used by {in_use} workgroup(s); give them another ScheduleId before deleting it."
        )
    await session.delete(schedule)
    await session.flush()
    return schedule.id


async def listing(session: AsyncSession, principal: Principal, account_id: str | None) -> list[Schedule]:
    return await repository.listing(session, principal.visible_accounts(account_id))


def present(schedule: Schedule) -> dict[str, Any]:
    out: dict[str, Any] = {"ScheduleId": schedule.id, "Name": schedule.name, "AccountId": schedule.account_id}
    hours = schedule.hours or {}
    for day in DAYS:
        start, end = hours.get(day) or ("", "")
        out[f"{day}StartTime"], out[f"{day}EndTime"] = start, end
    return out
