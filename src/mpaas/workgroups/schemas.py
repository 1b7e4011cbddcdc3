"""Wire shapes of workgroups and workgroup activities (telegent-api.md, "Workgroups (and Schedules)").

Choices where the contract's samples disagree (docs/compatibility.md, Workgroups): ids are issued as `WID-`
and `WG-` is accepted; `Type` is `IVR`, `simultaneous` or `round-robin` (`ring`, the GET sample's, is read as
`simultaneous`); an activity's `Type` is `User` or `Workgroup` (`phone`, the knowledge bank's, is read as
`User`)."""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, Field

from mpaas.core.egress import AnyUri
from mpaas.core.wire import Required, WireBool, WireModel, WireResponse

IVR, SIMULTANEOUS, ROUND_ROBIN = "IVR", "simultaneous", "round-robin"
TYPES = (IVR, SIMULTANEOUS, ROUND_ROBIN)
USER, WORKGROUP = "User", "Workgroup"
MEMBER_TYPES = (USER, WORKGROUP)
HOURS_TYPES = (USER, WORKGROUP)
MAX_WAIT_BETWEEN = 600  # seconds a member may ring (WaitBetween)
MAX_DIGIT_ORDER = 10_000


def _choice(allowed: tuple[str, ...], aliases: dict[str, str]):
    canonical = {a.lower(): a for a in allowed} | aliases

    def check(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str) and value.strip().lower() in canonical:
            return canonical[value.strip().lower()]
        raise ValueError(f"must be one of: {', '.join(allowed)}")

    return BeforeValidator(check)


WorkgroupType = Annotated[str | None, _choice(TYPES, {"ring": SIMULTANEOUS, "roundrobin": ROUND_ROBIN})]
MemberType = Annotated[str | None, _choice(MEMBER_TYPES, {"phone": USER})]
HoursType = Annotated[str | None, _choice(HOURS_TYPES, {"phone": USER})]


def _blank(value: Any) -> Any:
    """Blank counts as absent; WaitBetween and CallOrder are strings in the contract, a number is taken too."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return (value.strip() or None) if isinstance(value, str) else value


def _seconds(value: str | None) -> str | None:
    if value is not None and not (value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_WAIT_BETWEEN):
        raise ValueError(f"must be a whole number of seconds from 1 to {MAX_WAIT_BETWEEN}")
    return value


def _time_zone(value: str | None) -> str | None:
    if value is not None:
        try:
            ZoneInfo(value)
        except (ValueError, OSError, ZoneInfoNotFoundError):
            raise ValueError("must be an IANA time zone name, such as America/New_York") from None
    return value


Text = Annotated[Annotated[str, Field(max_length=255)] | None, BeforeValidator(_blank)]
LongText = Annotated[Annotated[str, Field(max_length=1000)] | None, BeforeValidator(_blank)]
Id = Annotated[Annotated[str, Field(max_length=64)] | None, BeforeValidator(_blank)]
Seconds = Annotated[Annotated[str, Field(max_length=8)] | None, BeforeValidator(_blank), AfterValidator(_seconds)]
TimeZone = Annotated[Annotated[str, Field(max_length=64)] | None, BeforeValidator(_blank), AfterValidator(_time_zone)]


class WorkgroupFields(WireModel):
    """Every field of the contract's create and update; all optional here."""

    name: Text = Field(default=None, alias="Name")
    telegent_phone: Text = Field(default=None, alias="TelegentPhone")
    type: WorkgroupType = Field(default=None, alias="Type", json_schema_extra={"enum": list(TYPES)})
    call_order: Id = Field(default=None, alias="CallOrder")
    wait_between: Seconds = Field(default=None, alias="WaitBetween")
    announcement_text: LongText = Field(default=None, alias="AnnouncementText")
    announcement_url: AnyUri = Field(default=None, alias="AnnouncementUrl")
    internal_extension: Text = Field(default=None, alias="InternalExtension")
    caller_id_type: Text = Field(default=None, alias="CallerIdType")
    caller_id_name: Text = Field(default=None, alias="CallerIdName")
    record_calls: WireBool | None = Field(default=None, alias="RecordCalls")
    transcribe_recordings: WireBool | None = Field(default=None, alias="TranscribeRecordings")
    ai_recording: WireBool | None = Field(default=None, alias="AiRecording")
    schedule_id: Id = Field(default=None, alias="ScheduleId")
    time_zone: TimeZone = Field(default=None, alias="TimeZone", examples=["America/New_York"])
    hold_music_id: Text = Field(default=None, alias="HoldMusicId")
    off_hours_type: HoursType = Field(default=None, alias="OffHoursType")
    off_hours_id: Text = Field(default=None, alias="OffHoursId")
    on_hours_type: HoursType = Field(default=None, alias="OnHoursType")
    on_hours_id: Text = Field(default=None, alias="OnHoursId")
    toll_free_number: Text = Field(default=None, alias="TollFreeNumber")
    account_id: Id = Field(default=None, alias="AccountId")


