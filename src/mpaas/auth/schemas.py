from __future__ import annotations

from pydantic import Field

from mpaas.core.wire import Required, WireModel, WireResponse


class TokenRequest(WireModel):
    account_key: Required = Field(alias="AccountKey", examples=["DID-1e8939ab-3f3c-4db1-89d7-956d80fd793a"])
    account_secret: Required = Field(alias="AccountSecret", examples=["s3cr3t"])
    api_endpoint: Required = Field(alias="ApiEndpoint", examples=["http://127.0.0.1:8080/v1.0/numbers/provision"])


class TokenOut(WireResponse):
    """The contract spells these three in camelCase, unlike every other response."""

    token: str = Field(alias="token")
    successful: bool = Field(alias="successful")
    token_expiry: str = Field(alias="tokenExpiry")
