"""Workgroup rules (docs/voice.md, "Workgroups and schedules"; choices in docs/compatibility.md, Workgroups).

- Ids: issued `WID-`, and `WG-` names the same workgroup; members `WAID-`.
- Numbers (TelegentPhone, a member's PhoneNumber, a `User` on/off-hours target): E.164, and either one of the
  account's own numbers or a number outside this platform (the PSTN); another account's number, or one of our
  inventory's that nobody holds, is refused without saying which.
- One workgroup per TelegentPhone in an account.
- A nested member (Type Workgroup) is a workgroup of the same account, never one that contains the parent
  (no cycles).
- Deleting a workgroup is refused while it is in use: nested in another workgroup, another's on/off-hours
  target, or answering an Active number of the account (the contract: "ensure not assigned to active voice
  routes/numbers"). Its own members go with it. A member that is a workgroup's on/off-hours target is not deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.core import ids
from mpaas.core.errors import bad_request, missing
from mpaas.core.phone import normalize_e164
from mpaas.models import Workgroup, WorkgroupMember
from mpaas.models.numbers import ACTIVE
from mpaas.schedules import repository as schedules
from mpaas.schedules.service import canonical_id as schedule_id_of
from mpaas.workgroups import repository
from mpaas.workgroups.schemas import (
    USER,
    WORKGROUP,
    CreateMember,
    CreateWorkgroup,
    MemberFields,
    UpdateMember,
    UpdateWorkgroup,
    WorkgroupFields,
)

PREFIX, ALIASES = "WID", ("WG",)
MEMBER_PREFIX = "WAID"
# Stored and echoed as sent; they act once media exists (IVR prompts, recording, hold music).
ATTRIBUTES = {
    "announcement_text": "AnnouncementText",
    "announcement_url": "AnnouncementUrl",
    "internal_extension": "InternalExtension",
    "caller_id_type": "CallerIdType",
    "caller_id_name": "CallerIdName",
    "record_calls": "RecordCalls",
    "transcribe_recordings": "TranscribeRecordings",
    "ai_recording": "AiRecording",
    "hold_music_id": "HoldMusicId",
    "toll_free_number": "TollFreeNumber",
}
COLUMNS = {"name", "type", "time_zone", "call_order"}
HOURS = (("on_hours_type", "on_hours_id", "OnHours"), ("off_hours_type", "off_hours_id", "OffHours"))


def canonical_id(value: str) -> str:
    """`WG-x` is `WID-x`: both prefixes name the same workgroup."""
    head, dash, rest = value.strip().partition("-")
    return f"{PREFIX}-{rest}" if dash and head.upper() in ALIASES else value.strip()


async def checked_number(session: AsyncSession, account_id: str, raw: str, field: str) -> str:
    number = normalize_e164(raw)
    if number is None:
        raise bad_request(f"The {field} field must be a phone number in E.164 form (+18015551234).")
    ours, owner, _status = await repository.number_owner(session, number)
    if ours and owner != account_id:
        raise bad_request(f"The {field} field must be one of the account's numbers or a number outside this platform.")
    return number


async def _workgroup(session: AsyncSession, account_id: str, raw: str, field: str) -> Workgroup:
    found = await repository.get(session, canonical_id(raw), [account_id])
    if found is None:
        raise bad_request(f"The {field} field names no workgroup of the account.")
    return found


async def _apply(session: AsyncSession, workgroup: Workgroup, body: WorkgroupFields) -> None:
    fields = body.model_fields_set
    for name in fields & COLUMNS:
        value = getattr(body, name)
        if value is None and name in ("name", "type"):
            raise bad_request(f"The {'Name' if name == 'name' else 'Type'} field cannot be cleared.")
        setattr(workgroup, name, value)
    if "wait_between" in fields:
        workgroup.wait_between = int(body.wait_between) if body.wait_between else None
    attributes = dict(workgroup.attributes or {})
    for name in fields & ATTRIBUTES.keys():
        attributes[ATTRIBUTES[name]] = getattr(body, name)
    workgroup.attributes = attributes
    if "telegent_phone" in fields:
        phone = body.telegent_phone
        if phone is not None:
            phone = await checked_number(session, workgroup.account_id, phone, "TelegentPhone")
            other = await repository.answering(session, workgroup.account_id, phone)
            if other is not None and other.id != workgroup.id:
                raise bad_request(f"The TelegentPhone {phone} is answered by workgroup {other.id} already.")
        workgroup.telegent_phone = phone
    if "schedule_id" in fields:
        schedule = body.schedule_id
        if schedule is not None:
            found = await schedules.get(session, schedule_id_of(schedule), [workgroup.account_id])
            if found is None:
                raise bad_request("The ScheduleId field names no schedule of the account.")
            schedule = found.id
        workgroup.schedule_id = schedule
    for type_field, id_field, label in HOURS:
        if type_field in fields:
            setattr(workgroup, type_field, getattr(body, type_field))
        if id_field in fields:
            setattr(workgroup, id_field, getattr(body, id_field))
        kind, target = getattr(workgroup, type_field), getattr(workgroup, id_field)
        if (kind is None) != (target is None):
            raise bad_request(f"{label}Type and {label}Id must both be set, or both be empty.")
        if kind == WORKGROUP and target is not None:
            other = await _workgroup(session, workgroup.account_id, target, f"{label}Id")
            if other.id == workgroup.id:
                raise bad_request(f"The {label}Id field cannot name the workgroup itself.")
            setattr(workgroup, id_field, other.id)
        elif kind == USER and target is not None:
            setattr(workgroup, id_field, await _user_target(session, workgroup.account_id, target, f"{label}Id"))


async def _user_target(session: AsyncSession, account_id: str, raw: str, field: str) -> str:
    """A `User` on/off-hours target: a member (WAID-) of the account's workgroups, or a phone number."""
    if raw.upper().startswith(f"{MEMBER_PREFIX}-"):
        member = await repository.get_member(session, raw, [account_id])
        if member is None or member.type != USER or not member.phone_number:
            raise bad_request(f"The {field} field names no number member (Type User) of the account's workgroups.")
        return member.id
    return await checked_number(session, account_id, raw, field)


