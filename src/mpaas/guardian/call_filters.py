"""Call-filter operations: create, list, update, delete, allowed/blocked numbers, keywords (docs/guardian.md,
"Call filters"; enforcement is guardian/call_screening.py).

Who may act on what, as for message filters: `SubscriberId` is one of the caller's subscribers; `Phone` is that
subscriber's own number, or the number of a subscriber it is the guardian of - the filter then belongs to that
child (a guardian manages a child's filters through the same operations). On the list and keyword operations
`SubscriberId` may be the filter's subscriber or one of its guardians. One filter per subscriber and number
(the contract's "Duplicate filter found for the same subscriber and phone number"). The filtered subscriber
must have Guardian calls enabled to create one; the age presets (CHILD, TEENAGER, ADOLESCENT) need a guardian
relation with the filtered subscriber as the child, and are set at creation only (update takes WHITELIST or
BLACKLIST, as the contract says)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.core import ids
from mpaas.core.errors import bad_request, missing
from mpaas.core.phone import required_e164
from mpaas.core.wire import iso
from mpaas.guardian import features, relations, repository
from mpaas.guardian.message_filters_service import parse_keyword_filter
from mpaas.guardian.schemas import (
    ACTIVE,
    MAX_NUMBERS,
    PRESETS,
    CallFilterFields,
    CreateCallFilter,
    DeleteCallFilter,
    NumbersChange,
    UpdateCallFilter,
)
from mpaas.guardian.service import subscriber as find_subscriber
from mpaas.models import CallFilter, Subscriber

FILTER_PREFIX = "CFID"
DUPLICATE = "Duplicate filter found for the same subscriber and phone number"
ALLOWED, BLOCKED = "allowed_numbers", "blocked_numbers"


async def _manages(session: AsyncSession, manager_id: str, owner_id: str) -> bool:
    """A subscriber manages its own filters, and those of a subscriber it is the guardian of."""
    return manager_id == owner_id or await relations.is_guardian(session, manager_id, owner_id)


async def _owner_of_phone(session: AsyncSession, who: Subscriber, phone: str, principal: Principal) -> Subscriber:
    if phone in await repository.numbers_of(session, who):
        return who
    for holder in await repository.holders_of(session, phone, principal.account_ids):
        if holder.id != who.id and await _manages(session, who.id, holder.id):
            return holder
    raise bad_request(
        f"The Phone field must be a number of subscriber {who.id}, or of a subscriber it is the guardian of "
        f"(got {phone})."
    )


async def _filter(
    session: AsyncSession, principal: Principal, filter_id: str, subscriber_id: str | None, account_id: str | None
) -> CallFilter:
    """A filter of the caller's accounts; with `subscriber_id`, one that subscriber manages."""
    found = await repository.call_filter(session, filter_id, principal.visible_accounts(account_id))
    if found is None:
        raise missing("call filter", filter_id)
    if subscriber_id is not None:
        who = await find_subscriber(session, principal, subscriber_id, account_id)
        if not await _manages(session, who.id, found.subscriber_id):
            raise missing("call filter", f"{filter_id} of subscriber {subscriber_id}")
    return found


async def _check_preset(session: AsyncSession, owner_id: str, mode: str) -> None:
    if mode in PRESETS and not await relations.guardians_of(session, owner_id):
        raise bad_request(
            f"The FilterMode field's age preset {mode} needs a guardian: subscriber {owner_id} has none "
            "(POST /v1.0/subscribers/guardians/relation with it as ChildSubscriberId)."
        )


_FIELDS = (
    "allowed_numbers",
    "blocked_numbers",
    "enable_transcription",
    "transcription_action",
    "warning_message",
    "notification_phones",
    "apply_to_outbound",
    "apply_to_inbound",
    "block_unknown_numbers",
    "block_international",
    "record_flagged_calls",
    "enforcement",
)


def _apply(found: CallFilter, body: CallFilterFields) -> None:
    for name in _FIELDS:
        if name in body.model_fields_set:
            value = getattr(body, name)
            if value is None and name in ("allowed_numbers", "blocked_numbers", "notification_phones"):
                value = []
            elif value is None and name not in ("transcription_action", "warning_message"):
                continue  # an explicit null keeps a flag as it is
            setattr(found, name, value)
    if "keyword_filter" in body.model_fields_set:
        parse_keyword_filter(body.keyword_filter)  # a 400 naming the field when it cannot be read
        found.keyword_filter = body.keyword_filter


async def create(session: AsyncSession, principal: Principal, body: CreateCallFilter, now: datetime) -> CallFilter:
    who = await find_subscriber(session, principal, body.subscriber_id, body.account_id)
    phone = required_e164(body.phone, "Phone")
    owner = await _owner_of_phone(session, who, phone, principal)
    if not (await features.flags(session, owner.id)).calls:
        raise bad_request(
            f"AI Guardian calls are not enabled for subscriber {owner.id}: enable them first "
            "(POST /v1.0/subscribers/guardian-features, EnableIntelligentGuardianCalls true)."
        )
    await _check_preset(session, owner.id, body.filter_mode)
    if await repository.call_filter_exists(session, owner.id, phone):
        raise bad_request(DUPLICATE)
    preset = body.filter_mode in PRESETS
    found = CallFilter(
        id=ids.new_id(FILTER_PREFIX),
        account_id=owner.account_id,
        subscriber_id=owner.id,
        phone=phone,
        filter_mode=body.filter_mode,
        enforcement=ACTIVE,
        allowed_numbers=[],
        blocked_numbers=[],
        enable_transcription=False,
        keyword_filter=None,
        transcription_action=None,
        warning_message=None,
        notification_phones=[],
        # Unset, a filter screens inbound calls, and an age preset outbound calls too (docs/guardian.md).
        apply_to_outbound=preset,
        apply_to_inbound=True,
        block_unknown_numbers=False,
        block_international=False,
        record_flagged_calls=False,
        time_restrictions=None,
        created_at=now,
        updated_at=now,
    )
    _apply(found, body)
    session.add(found)
    try:
        await session.flush()
    except IntegrityError:  # a concurrent create for the same subscriber and number won the unique index
        raise bad_request(DUPLICATE) from None
    return found


