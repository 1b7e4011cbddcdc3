"""Message-filter endpoints (telegent-api.md, "AI Guardian"): create, list, update, delete, the allowed and
blocked contact lists, and the keywords. Rules in guardian/message_filters_service.py."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from mpaas.auth.dependencies import Caller
from mpaas.core.errors import required
from mpaas.dependencies import Now, ReadSession, WriteSession
from mpaas.guardian import message_filters_service as service
from mpaas.guardian.message_filters_schemas import (
    AllowedContactsOut,
    BlockedContactsOut,
    ContactsChange,
    CreateMessageFilter,
    DeleteMessageFilter,
    KeywordsOut,
    MessageFilterDeleted,
    MessageFilterOut,
    UpdateMessageFilter,
)

router = APIRouter(tags=["AI Guardian"])
BASE = "/v1.0/subscribers/message-filter"


def _need(value: str | None, field: str) -> str:
    if not value or not value.strip():
        raise required(field)
    return value.strip()


@router.post(BASE, summary="Create Message Filter", response_model=MessageFilterOut)
async def create_message_filter(
    body: CreateMessageFilter, who: Caller, session: WriteSession, now: Now
) -> dict[str, Any]:
    return service.present(await service.create(session, who, body, now))


@router.get(BASE, summary="Get Message Filters", response_model=list[MessageFilterOut])
async def get_message_filters(
    who: Caller,
    session: ReadSession,
    subscriber_id: str | None = Query(None, alias="SubscriberId"),
    phone: str | None = Query(None, alias="Phone"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> list[dict[str, Any]]:
    return service.present_all(await service.listing(session, who, subscriber_id, phone, account_id))


@router.post(BASE + "/update", summary="Update Message Filter", response_model=MessageFilterOut)
async def update_message_filter(
    body: UpdateMessageFilter, who: Caller, session: WriteSession, now: Now
) -> dict[str, Any]:
    return service.present(await service.update(session, who, body, now))


@router.post(BASE + "/delete", summary="Delete Message Filter", response_model=MessageFilterDeleted)
async def delete_message_filter(
    body: DeleteMessageFilter, who: Caller, session: WriteSession, now: Now
) -> dict[str, Any]:
    return await service.delete(session, who, body, now)


async def _contacts(session, who, subscriber_id, filter_id, account_id):
    return await service.contacts(
        session, who, _need(subscriber_id, "SubscriberId"), _need(filter_id, "MessageFilterId"), account_id
    )


@router.get(BASE + "/allowed-contacts", summary="Get Allowed Contacts", response_model=list[str])
async def get_allowed_contacts(
    who: Caller,
    session: ReadSession,
    subscriber_id: str | None = Query(None, alias="SubscriberId"),
    message_filter_id: str | None = Query(None, alias="MessageFilterId"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> list[str]:
    return list((await _contacts(session, who, subscriber_id, message_filter_id, account_id)).allowed_contacts or [])


def _allowed(found) -> dict[str, Any]:
    return {"FilterId": found.id, "SubscriberId": found.subscriber_id, "AllowedContacts": list(found.allowed_contacts)}


def _blocked(found) -> dict[str, Any]:
    return {"FilterId": found.id, "SubscriberId": found.subscriber_id, "BlockedContacts": list(found.blocked_contacts)}


@router.post(BASE + "/allowed-contacts/add", summary="Add Allowed Contacts", response_model=AllowedContactsOut)
async def add_allowed_contacts(body: ContactsChange, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return _allowed(await service.change_contacts(session, who, body, now, which="allowed_contacts", add=True))


@router.post(BASE + "/allowed-contacts/remove", summary="Remove Allowed Contacts", response_model=AllowedContactsOut)
async def remove_allowed_contacts(body: ContactsChange, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return _allowed(await service.change_contacts(session, who, body, now, which="allowed_contacts", add=False))


@router.get(BASE + "/blocked-contacts", summary="Get Blocked Contacts", response_model=list[str])
async def get_blocked_contacts(
    who: Caller,
    session: ReadSession,
    subscriber_id: str | None = Query(None, alias="SubscriberId"),
    message_filter_id: str | None = Query(None, alias="MessageFilterId"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> list[str]:
    return list((await _contacts(session, who, subscriber_id, message_filter_id, account_id)).blocked_contacts or [])


@router.post(BASE + "/blocked-contacts/add", summary="Add Blocked Contacts", response_model=BlockedContactsOut)
async def add_blocked_contacts(body: ContactsChange, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return _blocked(await service.change_contacts(session, who, body, now, which="blocked_contacts", add=True))


@router.post(BASE + "/blocked-contacts/remove", summary="Remove Blocked Contacts", response_model=BlockedContactsOut)
async def remove_blocked_contacts(body: ContactsChange, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return _blocked(await service.change_contacts(session, who, body, now, which="blocked_contacts", add=False))


@router.get(BASE + "/keywords", summary="Get Message Filter Keywords", response_model=KeywordsOut)
async def get_message_filter_keywords(
    who: Caller,
    session: ReadSession,
    subscriber_id: str | None = Query(None, alias="SubscriberId"),
    message_filter_id: str | None = Query(None, alias="MessageFilterId"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict[str, Any]:
    found = await _contacts(session, who, subscriber_id, message_filter_id, account_id)
    return service.parse_keyword_filter(found.keyword_filter).wire()
