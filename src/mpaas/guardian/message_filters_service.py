"""Message-filter operations: create, list, update, delete, allowed/blocked lists, keywords.

Rules (docs/guardian.md, "Message filters"): the subscriber must be one of the caller's, with Guardian messages
enabled; `Phone` must be the subscriber's own number, or the number of a subscriber it is the guardian of (the
filter then belongs to that child: a guardian manages a child's filters through the same operations); one
filter per subscriber and number. Every change bumps the filter's version, which the pipeline's cache of
compiled filters reads (guardian/message_screening.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.core import ids
from mpaas.core.errors import bad_request, missing
from mpaas.core.phone import required_e164
from mpaas.guardian import features, relations
from mpaas.guardian import message_filters_repository as repository
from mpaas.guardian.lexicon.categories import CATEGORIES, canonical_category
from mpaas.guardian.message_filters_schemas import (
    MAX_CONTACTS,
    ContactsChange,
    CreateMessageFilter,
    DeleteMessageFilter,
    UpdateMessageFilter,
)
from mpaas.models import MessageFilter, Subscriber

FILTER_PREFIX = "MFID"
DUPLICATE = "Duplicate filter found for the same subscriber and phone number"
SEVERITIES = ("HIGH", "MEDIUM", "LOW")
MAX_KEYWORDS = 1000
MAX_KEYWORD_LENGTH = 100


# KeywordFilter: the contract's stringified JSON.


@dataclass(frozen=True)
class Keywords:
    custom: list[str] = field(default_factory=list)
    system: dict[str, list[str]] = field(default_factory=dict)  # category as sent -> extra words
    severity: dict[str, str] = field(default_factory=dict)

    def wire(self) -> dict[str, Any]:
        return {"CustomKeywords": self.custom, "SystemKeywords": self.system, "SeverityMap": self.severity}


def lexicon_category(name: str) -> str | None:
    """The lexicon's name of a SystemKeywords category given in any spelling or synonym ("Self-Harm", "Threats")."""
    return canonical_category(name)


