"""Subscriber rules: platform-wide unique email, hashed password, partial update."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.core import ids
from mpaas.core.errors import bad_request, missing
from mpaas.core.security.hashing import hash_secret_off_loop
from mpaas.models import Subscriber
from mpaas.subscribers import repository
from mpaas.subscribers.schemas import CreateSubscriber, TransferSubscriber, UpdateSubscriber

EMAIL_EXISTS = "Email already exists"


async def create(session: AsyncSession, principal: Principal, body: CreateSubscriber, now: datetime) -> Subscriber:
    account_id = principal.require_account(body.account_id)  # the contract's schema requires AccountId here
    email_key = body.email.lower()
    if await repository.email_taken(session, email_key):
        raise bad_request(EMAIL_EXISTS)
    subscriber = Subscriber(
        id=ids.new_id(ids.SUBSCRIBER),
        account_id=account_id,
        name=body.name,
        email=body.email,
        email_key=email_key,
        role=body.role,
        password_hash=await hash_secret_off_loop(body.password),
        phone_numbers=await _own_numbers(session, principal, body.phone_numbers),
        created_at=now,
        updated_at=now,
    )
    session.add(subscriber)
    try:
        await session.flush()
    except IntegrityError:  # a concurrent create with the same email won the unique index
        raise bad_request(EMAIL_EXISTS) from None
    return subscriber


async def _own_numbers(session: AsyncSession, principal: Principal, numbers: list[str]) -> list[str]:
    """`numbers` without repeats, each a number provisioned to one of the caller's accounts (issue 16: a subscriber
    could list another distributor's number). The refusal reads the same whether the number is another
    tenant's, in the inventory or unknown, so it reveals nothing of who holds it."""
    wanted = list(dict.fromkeys(numbers))
    owned = await repository.numbers_held(session, wanted, principal.account_ids) if wanted else set()
    for number in wanted:
        if number not in owned:
            raise bad_request(f"The PhoneNumbers field lists {number}, which is not a number of your accounts.")
    return wanted


async def find(
    session: AsyncSession, principal: Principal, subscriber_id: str, account_id: str | None = None
) -> Subscriber:
    subscriber = await repository.get(session, subscriber_id, principal.visible_accounts(account_id))
    if subscriber is None:
        raise missing("subscriber", subscriber_id)
    return subscriber


async def update(session: AsyncSession, principal: Principal, body: UpdateSubscriber, now: datetime) -> Subscriber:
    subscriber = await find(session, principal, body.subscriber_id, body.account_id)
    sent = body.model_fields_set
    if "name" in sent:
        if not body.name:
            raise bad_request("The Name field cannot be cleared.")
        subscriber.name = body.name
    if "phone_numbers" in sent and body.phone_numbers is not None:
        subscriber.phone_numbers = await _own_numbers(session, principal, body.phone_numbers)
    if "role" in sent and body.role:
        subscriber.role = body.role
    if "password" in sent and body.password:
        subscriber.password_hash = await hash_secret_off_loop(body.password)
    subscriber.updated_at = now
    await session.flush()
    return subscriber


def _own_account(principal: Principal, account_id: str, field: str) -> str:
    for own in principal.account_ids:
        if own.lower() == account_id.strip().lower():
            return own
    raise bad_request(f"Invalid {field}: the account does not exist or belongs to another distributor.")


async def transfer(session: AsyncSession, principal: Principal, body: TransferSubscriber, now: datetime) -> Subscriber:
    """Move a subscriber between two accounts of the caller's distributor, keeping its numbers and
    subscriptions (they move with it)."""
    from_account = _own_account(principal, body.from_account_id, "FromAccountId")
    to_account = _own_account(principal, body.to_account_id, "ToAccountId")
    if from_account == to_account:
        raise bad_request("FromAccountId and ToAccountId must be different accounts.")
    subscriber = await repository.get(session, body.subscriber_id, (from_account,))
    if subscriber is None:
        raise missing("subscriber", f"{body.subscriber_id} in account {from_account}")
    await repository.move_to_account(session, subscriber, from_account, to_account)
    subscriber.updated_at = now
    await session.flush()
    return subscriber


async def present(session: AsyncSession, subscriber: Subscriber) -> dict[str, Any]:
    """The contract's subscriber record; PhoneNumbers also lists the numbers assigned to the subscriber."""
    numbers = list(
        dict.fromkeys([*subscriber.phone_numbers, *await repository.assigned_numbers(session, subscriber.id)])
    )
    return {
        "SubscriberId": subscriber.id,
        "Name": subscriber.name,
        "Email": subscriber.email,
        "PhoneNumbers": numbers,
        "Role": subscriber.role,
        "Account": {
            "AccountId": subscriber.account_id,
            "CompanyName": await repository.company_name(session, subscriber.account_id),
        },
    }
