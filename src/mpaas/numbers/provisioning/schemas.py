"""Wire shapes of availability, provisioning and the number lookups (telegent-api.md: Numbers)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from mpaas.core.wire import MAX_PAGE_NUMBER, Optional, WireBool, WireModel, WireResponse, one_of
from mpaas.numbers.schemas import PRODUCT_TYPES, AreaCode, Iccid, NumberEntry, NumberItem, ZipCode


class AvailabilityRequest(WireModel):
    # `voip`: the quick start's older value, searched as `mobile` (docs/compatibility.md).
    number_type: Annotated[str, one_of("mobile", "voip")] = Field(alias="NumberType", examples=["mobile"])
    message_type: Annotated[str | None, one_of("a2p", "p2p")] = Field(default=None, alias="MessageType")
    message_enabled: WireBool = Field(alias="MessageEnabled")
    voice_enabled: WireBool = Field(alias="VoiceEnabled")
    page_number: int = Field(default=1, alias="PageNumber", ge=1, le=MAX_PAGE_NUMBER)
    area_code: AreaCode = Field(default=None, alias="AreaCode", examples=["801"])
    zip_code: ZipCode = Field(default=None, alias="ZipCode", examples=[""])
    total_numbers_requested: int | None = Field(default=None, alias="TotalNumbersRequested", ge=0, le=100)


class ProvisionRequest(WireModel):
    # `voip`: the quick start's older value, provisioned as `mvno` (docs/compatibility.md).
    number_type: Annotated[str, one_of("mvno", "iot", "voip")] = Field(alias="NumberType", examples=["mvno"])
    message_type: Annotated[str, one_of("a2p", "p2p")] = Field(alias="MessageType", examples=["p2p"])
    message_enabled: WireBool = Field(alias="MessageEnabled")
    voice_enabled: WireBool = Field(alias="VoiceEnabled")
    data_enabled: WireBool | None = Field(default=None, alias="DataEnabled")
    message_route_id: Optional = Field(default=None, alias="MessageRouteId")
    voice_route_id: Optional = Field(default=None, alias="VoiceRouteId")
    area_code: AreaCode = Field(default=None, alias="AreaCode", examples=["801"])
    zip_code: ZipCode = Field(default=None, alias="ZipCode")
    iccid: Iccid = Field(default=None, alias="ICCID")
    product_type: Annotated[str, one_of(*PRODUCT_TYPES)] = Field(alias="ProductType", examples=["Sms+Data"])
    assigned_subscriber_id: Optional = Field(default=None, alias="AssignedSubscriberId")
    account_id: Optional = Field(default=None, alias="AccountId")
    # Older clients name the number they picked from availability.
    phone_numbers: list[NumberItem] | None = Field(default=None, alias="PhoneNumbers", max_length=100)


# Responses (field names and casing as the contract's examples spell them).


class AvailableNumberArea(WireResponse):
    ngp: str = Field(alias="NGP")
    area_code: int
    zipcode: str


class AvailabilityOut(WireResponse):
    request_id: str
    request_date: str
    number_type: str
    voice_enabled: bool
    message_enabled: bool
    area_code: str
    zip_code: str
    page_number: int
    results_total: int
    available_number_areas: list[AvailableNumberArea]
    numbers_available: list[NumberEntry]


class ProvisionOut(WireResponse):
    order_date: str
    order_id: str
    order_status: str
    phone_number_assigned: str
    phone_number_id: str
    qr_code: str | None = Field(alias="QRCode")  # the eSIM QR code image's URL (numbers/provisioning/qr.py)
    activation_code: str | None  # mpaas extension: the LPA text the QR code encodes
    zip_code: str
    iccid: str | None = Field(alias="ICCID")
    error_message: str | None
    subscriber_id: str | None


class NumberOrderOut(WireResponse):
    order_date: str
    order_id: str
    order_status: str
    order_status_message: str | None
    order_type: str
    phone_numbers_ordered: list[NumberEntry]


class NumberDetailsOut(WireResponse):
    """GET /v1.0/numbers: the number's key is spelled `TNID`."""

    number: str
    tnid: str = Field(alias="TNID")
    order_id: str
    number_type: str
    message_enabled: bool
    message_route_id: str | None
    voice_enabled: bool
    classification: str
    message_type: str
    voice_route_id: str | None
    status: str
    original_date_purchased: str
    assigned_subscriber_id: str | None
    iccid: str | None
    cnam: str | None
    qr_activation_link: str | None  # the eSIM QR code image's URL (numbers/provisioning/qr.py)
    activation_code: str | None  # mpaas extension: the LPA text the QR code encodes
    swaps_remaining: int
    next_swap_reset_date: str
    product_type: str
    data_enabled: bool
    zip_code: str
    # The number's port-out PIN as set with /numbers/portout, shown to its owner (None until one is set).
    port_out_pin: str | None = Field(alias="PortOutPin")


class InventoryNumberOut(NumberDetailsOut):
    """An inventory listing's item: the same fields, the number's key spelled `Tnid`."""

    tnid: str = Field(alias="Tnid")


class NumbersInventoryOut(WireResponse):
    account_id: str | None  # None: the listing spans several accounts (AccountId omitted)
    total_results: int
    page_number: int
    filter: str
    phone_numbers: list[InventoryNumberOut]
