"""Creating distributors with their first account, and resolving which account a call acts on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts import repository
from mpaas.core import ids
from mpaas.core.errors import bad_request
from mpaas.core.security.hashing import hash_secret, new_secret


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


@dataclass(frozen=True)
class Principal:
    """Who is calling: a distributor credential and the accounts it may act on."""

    distributor_id: str
    account_ids: tuple[str, ...]

    def resolve_account(self, account_id: str | None) -> str:
        """The account a call acts on. AccountId may be omitted when the distributor has one account;
        when given it must be one of the distributor's (`Invalid AccountId` otherwise)."""
        if account_id:
            wanted = account_id.strip().lower()
            for own in self.account_ids:
                if own.lower() == wanted:
                    return own
            raise bad_request("Invalid AccountId")
        if len(self.account_ids) == 1:
            return self.account_ids[0]
        if not self.account_ids:
            raise bad_request("Invalid AccountId")
        raise bad_request("The AccountId field is required when the distributor has more than one account.")

    def visible_accounts(self, account_id: str | None = None) -> tuple[str, ...]:
        """Accounts a read may look into: all of the distributor's, or the one named."""
        if account_id:
            return (self.resolve_account(account_id),)
        return self.account_ids
