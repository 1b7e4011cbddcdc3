"""Issuing endpoint-scoped tokens (POST /v1.0/OAuth2/tokens), and counting a credential's requests.

A token is issued for an active distributor whose AccountSecret matches its stored hash. A wrong secret or
an unknown key is charged to the failure budget (per key and client address, per address: see
core/security/failures.py), never to the credential's per-minute limit, which counts only the requests of
whoever holds the right secret: someone guessing cannot spend the owner's budget. The secret is checked in a
bounded argon2 slot (platform.verifier), and the failure budget is read again once the slot is held, so a
burst of concurrent guesses stops at the budget instead of all being checked. The token is scoped to the one
endpoint named by ApiEndpoint and carries the distributor's credential generation (auth/dependencies.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mpaas.accounts import repository as accounts
from mpaas.auth.schemas import TokenRequest
from mpaas.core.errors import ApiError
from mpaas.core.security.failures import Locked
from mpaas.core.wire import token_expiry
from mpaas.roles.platform import Platform

BAD_CREDENTIALS = "Unauthorized: AccountKey or AccountSecret is invalid."
LOCKED = (
    "Too many requests: too many failed credential checks for this AccountKey from this address. "
    "Retry after {seconds} seconds with the correct AccountSecret."
)


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires: datetime
    rate_limit_headers: dict[str, str]  # the credential's X-RateLimit-* headers, for the response

    def as_wire(self) -> dict[str, Any]:
        """The contract's token response (its names are camelCase, unlike the rest of the API)."""
        return {"token": self.token, "successful": True, "tokenExpiry": token_expiry(self.expires)}


async def count_request(platform: Platform, key: str, per_minute: int) -> dict[str, str]:
    """One request of `key` against its per-minute limit (0 = unlimited): the rate-limit headers for the
    response, or a 429 carrying them when the limit is reached."""
    decision = await platform.rate_limiter.hit(key, per_minute)
    if not decision.allowed:
        raise ApiError(429, headers=decision.headers())
    return decision.headers()


async def issue_token(platform: Platform, body: TokenRequest, address: str) -> IssuedToken:
    """Verify AccountKey/AccountSecret from client `address`, count the request, and mint a token for
    ApiEndpoint (401 otherwise; 429 while the failure budget of this key and address is spent)."""
    await _check_budget(platform, body.account_key, address)
    # Its own short read, not the request's session: the transaction ends before the secret check (argon2,
    # tens of milliseconds on a thread), so no connection is held while it hashes.
    async with platform.db.read() as session:
        distributor = await accounts.get_distributor(session, body.account_key)
    if distributor is None or not distributor.active:
        await platform.auth_failures.record_failure(body.account_key, address)
        raise ApiError(401, BAD_CREDENTIALS)
    async with platform.verifier.slot():
        await _check_budget(platform, body.account_key, address)  # failures recorded while this one waited
        good = await platform.verifier.verify_in_slot(distributor.secret_hash, body.account_secret)
    if not good:
        await platform.auth_failures.record_failure(body.account_key, address)
        raise ApiError(401, BAD_CREDENTIALS)
    limit = distributor.rate_limit_per_minute
    if limit is None:
        limit = platform.settings.rate_limit_per_minute
    headers = await count_request(platform, distributor.id, limit)
    assert platform.tokens is not None, "the platform is started before the API serves requests"
    token, expires = platform.tokens.mint(
        distributor.id, body.api_endpoint, limit, platform.clock.now(), generation=distributor.credential_generation
    )
    return IssuedToken(token, expires, headers)


async def _check_budget(platform: Platform, account_key: str, address: str) -> None:
    try:
        await platform.auth_failures.check(account_key, address)
    except Locked as locked:
        raise ApiError(
            429, LOCKED.format(seconds=locked.retry_after), headers={"Retry-After": str(locked.retry_after)}
        ) from None
