"""Creating distributors with their first account, and resolving which account a call acts on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts import repository
from mpaas.core import ids
from mpaas.core.errors import bad_request, missing
from mpaas.core.security.hashing import hash_secret, hash_secret_off_loop, new_secret
from mpaas.models import Distributor


@dataclass(frozen=True)
class IssuedCredential:
    account_key: str
    account_secret: str
    account_id: str

    def as_wire(self) -> dict[str, str]:
        return {"AccountKey": self.account_key, "AccountSecret": self.account_secret, "AccountId": self.account_id}


async def create_distributor(
    session: AsyncSession, *, name: str, rate_limit: int | None, now: datetime, account_name: str | None = None
) -> IssuedCredential:
    """A distributor (whose id is the AccountKey) with one account. The secret is returned once, stored hashed."""
    if not name or not name.strip():
        raise bad_request("The Name field is required.")
    if rate_limit is not None and rate_limit < 0:
        raise bad_request("The RateLimit field must be 0 (unlimited) or a positive number of requests per minute.")
    secret = new_secret(24)
    distributor = repository.add_distributor(
        session,
        id=ids.new_id(ids.DISTRIBUTOR),
        name=name.strip(),
        secret_hash=hash_secret(secret),
        rate_limit=rate_limit,
        now=now,
    )
    await session.flush()  # no ORM relationships: the distributor row must exist before its account
    account = repository.add_account(
        session,
        id=ids.new_id(ids.ACCOUNT),
        distributor_id=distributor.id,
        company_name=account_name or name.strip(),
        now=now,
    )
    await session.flush()
    return IssuedCredential(distributor.id, secret, account.id)


async def rotate_secret(session: AsyncSession, account_key: str) -> str:
    """A new AccountSecret for the distributor (returned once, stored hashed). The old secret stops working
    when this commits, and so does every token minted with it (the credential generation goes up)."""
    distributor = await _distributor(session, account_key)
    secret = new_secret(24)
    await repository.set_credential(session, distributor.id, secret_hash=await hash_secret_off_loop(secret))
    return secret


async def set_active(session: AsyncSession, account_key: str, active: bool) -> str:
    """Deactivate (tokens refused at once, no new ones) or reactivate a distributor; returns its id.
    Deactivating raises the credential generation, so reactivating does not bring back tokens minted before."""
    distributor = await _distributor(session, account_key)
    await repository.set_credential(session, distributor.id, active=active, new_generation=not active)
    return distributor.id


async def _distributor(session: AsyncSession, account_key: str) -> Distributor:
    distributor = await repository.get_distributor(session, (account_key or "").strip())
    if distributor is None:
        raise missing("distributor", account_key)
    return distributor


@dataclass(frozen=True)
class Principal:
    """Who is calling: a distributor credential and the accounts it may act on."""

    distributor_id: str
    account_ids: tuple[str, ...]

    @property
    def default_account(self) -> str:
        """The distributor's first account: the oldest (ties broken by id), as the principal lists them. It is
        where a create goes when the request names no account (docs/compatibility.md, Accounts)."""
        if not self.account_ids:
            raise bad_request("Invalid AccountId")
        return self.account_ids[0]

    def resolve_account(self, account_id: str | None) -> str:
        """The account a create or an update acts on: the one named (it must be one of the distributor's,
        `Invalid AccountId` otherwise), or the default account when AccountId is omitted."""
        if account_id:
            wanted = account_id.strip().lower()
            for own in self.account_ids:
                if own.lower() == wanted:
                    return own
            raise bad_request("Invalid AccountId")
        return self.default_account

    def require_account(self, account_id: str | None) -> str:
        """Where the contract's schema requires AccountId in the body (`subscribers/create`): it may be omitted
        only when the distributor has a single account (the contract's single-account credentials, §1.3)."""
        if not account_id and len(self.account_ids) > 1:
            raise bad_request("The AccountId field is required.")
        return self.resolve_account(account_id)

    def visible_accounts(self, account_id: str | None = None) -> tuple[str, ...]:
        """Accounts a read may look into: all of the distributor's, or the one named."""
        if account_id:
            return (self.resolve_account(account_id),)
        return self.account_ids

    def listed_account(self, account_id: str | None) -> str | None:
        """The `AccountId` a listing names: the one asked for, the only one, or None when it spans several."""
        if account_id:
            return self.resolve_account(account_id)
        return self.account_ids[0] if len(self.account_ids) == 1 else None