def _words(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad_request(f"The KeywordFilter field's {where} must be a list of strings.")
    words = [v.strip() for v in value if v.strip()]
    for word in words:
        if len(word) > MAX_KEYWORD_LENGTH:
            raise bad_request(
                f"The KeywordFilter field's {where} holds a keyword longer than {MAX_KEYWORD_LENGTH} characters."
            )
    return list(dict.fromkeys(words))


def parse_keyword_filter(raw: str | None) -> Keywords:
    """The KeywordFilter string parsed and checked; a 400 naming the field and the problem otherwise."""
    if not raw:
        return Keywords()
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise bad_request(
            'The KeywordFilter field must be a JSON object in a string, such as {"CustomKeywords":["banned"]}.'
        ) from None
    if not isinstance(data, dict):
        raise bad_request(
            "The KeywordFilter field must hold a JSON object (CustomKeywords, SystemKeywords, SeverityMap)."
        )
    by_lower = {str(k).lower(): v for k, v in data.items()}
    custom = _words(by_lower.get("customkeywords") or [], "CustomKeywords")
    system_raw = by_lower.get("systemkeywords") or {}
    if not isinstance(system_raw, dict):
        raise bad_request("The KeywordFilter field's SystemKeywords must be an object of category: [words].")
    system: dict[str, list[str]] = {}
    for name, words in system_raw.items():
        extra = _words(words if words is not None else [], f"SystemKeywords.{name}")
        if lexicon_category(str(name)) is None and not extra:  # enables nothing and adds nothing: a mistake
            raise bad_request(
                f"The KeywordFilter field's SystemKeywords names an unknown category {str(name)[:40]!r} with no "
                f"words of its own; system categories: {', '.join(CATEGORIES)}."
            )
        system[str(name)] = extra
    severity_raw = by_lower.get("severitymap") or {}
    if not isinstance(severity_raw, dict):
        raise bad_request("The KeywordFilter field's SeverityMap must be an object of keyword: HIGH|MEDIUM|LOW.")
    severity: dict[str, str] = {}
    for word, level in severity_raw.items():
        if not isinstance(level, str) or level.strip().upper() not in SEVERITIES:
            raise bad_request("The KeywordFilter field's SeverityMap must map keywords to HIGH, MEDIUM or LOW.")
        severity[str(word)] = level.strip().upper()
    if len(custom) + sum(len(w) for w in system.values()) > MAX_KEYWORDS:
        raise bad_request(f"The KeywordFilter field may hold at most {MAX_KEYWORDS} keywords.")
    return Keywords(custom, system, severity)


# Who may act on what.


async def _subscriber(
    session: AsyncSession, principal: Principal, subscriber_id: str, account_id: str | None
) -> Subscriber:
    subscriber = await repository.subscriber(session, subscriber_id, principal.visible_accounts(account_id))
    if subscriber is None:
        raise missing("subscriber", subscriber_id)
    return subscriber


async def _messages_enabled(session: AsyncSession, subscriber_id: str) -> bool:
    return (await features.flags(session, subscriber_id)).messages


async def _manages(session: AsyncSession, manager_id: str, owner_id: str) -> bool:
    """A subscriber manages its own filters, and those of a subscriber it is the guardian of."""
    if manager_id == owner_id:
        return True
    return await relations.is_guardian(session, manager_id, owner_id)


async def _owner_of_phone(
    session: AsyncSession, subscriber: Subscriber, phone: str, principal: Principal
) -> Subscriber:
    """Whose filter a filter on `phone` is: `subscriber`'s if the number is its own, else the child's of which
    `subscriber` is the guardian. Anything else is refused naming Phone."""
    if phone in await repository.numbers_of(session, subscriber):
        return subscriber
    for holder in await repository.holders_of(session, phone, principal.account_ids):
        if holder.id != subscriber.id and await _manages(session, subscriber.id, holder.id):
            return holder
    raise bad_request(f"The Phone field must be a number of subscriber {subscriber.id} (got {phone}).")


async def _require_enabled(session: AsyncSession, subscriber_id: str) -> None:
    if not await _messages_enabled(session, subscriber_id):
        raise bad_request(
            f"AI Guardian messages are not enabled for subscriber {subscriber_id}: enable them first "
            "(POST /v1.0/subscribers/guardian-features, EnableIntelligentGuardianMessages true)."
        )


async def _filter(
    session: AsyncSession, principal: Principal, filter_id: str, subscriber_id: str | None, account_id: str | None
) -> MessageFilter:
    """A filter of the caller's accounts; with `subscriber_id`, one that subscriber manages."""
    found = await repository.get(session, filter_id, principal.visible_accounts(account_id))
    if found is None:
        raise missing("message filter", filter_id)
    if subscriber_id is not None:
        subscriber = await _subscriber(session, principal, subscriber_id, account_id)
        if not await _manages(session, subscriber.id, found.subscriber_id):
            raise missing("message filter", f"{filter_id} of subscriber {subscriber_id}")
    return found


# Operations.


def _touch(found: MessageFilter, now: datetime) -> None:
    found.version = (found.version or 0) + 1
    found.updated_at = now


async def create(
    session: AsyncSession, principal: Principal, body: CreateMessageFilter, now: datetime
) -> MessageFilter:
    subscriber = await _subscriber(session, principal, body.subscriber_id, body.account_id)
    phone = required_e164(body.phone, "Phone")
    owner = await _owner_of_phone(session, subscriber, phone, principal)
    await _require_enabled(session, owner.id)
    parse_keyword_filter(body.keyword_filter)
    if await repository.exists_for(session, owner.id, phone):
        raise bad_request(DUPLICATE)
    found = MessageFilter(
        id=ids.new_id(FILTER_PREFIX),
        account_id=owner.account_id,
        subscriber_id=owner.id,
        phone=phone,
        mode=body.filter_mode,
        allowed_contacts=body.allowed_contacts or [],
        blocked_contacts=body.blocked_contacts or [],
        keyword_filter=body.keyword_filter,
        notification_phones=body.notification_phones or [],
        apply_to_outbound=True if body.apply_to_outbound is None else body.apply_to_outbound,
        apply_to_inbound=True if body.apply_to_inbound is None else body.apply_to_inbound,
        block_unknown_numbers=bool(body.block_unknown_numbers),
        block_links=bool(body.block_links),
        block_media=bool(body.block_media),
        filter_level=body.filter_level,
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(found)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:  # a concurrent create for the same subscriber and number won the unique key
        raise bad_request(DUPLICATE) from None
    return found


async def listing(
    session: AsyncSession,
    principal: Principal,
    subscriber_id: str | None,
    phone: str | None,
    account_id: str | None,
) -> list[MessageFilter]:
    accounts = principal.visible_accounts(account_id)
    subscriber_ids: list[str] | None = None
    if subscriber_id:
        subscriber = await _subscriber(session, principal, subscriber_id, account_id)
        # Its own filters and those of the subscribers it is the guardian of (docs/guardian.md).
        subscriber_ids = [subscriber.id, *await _children(session, subscriber.id)]
    number = required_e164(phone, "Phone") if phone else None
    return await repository.listing(session, accounts, subscriber_ids, number)


async def _children(session: AsyncSession, subscriber_id: str) -> list[str]:
    return await relations.children_of(session, subscriber_id)


_SIMPLE = (
    "allowed_contacts",
    "blocked_contacts",
    "notification_phones",
    "apply_to_outbound",
    "apply_to_inbound",
    "block_unknown_numbers",
    "block_links",
    "block_media",
    "filter_level",
)


async def update(
    session: AsyncSession, principal: Principal, body: UpdateMessageFilter, now: datetime
) -> MessageFilter:
    """Replaces what the request sends; a field it leaves out keeps its value (docs/compatibility.md)."""
    found = await _filter(session, principal, body.filter_id, body.subscriber_id, body.account_id)
    sent = body.model_fields_set
    if body.phone is not None:
        phone = required_e164(body.phone, "Phone")
        if phone != found.phone:
            manager = await _subscriber(session, principal, body.subscriber_id or found.subscriber_id, body.account_id)
            owner = await _owner_of_phone(session, manager, phone, principal)
            if owner.id != found.subscriber_id:
                raise bad_request(
                    f"The Phone field must be a number of subscriber {found.subscriber_id} (got {phone})."
                )
            if await repository.exists_for(session, owner.id, phone):
                raise bad_request(DUPLICATE)
            found.phone = phone
    if body.filter_mode is not None:
        found.mode = body.filter_mode
    if "keyword_filter" in sent:
        parse_keyword_filter(body.keyword_filter)
        found.keyword_filter = body.keyword_filter
    for name in _SIMPLE:
        value = getattr(body, name)
        if name in sent and (value is not None or name == "filter_level"):
            setattr(found, name, value)
    _touch(found, now)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise bad_request(DUPLICATE) from None
    return found


async def delete(
    session: AsyncSession, principal: Principal, body: DeleteMessageFilter, now: datetime
) -> dict[str, Any]:
    found = await _filter(session, principal, body.message_filter_id, body.subscriber_id, body.account_id)
    filter_id = found.id
    await session.delete(found)
    await session.flush()
    return {"Status": "Deleted", "FilterId": filter_id, "DateDeleted": now.isoformat()}


async def contacts(
    session: AsyncSession,
    principal: Principal,
    subscriber_id: str,
    filter_id: str,
    account_id: str | None,
) -> MessageFilter:
    return await _filter(session, principal, filter_id, subscriber_id, account_id)


async def change_contacts(
    session: AsyncSession, principal: Principal, body: ContactsChange, now: datetime, *, which: str, add: bool
) -> MessageFilter:
    """`which`: allowed_contacts or blocked_contacts."""
    found = await _filter(session, principal, body.message_filter_id, body.subscriber_id, body.account_id)
    current: list[str] = list(getattr(found, which) or [])
    if add:
        merged = list(dict.fromkeys([*current, *body.contacts]))
        if len(merged) > MAX_CONTACTS:
            raise bad_request(f"The Contacts field would make the list longer than {MAX_CONTACTS} numbers.")
    else:
        gone = set(body.contacts)
        merged = [c for c in current if c not in gone]
    setattr(found, which, merged)
    _touch(found, now)
    await session.flush()
    return found


def present(found: MessageFilter) -> dict[str, Any]:
    return {
        "FilterId": found.id,
        "SubscriberId": found.subscriber_id,
        "Phone": found.phone,
        "FilterMode": found.mode,
        "AllowedContacts": list(found.allowed_contacts or []),
        "BlockedContacts": list(found.blocked_contacts or []),
        "KeywordFilter": found.keyword_filter,
        "NotificationPhones": list(found.notification_phones or []),
        "ApplyToOutbound": found.apply_to_outbound,
        "ApplyToInbound": found.apply_to_inbound,
        "BlockUnknownNumbers": found.block_unknown_numbers,
        "BlockLinks": found.block_links,
        "BlockMedia": found.block_media,
        "FilterLevel": found.filter_level,
    }


def present_all(found: Sequence[MessageFilter]) -> list[dict[str, Any]]:
    return [present(f) for f in found]
