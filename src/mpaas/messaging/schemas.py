from __future__ import annotations

from pydantic import Field

from mpaas.core.wire import Optional, Required, WireModel


class Recipient(WireModel):
    number: Required = Field(alias="Number", examples=["+18015737111"])


class MediaUrl(WireModel):
    media_url: Required = Field(alias="MediaUrl", examples=["https://example.com/cat.jpg"])


class MediaBase64(WireModel):
    base64: Required = Field(alias="Base64")
    base_type: Required = Field(alias="BaseType", examples=["image/png"])


class OutboundRequest(WireModel):
    campaign_id: Optional = Field(default=None, alias="CampaignId")
    to: list[Recipient] = Field(alias="To", min_length=1, max_length=100)
    from_: Required = Field(alias="From", examples=["+18018018011"])
    owner: Optional = Field(default=None, alias="Owner")
    body: str = Field(alias="Body", max_length=10_000, examples=["Hello there!"])
    mms_media: list[MediaUrl] | None = Field(default=None, alias="MmsMedia", max_length=10)
    mms_base64: list[MediaBase64] | None = Field(default=None, alias="MmsBase64", max_length=10)


class InboundRequest(WireModel):
    """Sandbox only: a message from the outside world to one of the platform's numbers."""

    from_: Required = Field(alias="From", examples=["+18015737111"])
    to: Required = Field(alias="To", examples=["+18018018011"])
    body: str = Field(alias="Body", max_length=10_000, examples=["Hi back"])
