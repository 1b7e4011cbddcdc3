from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from mpaas.core.wire import Optional, OptionalText, WireBool, WireModel, one_of

PRODUCT_TYPES = ("Sms-Only", "Data-Only", "Sms+Data", "Sms+Data+Voice")


def _area_code(value: str | None) -> str | None:
    if value is None:
        return None
    if not re.fullmatch(r"[2-9]\d\d", value):
        raise ValueError("must be a 3-digit US area code")
    return value


def _zip(value: str | None) -> str | None:
    if value is None:
        return None
    if not re.fullmatch(r"\d{5}", value):
        raise ValueError("must be a 5-digit ZIP code")
    return value


def _iccid(value: str | None) -> str | None:
    if value is None:
        return None
    if not re.fullmatch(r"89\d{16,18}[0-9A-Za-z]?", value) or not 19 <= len(value) <= 20:
        raise ValueError("must be a 19- or 20-character ICCID starting with 89")
    return value


AreaCode = Annotated[Optional, AfterValidator(_area_code)]
ZipCode = Annotated[Optional, AfterValidator(_zip)]


class NumberItem(WireModel):
    number: str = Field(alias="Number", examples=["+18015551234"])


class AvailabilityRequest(WireModel):
    number_type: Annotated[str, one_of("mobile")] = Field(alias="NumberType", examples=["mobile"])
    message_type: Annotated[str | None, one_of("a2p", "p2p")] = Field(default=None, alias="MessageType")
    message_enabled: WireBool = Field(alias="MessageEnabled")
    voice_enabled: WireBool = Field(alias="VoiceEnabled")
    page_number: int = Field(default=1, alias="PageNumber", ge=1)
    area_code: AreaCode = Field(default=None, alias="AreaCode", examples=["801"])
    zip_code: ZipCode = Field(default=None, alias="ZipCode", examples=[""])
    total_numbers_requested: int | None = Field(default=None, alias="TotalNumbersRequested", ge=0, le=100)


class ProvisionRequest(WireModel):
    number_type: Annotated[str, one_of("mvno", "iot")] = Field(alias="NumberType", examples=["mvno"])
    message_type: Annotated[str, one_of("a2p", "p2p")] = Field(alias="MessageType", examples=["p2p"])
    message_enabled: WireBool = Field(alias="MessageEnabled")
    voice_enabled: WireBool = Field(alias="VoiceEnabled")
    data_enabled: WireBool | None = Field(default=None, alias="DataEnabled")
    message_route_id: Optional = Field(default=None, alias="MessageRouteId")
    voice_route_id: Optional = Field(default=None, alias="VoiceRouteId")
    area_code: AreaCode = Field(default=None, alias="AreaCode", examples=["801"])
    zip_code: ZipCode = Field(default=None, alias="ZipCode")
    iccid: Annotated[Optional, AfterValidator(_iccid)] = Field(default=None, alias="ICCID")
    product_type: Annotated[str, one_of(*PRODUCT_TYPES)] = Field(alias="ProductType", examples=["Sms+Data"])
    assigned_subscriber_id: Optional = Field(default=None, alias="AssignedSubscriberId")
    account_id: Optional = Field(default=None, alias="AccountId")
    # Older clients name the number they picked from availability.
    phone_numbers: list[NumberItem] | None = Field(default=None, alias="PhoneNumbers")


# --- lifecycle (issue 4) -------------------------------------------------------------------------

STATUS_CHANGES = ("activate", "cancel", "park", "swap", "replace", "swap-sim")
SIM_STATUSES = ("Active", "Suspended", "Empty")


class NumberWithIccid(WireModel):
    number: str = Field(alias="Number", examples=["+18015551234"])
    iccid: Optional = Field(default=None, alias="ICCID")


class UpdateNumberRequest(WireModel):
    number: Optional = Field(default=None, alias="Number", examples=["+18015551234"])
    account_id: Optional = Field(default=None, alias="AccountId")
    message_enabled: WireBool | None = Field(default=None, alias="MessageEnabled")
    message_type: Annotated[str | None, one_of("a2p", "p2p")] = Field(default=None, alias="MessageType")
    classification: Annotated[str | None, one_of("MVNO", "IoT")] = Field(default=None, alias="Classification")
    voice_enabled: WireBool | None = Field(default=None, alias="VoiceEnabled")
    data_enabled: WireBool | None = Field(default=None, alias="DataEnabled")
    message_route_id: Optional = Field(default=None, alias="MessageRouteId")
    voice_route_id: Optional = Field(default=None, alias="VoiceRouteId")
    assigned_subscriber_id: Optional = Field(default=None, alias="AssignedSubscriberId")
    iccid: Annotated[Optional, AfterValidator(_iccid)] = Field(default=None, alias="Iccid")
    cnam_first_name: OptionalText(15) = Field(default=None, alias="CnamFirstName")
    cnam_last_name: OptionalText(15) = Field(default=None, alias="CnamLastName")
    product_type: Annotated[str | None, one_of(*PRODUCT_TYPES)] = Field(default=None, alias="ProductType")


