"""Issuing endpoint-scoped tokens (POST /v1.0/OAuth2/tokens), and counting a credential's requests.

A token is issued for an active distributor whose AccountSecret matches its stored hash. The request is
counted against the credential's per-minute limit before the secret is checked, so guessing secrets spends
the credential's own budget. The token is scoped to the one endpoint named by ApiEndpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mpaas.accounts import repository as accounts
from mpaas.auth.schemas import TokenRequest
from mpaas.core.errors import ApiError
from mpaas.core.security.hashing import verify_secret
from mpaas.core.wire import token_expiry
from mpaas.roles.platform import Platform

BAD_CREDENTIALS = "Unauthorized: AccountKey or AccountSecret is invalid."


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


async def issue_token(platform: Platform, body: TokenRequest) -> IssuedToken:
    """Verify AccountKey/AccountSecret, count the request, and mint a token for ApiEndpoint (401 otherwise)."""
    # Its own short read, not the request's session: the transaction ends before the rate limit and the
    # secret check (argon2, tens of milliseconds on a thread), so no connection is held while it hashes.
    async with platform.db.read() as session:
        distributor = await accounts.get_distributor(session, body.account_key)
    if distributor is None or not distributor.active:
        raise ApiError(401, BAD_CREDENTIALS)
    limit = distributor.rate_limit_per_minute
    if limit is None:
        limit = platform.settings.rate_limit_per_minute
    headers = await count_request(platform, distributor.id, limit)
    if not await verify_secret(distributor.secret_hash, body.account_secret):
        raise ApiError(401, BAD_CREDENTIALS)
    assert platform.tokens is not None, "the platform is started before the API serves requests"
    token, expires = platform.tokens.mint(distributor.id, body.api_endpoint, limit, platform.clock.now())
    return IssuedToken(token, expires, headers)
