"""AI Guardian endpoints: Guardian features, guardian relations and call filters (telegent-api.md, "AI
Guardian"). Message filters have their own module."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from mpaas.auth.dependencies import Caller
from mpaas.core.errors import required
from mpaas.dependencies import Now, ReadSession, WriteSession
from mpaas.guardian import call_filters, service
from mpaas.guardian.call_filters import ALLOWED, BLOCKED
from mpaas.guardian.schemas import (
    AllowedNumbersOut,
    BlockedNumbersOut,
    CallFilterDeleted,
    CallFilterOut,
    ChildrenOut,
    ConfigureFeatures,
    CreateCallFilter,
    CreateRelation,
    DeleteCallFilter,
    DeleteRelation,
    FeaturesOut,
    GuardiansOut,
    KeywordsOut,
    NumbersChange,
    RelationDeleted,
    RelationOut,
    UpdateCallFilter,
)

router = APIRouter(tags=["Subscribers"])

AccountIdQuery = Query(None, alias="AccountId")


def _need(value: str | None, field: str) -> str:
    if not value or not value.strip():
        raise required(field)
    return value.strip()


# --- Guardian features ---


@router.post("/v1.0/subscribers/guardian-features", summary="Configure Guardian Features", response_model=FeaturesOut)
async def configure_features(body: ConfigureFeatures, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    row = await service.configure(session, who, body, now)
    return service.present_features(row.subscriber_id, row)


@router.get("/v1.0/subscribers/guardian-features", summary="Get Guardian Features", response_model=FeaturesOut)
async def get_features(
    who: Caller,
    session: ReadSession,
    subscriber_id: str | None = Query(None, alias="SubscriberId"),
    account_id: str | None = AccountIdQuery,
) -> dict[str, Any]:
    return await service.read_features(session, who, _need(subscriber_id, "SubscriberId"), account_id)


# --- Guardian relations ---


@router.post("/v1.0/subscribers/guardians/relation", summary="Create Guardian Relation", response_model=RelationOut)
async def create_relation(body: CreateRelation, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return service.present_relation(await service.create_relation(session, who, body, now))


@router.get(
    "/v1.0/subscribers/guardians/relation/parent", summary="Get Guardian Relation Parent", response_model=ChildrenOut
)
async def get_relation_parent(
    who: Caller,
    session: ReadSession,
    parent_subscriber_id: str | None = Query(None, alias="ParentSubscriberId"),
    account_id: str | None = AccountIdQuery,
) -> dict[str, Any]:
    return await service.children(session, who, _need(parent_subscriber_id, "ParentSubscriberId"), account_id)


@router.get(
    "/v1.0/subscribers/guardians/relation/child", summary="Get Guardian Relation Child", response_model=GuardiansOut
)
async def get_relation_child(
    who: Caller,
    session: ReadSession,
    child_subscriber_id: str | None = Query(None, alias="ChildSubscriberId"),
    account_id: str | None = AccountIdQuery,
) -> dict[str, Any]:
    return await service.guardians(session, who, _need(child_subscriber_id, "ChildSubscriberId"), account_id)


@router.post(
    "/v1.0/subscribers/guardians/relation/delete", summary="Remove Guardian Relation", response_model=RelationDeleted
)
async def delete_relation(body: DeleteRelation, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await service.delete_relation(session, who, body, now)


# --- Call filters ---


@router.post("/v1.0/subscribers/call-filter", summary="Create Call Filter", response_model=CallFilterOut)
async def create_call_filter(body: CreateCallFilter, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return call_filters.present(await call_filters.create(session, who, body, now))


@router.get("/v1.0/subscribers/call-filter", summary="Get Call Filters", response_model=list[CallFilterOut])
async def get_call_filters(
    who: Caller,
    session: ReadSession,
    subscriber_id: str | None = Query(None, alias="SubscriberId"),
    phone: str | None = Query(None, alias="Phone"),
    account_id: str | None = AccountIdQuery,
) -> list[dict[str, Any]]:
    found = await call_filters.listing(session, who, subscriber_id, phone, account_id)
    return call_filters.present_all(found)


@router.post("/v1.0/subscribers/call-filter/update", summary="Update Call Filter", response_model=CallFilterOut)
async def update_call_filter(body: UpdateCallFilter, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return call_filters.present(await call_filters.update(session, who, body, now))


@router.post("/v1.0/subscribers/call-filter/delete", summary="Delete Call Filter", response_model=CallFilterDeleted)
async def delete_call_filter(body: DeleteCallFilter, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await call_filters.delete(session, who, body, now)


async def _list(
    who: Caller,
    session: ReadSession,
    subscriber_id: str | None,
    filter_id: str | None,
    account_id: str | None,
    which: str,
) -> list[str]:
    return await call_filters.numbers(
        session, who, _need(subscriber_id, "SubscriberId"), _need(filter_id, "CallFilterId"), account_id, which
    )


@router.get("/v1.0/subscribers/call-filter/allowed-numbers", summary="Get Allowed Numbers", response_model=list[str])
async def get_allowed_numbers(
    who: Caller,
    session: ReadSession,
    subscriber_id: str | None = Query(None, alias="SubscriberId"),
    call_filter_id: str | None = Query(None, alias="CallFilterId"),
    account_id: str | None = AccountIdQuery,
) -> list[str]:
    return await _list(who, session, subscriber_id, call_filter_id, account_id, ALLOWED)


@router.post(
    "/v1.0/subscribers/call-filter/allowed-numbers/add", summary="Add Allowed Numbers", response_model=AllowedNumbersOut
)
async def add_allowed_numbers(body: NumbersChange, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    found = await call_filters.change_numbers(session, who, body, ALLOWED, add=True, now=now)
    return call_filters.present_list(found, ALLOWED)


@router.post(
    "/v1.0/subscribers/call-filter/allowed-numbers/remove",
    summary="Remove Allowed Numbers",
    response_model=AllowedNumbersOut,
)
async def remove_allowed_numbers(body: NumbersChange, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    found = await call_filters.change_numbers(session, who, body, ALLOWED, add=False, now=now)
    return call_filters.present_list(found, ALLOWED)


@router.get("/v1.0/subscribers/call-filter/blocked-numbers", summary="Get Blocked Numbers", response_model=list[str])
async def get_blocked_numbers(
    who: Caller,
    session: ReadSession,
    subscriber_id: str | None = Query(None, alias="SubscriberId"),
    call_filter_id: str | None = Query(None, alias="CallFilterId"),
    account_id: str | None = AccountIdQuery,
) -> list[str]:
    return await _list(who, session, subscriber_id, call_filter_id, account_id, BLOCKED)


@router.post(
    "/v1.0/subscribers/call-filter/blocked-numbers/add", summary="Add Blocked Numbers", response_model=BlockedNumbersOut
)
async def add_blocked_numbers(body: NumbersChange, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    found = await call_filters.change_numbers(session, who, body, BLOCKED, add=True, now=now)
    return call_filters.present_list(found, BLOCKED)


@router.post(
    "/v1.0/subscribers/call-filter/blocked-numbers/remove",
    summary="Remove Blocked Numbers",
    response_model=BlockedNumbersOut,
)
async def remove_blocked_numbers(body: NumbersChange, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    found = await call_filters.change_numbers(session, who, body, BLOCKED, add=False, now=now)
    return call_filters.present_list(found, BLOCKED)


@router.get("/v1.0/subscribers/call-filter/keywords", summary="Get Call Filter Keywords", response_model=KeywordsOut)
async def get_call_filter_keywords(
    who: Caller,
    session: ReadSession,
    subscriber_id: str | None = Query(None, alias="SubscriberId"),
    call_filter_id: str | None = Query(None, alias="CallFilterId"),
    account_id: str | None = AccountIdQuery,
) -> dict[str, Any]:
    return await call_filters.keywords(
        session, who, _need(subscriber_id, "SubscriberId"), _need(call_filter_id, "CallFilterId"), account_id
    )
