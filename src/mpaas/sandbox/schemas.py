"""Responses of the sandbox endpoints (the request is messaging's InboundRequest)."""

from __future__ import annotations

from pydantic import Field

from mpaas.core.wire import WireResponse


class InjectedInbound(WireResponse):
    message_id: str
    status: str
    to: str
    from_: str = Field(alias="From")
