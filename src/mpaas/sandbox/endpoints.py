"""Sandbox-only endpoints (outside /v1.0): inject an inbound message as if a handset had sent it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from mpaas.core.errors import ApiError
from mpaas.dependencies import Now, SettingsDep, WriteSession
from mpaas.messaging import service
from mpaas.messaging.schemas import InboundRequest
from mpaas.sandbox.schemas import InjectedInbound


async def sandbox_active(body: InboundRequest, settings: SettingsDep) -> None:
    """Outside the sandbox the endpoint does not exist (404), checked before the write session is opened.
    It takes the body so that an invalid one is still answered 400 first (FastAPI skips a dependency whose
    own parameters fail validation), as when the check sat in the handler."""
    if not settings.sandbox_active:
        raise ApiError(404, "Not found: the sandbox endpoints exist only while the sandbox carrier is active.")


router = APIRouter(tags=["Sandbox"])


@router.post(
    "/sandbox/v1/inbound",
    summary="Inject an inbound SMS (sandbox carrier only)",
    dependencies=[Depends(sandbox_active)],
    response_model=InjectedInbound,
)
async def inject_inbound(body: InboundRequest, session: WriteSession, now: Now) -> dict[str, Any]:
    # The webhook jobs it enqueues wake the workers once the write session has committed.
    message = await service.receive_inbound(session, body, now)
    return {"MessageId": message.id, "Status": message.status, "To": message.to_number, "From": message.from_number}
