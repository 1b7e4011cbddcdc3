"""Wire shapes of porting: eligibility, port-in orders and their updates, port-out, and the operator's report
of the losing or gaining carrier's answer (telegent-api.md: Numbers - Port In / Port Out)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from mpaas.core.wire import Optional, WireModel, WireResponse, one_of

PORT_ORDER_STATUSES = ("Pending", "InProgress", "ResolutionRequired", "Complete", "Cancelled")


class BillingAddress(WireModel):
    street1: Optional = Field(default=None, alias="Street1")
    street2: Optional = Field(default=None, alias="Street2")
    city: Optional = Field(default=None, alias="City")
    state: Optional = Field(default=None, alias="State")
    zip: Optional = Field(default=None, alias="Zip")


class EligibilityRequest(WireModel):
    phone_number: Optional = Field(default=None, alias="PhoneNumber")
    target_classification: Optional = Field(default=None, alias="TargetClassification")


class PortInRequest(WireModel):
    port_in_number: Optional = Field(default=None, alias="PortInNumber", examples=["+15555551234"])
    current_carrier_name: Optional = Field(default=None, alias="CurrentCarrierName")
    current_account_number: Optional = Field(default=None, alias="CurrentAccountNumber")
    current_account_password: Optional = Field(default=None, alias="CurrentAccountPassword")
    current_billing_address: BillingAddress | None = Field(default=None, alias="CurrentBillingAddress")
    iccid: Optional = Field(default=None, alias="ICCID")
    target_portin_classification: Optional = Field(default=None, alias="TargetPortinClassification")
    subscriber_name: Optional = Field(default=None, alias="SubscriberName")
    port_in_date: Optional = Field(default=None, alias="PortInDate")
    account_id: Optional = Field(default=None, alias="AccountId")
    # Extensions: where the number goes when the port completes.
    message_route_id: Optional = Field(default=None, alias="MessageRouteId")
    voice_route_id: Optional = Field(default=None, alias="VoiceRouteId")
    assigned_subscriber_id: Optional = Field(default=None, alias="AssignedSubscriberId")


class PortInUpdateRequest(PortInRequest):
    order_id: Optional = Field(default=None, alias="OrderId")


class OrderRequest(WireModel):
    order_id: Optional = Field(default=None, alias="OrderId")
    account_id: Optional = Field(default=None, alias="AccountId")


class PortOutRequest(WireModel):
    port_out_number: Optional = Field(default=None, alias="PortOutNumber")
    port_out_pin: Optional = Field(default=None, alias="PortOutPIN")
    account_id: Optional = Field(default=None, alias="AccountId")


class PortStatusReport(WireModel):
    """POST /ops/v1/port-orders/status: the carrier's answer, reported by the operator."""

    order_id: Optional = Field(default=None, alias="OrderId")
    status: Annotated[str | None, one_of(*PORT_ORDER_STATUSES)] = Field(default=None, alias="Status")
    code: Optional = Field(default=None, alias="Code", examples=["1P-Other"])
    message: Optional = Field(default=None, alias="Message")
    # The PIN the gaining carrier presented: required to move a port-out order to InProgress or Complete.
    port_out_pin: Optional = Field(default=None, alias="PortOutPIN", examples=["1234"])


# Responses (field names and casing as the contract's examples spell them).


class EligibilityOut(WireResponse):
    phone_number: str
    eligible: bool
    current_carrier: str
    number_type: str
    message: str


class PortInOrderOut(WireResponse):
    order_id: str
    order_date: str
    status: str
    phone_number: str
    iccid: str | None = Field(alias="ICCID")
    port_in_date: str


class PortInUpdatedOut(WireResponse):
    order_id: str
    status: str
    message: str


class PortInCancelledOut(WireResponse):
    order_id: str
    status: str


class PortOutOrderOut(WireResponse):
    order_id: str
    order_date: str
    status: str
    phone_number: str


class PortOrderStatusOut(WireResponse):
    order_id: str
    order_status: str
    order_status_message: str | None


class PortOrderView(WireResponse):
    """GET /ops/v1/port-orders: what the operator relays to the other carrier (the port-in's account password
    in clear, decrypted for this answer; null once the order is final)."""

    order_id: str
    direction: str
    order_status: str
    phone_number: str
    carrier_name: str | None
    account_number: str | None
    account_password: str | None
    billing_address: dict | None
    subscriber_name: str | None
    port_date: str | None
