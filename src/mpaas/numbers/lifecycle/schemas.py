"""Wire shapes of a number's life after provisioning: update, status changes, reactivation, NNID, device,
E911, voicemail and SIM state (telegent-api.md: Numbers, Sims)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from mpaas.core.wire import Optional, OptionalText, WireBool, WireModel, WireResponse, one_of
from mpaas.numbers.schemas import PRODUCT_TYPES, AreaCode, Iccid, ZipCode

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
    iccid: Iccid = Field(default=None, alias="Iccid")
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
    phone_numbers: list[NumberWithIccid] | None = Field(default=None, alias="PhoneNumbers", max_length=1000)


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


# Responses (field names and casing as the contract's examples spell them).


class NumberUpdateOut(WireResponse):
    number: str
    tnid: str
    update_order_id: str
    update_order_date: str
    update_order_status: str
    message_type: str
    message_enabled: bool
    classification: str
    voice_enabled: bool
    message_route_id: str | None
    voice_route_id: str | None
    iccid: str | None
    cnam_first_name: str | None
    cnam_last_name: str | None
    product_type: str


class StatusChangeNumber(WireResponse):
    """`QrCode` is the eSIM QR code image's URL, as the contract's example; `ActivationCode` (an mpaas extension)
    the LPA text it encodes."""

    number: str
    qr_code: str | None
    activation_code: str | None


class StatusChangeOut(WireResponse):
    """`Fee` is present only for the changes that cost one (swap, replace, swap-sim): a decimal string."""

    order_id: str
    order_date: str
    order_status: str
    change_type: str
    effective_date: str
    numbers: list[StatusChangeNumber]
    fee: str | None = None


class ReactivateOut(WireResponse):
    phone_number: str
    account_id: str
    status: str
    order_id: str
    order_date: str
    successful: bool


class NnidOut(WireResponse):
    phone_number: str
    nnid: str = Field(alias="NNID")
    successful: bool


class DeviceDetailsOut(WireResponse):
    account_id: str
    phone_number: str
    number_type: str
    imei: str | None = Field(alias="IMEI")
    device_model: str | None
    device_name: str | None
    tac: str | None = Field(alias="TAC")
    status: str
    status_message: str


class E911Address(WireResponse):
    street1: str
    street2: str | None
    city: str
    state: str
    zip: str


class E911Out(WireResponse):
    phone_number: str
    account_id: str
    e911_address: E911Address | None = Field(alias="E911Address")


class NumberStatusOut(WireResponse):
    """E911 update: `Status` Success and an empty `StatusMessage`."""

    phone_number: str
    status: str
    status_message: str


class VoicemailInfoOut(WireResponse):
    phone_number: str
    voicemail_enabled: bool
    email: str | None
    first_name: str | None
    last_name: str | None


class VoicemailActivatedOut(WireResponse):
    phone_number: str
    voicemail_activated: bool
    successful: bool


class VoicemailChangedOut(WireResponse):
    """Voicemail update and delete."""

    phone_number: str
    successful: bool
    message: str


class SimStatusOut(WireResponse):
    iccid: str = Field(alias="ICCID")
    sim_status: str
    successful: bool
