"""POST /v1.0/OAuth2/tokens: AccountKey + AccountSecret + ApiEndpoint -> an endpoint-scoped token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from mpaas.auth import service
from mpaas.auth.schemas import TokenOut, TokenRequest
from mpaas.dependencies import PlatformDep

router = APIRouter(tags=["OAuth2"])


@router.post(
    "/v1.0/OAuth2/tokens",
    summary="Generate API Token",
    response_model=TokenOut,
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
async def generate_token(
    body: TokenRequest, request: Request, response: Response, platform: PlatformDep
) -> dict[str, Any]:
    # The platform, not a request session: the service reads the credential in a transaction of its own that
    # ends before the slow secret check (auth/service.py). The client address is the connection's peer (behind
    # a proxy, the address uvicorn's --proxy-headers/--forwarded-allow-ips take from X-Forwarded-For).
    address = request.client.host if request.client else "unknown"
    issued = await service.issue_token(platform, body, address)
    response.headers.update(issued.rate_limit_headers)
    return issued.as_wire()
