"""Every authentication and authorization check of the HTTP API, as request dependencies.

- `Caller`: a distributor's bearer token verified, its endpoint scope checked, its rate limit counted, and
  the distributor still active with its accounts (the principal every `/v1.0` and `/ext/v1` handler acts as).
- `Operator`: the operator's bearer token (`MPAAS_OPERATOR_TOKEN`), for `/ops/v1`.
- `OperatorOnly`: the operator's token on a `/v1.0` operation the contract gives distributors, where a
  genuine distributor token is told it is not allowed (403) rather than not authenticated (401).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from mpaas.accounts.repository import PRINCIPAL_ACCOUNTS
from mpaas.accounts.service import Principal
from mpaas.auth.service import count_request
from mpaas.auth.verified import verify_token
from mpaas.core.db import keyreads
from mpaas.core.errors import ApiError
from mpaas.core.security.operator import load_operator_token, token_matches
from mpaas.core.security.tokens import TokenError, scope_of
from mpaas.dependencies import PlatformDep, platform_of
from mpaas.roles.platform import Platform

OPERATOR_ONLY = (
    "Forbidden: only the platform operator may create distributors. Call POST /v1.0/distributor/create "
    "with the operator bearer token (MPAAS_OPERATOR_TOKEN, as for /ops/v1), not a distributor token."
)


def _bearer(request: Request) -> str | None:
    return bearer_token(request.headers.get("authorization", ""))


def bearer_token(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` header's value; None for any other."""
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


async def principal(request: Request, response: Response) -> Principal:
    who, headers = await authenticate(platform_of(request), request.headers.get("authorization", ""), request.url.path)
    response.headers.update(headers)
    return who


async def authenticate(platform: Platform, authorization: str, path: str) -> tuple[Principal, dict[str, str]]:
    """The caller of a request to `path` with this Authorization header: its principal and its rate-limit headers
    (for the response), or the ApiError refusing it (401, 403, 429). `Caller` runs it for every `/v1.0` and
    `/ext/v1` handler; a lean endpoint (core/http/lean.py) calls it itself, at the point FastAPI would."""
    token = bearer_token(authorization)
    if token is None:
        raise ApiError(401)
    assert platform.tokens is not None, "the platform is started before the API serves requests"
    try:
        claims = verify_token(platform.tokens, token, platform.clock.now())
    except TokenError:
        raise ApiError(401) from None
    if claims.scope != scope_of(path):
        raise ApiError(403)
    headers = await count_request(platform, claims.distributor_id, claims.rate_limit)
    # Read on every request, never cached: a deactivation, a rotated secret (the generation) or an account's
    # change acts on the very next request, from whichever process made it. One statement by key, run on the
    # driver (core/db/keyreads.py), as accounts.repository.active_account_ids reads it through a session.
    rows = await keyreads.rows(platform.db, PRINCIPAL_ACCOUNTS, {"b_distributor": claims.distributor_id})
    if not rows or not rows[0][0] or rows[0][1] != claims.generation:
        raise ApiError(401)  # removed or deactivated, or its secret rotated, after the token was issued
    who = Principal(
        distributor_id=claims.distributor_id, account_ids=tuple(row[2] for row in rows if row[2] is not None)
    )
    return who, headers


async def operator(request: Request, platform: PlatformDep) -> None:
    token = _bearer(request)
    if token is None or not token_matches(load_operator_token(platform.settings), token):
        raise ApiError(401, "Unauthorized: the operator bearer token (MPAAS_OPERATOR_TOKEN) is missing or invalid.")


async def operator_only(request: Request, platform: PlatformDep) -> None:
    token = _bearer(request)
    if token is None:
        raise ApiError(401)
    if token_matches(load_operator_token(platform.settings), token):
        return
    try:  # a genuine distributor token: authenticated, but not allowed to do this
        platform.tokens.verify(token, platform.clock.now())
    except TokenError:
        raise ApiError(401) from None
    raise ApiError(403, OPERATOR_ONLY)


Caller = Annotated[Principal, Depends(principal)]
Operator = Depends(operator)  # for `dependencies=[Operator]` on a router or an operation
OperatorOnly = Depends(operator_only)
