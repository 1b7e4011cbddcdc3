"""Account and distributor endpoints, and the account/distributor-wide lists.

`POST /v1.0/distributor/create` is the one /v1.0 call that takes the operator's bearer token (the /ops/v1 token,
MPAAS_OPERATOR_TOKEN) instead of a distributor's endpoint-scoped token: only the operator creates distributors.
Accounts are created by a distributor, under itself."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from mpaas.accounts.service import Principal
from mpaas.auth.dependencies import platform_of, principal
from mpaas.catalog import presenters
from mpaas.catalog import repository as catalog_repo
from mpaas.core.errors import ApiError, bad_request, required
from mpaas.core.security.operator import load_operator_token, token_matches
from mpaas.core.security.tokens import TokenError
from mpaas.distributors import repository, service
from mpaas.distributors.schemas import FILTERS, CreateAccount, CreateDistributor, UpdateAccount, UpdateDistributor
from mpaas.subscribers.service import present as present_subscriber

router = APIRouter(tags=["Accounts and Distributors"])

OPERATOR_ONLY = (
    "Forbidden: only the platform operator may create distributors. Call POST /v1.0/distributor/create "
    "with the operator bearer token (MPAAS_OPERATOR_TOKEN, as for /ops/v1), not a distributor token."
)
MAX_PER_PAGE = 1000


def _filter(value: str | None) -> str:
    if value is None or not value.strip():
        return "All"
    for allowed in FILTERS:
        if allowed.lower() == value.strip().lower():
            return allowed
    raise bad_request(f"The Filter field must be one of: {', '.join(FILTERS)}.")


async def operator_only(request: Request) -> None:
    platform = platform_of(request)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401)
    if token_matches(load_operator_token(platform.settings), token):
        return
    try:  # a genuine distributor token: authenticated, but not allowed to do this
        platform.tokens.verify(token, platform.clock.now())
    except TokenError:
        raise ApiError(401) from None
    raise ApiError(403, OPERATOR_ONLY)


# Accounts ---------------------------------------------------------------------------------------------------


@router.get("/v1.0/account", summary="Get Account Details")
async def get_account(
    request: Request, who: Principal = Depends(principal), account_id: str | None = Query(None, alias="AccountId")
) -> dict:
    if not account_id:
        raise required("AccountId")
    async with platform_of(request).db.read() as session:
        return await service.get_account(session, who, account_id)


@router.post("/v1.0/account/create", summary="Create New Account")
async def create_account(body: CreateAccount, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return await service.create_account(session, who, body, platform.clock.now())


@router.post("/v1.0/account/update", summary="Update Account")
async def update_account(body: UpdateAccount, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return await service.update_account(session, who, body, platform.clock.now())


@router.get("/v1.0/account/services", summary="Get Services")
async def account_services(
    request: Request,
    who: Principal = Depends(principal),
    filter_: str | None = Query(None, alias="Filter"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict:
    wanted = _filter(filter_)
    who.visible_accounts(account_id)
    async with platform_of(request).db.read() as session:
        rows = await catalog_repo.services(session, who.distributor_id, wanted)
    return {
        "AggregatorId": presenters.AGGREGATOR_ID,
        "TotalServices": len(rows),
        "Filter": wanted,
        "Results": [presenters.service(r) for r in rows],
    }


@router.get("/v1.0/account/products", summary="Get Products")
async def account_products(
    request: Request,
    who: Principal = Depends(principal),
    filter_: str | None = Query(None, alias="Filter"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict:
    wanted = _filter(filter_)
    who.visible_accounts(account_id)
    async with platform_of(request).db.read() as session:
        rows = await catalog_repo.products(session, who.distributor_id, wanted)
    return {
        "DistributorId": who.distributor_id,
        "TotalProducts": len(rows),
        "Filter": wanted,
        "Results": [presenters.product(r) for r in rows],
    }


@router.get("/v1.0/account/packages", summary="Get Packages")
async def account_packages(
    request: Request,
    who: Principal = Depends(principal),
    filter_: str | None = Query(None, alias="Filter"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict:
    wanted = _filter(filter_)
    who.visible_accounts(account_id)
    async with platform_of(request).db.read() as session:
        rows = await catalog_repo.packages(session, who.distributor_id, wanted)
    return {
        "DistributorId": who.distributor_id,
        "TotalPackages": len(rows),
        "Filter": wanted,
        "Results": [presenters.package(r) for r in rows],
    }


@router.get("/v1.0/account/subscriptions", summary="Get Subscriptions")
async def account_subscriptions(
    request: Request,
    who: Principal = Depends(principal),
    filter_: str | None = Query(None, alias="Filter"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict:
    wanted = _filter(filter_)
    resolved = who.resolve_account(account_id)
    async with platform_of(request).db.read() as session:
        rows = await catalog_repo.subscriptions(session, [resolved], wanted, include_deleted=True)
    return {
        "AccountId": resolved,
        "TotalSubscriptions": len(rows),
        "Filter": wanted,
        "Results": [presenters.subscription(r) for r in rows],
    }


@router.get("/v1.0/account/workgroups", summary="Get Account's Workgroups")
async def account_workgroups(
    who: Principal = Depends(principal), account_id: str | None = Query(None, alias="AccountId")
) -> dict:
    """Workgroups have no domain yet: always the contract's empty list."""
    who.visible_accounts(account_id)
    return {"Workgroups": []}