async def listing(
    session: AsyncSession, principal: Principal, subscriber_id: str | None, phone: str | None, account_id: str | None
) -> list[CallFilter]:
    accounts = principal.visible_accounts(account_id)
    subscriber_ids: list[str] | None = None
    if subscriber_id:
        who = await find_subscriber(session, principal, subscriber_id, account_id)
        # Its own filters and those of the subscribers it is the guardian of.
        subscriber_ids = [who.id, *await relations.children_of(session, who.id)]
    number = required_e164(phone, "Phone") if phone else None
    return await repository.call_filters(session, accounts, subscriber_ids, number)


async def update(session: AsyncSession, principal: Principal, body: UpdateCallFilter, now: datetime) -> CallFilter:
    found = await _filter(session, principal, body.filter_id, body.subscriber_id, body.account_id)
    if body.phone is not None:
        phone = required_e164(body.phone, "Phone")
        if phone != found.phone:
            owner = await repository.subscriber(session, found.subscriber_id, principal.account_ids)
            if owner is None or phone not in await repository.numbers_of(session, owner):
                raise bad_request(
                    f"The Phone field must be a number of subscriber {found.subscriber_id} (got {phone})."
                )
            if await repository.call_filter_exists(session, found.subscriber_id, phone):
                raise bad_request(DUPLICATE)
            found.phone = phone
    if body.filter_mode is not None:
        found.filter_mode = body.filter_mode
    _apply(found, body)
    found.updated_at = now
    try:
        await session.flush()
    except IntegrityError:
        raise bad_request(DUPLICATE) from None
    return found


async def delete(session: AsyncSession, principal: Principal, body: DeleteCallFilter, now: datetime) -> dict[str, Any]:
    found = await _filter(session, principal, body.call_filter_id, body.subscriber_id, body.account_id)
    filter_id = found.id
    await session.delete(found)
    await session.flush()
    return {"Status": "Deleted", "FilterId": filter_id, "DateDeleted": iso(now)}


async def numbers(
    session: AsyncSession,
    principal: Principal,
    subscriber_id: str,
    filter_id: str,
    account_id: str | None,
    which: str,
) -> list[str]:
    found = await _filter(session, principal, filter_id, subscriber_id, account_id)
    return list(getattr(found, which) or [])


async def change_numbers(
    session: AsyncSession, principal: Principal, body: NumbersChange, which: str, *, add: bool, now: datetime
) -> CallFilter:
    found = await _filter(session, principal, body.call_filter_id, body.subscriber_id, body.account_id)
    current = list(getattr(found, which) or [])
    if add:
        merged = list(dict.fromkeys([*current, *body.numbers]))
        if len(merged) > MAX_NUMBERS:
            raise bad_request(f"The Numbers field would make the list longer than {MAX_NUMBERS} numbers.")
    else:
        dropped = set(body.numbers)
        merged = [n for n in current if n not in dropped]
    setattr(found, which, merged)  # a new list: the JSON column sees the change
    found.updated_at = now
    await session.flush()
    return found


async def keywords(
    session: AsyncSession, principal: Principal, subscriber_id: str, filter_id: str, account_id: str | None
) -> dict[str, Any]:
    found = await _filter(session, principal, filter_id, subscriber_id, account_id)
    return parse_keyword_filter(found.keyword_filter).wire()


def present(found: CallFilter) -> dict[str, Any]:
    return {
        "FilterId": found.id,
        "SubscriberId": found.subscriber_id,
        "Phone": found.phone,
        "FilterMode": found.filter_mode,
        "AllowedNumbers": list(found.allowed_numbers or []),
        "BlockedNumbers": list(found.blocked_numbers or []),
        "EnableTranscription": bool(found.enable_transcription),
        "KeywordFilter": found.keyword_filter,
        "TranscriptionAction": found.transcription_action,
        "WarningMessage": found.warning_message,
        "NotificationPhones": list(found.notification_phones or []),
        "ApplyToOutbound": bool(found.apply_to_outbound),
        "ApplyToInbound": bool(found.apply_to_inbound),
        "BlockUnknownNumbers": bool(found.block_unknown_numbers),
        "BlockInternational": bool(found.block_international),
        "RecordFlaggedCalls": bool(found.record_flagged_calls),
        "TimeRestrictions": None,
        "Enforcement": found.enforcement,
    }


def present_all(found: Sequence[CallFilter]) -> list[dict[str, Any]]:
    return [present(f) for f in found]


def present_list(found: CallFilter, which: str) -> dict[str, Any]:
    key = "AllowedNumbers" if which == ALLOWED else "BlockedNumbers"
    return {"FilterId": found.id, "SubscriberId": found.subscriber_id, key: list(getattr(found, which) or [])}