async def create(session: AsyncSession, principal: Principal, body: CreateWorkgroup, now: datetime) -> Workgroup:
    workgroup = Workgroup(
        id=ids.new_id(PREFIX),
        account_id=principal.resolve_account(body.account_id),
        name=body.name,
        type=body.type,
        attributes={},
        created_at=now,
        updated_at=now,
    )
    await _apply(session, workgroup, body)
    session.add(workgroup)
    await session.flush()
    return workgroup


async def find(
    session: AsyncSession, principal: Principal, workgroup_id: str, account_id: str | None = None
) -> Workgroup:
    workgroup = await repository.get(session, canonical_id(workgroup_id), principal.visible_accounts(account_id))
    if workgroup is None:
        raise missing("workgroup", workgroup_id)
    return workgroup


async def update(session: AsyncSession, principal: Principal, body: UpdateWorkgroup, now: datetime) -> Workgroup:
    workgroup = await find(session, principal, body.workgroup_id, body.account_id)
    await _apply(session, workgroup, body)
    workgroup.updated_at = now
    await session.flush()
    return workgroup


async def delete(session: AsyncSession, principal: Principal, workgroup_id: str) -> str:
    workgroup = await find(session, principal, workgroup_id)
    if used := await repository.references_to(session, workgroup.id):
        raise bad_request(
            f"Workgroup {workgroup.id} is used by {used} other workgroup(s) (a nested member, or an on/off-hours "
            "target); remove it from them before deleting it."
        )
    if workgroup.telegent_phone:
        _ours, owner, status = await repository.number_owner(session, workgroup.telegent_phone)
        if owner == workgroup.account_id and status == ACTIVE:
            raise bad_request(
                f"Workgroup {workgroup.id} answers the active number {workgroup.telegent_phone}; clear its "
                "TelegentPhone (POST /v1.0/workgroups/update) before deleting it."
            )
    for member in await repository.members(session, [workgroup.id]):
        await session.delete(member)
    await session.flush()
    await session.delete(workgroup)
    await session.flush()
    return workgroup.id


async def listing(session: AsyncSession, principal: Principal, account_id: str | None) -> list[Workgroup]:
    return await repository.listing(session, principal.visible_accounts(account_id))


# ------------------------------------------------------------------------------------------ members


async def _contains(session: AsyncSession, account_id: str, root: str, wanted: str) -> bool:
    """Whether `wanted` is `root` or nested (at any depth) in it."""
    children: dict[str, list[str]] = {}
    for member in await repository.account_members(session, account_id):
        if member.reference_workgroup_id:
            children.setdefault(member.workgroup_id, []).append(member.reference_workgroup_id)
    seen, stack = set(), [root]
    while stack:
        current = stack.pop()
        if current == wanted:
            return True
        if current not in seen:
            seen.add(current)
            stack.extend(children.get(current, ()))
    return False


