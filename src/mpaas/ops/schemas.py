"""Bodies and responses of the operator API (/ops/v1)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from mpaas.core.wire import Required, WireModel, WireResponse


class OperatorCreateDistributor(WireModel):
    """POST /ops/v1/distributors (the /v1.0 contract's CreateDistributor is distributors.schemas')."""

    name: Required = Field(alias="Name", examples=["Acme Wireless"])
    rate_limit: int | None = Field(
        default=None,
        alias="RateLimit",
        ge=0,
        le=1_000_000,
        description="Requests per minute for the credential; 0 = unlimited",
    )


class IssuedCredentialOut(WireResponse):
    """The new distributor's credential; the secret is shown only here."""

    account_key: str
    account_secret: str
    account_id: str


class DistributorKey(WireModel):
    """POST /ops/v1/distributors/rotate-secret, /deactivate, /reactivate: which distributor."""

    account_key: Required = Field(alias="AccountKey", examples=["DID-1e8939ab-3f3c-4db1-89d7-956d80fd793a"])


class RotatedSecretOut(WireResponse):
    """The distributor's new AccountSecret, shown only here; the old one and its tokens no longer work."""

    account_key: str
    account_secret: str


class DistributorStateOut(WireResponse):
    account_key: str
    active: bool


class Health(WireResponse):
    status: str


class CarrierStates(WireResponse):
    """Each carrier bind as the running process holds it (the connector's own state, snake_case keys)."""

    carriers: list[dict[str, Any]]
