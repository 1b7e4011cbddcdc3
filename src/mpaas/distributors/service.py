"""Accounts and distributors: create, read, update, and their profiles (admin email, addresses).

Who may create what (docs/compatibility.md, "Accounts and distributors"):
- a distributor is created only by the platform operator (the /ops/v1 operator bearer token, also accepted on
  `POST /v1.0/distributor/create`); a distributor's own token cannot create distributors (403);
- an account is created by a distributor, under itself, with its ordinary endpoint-scoped token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts import repository as accounts_repo
from mpaas.accounts.service import IssuedCredential, Principal, create_distributor
from mpaas.catalog import presenters as catalog_presenters
from mpaas.catalog import repository as catalog_repo
from mpaas.core import ids
from mpaas.core.errors import bad_request, missing
from mpaas.core.wire import MAX_PAGE_NUMBER
from mpaas.distributors import repository
from mpaas.distributors.schemas import (
    FILTERS,
    Address,
    CreateAccount,
    CreateDistributor,
    UpdateAccount,
    UpdateDistributor,
)
from mpaas.models import Account, Distributor, Package, Product, Profile, Service, Subscription
from mpaas.subscribers.service import present as present_subscriber

ADDRESS_FIELDS = ("Street1", "Street2", "City", "State", "Zip", "Country")
MAX_PER_PAGE = 1000


def _address(value: Address | None) -> dict:
    if value is None:
        return {}
    return {
        wire: getattr(value, name)
        for name, wire in (
            ("street1", "Street1"),
            ("street2", "Street2"),
            ("city", "City"),
            ("state", "State"),
            ("zip", "Zip"),
            ("country", "Country"),
        )
    }


def _merge(old: dict, new: Address | None) -> dict:
    """Partial update of an address: only the fields the client sent change."""
    if new is None:
        return dict(old or {})
    merged = dict(old or {})
    sent = _address(new)
    for name in new.model_fields_set:
        wire = Address.model_fields[name].alias
        merged[wire] = sent[wire]
    return merged


def address_wire(stored: dict | None) -> dict:
    stored = stored or {}
    return {key: stored.get(key) for key in ADDRESS_FIELDS}


async def _save_profile(
    session: AsyncSession,
    owner_id: str,
    now: datetime,
    *,
    admin_email: str | None = None,
    billing: Address | None = None,
    mailing: Address | None = None,
) -> Profile:
    row = await repository.profile(session, owner_id)
    if row is None:
        row = Profile(owner_id=owner_id, admin_email=None, billing_address={}, mailing_address={}, updated_at=now)
        session.add(row)
    if admin_email is not None:
        row.admin_email = admin_email
    row.billing_address = _merge(row.billing_address, billing)
    row.mailing_address = _merge(row.mailing_address, mailing)
    row.updated_at = now
    return row


# Accounts ---------------------------------------------------------------------------------------------------


def present_account(account: Account, profile: Profile | None, subscribers: int) -> dict:
    return {
        "AccountId": account.id,
        "AccountName": account.company_name,
        "TotalSubscribers": subscribers,
        "BillingAddress": address_wire(profile.billing_address if profile else None),
        "MailingAddress": address_wire(profile.mailing_address if profile else None),
    }


async def account_record(session: AsyncSession, account: Account) -> dict:
    counts = await repository.subscriber_counts(session, [account.id])
    return present_account(account, await repository.profile(session, account.id), counts.get(account.id, 0))


async def get_account(session: AsyncSession, who: Principal, account_id: str | None) -> dict[str, Any]:
    resolved = who.resolve_account(account_id)
    account = await repository.account(session, resolved)
    if account is None:
        raise missing("account", account_id or resolved)
    return await account_record(session, account)


async def create_account(session: AsyncSession, who: Principal, body: CreateAccount, now: datetime) -> dict:
    account = accounts_repo.add_account(
        session, id=ids.new_id(ids.ACCOUNT), distributor_id=who.distributor_id, company_name=body.account_name, now=now
    )
    await session.flush()
    await _save_profile(
        session,
        account.id,
        now,
        admin_email=body.account_admin,
        billing=body.billing_address,
        mailing=body.mailing_address,
    )
    await session.flush()
    return await account_record(session, account)


async def update_account(session: AsyncSession, who: Principal, body: UpdateAccount, now: datetime) -> dict:
    resolved = who.resolve_account(body.account_id)
    account = await repository.account(session, resolved)
    if account is None:
        raise missing("account", resolved)
    if "account_name" in body.model_fields_set:
        if not body.account_name:
            raise bad_request("The AccountName field cannot be cleared.")
        account.company_name = body.account_name
    await _save_profile(
        session,
        account.id,
        now,
        admin_email=body.account_admin,
        billing=body.billing_address,
        mailing=body.mailing_address,
    )
    await session.flush()
    return await account_record(session, account)


async def list_accounts(session: AsyncSession, distributor_id: str, filter_: str) -> list[dict]:
    accounts = await accounts_repo.accounts_of(session, distributor_id)
    if filter_ != "All":
        accounts = [a for a in accounts if a.active == (filter_ == "Active")]
    ids_ = [a.id for a in accounts]
    counts = await repository.subscriber_counts(session, ids_)
    profiles = await repository.profiles(session, ids_)
    return [present_account(a, profiles.get(a.id), counts.get(a.id, 0)) for a in accounts]


# Distributors -----------------------------------------------------------------------------------------------


def present_distributor(
    distributor: Distributor, profile: Profile | None, total_accounts: int, secret: str | None = None
) -> dict:
    return {
        "DistributorId": distributor.id,
        "DistributorName": distributor.name,
        "AccountKey": distributor.id,
        # Stored hashed: shown once, in the create response; null afterwards (docs/compatibility.md).
        "Secret": secret,
        "TotalAccounts": total_accounts,
        "BillingAddress": address_wire(profile.billing_address if profile else None),
        "MailingAddress": address_wire(profile.mailing_address if profile else None),
    }


def own_distributor(who: Principal, distributor_id: str) -> str:
    """A distributor sees only itself: any other DistributorId is a 404."""
    if distributor_id.strip().lower() != who.distributor_id.lower():
        raise missing("distributor", distributor_id)
    return who.distributor_id


async def get_distributor(session: AsyncSession, who: Principal, distributor_id: str) -> dict[str, Any]:
    return await distributor_record(session, own_distributor(who, distributor_id))


async def distributor_record(session: AsyncSession, distributor_id: str, secret: str | None = None) -> dict:
    distributor = await accounts_repo.get_distributor(session, distributor_id)
    if distributor is None:
        raise missing("distributor", distributor_id)
    return present_distributor(
        distributor,
        await repository.profile(session, distributor.id),
        await repository.count_accounts(session, distributor.id),
        secret,
    )


async def create(session: AsyncSession, body: CreateDistributor, now: datetime) -> tuple[IssuedCredential, dict]:
    issued = await create_distributor(
        session, name=body.distributor_name, rate_limit=body.rate_limit, now=now, account_name=body.account_name
    )
    await _save_profile(session, issued.account_key, now, billing=body.billing_address, mailing=body.mailing_address)
    await session.flush()
    record = await distributor_record(session, issued.account_key, issued.account_secret)
    return issued, {**record, "AccountId": issued.account_id}


async def update(session: AsyncSession, who: Principal, body: UpdateDistributor, now: datetime) -> dict:
    distributor_id = own_distributor(who, body.distributor_id)
    distributor = await accounts_repo.get_distributor(session, distributor_id)
    if "distributor_name" in body.model_fields_set:
        if not body.distributor_name:
            raise bad_request("The DistributorName field cannot be cleared.")
        distributor.name = body.distributor_name
    await _save_profile(session, distributor_id, now, billing=body.billing_address, mailing=body.mailing_address)
    await session.flush()
    return await distributor_record(session, distributor_id)


# The account- and distributor-wide lists ---------------------------------------------------------------------


def filter_of(value: str | None) -> str:
    """The lists' Filter: All (also when omitted or blank), Active or Inactive, in any casing."""
    if value is None or not value.strip():
        return "All"
    for allowed in FILTERS:
        if allowed.lower() == value.strip().lower():
            return allowed
    raise bad_request(f"The Filter field must be one of: {', '.join(FILTERS)}.")


