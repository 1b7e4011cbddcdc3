"""Account and distributor endpoints, and the account/distributor-wide lists.

`POST /v1.0/distributor/create` is the one /v1.0 call that takes the operator's bearer token (the /ops/v1 token,
MPAAS_OPERATOR_TOKEN) instead of a distributor's endpoint-scoped token: only the operator creates distributors
(auth.dependencies.OperatorOnly). Accounts are created by a distributor, under itself."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from mpaas.auth.dependencies import Caller, OperatorOnly
from mpaas.catalog import presenters
from mpaas.core.errors import required
from mpaas.dependencies import Now, ReadSession, WriteSession
from mpaas.distributors import service
from mpaas.distributors.schemas import (
    AccountList,
    AccountOut,
    AccountSubscriptionList,
    CreateAccount,
    CreatedDistributor,
    CreateDistributor,
    DistributorOut,
    DistributorSubscriptionList,
    PackageList,
    ProductList,
    ServiceList,
    SubscriberPage,
    UpdateAccount,
    UpdateDistributor,
)

router = APIRouter(tags=["Accounts and Distributors"])


# Accounts ---------------------------------------------------------------------------------------------------


@router.get("/v1.0/account", summary="Get Account Details", response_model=AccountOut)
async def get_account(
    who: Caller, session: ReadSession, account_id: str | None = Query(None, alias="AccountId")
) -> dict[str, Any]:
    if not account_id:
        raise required("AccountId")
    return await service.get_account(session, who, account_id)


@router.post("/v1.0/account/create", summary="Create New Account", response_model=AccountOut)
async def create_account(body: CreateAccount, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await service.create_account(session, who, body, now)


@router.post("/v1.0/account/update", summary="Update Account", response_model=AccountOut)
async def update_account(body: UpdateAccount, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await service.update_account(session, who, body, now)


@router.get("/v1.0/account/services", summary="Get Services", response_model=ServiceList)
async def account_services(
    who: Caller,
    session: ReadSession,
    filter_: str | None = Query(None, alias="Filter"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict[str, Any]:
    wanted = service.filter_of(filter_)
    rows = await service.services(session, who, wanted, account_id)
    return {
        "AggregatorId": presenters.AGGREGATOR_ID,
        "TotalServices": len(rows),
        "Filter": wanted,
        "Results": [presenters.service(r) for r in rows],
    }


@router.get("/v1.0/account/products", summary="Get Products", response_model=ProductList)
async def account_products(
    who: Caller,
    session: ReadSession,
    filter_: str | None = Query(None, alias="Filter"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict[str, Any]:
    wanted = service.filter_of(filter_)
    rows = await service.products(session, who, wanted, account_id)
    return {
        "DistributorId": who.distributor_id,
        "TotalProducts": len(rows),
        "Filter": wanted,
        "Results": [presenters.product(r) for r in rows],
    }


@router.get("/v1.0/account/packages", summary="Get Packages", response_model=PackageList)
async def account_packages(
    who: Caller,
    session: ReadSession,
    filter_: str | None = Query(None, alias="Filter"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict[str, Any]:
    wanted = service.filter_of(filter_)
    rows = await service.packages(session, who, wanted, account_id)
    return {
        "DistributorId": who.distributor_id,
        "TotalPackages": len(rows),
        "Filter": wanted,
        "Results": [presenters.package(r) for r in rows],
    }


@router.get("/v1.0/account/subscriptions", summary="Get Subscriptions", response_model=AccountSubscriptionList)
async def account_subscriptions(
    who: Caller,
    session: ReadSession,
    filter_: str | None = Query(None, alias="Filter"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict[str, Any]:
    wanted = service.filter_of(filter_)
    account, rows = await service.account_subscriptions(session, who, account_id, wanted)
    return {
        "AccountId": account,
        "TotalSubscriptions": len(rows),
        "Filter": wanted,
        "Results": [presenters.subscription(r) for r in rows],
    }


# GET /v1.0/account/workgroups and /v1.0/account/schedules: mpaas/workgroups, mpaas/schedules.


# Distributors -----------------------------------------------------------------------------------------------


@router.get("/v1.0/distributor", summary="Get Distributor Details", response_model=DistributorOut)
async def get_distributor(
    who: Caller, session: ReadSession, distributor_id: str | None = Query(None, alias="DistributorId")
) -> dict[str, Any]:
    if not distributor_id:
        raise required("DistributorId")
    return await service.get_distributor(session, who, distributor_id)


@router.post(
    "/v1.0/distributor/create",
    summary="Create Distributor (operator token)",
    dependencies=[OperatorOnly],
    response_model=CreatedDistributor,
)
async def create_distributor(body: CreateDistributor, session: WriteSession, now: Now) -> dict[str, Any]:
    _, record = await service.create(session, body, now)
    return record


@router.post("/v1.0/distributor/update", summary="Update Distributor", response_model=DistributorOut)
async def update_distributor(body: UpdateDistributor, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await service.update(session, who, body, now)


@router.get("/v1.0/distributor/accounts", summary="Get Accounts", response_model=AccountList)
async def distributor_accounts(
    who: Caller, session: ReadSession, filter_: str | None = Query(None, alias="Filter")
) -> dict[str, Any]:
    wanted = service.filter_of(filter_)
    rows = await service.list_accounts(session, who.distributor_id, wanted)
    return {"DistributorId": who.distributor_id, "TotalAccounts": len(rows), "Filter": wanted, "Results": rows}


@router.get("/v1.0/distributor/subscribers", summary="Get Subscribers", response_model=SubscriberPage)
async def distributor_subscribers(
    who: Caller,
    session: ReadSession,
    page_number: int = Query(1, alias="PageNumber"),
    total_per_page: int = Query(10, alias="TotalPerPage"),
) -> dict[str, Any]:
    total, records = await service.subscribers_page(session, who, page_number, total_per_page)
    return {"PageNumber": page_number, "TotalSubscribers": total, "Subscribers": records}


@router.get("/v1.0/distributor/products", summary="Get Distributor Product List", response_model=ProductList)
async def distributor_products(
    who: Caller, session: ReadSession, filter_: str | None = Query(None, alias="Filter")
) -> dict[str, Any]:
    wanted = service.filter_of(filter_)
    rows = await service.products(session, who, wanted)
    return {
        "DistributorId": who.distributor_id,
        "TotalProducts": len(rows),
        "Filter": wanted,
        "Results": [presenters.product(r) for r in rows],
    }


@router.get("/v1.0/distributor/packages", summary="Get Distributor Package List", response_model=PackageList)
async def distributor_packages(
    who: Caller, session: ReadSession, filter_: str | None = Query(None, alias="Filter")
) -> dict[str, Any]:
    wanted = service.filter_of(filter_)
    rows = await service.packages(session, who, wanted)
    return {
        "DistributorId": who.distributor_id,
        "TotalPackages": len(rows),
        "Filter": wanted,
        "Results": [presenters.package(r) for r in rows],
    }


@router.get(
    "/v1.0/distributor/subscriptions",
    summary="Get Distributor Subscription List",
    response_model=DistributorSubscriptionList,
)
async def distributor_subscriptions(
    who: Caller, session: ReadSession, filter_: str | None = Query(None, alias="Filter")
) -> dict[str, Any]:
    wanted = service.filter_of(filter_)
    rows = await service.distributor_subscriptions(session, who, wanted)
    return {
        "DistributorId": who.distributor_id,
        "TotalSubscriptions": len(rows),
        "Filter": wanted,
        "Results": [presenters.subscription(r) for r in rows],
    }