async def _apply_member(session: AsyncSession, member: WorkgroupMember, body: MemberFields) -> None:
    fields = body.model_fields_set
    if "type" in fields and body.type is not None:
        member.type = body.type
    for name in ("digit_order", "reference_user_id"):
        if name in fields:
            setattr(member, name, getattr(body, name))
    for name in ("sms_notification", "email_notification"):
        if name in fields and getattr(body, name) is not None:
            setattr(member, name, getattr(body, name))
    if "phone_number" in fields:
        phone = body.phone_number
        member.phone_number = (
            await checked_number(session, member.account_id, phone, "PhoneNumber") if phone is not None else None
        )
    if "reference_workgroup_id" in fields:
        reference = body.reference_workgroup_id
        member.reference_workgroup_id = (
            (await _workgroup(session, member.account_id, reference, "ReferenceWorkgroupId")).id
            if reference is not None
            else None
        )
    if member.type == USER:
        if not member.phone_number:
            raise bad_request("The PhoneNumber field is required when Type is User.")
        member.reference_workgroup_id = None
    else:
        if not member.reference_workgroup_id:
            raise bad_request("The ReferenceWorkgroupId field is required when Type is Workgroup.")
        if await _contains(session, member.account_id, member.reference_workgroup_id, member.workgroup_id):
            raise bad_request(
                "The ReferenceWorkgroupId field would make a cycle: that workgroup is, or contains, "
                f"workgroup {member.workgroup_id}."
            )


async def create_member(session: AsyncSession, principal: Principal, body: CreateMember, now: datetime) -> str:
    parent = await find(session, principal, body.workgroup_id)
    member = WorkgroupMember(
        id=ids.new_id(MEMBER_PREFIX),
        workgroup_id=parent.id,
        account_id=parent.account_id,
        type=body.type,
        sms_notification=False,
        email_notification=False,
        created_at=now,
        updated_at=now,
    )
    await _apply_member(session, member, body)
    session.add(member)
    await session.flush()
    return member.id


async def find_member(session: AsyncSession, principal: Principal, member_id: str) -> WorkgroupMember:
    member = await repository.get_member(session, member_id, principal.visible_accounts())
    if member is None:
        raise missing("workgroup activity", member_id)
    return member


async def update_member(session: AsyncSession, principal: Principal, body: UpdateMember, now: datetime) -> str:
    member = await find_member(session, principal, body.workgroup_activity_id)
    if "workgroup_id" in body.model_fields_set and body.workgroup_id is not None:
        parent = await find(session, principal, body.workgroup_id)
        if parent.account_id != member.account_id:
            raise bad_request("The WorkgroupId field names a workgroup of another account than the activity's.")
        member.workgroup_id = parent.id
    await _apply_member(session, member, body)
    member.updated_at = now
    await session.flush()
    return member.id


async def delete_member(session: AsyncSession, principal: Principal, member_id: str) -> str:
    member = await find_member(session, principal, member_id)
    if used := await repository.hours_targets(session, member.id):
        raise bad_request(
            f"Workgroup activity {member.id} is the OnHoursId or OffHoursId of {used} workgroup(s); change them "
            "before deleting it."
        )
    await session.delete(member)
    await session.flush()
    return member.id


# ------------------------------------------------------------------------------------------ presenters


def present_member(member: WorkgroupMember) -> dict[str, Any]:
    return {
        "WorkgroupActivityId": member.id,
        "WorkgroupId": member.workgroup_id,
        "Type": member.type,
        "PhoneNumber": member.phone_number,
        "ReferenceWorkgroupId": member.reference_workgroup_id,
        "ReferenceUserId": member.reference_user_id,
        "DigitOrder": member.digit_order,
        "SmsNotification": member.sms_notification,
        "EmailNotification": member.email_notification,
    }


async def present(session: AsyncSession, workgroup: Workgroup) -> dict[str, Any]:
    attributes = workgroup.attributes or {}
    out: dict[str, Any] = {
        "WorkgroupId": workgroup.id,
        "Name": workgroup.name,
        "TelegentPhone": workgroup.telegent_phone,
        "Type": workgroup.type,
        "CallOrder": workgroup.call_order,
        "WaitBetween": str(workgroup.wait_between) if workgroup.wait_between is not None else None,
        "ScheduleId": workgroup.schedule_id,
        "TimeZone": workgroup.time_zone,
        "OffHoursType": workgroup.off_hours_type,
        "OffHoursId": workgroup.off_hours_id,
        "OnHoursType": workgroup.on_hours_type,
        "OnHoursId": workgroup.on_hours_id,
        "AccountId": workgroup.account_id,
        "Active": True,
        "WorkgroupActivities": [present_member(m) for m in await repository.members(session, [workgroup.id])],
    }
    for wire in ATTRIBUTES.values():
        out[wire] = attributes.get(wire)
    return out


def summary(workgroup: Workgroup) -> dict[str, Any]:
    return {
        "WorkgroupId": workgroup.id,
        "Name": workgroup.name,
        "Type": workgroup.type,
        "Active": True,
        "TelegentPhone": workgroup.telegent_phone,
        "AccountId": workgroup.account_id,
    }
