from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from mpaas.core.wire import Optional, WireBool, WireModel, one_of

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
