"""Bodies and responses of the operator API (/ops/v1)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from mpaas.core.wire import Required, WireModel, WireResponse


class OperatorCreateDistributor(WireModel):
    """POST /ops/v1/distributors (the /v1.0 contract's CreateDistributor is distributors.schemas')."""

    name: Required = Field(alias="Name", examples=["Acme Wireless"])
    rate_limit: int | None = Field(
        default=None, alias="RateLimit", ge=0, description="Requests per minute for the credential; 0 = unlimited"
    )


class IssuedCredentialOut(WireResponse):
    """The new distributor's credential; the secret is shown only here."""

    account_key: str
    account_secret: str
    account_id: str


class Health(WireResponse):
    status: str


class CarrierStates(WireResponse):
    """Each carrier bind as the running process holds it (the connector's own state, snake_case keys)."""

    carriers: list[dict[str, Any]]
