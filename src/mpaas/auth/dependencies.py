"""The request's principal: bearer token verified, endpoint scope checked, rate limit counted."""

from __future__ import annotations

from fastapi import Request, Response

from mpaas.accounts import repository
from mpaas.accounts.service import Principal
from mpaas.core.errors import ApiError
from mpaas.core.security.tokens import TokenError, scope_of
from mpaas.roles.platform import Platform


def platform_of(request: Request) -> Platform:
    return request.app.state.platform


async def apply_rate_limit(platform: Platform, key: str, per_minute: int, response: Response) -> None:
    decision = await platform.rate_limiter.hit(key, per_minute)
    if not decision.allowed:
        raise ApiError(429, headers=decision.headers())
    response.headers.update(decision.headers())


async def principal(request: Request, response: Response) -> Principal:
    platform = platform_of(request)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401)
    try:
        claims = platform.tokens.verify(token.strip(), platform.clock.now())
    except TokenError:
        raise ApiError(401) from None
    if claims.scope != scope_of(request.url.path):
        raise ApiError(403)
    await apply_rate_limit(platform, claims.distributor_id, claims.rate_limit, response)
    async with platform.db.quick_read() as session:
        account_ids = await repository.active_account_ids(session, claims.distributor_id)
    if account_ids is None:  # the distributor was removed or deactivated after the token was issued
        raise ApiError(401)
    return Principal(distributor_id=claims.distributor_id, account_ids=tuple(account_ids))