class StatusChangeRequest(WireModel):
    status_change: Annotated[str | None, one_of(*STATUS_CHANGES)] = Field(
        default=None, alias="StatusChange", examples=["park"]
    )
    effective_date: Optional = Field(default=None, alias="EffectiveDate", examples=["12/31/2023"])
    area_code: AreaCode = Field(default=None, alias="AreaCode")
    zip_code: ZipCode = Field(default=None, alias="ZipCode")
    account_id: Optional = Field(default=None, alias="AccountId")
    phone_numbers: list[NumberWithIccid] | None = Field(default=None, alias="PhoneNumbers")


class PhoneNumberRequest(WireModel):
    """Calls naming one number: reactivate, refresh-nnid, device-details, voicemail info/delete."""

    phone_number: Optional = Field(default=None, alias="PhoneNumber", examples=["+18015551234"])
    account_id: Optional = Field(default=None, alias="AccountId")


class E911UpdateRequest(PhoneNumberRequest):
    street1: Optional = Field(default=None, alias="Street1", examples=["2701 N Thanksgiving Way"])
    street2: Optional = Field(default=None, alias="Street2")
    city: Optional = Field(default=None, alias="City", examples=["Lehi"])
    state: Optional = Field(default=None, alias="State", examples=["UT"])
    zip: Optional = Field(default=None, alias="Zip", examples=["84043"])


class VoicemailRequest(PhoneNumberRequest):
    pin: Optional = Field(default=None, alias="PIN", examples=["7395"])
    first_name: OptionalText(64) = Field(default=None, alias="FirstName")
    last_name: OptionalText(64) = Field(default=None, alias="LastName")
    email: OptionalText(255) = Field(default=None, alias="Email")


class SimStatusRequest(WireModel):
    iccid: Optional = Field(default=None, alias="ICCID", examples=["8901240397190195850"])
    msisdn: Optional = Field(default=None, alias="MSISDN")
    sim_status: Annotated[str | None, one_of(*SIM_STATUSES)] = Field(default=None, alias="SimStatus")
    account_id: Optional = Field(default=None, alias="AccountId")


# --- data usage (issue 4) ------------------------------------------------------------------------

THROTTLE_SPEEDS = ("64-kbps", "128-kbps", "256-kbps", "512-kbps", "1-mbps", "5-mbps", "20-mbps", "50-mbps", "100-mbps")
VALUE_UNITS = ("KB", "MB", "GB", "TB")


class NumbersRequest(WireModel):
    phone_numbers: list[NumberItem] | None = Field(default=None, alias="PhoneNumbers")
    account_id: Optional = Field(default=None, alias="AccountId")


class DataUsageRequest(NumbersRequest):
    value_unit: Annotated[str | None, one_of(*VALUE_UNITS)] = Field(default=None, alias="ValueUnit", examples=["MB"])
    notify_value: int | None = Field(default=None, alias="NotifyValue", ge=0)
    throttle_value: int | None = Field(default=None, alias="ThrottleValue", ge=0)
    throttle_speed: Annotated[str | None, one_of(*THROTTLE_SPEEDS)] = Field(default=None, alias="ThrottleSpeed")
    limit_value: int | None = Field(default=None, alias="LimitValue", ge=1)


class RenewalInfoRequest(NumbersRequest):
    reset_usage: WireBool | None = Field(default=None, alias="ResetUsage")
    auto_renew: WireBool | None = Field(default=None, alias="AutoRenew")
    period_type: Annotated[str | None, one_of("M", "W")] = Field(default=None, alias="PeriodType")
    period_value: int = Field(default=1, alias="PeriodValue", ge=1, le=12)
    renewal_day: int | None = Field(default=None, alias="RenewalDay")
    time_zone: Optional = Field(default=None, alias="TimeZone", examples=["America/New_York"])


class UsageRecordIn(WireModel):
    record_id: Optional = Field(default=None, alias="RecordId")
    phone_number: Optional = Field(default=None, alias="PhoneNumber")
    bytes: int = Field(alias="Bytes", ge=0)
    timestamp: datetime | None = Field(default=None, alias="Timestamp")
    imei: Optional = Field(default=None, alias="IMEI")


class UsageBatch(WireModel):
    records: list[UsageRecordIn] = Field(alias="Records", max_length=10_000)


class PortStatusReport(WireModel):
    order_id: Optional = Field(default=None, alias="OrderId")
    status: Annotated[str | None, one_of("Pending", "InProgress", "ResolutionRequired", "Complete", "Cancelled")] = (
        Field(default=None, alias="Status")
    )
    code: Optional = Field(default=None, alias="Code", examples=["1P-Other"])
    message: Optional = Field(default=None, alias="Message")
