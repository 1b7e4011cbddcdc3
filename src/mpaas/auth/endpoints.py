"""POST /v1.0/OAuth2/tokens: AccountKey + AccountSecret + ApiEndpoint -> an endpoint-scoped token."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from mpaas.accounts import repository
from mpaas.auth.dependencies import apply_rate_limit, platform_of
from mpaas.auth.schemas import TokenRequest
from mpaas.core.errors import ApiError
from mpaas.core.security.hashing import verify_secret
from mpaas.core.wire import token_expiry

router = APIRouter(tags=["OAuth2"])

BAD_CREDENTIALS = "Unauthorized: AccountKey or AccountSecret is invalid."


@router.post(
    "/v1.0/OAuth2/tokens",
    summary="Generate API Token",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
                        "successful": True,
                        "tokenExpiry": "05/02/2025 06:36:13 PM",
                    }
                }
            }
        }
    },
)
async def generate_token(body: TokenRequest, request: Request, response: Response) -> dict:
    platform = platform_of(request)
    async with platform.db.read() as session:
        distributor = await repository.get_distributor(session, body.account_key)
    if distributor is None or not distributor.active:
        raise ApiError(401, BAD_CREDENTIALS)
    limit = distributor.rate_limit_per_minute
    if limit is None:
        limit = platform.settings.rate_limit_per_minute
    # Counted before the secret check, so guessing secrets spends the credential's own budget.
    await apply_rate_limit(platform, distributor.id, limit, response)
    if not await verify_secret(distributor.secret_hash, body.account_secret):
        raise ApiError(401, BAD_CREDENTIALS)
    token, expires = platform.tokens.mint(distributor.id, body.api_endpoint, limit, platform.clock.now())
    return {"token": token, "successful": True, "tokenExpiry": token_expiry(expires)}
