"""Wire shapes of schedules: the contract's record (GET /v1.0/account/schedules) and the extension that
writes them (/ext/v1/schedules; docs/voice.md, "Workgroups and schedules").

Times are the contract's `8:00 AM` (12-hour, `h:mm AM|PM`); `17:00` (24-hour) is read too. A day whose start
and end are both empty is closed; one without the other is refused. An end at or before the start runs past
midnight (a night shift); the same start and end is open all day."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from mpaas.core.wire import Required, WireModel, WireResponse

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TWELVE = re.compile(r"^(\d{1,2}):(\d{2})\s*([AaPp])\.?[Mm]\.?$")
_TWENTY_FOUR = re.compile(r"^(\d{1,2}):(\d{2})$")


def minutes(value: str) -> int:
    """Minutes after midnight of a time in the contract's form (`8:00 AM`), or ValueError."""
    text = value.strip()
    if match := _TWELVE.match(text):
        hour, minute, half = int(match[1]), int(match[2]), match[3].upper()
        if not 1 <= hour <= 12 or minute > 59:
            raise ValueError("must be a time such as 8:00 AM")
        return (hour % 12 + (12 if half == "P" else 0)) * 60 + minute
    if match := _TWENTY_FOUR.match(text):
        hour, minute = int(match[1]), int(match[2])
        if hour > 23 or minute > 59:
            raise ValueError("must be a time such as 8:00 AM")
        return hour * 60 + minute
    raise ValueError("must be a time such as 8:00 AM, or empty for a closed day")


def wire_time(total: int) -> str:
    """The contract's spelling of minutes after midnight: `8:00 AM`, `12:30 PM`."""
    hour, minute = divmod(total, 60)
    return f"{(hour % 12) or 12}:{minute:02d} {'AM' if hour < 12 else 'PM'}"


def _blank(value: Any) -> Any:
    return (value.strip() or None) if isinstance(value, str) else value


def _time(value: str | None) -> str | None:
    return None if value is None else wire_time(minutes(value))


Time = Annotated[Annotated[str, Field(max_length=16)] | None, BeforeValidator(_blank), AfterValidator(_time)]


class ScheduleFields(WireModel):
    name: Annotated[Annotated[str, Field(max_length=255)] | None, BeforeValidator(_blank)] = Field(
        default=None, alias="Name"
    )
    account_id: Annotated[Annotated[str, Field(max_length=64)] | None, BeforeValidator(_blank)] = Field(
        default=None, alias="AccountId"
    )
    monday_start_time: Time = Field(default=None, alias="MondayStartTime", examples=["8:00 AM"])
    monday_end_time: Time = Field(default=None, alias="MondayEndTime", examples=["5:00 PM"])
    tuesday_start_time: Time = Field(default=None, alias="TuesdayStartTime", examples=["8:00 AM"])
    tuesday_end_time: Time = Field(default=None, alias="TuesdayEndTime", examples=["5:00 PM"])
    wednesday_start_time: Time = Field(default=None, alias="WednesdayStartTime", examples=["8:00 AM"])
    wednesday_end_time: Time = Field(default=None, alias="WednesdayEndTime", examples=["5:00 PM"])
    thursday_start_time: Time = Field(default=None, alias="ThursdayStartTime", examples=["8:00 AM"])
    thursday_end_time: Time = Field(default=None, alias="ThursdayEndTime", examples=["5:00 PM"])
    friday_start_time: Time = Field(default=None, alias="FridayStartTime", examples=["8:00 AM"])
    friday_end_time: Time = Field(default=None, alias="FridayEndTime", examples=["5:00 PM"])
    saturday_start_time: Time = Field(default=None, alias="SaturdayStartTime", examples=[""])
    saturday_end_time: Time = Field(default=None, alias="SaturdayEndTime", examples=[""])
    sunday_start_time: Time = Field(default=None, alias="SundayStartTime", examples=[""])
    sunday_end_time: Time = Field(default=None, alias="SundayEndTime", examples=[""])

    def day_fields(self, day: str) -> tuple[str, str]:
        return f"{day.lower()}_start_time", f"{day.lower()}_end_time"


class CreateSchedule(ScheduleFields):
    name: Annotated[Required, Field(max_length=255)] = Field(alias="Name", examples=["Business Hours"])


class UpdateSchedule(ScheduleFields):
    schedule_id: Annotated[Required, Field(max_length=64)] = Field(alias="ScheduleId")


class DeleteSchedule(WireModel):
    schedule_id: Annotated[Required, Field(max_length=64)] = Field(alias="ScheduleId")
    account_id: Annotated[Annotated[str, Field(max_length=64)] | None, BeforeValidator(_blank)] = Field(
        default=None, alias="AccountId"
    )


class ScheduleOut(WireResponse):
    schedule_id: str = Field(alias="ScheduleId", examples=["SID-019ae4c2-6d1b-7c3e-9a41-2f5d8e7b1c60"])
    name: str
    account_id: str
    monday_start_time: str
    monday_end_time: str
    tuesday_start_time: str
    tuesday_end_time: str
    wednesday_start_time: str
    wednesday_end_time: str
    thursday_start_time: str
    thursday_end_time: str
    friday_start_time: str
    friday_end_time: str
    saturday_start_time: str
    saturday_end_time: str
    sunday_start_time: str
    sunday_end_time: str


class AccountSchedules(WireResponse):
    account_id: str | None = Field(alias="AccountID")  # None: the listing spans several accounts
    total_schedules: int
    results: list[ScheduleOut]


class ScheduleDeleted(WireResponse):
    schedule_id: str
    successful: bool
