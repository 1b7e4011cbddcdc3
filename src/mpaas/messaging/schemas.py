"""Wire shapes of messages (telegent-api.md: Messaging): the send, details, search and filter, device delivery."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from mpaas.core.egress import RequiredHttpUrl
from mpaas.core.wire import MULTILINE, Money, Optional, Required, WireModel, WireResponse


class Recipient(WireModel):
    number: Required = Field(alias="Number", examples=["+18015737111"])


class MediaUrl(WireModel):
    media_url: RequiredHttpUrl = Field(alias="MediaUrl", examples=["https://example.com/cat.jpg"])


class MediaBase64(WireModel):
    # Bounded by the body cap (MPAAS_MAX_BODY_BYTES) and the media caps (MPAAS_MMS_MAX_ITEM_BYTES, checked in
    # messaging/media.py with their own message), not by the default string length.
    base64: Annotated[Required, MULTILINE] = Field(alias="Base64", max_length=64 * 1024 * 1024)
    base_type: Required = Field(alias="BaseType", examples=["image/png"])


class OutboundRequest(WireModel):
    campaign_id: Optional = Field(default=None, alias="CampaignId")
    to: list[Recipient] = Field(alias="To", min_length=1, max_length=100)
    from_: Required = Field(alias="From", examples=["+18018018011"])
    owner: Optional = Field(default=None, alias="Owner")
    body: Annotated[str, MULTILINE] = Field(alias="Body", max_length=10_000, examples=["Hello there!"])
    mms_media: list[MediaUrl] | None = Field(default=None, alias="MmsMedia", max_length=10)
    mms_base64: list[MediaBase64] | None = Field(default=None, alias="MmsBase64", max_length=10)


class InboundRequest(WireModel):
    """Sandbox only: a message from the outside world to one of the platform's numbers."""

    from_: Required = Field(alias="From", examples=["+18015737111"])
    to: Required = Field(alias="To", examples=["+18018018011"])
    body: Annotated[str, MULTILINE] = Field(alias="Body", max_length=10_000, examples=["Hi back"])


class DeviceDeliveryRequest(WireModel):
    message_id: Required = Field(alias="MessageId", examples=["TMID-00348008102307aK01"])


# Responses: the contract's names and casing; values as the presenters build them (dates are strings).


class RecipientOut(WireResponse):
    number: str


class MediaUrlOut(WireResponse):
    media_url: str


class MediaBase64Out(WireResponse):
    base64: str
    base_type: str


class SentMessage(WireResponse):
    """One recipient's message of a send: its own id, status and cost."""

    message_id: str
    to: str
    status: str
    cost: Money


class SendOut(WireResponse):
    """`POST /v1.0/message/outbound`: the first message's fields, every recipient, and one entry per message."""

    message_id: str
    direction: str
    type: str
    campaign_id: str | None
    cost: Money
    status: str
    to: list[RecipientOut]
    from_: str = Field(alias="From")
    owner: str
    body: str
    created_on: str
    message_type: str
    mms_media: list[MediaUrlOut]
    mms_base64: list[MediaBase64Out]
    segment: int
    messages: list[SentMessage]


class SendRecipient(WireResponse):
    """One recipient's message of a send, as the details of the send's MessageId list them."""

    message_id: str
    to: str
    status: str
    error_code: str | None
    cost: Money


class MessageDetails(WireResponse):
    message_id: str
    direction: str
    type: str
    campaign_id: str | None
    cost: Money
    to: str
    from_: str = Field(alias="From")
    owner: str
    body: str
    region: str | None
    created_on: str | None
    updated_on: str | None
    message_type: str
    status: str
    segment: int
    error_code: str | None
    # Extensions (docs/compatibility.md): the MessageId the send answered (outbound messages), and, in the
    # details of that id, every recipient's message of the send.
    send_message_id: str | None
    messages: list[SendRecipient] | None


class SearchedMessage(WireResponse):
    """A search result: the contract spells `MessageID` and `CampaignID` here, and Cost as dollars (`$0.0045`)."""

    message_id: str = Field(alias="MessageID")
    direction: str
    type: str
    campaign_id: str | None = Field(alias="CampaignID")
    cost: str
    status: str
    to: list[RecipientOut]
    from_: str = Field(alias="From")
    owner: str
    body: str
    mms_media: list[MediaUrlOut]
    mms_base64: list[MediaBase64Out]
    message_type: str
    created_on: str | None


class MessageSearch(WireResponse):
    phone_number: str
    results_total_records: int
    results_pages: int
    page: int
    results: list[SearchedMessage]


class FilteredMessage(WireResponse):
    message_id: str
    from_: str = Field(alias="From")
    to: str
    body: str
    direction: str
    status: str
    created_at: str


class MessageFilter(WireResponse):
    messages: list[FilteredMessage]
    page: int
    results: int
    total: int


class DeviceDelivery(WireResponse):
    message_id: str
    device_delivery_status: str
    delivered_on: str | None
    device_type: str
