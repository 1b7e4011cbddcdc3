"""Wire shapes of data usage: limits, settings, info and renewal per number (telegent-api.md: Numbers - Data
Usage), and the operator's side (/ops/v1): usage records from the network and a number's enforcement policy."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from mpaas.core.wire import Optional, WireBool, WireDateTime, WireModel, WireResponse, one_of
from mpaas.numbers.schemas import NumberEntry, NumberItem

THROTTLE_SPEEDS = ("64-kbps", "128-kbps", "256-kbps", "512-kbps", "1-mbps", "5-mbps", "20-mbps", "50-mbps", "100-mbps")
VALUE_UNITS = ("KB", "MB", "GB", "TB")
# NotifyValue, ThrottleValue, LimitValue: a million of the largest unit (TB) is 10**18 bytes, inside 64 bits.
MAX_USAGE_VALUE = 1_000_000


class NumbersRequest(WireModel):
    phone_numbers: list[NumberItem] | None = Field(default=None, alias="PhoneNumbers", max_length=1000)
    account_id: Optional = Field(default=None, alias="AccountId")


class DataUsageRequest(NumbersRequest):
    value_unit: Annotated[str | None, one_of(*VALUE_UNITS)] = Field(default=None, alias="ValueUnit", examples=["MB"])
    notify_value: int | None = Field(default=None, alias="NotifyValue", ge=0, le=MAX_USAGE_VALUE)
    throttle_value: int | None = Field(default=None, alias="ThrottleValue", ge=0, le=MAX_USAGE_VALUE)
    throttle_speed: Annotated[str | None, one_of(*THROTTLE_SPEEDS)] = Field(default=None, alias="ThrottleSpeed")
    limit_value: int | None = Field(default=None, alias="LimitValue", ge=1, le=MAX_USAGE_VALUE)


class RenewalInfoRequest(NumbersRequest):
    reset_usage: WireBool | None = Field(default=None, alias="ResetUsage")
    auto_renew: WireBool | None = Field(default=None, alias="AutoRenew")
    period_type: Annotated[str | None, one_of("M", "W")] = Field(default=None, alias="PeriodType")
    period_value: int = Field(default=1, alias="PeriodValue", ge=1, le=12)
    renewal_day: int | None = Field(default=None, alias="RenewalDay", ge=1, le=31)
    time_zone: Optional = Field(default=None, alias="TimeZone", examples=["America/New_York"])


class UsageRecordIn(WireModel):
    record_id: Optional = Field(default=None, alias="RecordId")
    phone_number: Optional = Field(default=None, alias="PhoneNumber")
    bytes: int = Field(alias="Bytes", ge=0, le=10**12)  # a terabyte per record at most: sums stay in 64 bits
    timestamp: WireDateTime | None = Field(default=None, alias="Timestamp")
    imei: Optional = Field(default=None, alias="IMEI")


class UsageBatch(WireModel):
    records: list[UsageRecordIn] = Field(alias="Records", max_length=10_000)


# Responses (field names and casing as the contract's examples spell them).


class DataUsageLimitsOut(WireResponse):
    status: str
    status_message: str
    value_unit: str
    notify_value: int | None
    throttle_value: int | None
    throttle_speed: str | None
    limit_value: int
    phone_numbers: list[NumberEntry]


class UsageSettingsItem(WireResponse):
    """A number's settings; a number the caller does not hold has only `Number`, `Status` Error and the
    reason in `StatusMessage`."""

    number: str
    status: str
    status_message: str
    notify_value: int | None = None
    limit_value: int | None = None
    throttle_value: int | None = None
    throttle_speed: str | None = None
    value_unit: str | None = None
    period_type: str | None = None
    renewal_day: int | None = None
    auto_renew: bool | None = None
    time_zone: str | None = None
    next_renewal_date: str | None = None


class UsageSettingsOut(WireResponse):
    phone_numbers: list[UsageSettingsItem]
    status: str


class UsageInfoItem(WireResponse):
    """A number's usage; `ThrottleSpeed` only while it is throttled. A number the caller does not hold has
    only `Number`, `Status` Error and the reason in `StatusMessage`."""

    number: str
    status: str
    status_message: str
    used: str | None = None
    remaining: str | None = None
    current_behavior: str | None = None
    throttle_speed: str | None = None


class UsageInfoOut(WireResponse):
    phone_numbers: list[UsageInfoItem]
    status: str


class RenewalItem(WireResponse):
    number: str
    status: str
    status_message: str


class RenewalInfoOut(WireResponse):
    status: str
    status_message: str
    phone_numbers: list[RenewalItem]


class UsageIngestedOut(WireResponse):
    accepted: int
    duplicates: int
    invalid: int
    unknown_numbers: list[str]


class UsagePolicyOut(WireResponse):
    phone_number: str
    number_status: str
    behavior: str
    throttle_speed: str | None
    throttle_kbps: int | None
    used_bytes: int
    limit_bytes: int