async def services(session: AsyncSession, who: Principal, filter_: str, account_id: str | None = None) -> list[Service]:
    """The distributor's services; an AccountId, when given, must be one of its accounts."""
    who.visible_accounts(account_id)
    return await catalog_repo.services(session, who.distributor_id, filter_)


async def products(session: AsyncSession, who: Principal, filter_: str, account_id: str | None = None) -> list[Product]:
    """The distributor's products; an AccountId, when given, must be one of its accounts."""
    who.visible_accounts(account_id)
    return await catalog_repo.products(session, who.distributor_id, filter_)


async def packages(session: AsyncSession, who: Principal, filter_: str, account_id: str | None = None) -> list[Package]:
    """The distributor's packages; an AccountId, when given, must be one of its accounts."""
    who.visible_accounts(account_id)
    return await catalog_repo.packages(session, who.distributor_id, filter_)


async def account_subscriptions(
    session: AsyncSession, who: Principal, account_id: str | None, filter_: str
) -> tuple[str | None, list[Subscription]]:
    """The subscriptions of the account named, or of all the caller's accounts when AccountId is omitted
    (deleted ones included, shown inactive), and which account the listing names."""
    accounts = who.visible_accounts(account_id)
    listed = who.listed_account(account_id)
    return listed, await catalog_repo.subscriptions(session, accounts, filter_, include_deleted=True)


async def distributor_subscriptions(session: AsyncSession, who: Principal, filter_: str) -> list[Subscription]:
    """The subscriptions of every account of the distributor (deleted ones included, shown inactive)."""
    return await catalog_repo.subscriptions(session, who.account_ids, filter_, include_deleted=True)


async def subscribers_page(
    session: AsyncSession, who: Principal, page_number: int, total_per_page: int
) -> tuple[int, list[dict[str, Any]]]:
    """One page of the subscribers of the distributor's accounts (oldest first), each with its
    subscriptions, and how many there are in all."""
    if not 1 <= page_number <= MAX_PAGE_NUMBER:
        raise bad_request(f"The PageNumber field must be between 1 and {MAX_PAGE_NUMBER}.")
    if not 1 <= total_per_page <= MAX_PER_PAGE:
        raise bad_request(f"The TotalPerPage field must be between 1 and {MAX_PER_PAGE}.")
    total, subscribers = await repository.subscribers_page(
        session, who.account_ids, (page_number - 1) * total_per_page, total_per_page
    )
    subs = await catalog_repo.subscriptions_of_subscribers(session, [x.id for x in subscribers])
    by_subscriber: dict[str, list] = {}
    for sub in subs:
        by_subscriber.setdefault(sub.subscriber_id, []).append(catalog_presenters.subscription(sub))
    records = [
        {**await present_subscriber(session, x), "Subscriptions": by_subscriber.get(x.id, [])} for x in subscribers
    ]
    return total, records
