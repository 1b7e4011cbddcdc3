"""Request and response shapes of the message-filter operations (telegent-api.md, "AI Guardian")."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field

from mpaas.core.phone import is_e164_shape, normalize_e164
from mpaas.core.wire import Optional, OptionalText, Required, WireBool, WireModel, WireResponse, one_of

MODES = ("ACTIVE", "MONITOR_ONLY", "INACTIVE")
LEVELS = ("CHILD", "ADOLESCENT", "TEENAGER")
MAX_CONTACTS = 1000  # numbers on one allowed or blocked list (docs/guardian.md)
MAX_NOTIFICATION_PHONES = 10
KEYWORD_FILTER_MAX_LENGTH = 32_000  # characters of the KeywordFilter string


def canonical_number(value: str) -> str:
    """A contact as the pipeline compares it: the canonical E.164 form when there is one, else as sent."""
    return normalize_e164(value) or value


def _numbers(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    out = []
    for value in values:
        if not isinstance(value, str) or not is_e164_shape(value.strip()):
            raise ValueError(f"must hold E.164 numbers such as +18015551234 (got {value!r})")
        out.append(canonical_number(value.strip()))
    return list(dict.fromkeys(out))


Contacts = Annotated[list[str], Field(max_length=MAX_CONTACTS), AfterValidator(_numbers)]
NotificationPhones = Annotated[list[str], Field(max_length=MAX_NOTIFICATION_PHONES), AfterValidator(_numbers)]
Mode = Annotated[str, one_of(*MODES)]
Level = Annotated[str | None, one_of(*LEVELS)]


class CreateMessageFilter(WireModel):
    subscriber_id: Required = Field(alias="SubscriberId", examples=["TSUID-c7ab61e0-9ad9-4512-aca8-eda284131441"])
    phone: Required = Field(alias="Phone", examples=["+18015551234"])
    filter_mode: Mode = Field(alias="FilterMode", examples=["ACTIVE"])
    allowed_contacts: Contacts | None = Field(default=None, alias="AllowedContacts", examples=[["+18015550101"]])
    blocked_contacts: Contacts | None = Field(default=None, alias="BlockedContacts", examples=[["+18015550199"]])
    keyword_filter: OptionalText(KEYWORD_FILTER_MAX_LENGTH) = Field(  # type: ignore[valid-type]
        default=None,
        alias="KeywordFilter",
        examples=[
            '{"CustomKeywords":["inappropriate","banned"],"SystemKeywords":{"Profanity":[],"Violence":["threat1"]},'
            '"SeverityMap":{"inappropriate":"MEDIUM"}}'
        ],
    )
    notification_phones: NotificationPhones | None = Field(
        default=None, alias="NotificationPhones", examples=[["+18015550123"]]
    )
    apply_to_outbound: WireBool | None = Field(default=None, alias="ApplyToOutbound", examples=[True])
    apply_to_inbound: WireBool | None = Field(default=None, alias="ApplyToInbound", examples=[True])
    block_unknown_numbers: WireBool | None = Field(default=None, alias="BlockUnknownNumbers", examples=[False])
    block_links: WireBool | None = Field(default=None, alias="BlockLinks", examples=[True])
    block_media: WireBool | None = Field(default=None, alias="BlockMedia", examples=[True])
    # mpaas extension: which system categories and severities block (docs/guardian.md).
    filter_level: Level = Field(default=None, alias="FilterLevel", examples=["CHILD"])
    account_id: Optional = Field(default=None, alias="AccountId")


class UpdateMessageFilter(CreateMessageFilter):
    filter_id: Required = Field(alias="FilterId", examples=["MFID-7435d672-a2d0-451e-ab62-45499f5bc7a1"])
    subscriber_id: Optional = Field(default=None, alias="SubscriberId")  # type: ignore[assignment]
    phone: Optional = Field(default=None, alias="Phone")  # type: ignore[assignment]
    filter_mode: Annotated[str | None, one_of(*MODES)] = Field(default=None, alias="FilterMode")  # type: ignore[assignment]


class DeleteMessageFilter(WireModel):
    message_filter_id: Required = Field(alias="MessageFilterId", examples=["MFID-e06a2c10-eeb4-4ca7-b3ef-2254b9a79e25"])
    subscriber_id: Optional = Field(default=None, alias="SubscriberId")
    account_id: Optional = Field(default=None, alias="AccountId")


class ContactsChange(WireModel):
    subscriber_id: Required = Field(alias="SubscriberId", examples=["TSUID-c7ab61e0-9ad9-4512-aca8-eda284131441"])
    message_filter_id: Required = Field(alias="MessageFilterId", examples=["MFID-7435d672-a2d0-451e-ab62-45499f5bc7a1"])
    contacts: Annotated[Contacts, Field(min_length=1)] = Field(alias="Contacts", examples=[["+18015555555"]])
    account_id: Optional = Field(default=None, alias="AccountId")


class MessageFilterOut(WireResponse):
    filter_id: str = Field(alias="FilterId")
    subscriber_id: str = Field(alias="SubscriberId")
    phone: str = Field(alias="Phone")
    filter_mode: str = Field(alias="FilterMode")
    allowed_contacts: list[str] = Field(alias="AllowedContacts")
    blocked_contacts: list[str] = Field(alias="BlockedContacts")
    keyword_filter: str | None = Field(alias="KeywordFilter")
    notification_phones: list[str] = Field(alias="NotificationPhones")
    apply_to_outbound: bool = Field(alias="ApplyToOutbound")
    apply_to_inbound: bool = Field(alias="ApplyToInbound")
    block_unknown_numbers: bool = Field(alias="BlockUnknownNumbers")
    block_links: bool = Field(alias="BlockLinks")
    block_media: bool = Field(alias="BlockMedia")
    filter_level: str | None = Field(alias="FilterLevel")


class MessageFilterDeleted(WireResponse):
    status: str = Field(alias="Status")
    filter_id: str = Field(alias="FilterId")
    date_deleted: str = Field(alias="DateDeleted")


class AllowedContactsOut(WireResponse):
    filter_id: str = Field(alias="FilterId")
    subscriber_id: str = Field(alias="SubscriberId")
    allowed_contacts: list[str] = Field(alias="AllowedContacts")


class BlockedContactsOut(WireResponse):
    filter_id: str = Field(alias="FilterId")
    subscriber_id: str = Field(alias="SubscriberId")
    blocked_contacts: list[str] = Field(alias="BlockedContacts")


class KeywordsOut(WireResponse):
    custom_keywords: list[str] = Field(alias="CustomKeywords")
    system_keywords: dict[str, list[str]] = Field(alias="SystemKeywords")
    severity_map: dict[str, Any] = Field(alias="SeverityMap")