class CreateWorkgroup(WorkgroupFields):
    name: Annotated[Required, Field(max_length=255)] = Field(alias="Name", examples=["Support Team"])
    type: Annotated[str, _choice(TYPES, {"ring": SIMULTANEOUS, "roundrobin": ROUND_ROBIN})] = Field(
        alias="Type", examples=["simultaneous"], json_schema_extra={"enum": list(TYPES)}
    )


class UpdateWorkgroup(WorkgroupFields):
    workgroup_id: Annotated[Required, Field(max_length=64)] = Field(alias="WorkgroupId")


class MemberFields(WireModel):
    digit_order: int | None = Field(default=None, alias="DigitOrder", ge=0, le=MAX_DIGIT_ORDER)
    phone_number: Text = Field(default=None, alias="PhoneNumber")
    workgroup_id: Id = Field(default=None, alias="WorkgroupId")
    type: MemberType = Field(default=None, alias="Type", json_schema_extra={"enum": list(MEMBER_TYPES)})
    reference_workgroup_id: Id = Field(default=None, alias="ReferenceWorkgroupId")
    reference_user_id: Text = Field(default=None, alias="ReferenceUserId")
    sms_notification: WireBool | None = Field(default=None, alias="SmsNotification")
    email_notification: WireBool | None = Field(default=None, alias="EmailNotification")


class CreateMember(MemberFields):
    workgroup_id: Annotated[Required, Field(max_length=64)] = Field(alias="WorkgroupId")
    type: Annotated[str, _choice(MEMBER_TYPES, {"phone": USER})] = Field(
        alias="Type", examples=["User"], json_schema_extra={"enum": list(MEMBER_TYPES)}
    )


class UpdateMember(MemberFields):
    workgroup_activity_id: Annotated[Required, Field(max_length=64)] = Field(alias="WorkgroupActivityId")


class DeleteMember(WireModel):
    workgroup_activity_id: Annotated[Required, Field(max_length=64)] = Field(alias="WorkgroupActivityId")


# ------------------------------------------------------------------------------------------ answers


class MemberOut(WireResponse):
    workgroup_activity_id: str
    workgroup_id: str
    type: str
    phone_number: str | None
    reference_workgroup_id: str | None
    reference_user_id: str | None
    digit_order: int | None
    sms_notification: bool
    email_notification: bool


class WorkgroupOut(WireResponse):
    workgroup_id: str
    name: str
    telegent_phone: str | None
    type: str
    call_order: str | None
    wait_between: str | None
    announcement_text: str | None
    announcement_url: str | None
    internal_extension: str | None
    caller_id_type: str | None
    caller_id_name: str | None
    record_calls: bool | None
    transcribe_recordings: bool | None
    ai_recording: bool | None
    schedule_id: str | None
    time_zone: str | None
    hold_music_id: str | None
    off_hours_type: str | None
    off_hours_id: str | None
    on_hours_type: str | None
    on_hours_id: str | None
    toll_free_number: str | None
    account_id: str
    active: bool
    # An mpaas extension: the workgroup's members (the contract has no read of activities).
    workgroup_activities: list[MemberOut]


class WorkgroupSummary(WireResponse):
    workgroup_id: str
    name: str
    type: str
    active: bool
    telegent_phone: str | None
    account_id: str


class AccountWorkgroups(WireResponse):
    workgroups: list[WorkgroupSummary]


class MemberStatus(WireResponse):
    workgroup_activity_status: str
    workgroup_activity_id: str


class WorkgroupDeleted(WireResponse):
    workgroup_id: str
    successful: bool