@router.get("/v1.0/account/schedules", summary="Get Account Schedules")
async def account_schedules(
    who: Principal = Depends(principal), account_id: str | None = Query(None, alias="AccountId")
) -> dict:
    """Schedules have no domain yet: always the contract's empty list."""
    resolved = who.resolve_account(account_id)
    return {"AccountID": resolved, "TotalSchedules": 0, "Results": []}


# Distributors -----------------------------------------------------------------------------------------------


@router.get("/v1.0/distributor", summary="Get Distributor Details")
async def get_distributor(
    request: Request,
    who: Principal = Depends(principal),
    distributor_id: str | None = Query(None, alias="DistributorId"),
) -> dict:
    if not distributor_id:
        raise required("DistributorId")
    own = service.own_distributor(who, distributor_id)
    async with platform_of(request).db.read() as session:
        return await service.distributor_record(session, own)


@router.post(
    "/v1.0/distributor/create", summary="Create Distributor (operator token)", dependencies=[Depends(operator_only)]
)
async def create_distributor(body: CreateDistributor, request: Request) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        _, record = await service.create(session, body, platform.clock.now())
    return record


@router.post("/v1.0/distributor/update", summary="Update Distributor")
async def update_distributor(body: UpdateDistributor, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return await service.update(session, who, body, platform.clock.now())


@router.get("/v1.0/distributor/accounts", summary="Get Accounts")
async def distributor_accounts(
    request: Request, who: Principal = Depends(principal), filter_: str | None = Query(None, alias="Filter")
) -> dict:
    wanted = _filter(filter_)
    async with platform_of(request).db.read() as session:
        rows = await service.list_accounts(session, who.distributor_id, wanted)
    return {"DistributorId": who.distributor_id, "TotalAccounts": len(rows), "Filter": wanted, "Results": rows}


@router.get("/v1.0/distributor/subscribers", summary="Get Subscribers")
async def distributor_subscribers(
    request: Request,
    who: Principal = Depends(principal),
    page_number: int = Query(1, alias="PageNumber"),
    total_per_page: int = Query(10, alias="TotalPerPage"),
) -> dict:
    if page_number < 1:
        raise bad_request("The PageNumber field must be 1 or more.")
    if not 1 <= total_per_page <= MAX_PER_PAGE:
        raise bad_request(f"The TotalPerPage field must be between 1 and {MAX_PER_PAGE}.")
    async with platform_of(request).db.read() as session:
        total, subscribers = await repository.subscribers_page(
            session, who.account_ids, (page_number - 1) * total_per_page, total_per_page
        )
        subs = await catalog_repo.subscriptions_of_subscribers(session, [x.id for x in subscribers])
        by_subscriber: dict[str, list] = {}
        for sub in subs:
            by_subscriber.setdefault(sub.subscriber_id, []).append(presenters.subscription(sub))
        records = [
            {**await present_subscriber(session, x), "Subscriptions": by_subscriber.get(x.id, [])} for x in subscribers
        ]
    return {"PageNumber": page_number, "TotalSubscribers": total, "Subscribers": records}


@router.get("/v1.0/distributor/products", summary="Get Distributor Product List")
async def distributor_products(
    request: Request, who: Principal = Depends(principal), filter_: str | None = Query(None, alias="Filter")
) -> dict:
    wanted = _filter(filter_)
    async with platform_of(request).db.read() as session:
        rows = await catalog_repo.products(session, who.distributor_id, wanted)
    return {
        "DistributorId": who.distributor_id,
        "TotalProducts": len(rows),
        "Filter": wanted,
        "Results": [presenters.product(r) for r in rows],
    }


@router.get("/v1.0/distributor/packages", summary="Get Distributor Package List")
async def distributor_packages(
    request: Request, who: Principal = Depends(principal), filter_: str | None = Query(None, alias="Filter")
) -> dict:
    wanted = _filter(filter_)
    async with platform_of(request).db.read() as session:
        rows = await catalog_repo.packages(session, who.distributor_id, wanted)
    return {
        "DistributorId": who.distributor_id,
        "TotalPackages": len(rows),
        "Filter": wanted,
        "Results": [presenters.package(r) for r in rows],
    }


@router.get("/v1.0/distributor/subscriptions", summary="Get Distributor Subscription List")
async def distributor_subscriptions(
    request: Request, who: Principal = Depends(principal), filter_: str | None = Query(None, alias="Filter")
) -> dict:
    wanted = _filter(filter_)
    async with platform_of(request).db.read() as session:
        rows = await catalog_repo.subscriptions(session, who.account_ids, wanted, include_deleted=True)
    return {
        "DistributorId": who.distributor_id,
        "TotalSubscriptions": len(rows),
        "Filter": wanted,
        "Results": [presenters.subscription(r) for r in rows],
    }
