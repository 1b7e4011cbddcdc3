"""Request and response shapes of Guardian features, guardian relations and call filters (telegent-api.md,
"AI Guardian")."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field

from mpaas.core.phone import is_e164_shape, normalize_e164
from mpaas.core.wire import Optional, OptionalText, Required, WireBool, WireModel, WireResponse, one_of

# --- Guardian features --------------------------------------------------------------------------------------


class ConfigureFeatures(WireModel):
    subscriber_id: Required = Field(alias="SubscriberId", examples=["TSUID-c7ab61e0-9ad9-4512-aca8-eda284131441"])
    enable_intelligent_guardian_calls: WireBool | None = Field(
        default=None, alias="EnableIntelligentGuardianCalls", examples=[True]
    )
    enable_intelligent_guardian_messages: WireBool | None = Field(
        default=None, alias="EnableIntelligentGuardianMessages", examples=[True]
    )
    account_id: Optional = Field(default=None, alias="AccountId")


class FeaturesOut(WireResponse):
    subscriber_id: str = Field(alias="SubscriberId")
    enable_intelligent_guardian_calls: bool = Field(alias="EnableIntelligentGuardianCalls")
    enable_intelligent_guardian_messages: bool = Field(alias="EnableIntelligentGuardianMessages")


# --- Guardian relations -------------------------------------------------------------------------------------

RELATION_MAX_LENGTH = 100


class CreateRelation(WireModel):
    parent_subscriber_id: Required = Field(
        alias="ParentSubscriberId", examples=["TSUID-c7ab61e0-9ad9-4512-aca8-eda284131441"]
    )
    child_subscriber_id: Required = Field(
        alias="ChildSubscriberId", examples=["TSUID-712c771c-2326-46e8-86ba-e4e58f3dabdc"]
    )
    relation: Annotated[Required, Field(max_length=RELATION_MAX_LENGTH)] = Field(
        alias="Relation", examples=["Guardian"]
    )
    account_id: Optional = Field(default=None, alias="AccountId")


class DeleteRelation(WireModel):
    parent_subscriber_id: Required = Field(
        alias="ParentSubscriberId", examples=["TSUID-c7ab61e0-9ad9-4512-aca8-eda284131441"]
    )
    child_subscriber_id: Required = Field(
        alias="ChildSubscriberId", examples=["TSUID-712c771c-2326-46e8-86ba-e4e58f3dabdc"]
    )
    account_id: Optional = Field(default=None, alias="AccountId")


class RelationOut(WireResponse):
    parent_subscriber_id: str = Field(alias="ParentSubscriberId")
    child_subscriber_id: str = Field(alias="ChildSubscriberId")
    relation: str = Field(alias="Relation")


class ChildrenOut(WireResponse):
    parent_subscriber_id: str = Field(alias="ParentSubscriberId")
    children: list[RelationOut] = Field(alias="Children")


class GuardiansOut(WireResponse):
    child_subscriber_id: str = Field(alias="ChildSubscriberId")
    guardians: list[RelationOut] = Field(alias="Guardians")


class RelationDeleted(WireResponse):
    status: str = Field(alias="Status")
    date_deleted: str = Field(alias="DateDeleted")
    parent_subscriber_id: str = Field(alias="ParentSubscriberId")
    child_subscriber_id: str = Field(alias="ChildSubscriberId")
    relation: str = Field(alias="Relation")


# --- Call filters -------------------------------------------------------------------------------------------

WHITELIST, BLACKLIST, CHILD, TEENAGER, ADOLESCENT = "WHITELIST", "BLACKLIST", "CHILD", "TEENAGER", "ADOLESCENT"
LIST_MODES = (WHITELIST, BLACKLIST)
PRESETS = (CHILD, TEENAGER, ADOLESCENT)
FILTER_MODES = LIST_MODES + PRESETS
ACTIONS = ("WARNING", "TERMINATE", "NOTIFY")
# mpaas extension (docs/guardian.md, "Call filters"): whether the filter refuses, only reports, or is paused.
ACTIVE, MONITOR_ONLY, INACTIVE = "ACTIVE", "MONITOR_ONLY", "INACTIVE"
ENFORCEMENTS = (ACTIVE, MONITOR_ONLY, INACTIVE)
MAX_NUMBERS = 1000  # numbers on one allowed or blocked list (docs/guardian.md)
MAX_NOTIFICATION_PHONES = 10
KEYWORD_FILTER_MAX_LENGTH = 32_000
WARNING_MESSAGE_MAX_LENGTH = 1000


def canonical_number(value: str) -> str:
    """A number as screening compares it: the canonical E.164 form when there is one, else as sent (the
    contract's samples hold numbers such as +1111111111, E.164-shaped but not valid)."""
    return normalize_e164(value) or value


def _numbers(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    out = []
    for value in values:
        if not isinstance(value, str) or not is_e164_shape(value.strip()):
            raise ValueError(f"must hold E.164 numbers such as +18015551234 (got {str(value)[:40]!r})")
        out.append(canonical_number(value.strip()))
    return list(dict.fromkeys(out))


Numbers = Annotated[list[str], Field(max_length=MAX_NUMBERS), AfterValidator(_numbers)]
NotificationPhones = Annotated[list[str], Field(max_length=MAX_NOTIFICATION_PHONES), AfterValidator(_numbers)]
KEYWORD_EXAMPLE = (
    '{"CustomKeywords":["inappropriate","banned"],"SystemKeywords":{"Violence":["threat1"]},'
    '"SeverityMap":{"inappropriate":"MEDIUM"}}'
)


class CallFilterFields(WireModel):
    """The fields create and update share."""

    allowed_numbers: Numbers | None = Field(default=None, alias="AllowedNumbers", examples=[["+18015550101"]])
    blocked_numbers: Numbers | None = Field(default=None, alias="BlockedNumbers", examples=[["+18015550199"]])
    enable_transcription: WireBool | None = Field(default=None, alias="EnableTranscription", examples=[False])
    keyword_filter: OptionalText(KEYWORD_FILTER_MAX_LENGTH) = Field(  # type: ignore[valid-type]
        default=None, alias="KeywordFilter", examples=[KEYWORD_EXAMPLE]
    )
    transcription_action: Annotated[str | None, one_of(*ACTIONS)] = Field(
        default=None, alias="TranscriptionAction", examples=["NOTIFY"]
    )
    warning_message: OptionalText(WARNING_MESSAGE_MAX_LENGTH) = Field(  # type: ignore[valid-type]
        default=None, alias="WarningMessage", examples=["This call may be terminated"]
    )
    notification_phones: NotificationPhones | None = Field(
        default=None, alias="NotificationPhones", examples=[["+18015550123"]]
    )
    apply_to_outbound: WireBool | None = Field(default=None, alias="ApplyToOutbound", examples=[True])
    apply_to_inbound: WireBool | None = Field(default=None, alias="ApplyToInbound", examples=[True])
    block_unknown_numbers: WireBool | None = Field(default=None, alias="BlockUnknownNumbers", examples=[False])
    block_international: WireBool | None = Field(default=None, alias="BlockInternational", examples=[True])
    record_flagged_calls: WireBool | None = Field(default=None, alias="RecordFlaggedCalls", examples=[False])
    enforcement: Annotated[str | None, one_of(*ENFORCEMENTS)] = Field(
        default=None, alias="Enforcement", examples=["ACTIVE"]
    )
    account_id: Optional = Field(default=None, alias="AccountId")


class CreateCallFilter(CallFilterFields):
    subscriber_id: Required = Field(alias="SubscriberId", examples=["TSUID-c7ab61e0-9ad9-4512-aca8-eda284131441"])
    phone: Required = Field(alias="Phone", examples=["+18015551234"])
    filter_mode: Annotated[str, one_of(*FILTER_MODES)] = Field(alias="FilterMode", examples=["WHITELIST"])
    # "Reserved for future use" (the contract): accepted, not stored, answered as null.
    time_restrictions: dict[str, Any] | None = Field(default=None, alias="TimeRestrictions", examples=[None])


class UpdateCallFilter(CallFilterFields):
    filter_id: Required = Field(alias="FilterId", examples=["CFID-05c3d6d2-21c2-4fab-8c7c-12746cad1499"])
    subscriber_id: Optional = Field(default=None, alias="SubscriberId")
    phone: Optional = Field(default=None, alias="Phone")
    # The contract: update only accepts WHITELIST and BLACKLIST; age presets are set at creation.
    filter_mode: Annotated[str | None, one_of(*LIST_MODES)] = Field(
        default=None, alias="FilterMode", examples=["BLACKLIST"]
    )


class DeleteCallFilter(WireModel):
    call_filter_id: Required = Field(alias="CallFilterId", examples=["CFID-05c3d6d2-21c2-4fab-8c7c-12746cad1499"])
    subscriber_id: Optional = Field(default=None, alias="SubscriberId")
    account_id: Optional = Field(default=None, alias="AccountId")


class NumbersChange(WireModel):
    subscriber_id: Required = Field(alias="SubscriberId", examples=["TSUID-c7ab61e0-9ad9-4512-aca8-eda284131441"])
    call_filter_id: Required = Field(alias="CallFilterId", examples=["CFID-8e966d20-08b8-42bf-a11f-2fdf72c663d6"])
    numbers: Annotated[Numbers, Field(min_length=1)] = Field(alias="Numbers", examples=[["+18015555555"]])
    account_id: Optional = Field(default=None, alias="AccountId")


class CallFilterOut(WireResponse):
    filter_id: str = Field(alias="FilterId")
    subscriber_id: str = Field(alias="SubscriberId")
    phone: str = Field(alias="Phone")
    filter_mode: str = Field(alias="FilterMode")
    allowed_numbers: list[str] = Field(alias="AllowedNumbers")
    blocked_numbers: list[str] = Field(alias="BlockedNumbers")
    enable_transcription: bool = Field(alias="EnableTranscription")
    keyword_filter: str | None = Field(alias="KeywordFilter")
    transcription_action: str | None = Field(alias="TranscriptionAction")
    warning_message: str | None = Field(alias="WarningMessage")
    notification_phones: list[str] = Field(alias="NotificationPhones")
    apply_to_outbound: bool = Field(alias="ApplyToOutbound")
    apply_to_inbound: bool = Field(alias="ApplyToInbound")
    block_unknown_numbers: bool = Field(alias="BlockUnknownNumbers")
    block_international: bool = Field(alias="BlockInternational")
    record_flagged_calls: bool = Field(alias="RecordFlaggedCalls")
    time_restrictions: dict[str, Any] | None = Field(alias="TimeRestrictions")
    enforcement: str = Field(alias="Enforcement")


class CallFilterDeleted(WireResponse):
    status: str = Field(alias="Status")
    filter_id: str = Field(alias="FilterId")
    date_deleted: str = Field(alias="DateDeleted")


class AllowedNumbersOut(WireResponse):
    filter_id: str = Field(alias="FilterId")
    subscriber_id: str = Field(alias="SubscriberId")
    allowed_numbers: list[str] = Field(alias="AllowedNumbers")


class BlockedNumbersOut(WireResponse):
    filter_id: str = Field(alias="FilterId")
    subscriber_id: str = Field(alias="SubscriberId")
    blocked_numbers: list[str] = Field(alias="BlockedNumbers")


class KeywordsOut(WireResponse):
    custom_keywords: list[str] = Field(alias="CustomKeywords")
    system_keywords: dict[str, list[str]] = Field(alias="SystemKeywords")
    severity_map: dict[str, Any] = Field(alias="SeverityMap")
