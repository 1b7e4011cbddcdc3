"""Sandbox-only endpoints (outside /v1.0): inject an inbound message as if a handset had sent it.

They exist only when MPAAS_SANDBOX_ENDPOINTS is on (by default in `mpaas serve`, off in the production roles)
and the sandbox carrier is active; otherwise every request is a 404, checked before anything else. When they
exist they need a token scoped to the endpoint like every other, and act only on the caller's own numbers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from mpaas.auth.dependencies import Caller
from mpaas.core.errors import ApiError
from mpaas.dependencies import Now, SettingsDep, WriteSession
from mpaas.messaging import service
from mpaas.messaging.schemas import InboundRequest
from mpaas.sandbox.schemas import InjectedInbound


async def sandbox_endpoints_on(settings: SettingsDep) -> None:
    """Off, the endpoints do not exist (404), whatever the request holds: answered before the token and the
    body are looked at, and before the write session is opened."""
    if not settings.sandbox_endpoints:
        raise ApiError(404, "Not found: the sandbox endpoints are off on this server (MPAAS_SANDBOX_ENDPOINTS).")
    if not settings.sandbox_active:
        raise ApiError(404, "Not found: the sandbox endpoints exist only while the sandbox carrier is active.")


router = APIRouter(tags=["Sandbox"], dependencies=[Depends(sandbox_endpoints_on)])


@router.post(
    "/sandbox/v1/inbound",
    summary="Inject an inbound SMS (sandbox carrier only)",
    response_model=InjectedInbound,
)
async def inject_inbound(body: InboundRequest, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    # The webhook jobs it enqueues wake the workers once the write session has committed.
    message = await service.receive_inbound(session, body, now, accounts=who.account_ids)
    return {"MessageId": message.id, "Status": message.status, "To": message.to_number, "From": message.from_number}
