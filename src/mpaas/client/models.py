# Generated from the server's OpenAPI document by `make models` (python tools/generate_client_models.py).
# Do not edit: change the server's schemas (or mpaas/client/codegen.py) and run `make models`;
# tests/client/test_sdk_models_generated.py fails while this file is stale.
"""Request and response models of every operation (see `operations.py` for the table).

Requests hold the operation's query parameters (GET) or JSON body (POST), the server's required fields
required. Responses hold the 200 answer's fields, all optional, typed as the server declares them; any
field they do not declare is kept and readable too. Objects nested in responses are the classes first below."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from mpaas.client.base import Number, WireRequest, WireResponse


class AddressOut(WireResponse):
    """Every field always present, null when never set."""

    street_1: str | None = None
    street_2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None


class AccountOut(WireResponse):
    """`AccountOut` in the server's OpenAPI document."""

    account_id: str | None = None
    account_name: str | None = None
    total_subscribers: int | None = None
    billing_address: AddressOut | None = None
    mailing_address: AddressOut | None = None


class AvailableNumberArea(WireResponse):
    """`AvailableNumberArea` in the server's OpenAPI document."""

    ngp: str | None = Field(None, alias="NGP")
    area_code: int | None = None
    zipcode: str | None = None


class CallRecord(WireResponse):
    """A call record; also the Data of every Call_* account webhook (with Event and Timestamp added)."""

    call_record_id: str | None = None
    sip_call_id: str | None = None
    account_id: str | None = None
    number_id: str | None = None
    direction: str | None = None
    from_: str | None = Field(None, alias="From")
    to: str | None = None
    status: str | None = None
    branch: str | None = None
    created_on: str | None = None
    ringing_on: str | None = None
    answered_on: str | None = None
    ended_on: str | None = None
    duration_seconds: int | None = None
    disposition: str | None = None
    sip_code: int | None = None
    sip_reason: str | None = None


class ChargeOut(WireResponse):
    """`ChargeOut` in the server's OpenAPI document."""

    charge_id: int | None = None
    subscription_id: str | None = None
    package_id: str | None = None
    package_name: str | None = None
    period: str | None = None
    kind: str | None = None
    description: str | None = None
    amount: str | None = None
    currency: str | None = None
    created_on: str | None = None


class SubscriberAccount(WireResponse):
    """`SubscriberAccount` in the server's OpenAPI document."""

    account_id: str | None = None
    company_name: str | None = None


class SubscriptionOut(WireResponse):
    """`SubscriptionOut` in the server's OpenAPI document."""

    subscription_id: str | None = None
    subscriber_id: str | None = None
    tnid: str | None = Field(None, alias="TNID")
    iccid: str | None = Field(None, alias="ICCID")
    package_id: str | None = None
    type: str | None = None
    active: bool | None = None


class DistributorSubscriber(WireResponse):
    """`DistributorSubscriber` in the server's OpenAPI document."""

    subscriber_id: str | None = None
    name: str | None = None
    email: str | None = None
    phone_numbers: list[str] | None = None
    role: str | None = None
    account: SubscriberAccount | None = None
    subscriptions: list[SubscriptionOut] | None = None


class E911Address(WireResponse):
    """`E911Address` in the server's OpenAPI document."""

    street_1: str | None = None
    street_2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


class FilteredMessage(WireResponse):
    """`FilteredMessage` in the server's OpenAPI document."""

    message_id: str | None = None
    from_: str | None = Field(None, alias="From")
    to: str | None = None
    body: str | None = None
    direction: str | None = None
    status: str | None = None
    created_at: str | None = None


class InventoryNumberOut(WireResponse):
    """An inventory listing's item: the same fields, the number's key spelled `Tnid`."""

    number: str | None = None
    tnid: str | None = None
    order_id: str | None = None
    number_type: str | None = None
    message_enabled: bool | None = None
    message_route_id: str | None = None
    voice_enabled: bool | None = None
    classification: str | None = None
    message_type: str | None = None
    voice_route_id: str | None = None
    status: str | None = None
    original_date_purchased: str | None = None
    assigned_subscriber_id: str | None = None
    iccid: str | None = None
    cnam: str | None = None
    qr_activation_link: str | None = None
    activation_code: str | None = None
    swaps_remaining: int | None = None
    next_swap_reset_date: str | None = None
    product_type: str | None = None
    data_enabled: bool | None = None
    zip_code: str | None = None
    port_out_pin: str | None = None


class IpEntry(WireResponse):
    """`IpEntry` in the server's OpenAPI document."""

    ip_address: str | None = None


class ListedMessageRoute(WireResponse):
    """In the account listing the account's key is spelled `AccountID`."""

    message_route_id: str | None = None
    route_name: str | None = None
    message_url: str | None = None
    message_url_method: str | None = None
    message_route_enabled: bool | None = None
    message_authentication_type: str | None = None
    message_username: str | None = None
    message_password_token: str | None = None
    callback_message_url: str | None = None
    callback_message_url_method: str | None = None
    callback_message_authentication_type: str | None = None
    callback_message_username: str | None = None
    callback_message_password_token: str | None = None
    inbound_bypass: bool | None = None
    outbound_bypass: bool | None = None
    intelligent_route_enabled: bool | None = None
    account_id: str | None = Field(None, alias="AccountID")


class ListedVoiceRoute(WireResponse):
    """The account listing: `CallRouteStatus`, `AccountID`, and the list spelled `IpWhitelist`."""

    route_name: str | None = None
    route_type: str | None = None
    voice_url: str | None = None
    voice_url_method: str | None = None
    voice_authentication_type: str | None = None
    voice_username: str | None = None
    voice_password_token: str | None = None
    callback_voice_url: str | None = None
    callback_voice_url_method: str | None = None
    trunk_ip_1: str | None = None
    trunk_ip_2: str | None = None
    trunk_port_1: str | None = None
    trunk_port_2: str | None = None
    trunk_transport_1: str | None = None
    trunk_transport_2: str | None = None
    trunk_uri_1: str | None = None
    trunk_uri_2: str | None = None
    trunk_enabled_1: bool | None = None
    trunk_enabled_2: bool | None = None
    trunk_1_priortiy: int | None = None
    trunk_1_weight: int | None = None
    trunk_2_priortiy: int | None = None
    trunk_2_weight: int | None = None
    header_manipulation: str | None = None
    enable_sip_refer: bool | None = None
    transfer_caller_id: str | None = None
    symmetric_rtp: bool | None = None
    enable_trp_secure_trunk: bool | None = None
    enable_pstn_transfer: bool | None = None
    cnam_lookup: bool | None = None
    termination_uri_subdomain: str | None = None
    enable_call_streaming: bool | None = None
    wss_uri: str | None = None
    intelligent_route_enabled: bool | None = None
    route_enabled: bool | None = None
    call_route_status: str | None = None
    call_route_id: str | None = None
    account_id: str | None = Field(None, alias="AccountID")
    ip_whitelist: list[IpEntry] | None = None


class MediaBase64Out(WireResponse):
    """`MediaBase64Out` in the server's OpenAPI document."""

    base_64: str | None = None
    base_type: str | None = None


class MediaUrlOut(WireResponse):
    """`MediaUrlOut` in the server's OpenAPI document."""

    media_url: str | None = None


class MemberOut(WireResponse):
    """`MemberOut` in the server's OpenAPI document."""

    workgroup_activity_id: str | None = None
    workgroup_id: str | None = None
    type: str | None = None
    phone_number: str | None = None
    reference_workgroup_id: str | None = None
    reference_user_id: str | None = None
    digit_order: int | None = None
    sms_notification: bool | None = None
    email_notification: bool | None = None


class NumberEntry(WireResponse):
    """`{"Number": "+18015551234"}`, as lists of numbers appear in answers."""

    number: str | None = None


class PackageOut(WireResponse):
    """`PackageOut` in the server's OpenAPI document."""

    package_id: str | None = None
    package_name: str | None = None
    description: str | None = None
    distributor_id: str | None = None
    aggregator_id: str | None = None
    subscriber_id: str | None = None
    type: str | None = None
    price: Number | None = None
    monthly: bool | None = None
    active: bool | None = None


class ProductOut(WireResponse):
    """`ProductOut` in the server's OpenAPI document."""

    product_id: str | None = None
    sku: str | None = Field(None, alias="SKU")
    description: str | None = None
    aggregator_id: str | None = None
    distributor_id: str | None = None
    type: str | None = None
    sub_type: str | None = None
    cost: Number | None = None
    billing_frequency: str | None = None
    active: bool | None = None


class RecipientOut(WireResponse):
    """`RecipientOut` in the server's OpenAPI document."""

    number: str | None = None


class RelationOut(WireResponse):
    """`RelationOut` in the server's OpenAPI document."""

    parent_subscriber_id: str | None = None
    child_subscriber_id: str | None = None
    relation: str | None = None


class RenewalItem(WireResponse):
    """`RenewalItem` in the server's OpenAPI document."""

    number: str | None = None
    status: str | None = None
    status_message: str | None = None


class ScheduleOut(WireResponse):
    """`ScheduleOut` in the server's OpenAPI document."""

    schedule_id: str | None = None
    name: str | None = None
    account_id: str | None = None
    monday_start_time: str | None = None
    monday_end_time: str | None = None
    tuesday_start_time: str | None = None
    tuesday_end_time: str | None = None
    wednesday_start_time: str | None = None
    wednesday_end_time: str | None = None
    thursday_start_time: str | None = None
    thursday_end_time: str | None = None
    friday_start_time: str | None = None
    friday_end_time: str | None = None
    saturday_start_time: str | None = None
    saturday_end_time: str | None = None
    sunday_start_time: str | None = None
    sunday_end_time: str | None = None


class SearchedMessage(WireResponse):
    """A search result: the contract spells `MessageID` and `CampaignID` here, and Cost as dollars (`$0.0045`)."""

    message_id: str | None = Field(None, alias="MessageID")
    direction: str | None = None
    type: str | None = None
    campaign_id: str | None = Field(None, alias="CampaignID")
    cost: str | None = None
    status: str | None = None
    to: list[RecipientOut] | None = None
    from_: str | None = Field(None, alias="From")
    owner: str | None = None
    body: str | None = None
    mms_media: list[MediaUrlOut] | None = None
    mms_base_64: list[MediaBase64Out] | None = None
    message_type: str | None = None
    created_on: str | None = None


class SendRecipient(WireResponse):
    """One recipient's message of a send, as the details of the send's MessageId list them."""

    message_id: str | None = None
    to: str | None = None
    status: str | None = None
    error_code: str | None = None
    cost: Number | None = None


class SentMessage(WireResponse):
    """One recipient's message of a send: its own id, status and cost."""

    message_id: str | None = None
    to: str | None = None
    status: str | None = None
    cost: Number | None = None


class ServiceItemOut(WireResponse):
    """Service items have no id on the wire: a service's item is named by its scope (distributor, aggregator)."""

    price: Number | None = None
    monthly: bool | None = None
    active: bool | None = None
    distributor_id: str | None = None
    aggregator_id: str | None = None


class ServiceOut(WireResponse):
    """`ServiceOut` in the server's OpenAPI document."""

    service_id: str | None = None
    service_name: str | None = None
    cost: Number | None = None
    monthly: bool | None = None
    active: bool | None = None


class StatementLine(WireResponse):
    """`StatementLine` in the server's OpenAPI document."""

    package_id: str | None = None
    package_name: str | None = None
    subscriptions: int | None = None
    amount: str | None = None


class StatusChangeNumber(WireResponse):
    """`QrCode` is the eSIM QR code image's URL, as the contract's example; `ActivationCode` (an mpaas extension) the LPA text it encodes."""

    number: str | None = None
    qr_code: str | None = None
    activation_code: str | None = None


class ThresholdEventOut(WireResponse):
    """`ThresholdEventOut` in the server's OpenAPI document."""

    threshold_id: str | None = None
    subscription_id: str | None = None
    account_id: str | None = None
    action: str | None = None
    usage: int | None = None
    created_on: str | None = None


class UsageInfoItem(WireResponse):
    """A number's usage; `ThrottleSpeed` only while it is throttled. A number the caller does not hold has only `Number`, `Status` Error and the reason in `StatusMessage`."""

    number: str | None = None
    status: str | None = None
    status_message: str | None = None
    used: str | None = None
    remaining: str | None = None
    current_behavior: str | None = None
    throttle_speed: str | None = None


class UsageSettingsItem(WireResponse):
    """A number's settings; a number the caller does not hold has only `Number`, `Status` Error and the reason in `StatusMessage`."""

    number: str | None = None
    status: str | None = None
    status_message: str | None = None
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


class WebhookAttemptOut(WireResponse):
    """One delivery attempt (mpaas extension). WebhookId is null for a message route's callback."""

    event_id: str | None = None
    event_type: str | None = None
    webhook_id: str | None = None
    url: str | None = None
    method: str | None = None
    attempt: int | None = None
    status_code: int | None = None
    error: str | None = None
    duration_ms: int | None = None
    attempted_on: str | None = None


class WorkgroupSummary(WireResponse):
    """`WorkgroupSummary` in the server's OpenAPI document."""

    workgroup_id: str | None = None
    name: str | None = None
    type: str | None = None
    active: bool | None = None
    telegent_phone: str | None = None
    account_id: str | None = None


class GenerateApiTokenRequest(WireRequest):
    """Generate API Token: the JSON body of `POST /v1.0/OAuth2/tokens`."""

    account_key: str
    account_secret: str
    api_endpoint: str


class GenerateApiTokenResponse(WireResponse):
    """Generate API Token: the answer of `POST /v1.0/OAuth2/tokens`."""

    token: str | None = Field(None, alias="token")
    successful: bool | None = Field(None, alias="successful")
    token_expiry: str | None = Field(None, alias="tokenExpiry")


class CreateMessageRouteRequest(WireRequest):
    """Create Message Route: the JSON body of `POST /v1.0/message/routes`."""

    route_name: str
    message_url: str
    message_url_method: str
    message_route_enabled: bool | None = None
    message_authentication_type: str | None = None
    message_username: str | None = None
    message_password_token: str | None = None
    callback_message_url: str | None = None
    callback_message_url_method: str | None = None
    callback_message_authentication_type: str | None = None
    callback_message_username: str | None = None
    callback_message_password_token: str | None = None
    inbound_bypass: bool | None = None
    outbound_bypass: bool | None = None
    intelligent_route_enabled: bool | None = None
    account_id: str | None = None


class CreateMessageRouteResponse(WireResponse):
    """Create Message Route: the answer of `POST /v1.0/message/routes`."""

    message_route_id: str | None = None
    route_name: str | None = None
    message_url: str | None = None
    message_url_method: str | None = None
    message_route_enabled: bool | None = None
    message_authentication_type: str | None = None
    message_username: str | None = None
    message_password_token: str | None = None
    callback_message_url: str | None = None
    callback_message_url_method: str | None = None
    callback_message_authentication_type: str | None = None
    callback_message_username: str | None = None
    callback_message_password_token: str | None = None
    inbound_bypass: bool | None = None
    outbound_bypass: bool | None = None
    intelligent_route_enabled: bool | None = None
    account_id: str | None = None


class MessageRouteDetailsRequest(WireRequest):
    """Message Route Details: the query string of `GET /v1.0/message/routes`."""

    message_route_id: str | None = None
    account_id: str | None = None


class MessageRouteDetailsResponse(WireResponse):
    """Message Route Details: the answer of `GET /v1.0/message/routes`."""

    message_route_id: str | None = None
    route_name: str | None = None
    message_url: str | None = None
    message_url_method: str | None = None
    message_route_enabled: bool | None = None
    message_authentication_type: str | None = None
    message_username: str | None = None
    message_password_token: str | None = None
    callback_message_url: str | None = None
    callback_message_url_method: str | None = None
    callback_message_authentication_type: str | None = None
    callback_message_username: str | None = None
    callback_message_password_token: str | None = None
    inbound_bypass: bool | None = None
    outbound_bypass: bool | None = None
    intelligent_route_enabled: bool | None = None
    account_id: str | None = None


class UpdateMessageRouteRequest(WireRequest):
    """Update Message Route: the JSON body of `POST /v1.0/message/routes/update`."""

    route_name: str | None = None
    message_url: str | None = None
    message_url_method: str | None = None
    message_route_enabled: bool | None = None
    message_authentication_type: str | None = None
    message_username: str | None = None
    message_password_token: str | None = None
    callback_message_url: str | None = None
    callback_message_url_method: str | None = None
    callback_message_authentication_type: str | None = None
    callback_message_username: str | None = None
    callback_message_password_token: str | None = None
    inbound_bypass: bool | None = None
    outbound_bypass: bool | None = None
    intelligent_route_enabled: bool | None = None
    account_id: str | None = None
    message_route_id: str


class UpdateMessageRouteResponse(WireResponse):
    """Update Message Route: the answer of `POST /v1.0/message/routes/update`."""

    message_route_id: str | None = None
    route_name: str | None = None
    message_url: str | None = None
    message_url_method: str | None = None
    message_route_enabled: bool | None = None
    message_authentication_type: str | None = None
    message_username: str | None = None
    message_password_token: str | None = None
    callback_message_url: str | None = None
    callback_message_url_method: str | None = None
    callback_message_authentication_type: str | None = None
    callback_message_username: str | None = None
    callback_message_password_token: str | None = None
    inbound_bypass: bool | None = None
    outbound_bypass: bool | None = None
    intelligent_route_enabled: bool | None = None
    account_id: str | None = None


class DeleteMessageRouteRequest(WireRequest):
    """Delete Message Route: the JSON body of `POST /v1.0/message/routes/delete`."""

    message_route_id: str
    account_id: str | None = None


class DeleteMessageRouteResponse(WireResponse):
    """Delete Message Route: the answer of `POST /v1.0/message/routes/delete`."""

    message_route_status: str | None = None
    mrid: str | None = Field(None, alias="MRID")


class ListMessageRoutesRequest(WireRequest):
    """List Message Routes: the query string of `GET /v1.0/account/message/routes`."""

    account_id: str | None = None


class ListMessageRoutesResponse(WireResponse):
    """List Message Routes: the answer of `GET /v1.0/account/message/routes`."""

    account_id: str | None = Field(None, alias="AccountID")
    total_routes: int | None = None
    results: list[ListedMessageRoute] | None = None


class CreateVoiceRouteRequest(WireRequest):
    """Create Voice Route: the JSON body of `POST /v1.0/voice/routes`."""

    route_name: str
    route_type: str
    voice_url: str | None = None
    voice_url_method: str | None = None
    voice_authentication_type: str | None = None
    voice_username: str | None = None
    voice_password_token: str | None = None
    callback_voice_url: str | None = None
    callback_voice_url_method: str | None = None
    trunk_ip_1: str | None = None
    trunk_ip_2: str | None = None
    trunk_port_1: str | None = None
    trunk_port_2: str | None = None
    trunk_transport_1: str | None = None
    trunk_transport_2: str | None = None
    trunk_uri_1: str | None = None
    trunk_uri_2: str | None = None
    trunk_enabled_1: bool | None = None
    trunk_enabled_2: bool | None = None
    trunk_1_priortiy: int | None = None
    trunk_1_weight: int | None = None
    trunk_2_priortiy: int | None = None
    trunk_2_weight: int | None = None
    header_manipulation: str | None = None
    enable_sip_refer: bool | None = None
    transfer_caller_id: str | None = None
    symmetric_rtp: bool | None = None
    enable_trp_secure_trunk: bool | None = None
    enable_pstn_transfer: bool | None = None
    ip_whitelist: list[dict[str, Any]] | None = None
    cnam_lookup: bool | None = None
    termination_uri_subdomain: str | None = None
    enable_call_streaming: bool | None = None
    wss_uri: str | None = None
    route_enabled: bool | None = None
    intelligent_route_enabled: bool | None = None
    account_id: str | None = None


class CreateVoiceRouteResponse(WireResponse):
    """Create Voice Route: the answer of `POST /v1.0/voice/routes`."""

    route_name: str | None = None
    route_type: str | None = None
    voice_url: str | None = None
    voice_url_method: str | None = None
    voice_authentication_type: str | None = None
    voice_username: str | None = None
    voice_password_token: str | None = None
    callback_voice_url: str | None = None
    callback_voice_url_method: str | None = None
    trunk_ip_1: str | None = None
    trunk_ip_2: str | None = None
    trunk_port_1: str | None = None
    trunk_port_2: str | None = None
    trunk_transport_1: str | None = None
    trunk_transport_2: str | None = None
    trunk_uri_1: str | None = None
    trunk_uri_2: str | None = None
    trunk_enabled_1: bool | None = None
    trunk_enabled_2: bool | None = None
    trunk_1_priortiy: int | None = None
    trunk_1_weight: int | None = None
    trunk_2_priortiy: int | None = None
    trunk_2_weight: int | None = None
    header_manipulation: str | None = None
    enable_sip_refer: bool | None = None
    transfer_caller_id: str | None = None
    symmetric_rtp: bool | None = None
    enable_trp_secure_trunk: bool | None = None
    enable_pstn_transfer: bool | None = None
    cnam_lookup: bool | None = None
    termination_uri_subdomain: str | None = None
    enable_call_streaming: bool | None = None
    wss_uri: str | None = None
    intelligent_route_enabled: bool | None = None
    route_enabled: bool | None = None
    call_route_id: str | None = None
    account_id: str | None = None
    ip_white_list: list[IpEntry] | None = None


class GetVoiceRouteDetailsRequest(WireRequest):
    """Get Voice Route Details: the query string of `GET /v1.0/voice/routes`."""

    call_route_id: str | None = Field(None, alias="CallRouteID")
    account_id: str | None = None


class GetVoiceRouteDetailsResponse(WireResponse):
    """Get Voice Route Details: the answer of `GET /v1.0/voice/routes`."""

    route_name: str | None = None
    route_type: str | None = None
    voice_url: str | None = None
    voice_url_method: str | None = None
    voice_authentication_type: str | None = None
    voice_username: str | None = None
    voice_password_token: str | None = None
    callback_voice_url: str | None = None
    callback_voice_url_method: str | None = None
    trunk_ip_1: str | None = None
    trunk_ip_2: str | None = None
    trunk_port_1: str | None = None
    trunk_port_2: str | None = None
    trunk_transport_1: str | None = None
    trunk_transport_2: str | None = None
    trunk_uri_1: str | None = None
    trunk_uri_2: str | None = None
    trunk_enabled_1: bool | None = None
    trunk_enabled_2: bool | None = None
    trunk_1_priortiy: int | None = None
    trunk_1_weight: int | None = None
    trunk_2_priortiy: int | None = None
    trunk_2_weight: int | None = None
    header_manipulation: str | None = None
    enable_sip_refer: bool | None = None
    transfer_caller_id: str | None = None
    symmetric_rtp: bool | None = None
    enable_trp_secure_trunk: bool | None = None
    enable_pstn_transfer: bool | None = None
    cnam_lookup: bool | None = None
    termination_uri_subdomain: str | None = None
    enable_call_streaming: bool | None = None
    wss_uri: str | None = None
    intelligent_route_enabled: bool | None = None
    route_enabled: bool | None = None
    call_route_id: str | None = None
    account_id: str | None = None
    ip_white_list: list[IpEntry] | None = None


class UpdateVoiceRouteRequest(WireRequest):
    """Update Voice Route: the JSON body of `POST /v1.0/voice/routes/update`."""

    route_name: str | None = None
    route_type: str | None = None
    voice_url: str | None = None
    voice_url_method: str | None = None
    voice_authentication_type: str | None = None
    voice_username: str | None = None
    voice_password_token: str | None = None
    callback_voice_url: str | None = None
    callback_voice_url_method: str | None = None
    trunk_ip_1: str | None = None
    trunk_ip_2: str | None = None
    trunk_port_1: str | None = None
    trunk_port_2: str | None = None
    trunk_transport_1: str | None = None
    trunk_transport_2: str | None = None
    trunk_uri_1: str | None = None
    trunk_uri_2: str | None = None
    trunk_enabled_1: bool | None = None
    trunk_enabled_2: bool | None = None
    trunk_1_priortiy: int | None = None
    trunk_1_weight: int | None = None
    trunk_2_priortiy: int | None = None
    trunk_2_weight: int | None = None
    header_manipulation: str | None = None
    enable_sip_refer: bool | None = None
    transfer_caller_id: str | None = None
    symmetric_rtp: bool | None = None
    enable_trp_secure_trunk: bool | None = None
    enable_pstn_transfer: bool | None = None
    ip_whitelist: list[dict[str, Any]] | None = None
    cnam_lookup: bool | None = None
    termination_uri_subdomain: str | None = None
    enable_call_streaming: bool | None = None
    wss_uri: str | None = None
    route_enabled: bool | None = None
    intelligent_route_enabled: bool | None = None
    account_id: str | None = None
    call_route_id: str


class UpdateVoiceRouteResponse(WireResponse):
    """Update Voice Route: the answer of `POST /v1.0/voice/routes/update`."""

    route_name: str | None = None
    route_type: str | None = None
    voice_url: str | None = None
    voice_url_method: str | None = None
    voice_authentication_type: str | None = None
    voice_username: str | None = None
    voice_password_token: str | None = None
    callback_voice_url: str | None = None
    callback_voice_url_method: str | None = None
    trunk_ip_1: str | None = None
    trunk_ip_2: str | None = None
    trunk_port_1: str | None = None
    trunk_port_2: str | None = None
    trunk_transport_1: str | None = None
    trunk_transport_2: str | None = None
    trunk_uri_1: str | None = None
    trunk_uri_2: str | None = None
    trunk_enabled_1: bool | None = None
    trunk_enabled_2: bool | None = None
    trunk_1_priortiy: int | None = None
    trunk_1_weight: int | None = None
    trunk_2_priortiy: int | None = None
    trunk_2_weight: int | None = None
    header_manipulation: str | None = None
    enable_sip_refer: bool | None = None
    transfer_caller_id: str | None = None
    symmetric_rtp: bool | None = None
    enable_trp_secure_trunk: bool | None = None
    enable_pstn_transfer: bool | None = None
    cnam_lookup: bool | None = None
    termination_uri_subdomain: str | None = None
    enable_call_streaming: bool | None = None
    wss_uri: str | None = None
    intelligent_route_enabled: bool | None = None
    route_enabled: bool | None = None
    call_route_id: str | None = None
    account_id: str | None = None
    ip_white_list: list[IpEntry] | None = None


class DeleteVoiceRouteRequest(WireRequest):
    """Delete Voice Route: the JSON body of `POST /v1.0/voice/routes/delete`."""

    call_route_id: str
    account_id: str | None = None


class DeleteVoiceRouteResponse(WireResponse):
    """Delete Voice Route: the answer of `POST /v1.0/voice/routes/delete`."""

    call_route_status: str | None = None
    call_route_id: str | None = None


class ListVoiceRoutesRequest(WireRequest):
    """List Voice Routes: the query string of `GET /v1.0/account/voice/routes`."""

    account_id: str | None = None


class ListVoiceRoutesResponse(WireResponse):
    """List Voice Routes: the answer of `GET /v1.0/account/voice/routes`."""

    account_id: str | None = Field(None, alias="AccountID")
    total_routes: int | None = None
    results: list[ListedVoiceRoute] | None = None


class SearchAvailableNumbersRequest(WireRequest):
    """Search Available Numbers: the JSON body of `POST /v1.0/numbers/availability`."""

    number_type: str
    message_type: str | None = None
    message_enabled: bool
    voice_enabled: bool
    page_number: int | None = None
    area_code: str | None = None
    zip_code: str | None = None
    total_numbers_requested: int | None = None


class SearchAvailableNumbersResponse(WireResponse):
    """Search Available Numbers: the answer of `POST /v1.0/numbers/availability`."""

    request_id: str | None = None
    request_date: str | None = None
    number_type: str | None = None
    voice_enabled: bool | None = None
    message_enabled: bool | None = None
    area_code: str | None = None
    zip_code: str | None = None
    page_number: int | None = None
    results_total: int | None = None
    available_number_areas: list[AvailableNumberArea] | None = None
    numbers_available: list[NumberEntry] | None = None


class NumberProvisionRequest(WireRequest):
    """Number Provision (Purchase/Order): the JSON body of `POST /v1.0/numbers/provision`."""

    number_type: str
    message_type: str
    message_enabled: bool
    voice_enabled: bool
    data_enabled: bool | None = None
    message_route_id: str | None = None
    voice_route_id: str | None = None
    area_code: str | None = None
    zip_code: str | None = None
    iccid: str | None = Field(None, alias="ICCID")
    product_type: str
    assigned_subscriber_id: str | None = None
    account_id: str | None = None
    phone_numbers: list[dict[str, Any]] | None = None


class NumberProvisionResponse(WireResponse):
    """Number Provision (Purchase/Order): the answer of `POST /v1.0/numbers/provision`."""

    order_date: str | None = None
    order_id: str | None = None
    order_status: str | None = None
    phone_number_assigned: str | None = None
    phone_number_id: str | None = None
    qr_code: str | None = Field(None, alias="QRCode")
    activation_code: str | None = None
    zip_code: str | None = None
    iccid: str | None = Field(None, alias="ICCID")
    error_message: str | None = None
    subscriber_id: str | None = None


class OrderIdDetailsRequest(WireRequest):
    """Order ID Details: the query string of `GET /v1.0/numbers/order`."""

    order_id: str | None = None


class OrderIdDetailsResponse(WireResponse):
    """Order ID Details: the answer of `GET /v1.0/numbers/order`."""

    order_date: str | None = None
    order_id: str | None = None
    order_status: str | None = None
    order_status_message: str | None = None
    order_type: str | None = None
    phone_numbers_ordered: list[NumberEntry] | None = None


class NumberDetailsRequest(WireRequest):
    """Number Details: the query string of `GET /v1.0/numbers`."""

    number: str | None = None
    phone_number: str | None = None
    iccid: str | None = Field(None, alias="ICCID")
    account_id: str | None = None


class NumberDetailsResponse(WireResponse):
    """Number Details: the answer of `GET /v1.0/numbers`."""

    number: str | None = None
    tnid: str | None = Field(None, alias="TNID")
    order_id: str | None = None
    number_type: str | None = None
    message_enabled: bool | None = None
    message_route_id: str | None = None
    voice_enabled: bool | None = None
    classification: str | None = None
    message_type: str | None = None
    voice_route_id: str | None = None
    status: str | None = None
    original_date_purchased: str | None = None
    assigned_subscriber_id: str | None = None
    iccid: str | None = None
    cnam: str | None = None
    qr_activation_link: str | None = None
    activation_code: str | None = None
    swaps_remaining: int | None = None
    next_swap_reset_date: str | None = None
    product_type: str | None = None
    data_enabled: bool | None = None
    zip_code: str | None = None
    port_out_pin: str | None = None


class NumbersInventoryRequest(WireRequest):
    """Numbers Inventory: the query string of `GET /v1.0/numbers/inventory`."""

    page_number: str | None = None
    filter: str | None = None
    total_numbers_requested: int | None = None
    account_id: str | None = None


class NumbersInventoryResponse(WireResponse):
    """Numbers Inventory: the answer of `GET /v1.0/numbers/inventory`."""

    account_id: str | None = None
    total_results: int | None = None
    page_number: int | None = None
    filter: str | None = None
    phone_numbers: list[InventoryNumberOut] | None = None


class CreateSubscriberRequest(WireRequest):
    """Create Subscriber: the JSON body of `POST /v1.0/subscribers/create`."""

    name: str
    email: str
    phone_numbers: list[str]
    role: str
    password: str
    account_id: str | None = None


class CreateSubscriberResponse(WireResponse):
    """Create Subscriber: the answer of `POST /v1.0/subscribers/create`."""

    subscriber_id: str | None = None
    name: str | None = None
    email: str | None = None
    phone_numbers: list[str] | None = None
    role: str | None = None
    account: SubscriberAccount | None = None


class GetSubscriberDetailsRequest(WireRequest):
    """Get Subscriber Details: the query string of `GET /v1.0/subscribers/get`."""

    subscriber_id: str | None = None
    account_id: str | None = None


class GetSubscriberDetailsResponse(WireResponse):
    """Get Subscriber Details: the answer of `GET /v1.0/subscribers/get`."""

    subscriber_id: str | None = None
    name: str | None = None
    email: str | None = None
    phone_numbers: list[str] | None = None
    role: str | None = None
    account: SubscriberAccount | None = None


class UpdateSubscriberRequest(WireRequest):
    """Update Subscriber: the JSON body of `POST /v1.0/subscribers/update`."""

    subscriber_id: str
    name: str | None = None
    phone_numbers: list[str] | None = None
    role: str | None = None
    password: str | None = None
    account_id: str | None = None


class UpdateSubscriberResponse(WireResponse):
    """Update Subscriber: the answer of `POST /v1.0/subscribers/update`."""

    subscriber_id: str | None = None
    name: str | None = None
    email: str | None = None
    phone_numbers: list[str] | None = None
    role: str | None = None
    account: SubscriberAccount | None = None


class TransferSubscriberRequest(WireRequest):
    """Transfer Subscriber: the JSON body of `POST /v1.0/subscribers/transfer`."""

    subscriber_id: str
    from_account_id: str
    to_account_id: str


class TransferSubscriberResponse(WireResponse):
    """Transfer Subscriber: the answer of `POST /v1.0/subscribers/transfer`."""

    subscriber_id: str | None = None
    name: str | None = None
    email: str | None = None
    phone_numbers: list[str] | None = None
    role: str | None = None
    account: SubscriberAccount | None = None


class SendOutboundMessageRequest(WireRequest):
    """Send Outbound Message: the JSON body of `POST /v1.0/message/outbound`."""

    campaign_id: str | None = None
    to: list[dict[str, Any]]
    from_: str = Field(alias="From")
    owner: str | None = None
    body: str
    mms_media: list[dict[str, Any]] | None = None
    mms_base_64: list[dict[str, Any]] | None = None


class SendOutboundMessageResponse(WireResponse):
    """Send Outbound Message: the answer of `POST /v1.0/message/outbound`."""

    message_id: str | None = None
    direction: str | None = None
    type: str | None = None
    campaign_id: str | None = None
    cost: Number | None = None
    status: str | None = None
    to: list[RecipientOut] | None = None
    from_: str | None = Field(None, alias="From")
    owner: str | None = None
    body: str | None = None
    created_on: str | None = None
    message_type: str | None = None
    mms_media: list[MediaUrlOut] | None = None
    mms_base_64: list[MediaBase64Out] | None = None
    segment: int | None = None
    messages: list[SentMessage] | None = None


class MessageDetailsRequest(WireRequest):
    """Message Details: the query string of `GET /v1.0/message/details`."""

    message_id: str | None = None


class MessageDetailsResponse(WireResponse):
    """Message Details: the answer of `GET /v1.0/message/details`."""

    message_id: str | None = None
    direction: str | None = None
    type: str | None = None
    campaign_id: str | None = None
    cost: Number | None = None
    to: str | None = None
    from_: str | None = Field(None, alias="From")
    owner: str | None = None
    body: str | None = None
    region: str | None = None
    created_on: str | None = None
    updated_on: str | None = None
    message_type: str | None = None
    status: str | None = None
    segment: int | None = None
    error_code: str | None = None
    send_message_id: str | None = None
    messages: list[SendRecipient] | None = None


class MessageSearchRequest(WireRequest):
    """Message Search: the query string of `GET /v1.0/message/search`."""

    phone_number: str | None = None
    page: int | None = None
    results: int | None = None
    start_date: str | None = None
    end_date: str | None = None
    direction: str | None = None
    message_type: str | None = None


class MessageSearchResponse(WireResponse):
    """Message Search: the answer of `GET /v1.0/message/search`."""

    phone_number: str | None = None
    results_total_records: int | None = None
    results_pages: int | None = None
    page: int | None = None
    results: list[SearchedMessage] | None = None


class FilterMessagesRequest(WireRequest):
    """Filter Messages: the query string of `GET /v1.0/message/filter`."""

    phone_number: str | None = None
    page: int | None = None
    results: int | None = None


class FilterMessagesResponse(WireResponse):
    """Filter Messages: the answer of `GET /v1.0/message/filter`."""

    messages: list[FilteredMessage] | None = None
    page: int | None = None
    results: int | None = None
    total: int | None = None


class ReportDeviceDeliveryRequest(WireRequest):
    """Report Device Delivery: the JSON body of `POST /v1.0/message/device-delivery`."""

    message_id: str


class ReportDeviceDeliveryResponse(WireResponse):
    """Report Device Delivery: the answer of `POST /v1.0/message/device-delivery`."""

    message_id: str | None = None
    device_delivery_status: str | None = None
    delivered_on: str | None = None
    device_type: str | None = None


class InjectAnInboundSmsRequest(WireRequest):
    """Inject an inbound SMS (sandbox carrier only): the JSON body of `POST /sandbox/v1/inbound`."""

    from_: str = Field(alias="From")
    to: str
    body: str


class InjectAnInboundSmsResponse(WireResponse):
    """Inject an inbound SMS (sandbox carrier only): the answer of `POST /sandbox/v1/inbound`."""

    message_id: str | None = None
    status: str | None = None
    to: str | None = None
    from_: str | None = Field(None, alias="From")


class CreateADistributorWithOneAccountRequest(WireRequest):
    """Create a distributor with one account: the JSON body of `POST /ops/v1/distributors`."""

    name: str
    rate_limit: int | None = None


class CreateADistributorWithOneAccountResponse(WireResponse):
    """Create a distributor with one account: the answer of `POST /ops/v1/distributors`."""

    account_key: str | None = None
    account_secret: str | None = None
    account_id: str | None = None


class LivenessAndDatabaseReachabilityResponse(WireResponse):
    """Liveness and database reachability: the answer of `GET /ops/v1/health`."""

    status: str | None = None


class GetWebhookRequest(WireRequest):
    """Get Webhook: the query string of `GET /v1.0/webhook`."""

    webhook_id: str | None = None
    account_id: str | None = None


class GetWebhookResponse(WireResponse):
    """Get Webhook: the answer of `GET /v1.0/webhook`."""

    webhook_id: str | None = None
    account_id: str | None = None
    webhook_url: str | None = None
    method: str | None = None
    data_format: str | None = None
    authentication_type: str | None = None
    authentication_username: str | None = None
    authentication_password: str | None = None
    authentication_token: str | None = None
    subscribed_events: str | None = None
    active: bool | None = None


class CreateWebhookRequest(WireRequest):
    """Create Webhook: the JSON body of `POST /v1.0/webhook/create`."""

    account_id: str | None = None
    webhook_url: str
    method: str | None = None
    data_format: str | None = None
    authentication_type: str | None = None
    authentication_username: str | None = None
    authentication_password: str | None = None
    authentication_token: str | None = None
    subscribed_events: list[str]


class CreateWebhookResponse(WireResponse):
    """Create Webhook: the answer of `POST /v1.0/webhook/create`."""

    webhook_id: str | None = None
    account_id: str | None = None
    webhook_url: str | None = None
    method: str | None = None
    data_format: str | None = None
    authentication_type: str | None = None
    authentication_username: str | None = None
    authentication_password: str | None = None
    authentication_token: str | None = None
    subscribed_events: str | None = None
    active: bool | None = None


class UpdateWebhookRequest(WireRequest):
    """Update Webhook: the JSON body of `POST /v1.0/webhook/update`."""

    account_id: str | None = None
    webhook_url: str | None = None
    method: str | None = None
    data_format: str | None = None
    authentication_type: str | None = None
    authentication_username: str | None = None
    authentication_password: str | None = None
    authentication_token: str | None = None
    subscribed_events: list[str] | None = None
    webhook_id: str
    active: bool | None = None


class UpdateWebhookResponse(WireResponse):
    """Update Webhook: the answer of `POST /v1.0/webhook/update`."""

    webhook_id: str | None = None
    account_id: str | None = None
    webhook_url: str | None = None
    method: str | None = None
    data_format: str | None = None
    authentication_type: str | None = None
    authentication_username: str | None = None
    authentication_password: str | None = None
    authentication_token: str | None = None
    subscribed_events: str | None = None
    active: bool | None = None


class DeleteWebhookRequest(WireRequest):
    """Delete Webhook: the JSON body of `POST /v1.0/webhook/delete`."""

    webhook_id: str
    account_id: str | None = None


class DeleteWebhookResponse(WireResponse):
    """Delete Webhook: the answer of `POST /v1.0/webhook/delete`."""

    webhook_id: str | None = None
    webhook_status: str | None = None


class GetAccountWebhooksRequest(WireRequest):
    """Get Account Webhooks: the query string of `GET /v1.0/account/webhooks`."""

    account_id: str | None = None


class GetAccountWebhooksResponse(WireResponse):
    """Get Account Webhooks: the answer of `GET /v1.0/account/webhooks`."""

    webhook_id: str | None = None
    account_id: str | None = None
    webhook_url: str | None = None
    method: str | None = None
    data_format: str | None = None
    authentication_type: str | None = None
    authentication_username: str | None = None
    authentication_password: str | None = None
    authentication_token: str | None = None
    subscribed_events: str | None = None
    active: bool | None = None


class WebhookDeliveryAttemptsOfAMessageRequest(WireRequest):
    """Webhook delivery attempts of a message (mpaas extension): the query string of `GET /ext/v1/messages/webhook-attempts`."""

    message_id: str | None = None


class WebhookDeliveryAttemptsOfAMessageResponse(WireResponse):
    """Webhook delivery attempts of a message (mpaas extension): the answer of `GET /ext/v1/messages/webhook-attempts`."""

    message_id: str | None = None
    total_attempts: int | None = None
    attempts: list[WebhookAttemptOut] | None = None


class WebhookSigningSecretOfAnAccountRequest(WireRequest):
    """Webhook signing secret of an account (mpaas extension): the query string of `GET /ext/v1/accounts/webhook-signing-secret`."""

    account_id: str | None = None


class WebhookSigningSecretOfAnAccountResponse(WireResponse):
    """Webhook signing secret of an account (mpaas extension): the answer of `GET /ext/v1/accounts/webhook-signing-secret`."""

    account_id: str | None = None
    webhook_signing_secret: str | None = None
    previous_secret_valid_until: str | None = None


class RotateTheWebhookSigningSecretOfAnAccountRequest(WireRequest):
    """Rotate the webhook signing secret of an account (mpaas extension): the JSON body of `POST /ext/v1/accounts/webhook-signing-secret/rotate`."""

    account_id: str | None = None


class RotateTheWebhookSigningSecretOfAnAccountResponse(WireResponse):
    """Rotate the webhook signing secret of an account (mpaas extension): the answer of `POST /ext/v1/accounts/webhook-signing-secret/rotate`."""

    account_id: str | None = None
    webhook_signing_secret: str | None = None
    previous_secret_valid_until: str | None = None


class NumbersUpdateRequest(WireRequest):
    """Numbers Update: the JSON body of `POST /v1.0/numbers/update`."""

    number: str | None = None
    account_id: str | None = None
    message_enabled: bool | None = None
    message_type: str | None = None
    classification: str | None = None
    voice_enabled: bool | None = None
    data_enabled: bool | None = None
    message_route_id: str | None = None
    voice_route_id: str | None = None
    assigned_subscriber_id: str | None = None
    iccid: str | None = None
    cnam_first_name: str | None = None
    cnam_last_name: str | None = None
    product_type: str | None = None


class NumbersUpdateResponse(WireResponse):
    """Numbers Update: the answer of `POST /v1.0/numbers/update`."""

    number: str | None = None
    tnid: str | None = None
    update_order_id: str | None = None
    update_order_date: str | None = None
    update_order_status: str | None = None
    message_type: str | None = None
    message_enabled: bool | None = None
    classification: str | None = None
    voice_enabled: bool | None = None
    message_route_id: str | None = None
    voice_route_id: str | None = None
    iccid: str | None = None
    cnam_first_name: str | None = None
    cnam_last_name: str | None = None
    product_type: str | None = None


class NumbersStatusRequest(WireRequest):
    """Numbers Status: the JSON body of `POST /v1.0/numbers/status`."""

    status_change: str | None = None
    effective_date: str | None = None
    area_code: str | None = None
    zip_code: str | None = None
    account_id: str | None = None
    phone_numbers: list[dict[str, Any]] | None = None


class NumbersStatusResponse(WireResponse):
    """Numbers Status: the answer of `POST /v1.0/numbers/status`."""

    order_id: str | None = None
    order_date: str | None = None
    order_status: str | None = None
    change_type: str | None = None
    effective_date: str | None = None
    numbers: list[StatusChangeNumber] | None = None
    fee: str | None = None


class NumbersReactivateRequest(WireRequest):
    """Numbers - Reactivate: the JSON body of `POST /v1.0/numbers/reactivate`."""

    phone_number: str | None = None
    account_id: str | None = None


class NumbersReactivateResponse(WireResponse):
    """Numbers - Reactivate: the answer of `POST /v1.0/numbers/reactivate`."""

    phone_number: str | None = None
    account_id: str | None = None
    status: str | None = None
    order_id: str | None = None
    order_date: str | None = None
    successful: bool | None = None


class NumbersRefreshNnidRequest(WireRequest):
    """Numbers - Refresh NNID: the JSON body of `POST /v1.0/numbers/refresh-nnid`."""

    phone_number: str | None = None
    account_id: str | None = None


class NumbersRefreshNnidResponse(WireResponse):
    """Numbers - Refresh NNID: the answer of `POST /v1.0/numbers/refresh-nnid`."""

    phone_number: str | None = None
    nnid: str | None = Field(None, alias="NNID")
    successful: bool | None = None


class DeviceDetailsRequest(WireRequest):
    """Device Details: the JSON body of `POST /v1.0/numbers/device-details`."""

    phone_number: str | None = None
    account_id: str | None = None


class DeviceDetailsResponse(WireResponse):
    """Device Details: the answer of `POST /v1.0/numbers/device-details`."""

    account_id: str | None = None
    phone_number: str | None = None
    number_type: str | None = None
    imei: str | None = Field(None, alias="IMEI")
    device_model: str | None = None
    device_name: str | None = None
    tac: str | None = Field(None, alias="TAC")
    status: str | None = None
    status_message: str | None = None


class NumbersGetE911AddressRequest(WireRequest):
    """Numbers - Get E911 Address: the query string of `GET /v1.0/numbers/e911address`."""

    phone_number: str | None = None
    account_id: str | None = None


class NumbersGetE911AddressResponse(WireResponse):
    """Numbers - Get E911 Address: the answer of `GET /v1.0/numbers/e911address`."""

    phone_number: str | None = None
    account_id: str | None = None
    e911_address: E911Address | None = None


class NumbersUpdateE911AddressRequest(WireRequest):
    """Numbers - Update E911 Address: the JSON body of `POST /v1.0/numbers/e911address/update`."""

    phone_number: str | None = None
    account_id: str | None = None
    street_1: str | None = None
    street_2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


class NumbersUpdateE911AddressResponse(WireResponse):
    """Numbers - Update E911 Address: the answer of `POST /v1.0/numbers/e911address/update`."""

    phone_number: str | None = None
    status: str | None = None
    status_message: str | None = None


class GetVoicemailInfoRequest(WireRequest):
    """Get Voicemail Info: the JSON body of `POST /v1.0/numbers/voicemail/info`."""

    phone_number: str | None = None
    account_id: str | None = None


class GetVoicemailInfoResponse(WireResponse):
    """Get Voicemail Info: the answer of `POST /v1.0/numbers/voicemail/info`."""

    phone_number: str | None = None
    voicemail_enabled: bool | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None


class ActivateVoicemailRequest(WireRequest):
    """Activate Voicemail: the JSON body of `POST /v1.0/numbers/voicemail/activate`."""

    phone_number: str | None = None
    account_id: str | None = None
    pin: str | None = Field(None, alias="PIN")
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None


class ActivateVoicemailResponse(WireResponse):
    """Activate Voicemail: the answer of `POST /v1.0/numbers/voicemail/activate`."""

    phone_number: str | None = None
    voicemail_activated: bool | None = None
    successful: bool | None = None


class UpdateVoicemailRequest(WireRequest):
    """Update Voicemail: the JSON body of `POST /v1.0/numbers/voicemail/update`."""

    phone_number: str | None = None
    account_id: str | None = None
    pin: str | None = Field(None, alias="PIN")
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None


class UpdateVoicemailResponse(WireResponse):
    """Update Voicemail: the answer of `POST /v1.0/numbers/voicemail/update`."""

    phone_number: str | None = None
    successful: bool | None = None
    message: str | None = None


class DeleteVoicemailRequest(WireRequest):
    """Delete Voicemail: the JSON body of `POST /v1.0/numbers/voicemail/delete`."""

    phone_number: str | None = None
    account_id: str | None = None


class DeleteVoicemailResponse(WireResponse):
    """Delete Voicemail: the answer of `POST /v1.0/numbers/voicemail/delete`."""

    phone_number: str | None = None
    successful: bool | None = None
    message: str | None = None


class UpdateSimStatusRequest(WireRequest):
    """Update SIM Status: the JSON body of `POST /v1.0/sims/update-status`."""

    iccid: str | None = Field(None, alias="ICCID")
    msisdn: str | None = Field(None, alias="MSISDN")
    sim_status: str | None = None
    account_id: str | None = None


class UpdateSimStatusResponse(WireResponse):
    """Update SIM Status: the answer of `POST /v1.0/sims/update-status`."""

    iccid: str | None = Field(None, alias="ICCID")
    sim_status: str | None = None
    successful: bool | None = None


class ClearSimStatusRequest(WireRequest):
    """Clear SIM Status: the JSON body of `POST /v1.0/sims/clear-status`."""

    iccid: str | None = Field(None, alias="ICCID")
    msisdn: str | None = Field(None, alias="MSISDN")
    sim_status: str | None = None
    account_id: str | None = None


class ClearSimStatusResponse(WireResponse):
    """Clear SIM Status: the answer of `POST /v1.0/sims/clear-status`."""

    iccid: str | None = Field(None, alias="ICCID")
    sim_status: str | None = None
    successful: bool | None = None


class DataUsageLimitRequest(WireRequest):
    """Data Usage Limit: the JSON body of `POST /v1.0/numbers/data-usage`."""

    phone_numbers: list[dict[str, Any]] | None = None
    account_id: str | None = None
    value_unit: str | None = None
    notify_value: int | None = None
    throttle_value: int | None = None
    throttle_speed: str | None = None
    limit_value: int | None = None


class DataUsageLimitResponse(WireResponse):
    """Data Usage Limit: the answer of `POST /v1.0/numbers/data-usage`."""

    status: str | None = None
    status_message: str | None = None
    value_unit: str | None = None
    notify_value: int | None = None
    throttle_value: int | None = None
    throttle_speed: str | None = None
    limit_value: int | None = None
    phone_numbers: list[NumberEntry] | None = None


class DataUsageSettingsRequest(WireRequest):
    """Data Usage Settings: the JSON body of `POST /v1.0/numbers/data-usage/settings`."""

    phone_numbers: list[dict[str, Any]] | None = None
    account_id: str | None = None


class DataUsageSettingsResponse(WireResponse):
    """Data Usage Settings: the answer of `POST /v1.0/numbers/data-usage/settings`."""

    phone_numbers: list[UsageSettingsItem] | None = None
    status: str | None = None


class DataUsageInfoRequest(WireRequest):
    """Data Usage Info: the JSON body of `POST /v1.0/numbers/data-usage/info`."""

    phone_numbers: list[dict[str, Any]] | None = None
    account_id: str | None = None


class DataUsageInfoResponse(WireResponse):
    """Data Usage Info: the answer of `POST /v1.0/numbers/data-usage/info`."""

    phone_numbers: list[UsageInfoItem] | None = None
    status: str | None = None


class DataUsageUpdateRenewalInfoRequest(WireRequest):
    """Data Usage Update Renewal Info: the JSON body of `POST /v1.0/numbers/data-usage/update-renewal-info`."""

    phone_numbers: list[dict[str, Any]] | None = None
    account_id: str | None = None
    reset_usage: bool | None = None
    auto_renew: bool | None = None
    period_type: str | None = None
    period_value: int | None = None
    renewal_day: int | None = None
    time_zone: str | None = None


class DataUsageUpdateRenewalInfoResponse(WireResponse):
    """Data Usage Update Renewal Info: the answer of `POST /v1.0/numbers/data-usage/update-renewal-info`."""

    status: str | None = None
    status_message: str | None = None
    phone_numbers: list[RenewalItem] | None = None


class NumbersPortInEligibilityRequest(WireRequest):
    """Numbers - Port In Eligibility: the JSON body of `POST /v1.0/numbers/portin/eligibility`."""

    phone_number: str | None = None
    target_classification: str | None = None


class NumbersPortInEligibilityResponse(WireResponse):
    """Numbers - Port In Eligibility: the answer of `POST /v1.0/numbers/portin/eligibility`."""

    phone_number: str | None = None
    eligible: bool | None = None
    current_carrier: str | None = None
    number_type: str | None = None
    message: str | None = None


class NumbersPortInRequest(WireRequest):
    """Numbers - Port In: the JSON body of `POST /v1.0/numbers/portin`."""

    port_in_number: str | None = None
    current_carrier_name: str | None = None
    current_account_number: str | None = None
    current_account_password: str | None = None
    current_billing_address: dict[str, Any] | None = None
    iccid: str | None = Field(None, alias="ICCID")
    target_portin_classification: str | None = None
    subscriber_name: str | None = None
    port_in_date: str | None = None
    account_id: str | None = None
    message_route_id: str | None = None
    voice_route_id: str | None = None
    assigned_subscriber_id: str | None = None


class NumbersPortInResponse(WireResponse):
    """Numbers - Port In: the answer of `POST /v1.0/numbers/portin`."""

    order_id: str | None = None
    order_date: str | None = None
    status: str | None = None
    phone_number: str | None = None
    iccid: str | None = Field(None, alias="ICCID")
    port_in_date: str | None = None


class NumbersUpdatePortInRequest(WireRequest):
    """Numbers - Update Port In: the JSON body of `POST /v1.0/numbers/portin/update`."""

    port_in_number: str | None = None
    current_carrier_name: str | None = None
    current_account_number: str | None = None
    current_account_password: str | None = None
    current_billing_address: dict[str, Any] | None = None
    iccid: str | None = Field(None, alias="ICCID")
    target_portin_classification: str | None = None
    subscriber_name: str | None = None
    port_in_date: str | None = None
    account_id: str | None = None
    message_route_id: str | None = None
    voice_route_id: str | None = None
    assigned_subscriber_id: str | None = None
    order_id: str | None = None


class NumbersUpdatePortInResponse(WireResponse):
    """Numbers - Update Port In: the answer of `POST /v1.0/numbers/portin/update`."""

    order_id: str | None = None
    status: str | None = None
    message: str | None = None


class NumbersCancelPortInRequest(WireRequest):
    """Numbers - Cancel Port In: the JSON body of `POST /v1.0/numbers/portin/cancel`."""

    order_id: str | None = None
    account_id: str | None = None


class NumbersCancelPortInResponse(WireResponse):
    """Numbers - Cancel Port In: the answer of `POST /v1.0/numbers/portin/cancel`."""

    order_id: str | None = None
    status: str | None = None


class NumbersPortOutRequest(WireRequest):
    """Numbers - Port Out: the JSON body of `POST /v1.0/numbers/portout`."""

    port_out_number: str | None = None
    port_out_pin: str | None = Field(None, alias="PortOutPIN")
    account_id: str | None = None


class NumbersPortOutResponse(WireResponse):
    """Numbers - Port Out: the answer of `POST /v1.0/numbers/portout`."""

    order_id: str | None = None
    order_date: str | None = None
    status: str | None = None
    phone_number: str | None = None


class OpsPostUsageRequest(WireRequest):
    """Ingest usage records from the network (idempotent by RecordId): the JSON body of `POST /ops/v1/usage`."""

    records: list[dict[str, Any]]


class OpsPostUsageResponse(WireResponse):
    """Ingest usage records from the network (idempotent by RecordId): the answer of `POST /ops/v1/usage`."""

    accepted: int | None = None
    duplicates: int | None = None
    invalid: int | None = None
    unknown_numbers: list[str] | None = None


class OpsPolicyRequest(WireRequest):
    """Enforcement policy of a number (Active, Throttled at a speed, or Blocked): the query string of `GET /ops/v1/policy`."""

    phone_number: str | None = None


class OpsPolicyResponse(WireResponse):
    """Enforcement policy of a number (Active, Throttled at a speed, or Blocked): the answer of `GET /ops/v1/policy`."""

    phone_number: str | None = None
    number_status: str | None = None
    behavior: str | None = None
    throttle_speed: str | None = None
    throttle_kbps: int | None = None
    used_bytes: int | None = None
    limit_bytes: int | None = None


class OpsPostPortOrdersStatusRequest(WireRequest):
    """Report the losing or gaining carrier's answer on a port order: the JSON body of `POST /ops/v1/port-orders/status`."""

    order_id: str | None = None
    status: str | None = None
    code: str | None = None
    message: str | None = None
    port_out_pin: str | None = Field(None, alias="PortOutPIN")


class OpsPostPortOrdersStatusResponse(WireResponse):
    """Report the losing or gaining carrier's answer on a port order: the answer of `POST /ops/v1/port-orders/status`."""

    order_id: str | None = None
    order_status: str | None = None
    order_status_message: str | None = None


class GetAccountDetailsRequest(WireRequest):
    """Get Account Details: the query string of `GET /v1.0/account`."""

    account_id: str | None = None


class GetAccountDetailsResponse(WireResponse):
    """Get Account Details: the answer of `GET /v1.0/account`."""

    account_id: str | None = None
    account_name: str | None = None
    total_subscribers: int | None = None
    billing_address: AddressOut | None = None
    mailing_address: AddressOut | None = None


class CreateNewAccountRequest(WireRequest):
    """Create New Account: the JSON body of `POST /v1.0/account/create`."""

    account_name: str
    account_admin: str | None = None
    billing_address: dict[str, Any] | None = None
    mailing_address: dict[str, Any] | None = None


class CreateNewAccountResponse(WireResponse):
    """Create New Account: the answer of `POST /v1.0/account/create`."""

    account_id: str | None = None
    account_name: str | None = None
    total_subscribers: int | None = None
    billing_address: AddressOut | None = None
    mailing_address: AddressOut | None = None


class UpdateAccountRequest(WireRequest):
    """Update Account: the JSON body of `POST /v1.0/account/update`."""

    account_id: str | None = None
    account_name: str | None = None
    account_admin: str | None = None
    billing_address: dict[str, Any] | None = None
    mailing_address: dict[str, Any] | None = None


class UpdateAccountResponse(WireResponse):
    """Update Account: the answer of `POST /v1.0/account/update`."""

    account_id: str | None = None
    account_name: str | None = None
    total_subscribers: int | None = None
    billing_address: AddressOut | None = None
    mailing_address: AddressOut | None = None


class GetServicesRequest(WireRequest):
    """Get Services: the query string of `GET /v1.0/account/services`."""

    filter: str | None = None
    account_id: str | None = None


class GetServicesResponse(WireResponse):
    """Get Services: the answer of `GET /v1.0/account/services`."""

    aggregator_id: str | None = None
    total_services: int | None = None
    filter: str | None = None
    results: list[ServiceOut] | None = None


class GetProductsRequest(WireRequest):
    """Get Products: the query string of `GET /v1.0/account/products`."""

    filter: str | None = None
    account_id: str | None = None


class GetProductsResponse(WireResponse):
    """Get Products: the answer of `GET /v1.0/account/products`."""

    distributor_id: str | None = None
    total_products: int | None = None
    filter: str | None = None
    results: list[ProductOut] | None = None


class GetPackagesRequest(WireRequest):
    """Get Packages: the query string of `GET /v1.0/account/packages`."""

    filter: str | None = None
    account_id: str | None = None


class GetPackagesResponse(WireResponse):
    """Get Packages: the answer of `GET /v1.0/account/packages`."""

    distributor_id: str | None = None
    total_packages: int | None = None
    filter: str | None = None
    results: list[PackageOut] | None = None


class GetSubscriptionsRequest(WireRequest):
    """Get Subscriptions: the query string of `GET /v1.0/account/subscriptions`."""

    filter: str | None = None
    account_id: str | None = None


class GetSubscriptionsResponse(WireResponse):
    """Get Subscriptions: the answer of `GET /v1.0/account/subscriptions`."""

    account_id: str | None = None
    total_subscriptions: int | None = None
    filter: str | None = None
    results: list[SubscriptionOut] | None = None


class GetAccountsWorkgroupsRequest(WireRequest):
    """Get Account's Workgroups: the query string of `GET /v1.0/account/workgroups`."""

    account_id: str | None = None


class GetAccountsWorkgroupsResponse(WireResponse):
    """Get Account's Workgroups: the answer of `GET /v1.0/account/workgroups`."""

    workgroups: list[WorkgroupSummary] | None = None


class GetAccountSchedulesRequest(WireRequest):
    """Get Account Schedules: the query string of `GET /v1.0/account/schedules`."""

    account_id: str | None = None


class GetAccountSchedulesResponse(WireResponse):
    """Get Account Schedules: the answer of `GET /v1.0/account/schedules`."""

    account_id: str | None = Field(None, alias="AccountID")
    total_schedules: int | None = None
    results: list[ScheduleOut] | None = None


class GetDistributorDetailsRequest(WireRequest):
    """Get Distributor Details: the query string of `GET /v1.0/distributor`."""

    distributor_id: str | None = None


class GetDistributorDetailsResponse(WireResponse):
    """Get Distributor Details: the answer of `GET /v1.0/distributor`."""

    distributor_id: str | None = None
    distributor_name: str | None = None
    account_key: str | None = None
    secret: str | None = None
    total_accounts: int | None = None
    billing_address: AddressOut | None = None
    mailing_address: AddressOut | None = None


class CreateDistributorRequest(WireRequest):
    """Create Distributor (operator token): the JSON body of `POST /v1.0/distributor/create`."""

    distributor_name: str
    billing_address: dict[str, Any] | None = None
    mailing_address: dict[str, Any] | None = None
    account_name: str | None = None
    rate_limit: int | None = None


class CreateDistributorResponse(WireResponse):
    """Create Distributor (operator token): the answer of `POST /v1.0/distributor/create`."""

    distributor_id: str | None = None
    distributor_name: str | None = None
    account_key: str | None = None
    secret: str | None = None
    total_accounts: int | None = None
    billing_address: AddressOut | None = None
    mailing_address: AddressOut | None = None
    account_id: str | None = None


class UpdateDistributorRequest(WireRequest):
    """Update Distributor: the JSON body of `POST /v1.0/distributor/update`."""

    distributor_id: str
    distributor_name: str | None = None
    billing_address: dict[str, Any] | None = None
    mailing_address: dict[str, Any] | None = None


class UpdateDistributorResponse(WireResponse):
    """Update Distributor: the answer of `POST /v1.0/distributor/update`."""

    distributor_id: str | None = None
    distributor_name: str | None = None
    account_key: str | None = None
    secret: str | None = None
    total_accounts: int | None = None
    billing_address: AddressOut | None = None
    mailing_address: AddressOut | None = None


class GetAccountsRequest(WireRequest):
    """Get Accounts: the query string of `GET /v1.0/distributor/accounts`."""

    filter: str | None = None


class GetAccountsResponse(WireResponse):
    """Get Accounts: the answer of `GET /v1.0/distributor/accounts`."""

    distributor_id: str | None = None
    total_accounts: int | None = None
    filter: str | None = None
    results: list[AccountOut] | None = None


class GetSubscribersRequest(WireRequest):
    """Get Subscribers: the query string of `GET /v1.0/distributor/subscribers`."""

    page_number: int | None = None
    total_per_page: int | None = None


class GetSubscribersResponse(WireResponse):
    """Get Subscribers: the answer of `GET /v1.0/distributor/subscribers`."""

    page_number: int | None = None
    total_subscribers: int | None = None
    subscribers: list[DistributorSubscriber] | None = None


class GetDistributorProductListRequest(WireRequest):
    """Get Distributor Product List: the query string of `GET /v1.0/distributor/products`."""

    filter: str | None = None


class GetDistributorProductListResponse(WireResponse):
    """Get Distributor Product List: the answer of `GET /v1.0/distributor/products`."""

    distributor_id: str | None = None
    total_products: int | None = None
    filter: str | None = None
    results: list[ProductOut] | None = None


class GetDistributorPackageListRequest(WireRequest):
    """Get Distributor Package List: the query string of `GET /v1.0/distributor/packages`."""

    filter: str | None = None


class GetDistributorPackageListResponse(WireResponse):
    """Get Distributor Package List: the answer of `GET /v1.0/distributor/packages`."""

    distributor_id: str | None = None
    total_packages: int | None = None
    filter: str | None = None
    results: list[PackageOut] | None = None


class GetDistributorSubscriptionListRequest(WireRequest):
    """Get Distributor Subscription List: the query string of `GET /v1.0/distributor/subscriptions`."""

    filter: str | None = None


class GetDistributorSubscriptionListResponse(WireResponse):
    """Get Distributor Subscription List: the answer of `GET /v1.0/distributor/subscriptions`."""

    distributor_id: str | None = None
    total_subscriptions: int | None = None
    filter: str | None = None
    results: list[SubscriptionOut] | None = None


class ProductDetailsRequest(WireRequest):
    """Product Details: the query string of `GET /v1.0/products`."""

    product_id: str | None = None


class ProductDetailsResponse(WireResponse):
    """Product Details: the answer of `GET /v1.0/products`."""

    product_id: str | None = None
    sku: str | None = Field(None, alias="SKU")
    description: str | None = None
    aggregator_id: str | None = None
    distributor_id: str | None = None
    type: str | None = None
    sub_type: str | None = None
    cost: Number | None = None
    billing_frequency: str | None = None
    active: bool | None = None


class CreateProductRequest(WireRequest):
    """Create Product: the JSON body of `POST /v1.0/products`."""

    sku: str = Field(alias="SKU")
    description: str
    type: str
    sub_type: str | None = None
    cost: Any
    billing_frequency: str


class CreateProductResponse(WireResponse):
    """Create Product: the answer of `POST /v1.0/products`."""

    product_id: str | None = None
    sku: str | None = Field(None, alias="SKU")
    description: str | None = None
    aggregator_id: str | None = None
    distributor_id: str | None = None
    type: str | None = None
    sub_type: str | None = None
    cost: Number | None = None
    billing_frequency: str | None = None
    active: bool | None = None


class UpdateProductRequest(WireRequest):
    """Update Product: the JSON body of `POST /v1.0/products/update`."""

    product_id: str
    sku: str | None = Field(None, alias="SKU")
    description: str | None = None
    type: str | None = None
    sub_type: str | None = None
    cost: Any | None = None
    billing_frequency: str | None = None
    active: bool | None = None


class UpdateProductResponse(WireResponse):
    """Update Product: the answer of `POST /v1.0/products/update`."""

    product_id: str | None = None
    sku: str | None = Field(None, alias="SKU")
    description: str | None = None
    aggregator_id: str | None = None
    distributor_id: str | None = None
    type: str | None = None
    sub_type: str | None = None
    cost: Number | None = None
    billing_frequency: str | None = None
    active: bool | None = None


class DeleteProductRequest(WireRequest):
    """Delete Product: the JSON body of `POST /v1.0/products/delete`."""

    product_id: str


class DeleteProductResponse(WireResponse):
    """Delete Product: the answer of `POST /v1.0/products/delete`."""

    product_id: str | None = None
    product_status: str | None = None


class GetPackageDetailsRequest(WireRequest):
    """Get Package Details: the query string of `GET /v1.0/packages`."""

    package_id: str | None = None


class GetPackageDetailsResponse(WireResponse):
    """Get Package Details: the answer of `GET /v1.0/packages`."""

    package_id: str | None = None
    package_name: str | None = None
    description: str | None = None
    distributor_id: str | None = None
    aggregator_id: str | None = None
    subscriber_id: str | None = None
    type: str | None = None
    price: Number | None = None
    monthly: bool | None = None
    active: bool | None = None


class CreatePackageRequest(WireRequest):
    """Create Package: the JSON body of `POST /v1.0/packages`."""

    package_name: str
    description: str | None = None
    subscriber_id: str | None = None
    type: str
    price: Any
    monthly: bool
    package_items: list[dict[str, Any]] | None = None


class CreatePackageResponse(WireResponse):
    """Create Package: the answer of `POST /v1.0/packages`."""

    package_id: str | None = None
    package_name: str | None = None
    description: str | None = None
    distributor_id: str | None = None
    aggregator_id: str | None = None
    subscriber_id: str | None = None
    type: str | None = None
    price: Number | None = None
    monthly: bool | None = None
    active: bool | None = None


class GetPackageSubscriptionsRequest(WireRequest):
    """Get Package Subscriptions: the query string of `GET /v1.0/packages/subscriptions`."""

    package_id: str | None = None


class GetPackageSubscriptionsResponse(WireResponse):
    """Get Package Subscriptions: the answer of `GET /v1.0/packages/subscriptions`."""

    package_id: str | None = None
    package_name: str | None = None
    description: str | None = None
    distributor_id: str | None = None
    aggregator_id: str | None = None
    subscriber_id: str | None = None
    type: str | None = None
    price: Number | None = None
    monthly: bool | None = None
    active: bool | None = None
    subscriptions: list[SubscriptionOut] | None = None


class UpdatePackageRequest(WireRequest):
    """Update Package: the JSON body of `POST /v1.0/packages/update`."""

    package_id: str
    package_name: str | None = None
    description: str | None = None
    subscriber_id: str | None = None
    type: str | None = None
    price: Any | None = None
    monthly: bool | None = None
    active: bool | None = None


class UpdatePackageResponse(WireResponse):
    """Update Package: the answer of `POST /v1.0/packages/update`."""

    package_id: str | None = None
    package_name: str | None = None
    description: str | None = None
    distributor_id: str | None = None
    aggregator_id: str | None = None
    subscriber_id: str | None = None
    type: str | None = None
    price: Number | None = None
    monthly: bool | None = None
    active: bool | None = None


class DeletePackageRequest(WireRequest):
    """Delete Package: the JSON body of `POST /v1.0/packages/delete`."""

    package_id: str


class DeletePackageResponse(WireResponse):
    """Delete Package: the answer of `POST /v1.0/packages/delete`."""

    package_id: str | None = None
    package_status: str | None = None


class GetPackageItemsRequest(WireRequest):
    """Get Package Items: the query string of `GET /v1.0/packages/items`."""

    package_id: str | None = None


class GetPackageItemsResponse(WireResponse):
    """Get Package Items: the answer of `GET /v1.0/packages/items`."""

    package_item_id: str | None = None
    package_id: str | None = None
    product_id: str | None = None
    aggregator_id: str | None = None
    distributor_id: str | None = None
    type: str | None = None
    price: Number | None = None
    monthly: bool | None = None
    active: bool | None = None


class AddPackageItemRequest(WireRequest):
    """Add Package Item: the JSON body of `POST /v1.0/packages/items/add`."""

    product_id: str
    price: Any | None = None
    monthly: bool | None = None
    type: str | None = None
    package_id: str


class AddPackageItemResponse(WireResponse):
    """Add Package Item: the answer of `POST /v1.0/packages/items/add`."""

    package_item_id: str | None = None
    package_id: str | None = None
    product_id: str | None = None
    aggregator_id: str | None = None
    distributor_id: str | None = None
    type: str | None = None
    price: Number | None = None
    monthly: bool | None = None
    active: bool | None = None


class UpdatePackageItemRequest(WireRequest):
    """Update Package Item: the JSON body of `POST /v1.0/packages/items/update`."""

    package_id: str
    package_item_id: str
    price: Any | None = None
    monthly: bool | None = None
    type: str | None = None


class UpdatePackageItemResponse(WireResponse):
    """Update Package Item: the answer of `POST /v1.0/packages/items/update`."""

    package_item_id: str | None = None
    package_id: str | None = None
    product_id: str | None = None
    aggregator_id: str | None = None
    distributor_id: str | None = None
    type: str | None = None
    price: Number | None = None
    monthly: bool | None = None
    active: bool | None = None


class DeletePackageItemRequest(WireRequest):
    """Delete Package Item: the JSON body of `POST /v1.0/packages/items/delete`."""

    package_id: str
    package_item_id: str


class DeletePackageItemResponse(WireResponse):
    """Delete Package Item: the answer of `POST /v1.0/packages/items/delete`."""

    package_item_id: str | None = None
    package_id: str | None = None
    package_item_status: str | None = None


class GetServiceDetailsRequest(WireRequest):
    """Get Service Details: the query string of `GET /v1.0/services`."""

    service_id: str | None = None


class GetServiceDetailsResponse(WireResponse):
    """Get Service Details: the answer of `GET /v1.0/services`."""

    service_id: str | None = None
    service_name: str | None = None
    cost: Number | None = None
    monthly: bool | None = None
    active: bool | None = None


class CreateServiceRequest(WireRequest):
    """Create Service: the JSON body of `POST /v1.0/services`."""

    service_name: str
    cost: Any
    monthly: bool | None = None


class CreateServiceResponse(WireResponse):
    """Create Service: the answer of `POST /v1.0/services`."""

    service_id: str | None = None
    service_name: str | None = None
    cost: Number | None = None
    monthly: bool | None = None
    active: bool | None = None


class UpdateServiceRequest(WireRequest):
    """Update Service: the JSON body of `POST /v1.0/services/update`."""

    service_id: str
    service_name: str | None = None
    cost: Any | None = None
    monthly: bool | None = None
    active: bool | None = None


class UpdateServiceResponse(WireResponse):
    """Update Service: the answer of `POST /v1.0/services/update`."""

    service_id: str | None = None
    service_name: str | None = None
    cost: Number | None = None
    monthly: bool | None = None
    active: bool | None = None


class DeleteServiceRequest(WireRequest):
    """Delete Service: the JSON body of `POST /v1.0/services/delete`."""

    service_id: str


class DeleteServiceResponse(WireResponse):
    """Delete Service: the answer of `POST /v1.0/services/delete`."""

    service_id: str | None = None
    service_status: str | None = None


class GetServiceItemsRequest(WireRequest):
    """Get Service Items: the query string of `GET /v1.0/services/items`."""

    service_id: str | None = None


class GetServiceItemsResponse(WireResponse):
    """Get Service Items: the answer of `GET /v1.0/services/items`."""

    service_id: str | None = None
    items: list[ServiceItemOut] | None = None


class AddServiceItemRequest(WireRequest):
    """Add Service Item: the JSON body of `POST /v1.0/services/items/add`."""

    service_id: str
    aggregator_id: str | None = None
    distributor_id: str | None = None
    price: Any | None = None
    monthly: bool | None = None


class AddServiceItemResponse(WireResponse):
    """Add Service Item: the answer of `POST /v1.0/services/items/add`."""

    service_id: str | None = None
    price: Number | None = None
    monthly: bool | None = None
    active: bool | None = None
    distributor_id: str | None = None
    aggregator_id: str | None = None
    successful: bool | None = None


class UpdateServiceItemRequest(WireRequest):
    """Update Service Item: the JSON body of `POST /v1.0/services/items/update`."""

    service_id: str
    aggregator_id: str | None = None
    distributor_id: str | None = None
    price: Any | None = None
    monthly: bool | None = None


class UpdateServiceItemResponse(WireResponse):
    """Update Service Item: the answer of `POST /v1.0/services/items/update`."""

    price: Number | None = None
    monthly: bool | None = None
    successful: bool | None = None


class DeleteServiceItemRequest(WireRequest):
    """Delete Service Item: the JSON body of `POST /v1.0/services/items/delete`."""

    service_id: str
    aggregator_id: str | None = None
    distributor_id: str | None = None
    price: Any | None = None
    monthly: bool | None = None


class DeleteServiceItemResponse(WireResponse):
    """Delete Service Item: the answer of `POST /v1.0/services/items/delete`."""

    successful: bool | None = None


class GetSubscriptionDetailsRequest(WireRequest):
    """Get Subscription Details: the query string of `GET /v1.0/subscriptions`."""

    subscription_id: str | None = None


class GetSubscriptionDetailsResponse(WireResponse):
    """Get Subscription Details: the answer of `GET /v1.0/subscriptions`."""

    subscription_id: str | None = None
    subscriber_id: str | None = None
    tnid: str | None = Field(None, alias="TNID")
    iccid: str | None = Field(None, alias="ICCID")
    package_id: str | None = None
    type: str | None = None
    active: bool | None = None


class CreateSubscriptionRequest(WireRequest):
    """Create Subscription: the JSON body of `POST /v1.0/subscriptions`."""

    subscriber_id: str
    tnid: str | None = Field(None, alias="TNID")
    iccid: str | None = Field(None, alias="ICCID")
    package_id: str
    type: str


class CreateSubscriptionResponse(WireResponse):
    """Create Subscription: the answer of `POST /v1.0/subscriptions`."""

    subscription_id: str | None = None
    subscriber_id: str | None = None
    tnid: str | None = Field(None, alias="TNID")
    iccid: str | None = Field(None, alias="ICCID")
    package_id: str | None = None
    type: str | None = None
    active: bool | None = None


class UpdateSubscriptionRequest(WireRequest):
    """Update Subscription: the JSON body of `POST /v1.0/subscriptions/update`."""

    subscription_id: str
    subscriber_id: str | None = None
    tnid: str | None = Field(None, alias="TNID")
    iccid: str | None = Field(None, alias="ICCID")
    package_id: str | None = None
    type: str | None = None


class UpdateSubscriptionResponse(WireResponse):
    """Update Subscription: the answer of `POST /v1.0/subscriptions/update`."""

    subscription_id: str | None = None
    subscriber_id: str | None = None
    tnid: str | None = Field(None, alias="TNID")
    iccid: str | None = Field(None, alias="ICCID")
    package_id: str | None = None
    type: str | None = None
    active: bool | None = None


class DeleteSubscriptionRequest(WireRequest):
    """Delete Subscription: the JSON body of `POST /v1.0/subscriptions/delete`."""

    subscription_id: str


class DeleteSubscriptionResponse(WireResponse):
    """Delete Subscription: the answer of `POST /v1.0/subscriptions/delete`."""

    subscription_id: str | None = None
    subscription_status: str | None = None


class GetThresholdRequest(WireRequest):
    """Get Threshold: the query string of `GET /v1.0/subscriptions/thresholds`."""

    threshold_id: str | None = None


class GetThresholdResponse(WireResponse):
    """Get Threshold: the answer of `GET /v1.0/subscriptions/thresholds`."""

    threshold_id: str | None = None
    account_id: str | None = None
    threshold_name: str | None = None
    threshold_type: str | None = None
    threshold_amount: int | None = None
    threshold_unit: str | None = None
    threshold_action: str | None = None
    active: bool | None = None


class CreateThresholdRequest(WireRequest):
    """Create Threshold: the JSON body of `POST /v1.0/subscriptions/thresholds/add`."""

    account_id: str | None = None
    threshold_name: str
    threshold_type: str
    threshold_amount: int
    threshold_unit: str
    threshold_action: str


class CreateThresholdResponse(WireResponse):
    """Create Threshold: the answer of `POST /v1.0/subscriptions/thresholds/add`."""

    threshold_id: str | None = None
    account_id: str | None = None
    threshold_name: str | None = None
    threshold_type: str | None = None
    threshold_amount: int | None = None
    threshold_unit: str | None = None
    threshold_action: str | None = None
    active: bool | None = None


class UpdateThresholdRequest(WireRequest):
    """Update Threshold: the JSON body of `POST /v1.0/subscriptions/thresholds/update`."""

    threshold_id: str
    threshold_name: str | None = None
    threshold_type: str | None = None
    threshold_amount: int | None = None
    threshold_unit: str | None = None
    threshold_action: str | None = None


class UpdateThresholdResponse(WireResponse):
    """Update Threshold: the answer of `POST /v1.0/subscriptions/thresholds/update`."""

    threshold_id: str | None = None
    account_id: str | None = None
    threshold_name: str | None = None
    threshold_type: str | None = None
    threshold_amount: int | None = None
    threshold_unit: str | None = None
    threshold_action: str | None = None
    active: bool | None = None


class DeleteThresholdRequest(WireRequest):
    """Delete Threshold: the JSON body of `POST /v1.0/subscriptions/thresholds/delete`."""

    threshold_id: str


class DeleteThresholdResponse(WireResponse):
    """Delete Threshold: the answer of `POST /v1.0/subscriptions/thresholds/delete`."""

    threshold_id: str | None = None
    threshold_status: str | None = None


class GetThresholdAssignmentsRequest(WireRequest):
    """Get Threshold Assignments: the query string of `GET /v1.0/subscriptions/thresholds/assignments`."""

    threshold_id: str | None = None


class GetThresholdAssignmentsResponse(WireResponse):
    """Get Threshold Assignments: the answer of `GET /v1.0/subscriptions/thresholds/assignments`."""

    threshold_assignment_id: str | None = None
    threshold_id: str | None = None
    subscription_id: str | None = None
    active: bool | None = None


class CreateThresholdAssignmentRequest(WireRequest):
    """Create Threshold Assignment: the JSON body of `POST /v1.0/subscriptions/thresholds/assignments/add`."""

    threshold_id: str
    subscription_id: str


class CreateThresholdAssignmentResponse(WireResponse):
    """Create Threshold Assignment: the answer of `POST /v1.0/subscriptions/thresholds/assignments/add`."""

    threshold_assignment_id: str | None = None
    threshold_id: str | None = None
    subscription_id: str | None = None
    active: bool | None = None


class UpdateThresholdAssignmentRequest(WireRequest):
    """Update Threshold Assignment: the JSON body of `POST /v1.0/subscriptions/thresholds/assignments/update`."""

    threshold_assignment_id: str
    threshold_id: str | None = None
    subscription_id: str | None = None


class UpdateThresholdAssignmentResponse(WireResponse):
    """Update Threshold Assignment: the answer of `POST /v1.0/subscriptions/thresholds/assignments/update`."""

    threshold_assignment_id: str | None = None
    threshold_id: str | None = None
    subscription_id: str | None = None
    active: bool | None = None


class DeleteThresholdAssignmentRequest(WireRequest):
    """Delete Threshold Assignment: the JSON body of `POST /v1.0/subscriptions/thresholds/assignments/delete`."""

    threshold_assignment_id: str


class DeleteThresholdAssignmentResponse(WireResponse):
    """Delete Threshold Assignment: the answer of `POST /v1.0/subscriptions/thresholds/assignments/delete`."""

    threshold_assignment_id: str | None = None
    threshold_assignment_status: str | None = None


class GetFeatureRequest(WireRequest):
    """Get Feature: the query string of `GET /v1.0/subscriptions/features`."""

    feature_id: str | None = None


class GetFeatureResponse(WireResponse):
    """Get Feature: the answer of `GET /v1.0/subscriptions/features`."""

    feature_id: str | None = None
    account_id: str | None = None
    feature_name: str | None = None
    feature_type: str | None = None
    feature_description: str | None = None
    active: bool | None = None


class CreateFeatureRequest(WireRequest):
    """Create Feature: the JSON body of `POST /v1.0/subscriptions/features/add`."""

    account_id: str | None = None
    feature_name: str
    feature_type: str | None = None
    feature_description: str | None = None


class CreateFeatureResponse(WireResponse):
    """Create Feature: the answer of `POST /v1.0/subscriptions/features/add`."""

    feature_id: str | None = None
    account_id: str | None = None
    feature_name: str | None = None
    feature_type: str | None = None
    feature_description: str | None = None
    active: bool | None = None


class UpdateFeatureRequest(WireRequest):
    """Update Feature: the JSON body of `POST /v1.0/subscriptions/features/update`."""

    feature_id: str
    feature_name: str | None = None
    feature_type: str | None = None
    feature_description: str | None = None


class UpdateFeatureResponse(WireResponse):
    """Update Feature: the answer of `POST /v1.0/subscriptions/features/update`."""

    feature_id: str | None = None
    account_id: str | None = None
    feature_name: str | None = None
    feature_type: str | None = None
    feature_description: str | None = None
    active: bool | None = None


class DeleteFeatureRequest(WireRequest):
    """Delete Feature: the JSON body of `POST /v1.0/subscriptions/features/delete`."""

    feature_id: str


class DeleteFeatureResponse(WireResponse):
    """Delete Feature: the answer of `POST /v1.0/subscriptions/features/delete`."""

    feature_id: str | None = None
    feature_status: str | None = None


class GetFeatureAssignmentsRequest(WireRequest):
    """Get Feature Assignments: the query string of `GET /v1.0/subscriptions/features/assignments`."""

    feature_id: str | None = None


class GetFeatureAssignmentsResponse(WireResponse):
    """Get Feature Assignments: the answer of `GET /v1.0/subscriptions/features/assignments`."""

    feature_assignment_id: str | None = None
    feature_id: str | None = None
    subscription_id: str | None = None
    active: bool | None = None


class CreateFeatureAssignmentRequest(WireRequest):
    """Create Feature Assignment: the JSON body of `POST /v1.0/subscriptions/features/assignments/add`."""

    feature_id: str
    subscription_id: str


class CreateFeatureAssignmentResponse(WireResponse):
    """Create Feature Assignment: the answer of `POST /v1.0/subscriptions/features/assignments/add`."""

    feature_assignment_id: str | None = None
    feature_id: str | None = None
    subscription_id: str | None = None
    active: bool | None = None


class UpdateFeatureAssignmentRequest(WireRequest):
    """Update Feature Assignment: the JSON body of `POST /v1.0/subscriptions/features/assignments/update`."""

    feature_assignment_id: str
    feature_id: str | None = None
    subscription_id: str | None = None


class UpdateFeatureAssignmentResponse(WireResponse):
    """Update Feature Assignment: the answer of `POST /v1.0/subscriptions/features/assignments/update`."""

    feature_assignment_id: str | None = None
    feature_id: str | None = None
    subscription_id: str | None = None
    active: bool | None = None


class DeleteFeatureAssignmentRequest(WireRequest):
    """Delete Feature Assignment: the JSON body of `POST /v1.0/subscriptions/features/assignments/delete`."""

    feature_assignment_id: str


class DeleteFeatureAssignmentResponse(WireResponse):
    """Delete Feature Assignment: the answer of `POST /v1.0/subscriptions/features/assignments/delete`."""

    feature_assignment_id: str | None = None
    feature_assignment_status: str | None = None


class ExtBillingChargesRequest(WireRequest):
    """Charges of an account in a period: the query string of `GET /ext/v1/billing/charges`."""

    account_id: str | None = None
    period: str | None = None


class ExtBillingChargesResponse(WireResponse):
    """Charges of an account in a period: the answer of `GET /ext/v1/billing/charges`."""

    account_id: str | None = None
    period: str | None = None
    total_charges: int | None = None
    charges: list[ChargeOut] | None = None


class ExtBillingStatementRequest(WireRequest):
    """Statement of an account for a period: the query string of `GET /ext/v1/billing/statement`."""

    account_id: str | None = None
    period: str | None = None


class ExtBillingStatementResponse(WireResponse):
    """Statement of an account for a period: the answer of `GET /ext/v1/billing/statement`."""

    account_id: str | None = None
    account_name: str | None = None
    period: str | None = None
    currency: str | None = None
    rounding: str | None = None
    lines: list[StatementLine] | None = None
    total_charges: int | None = None
    total: str | None = None


class ExtBillingThresholdEventsRequest(WireRequest):
    """Threshold crossings (alerts, pauses, restrictions): the query string of `GET /ext/v1/billing/threshold-events`."""

    account_id: str | None = None
    period: str | None = None


class ExtBillingThresholdEventsResponse(WireResponse):
    """Threshold crossings (alerts, pauses, restrictions): the answer of `GET /ext/v1/billing/threshold-events`."""

    period: str | None = None
    events: list[ThresholdEventOut] | None = None


class OpsPostBillingRunsRequest(WireRequest):
    """Start a period's billing run: the JSON body of `POST /ops/v1/billing/runs`."""

    period: str


class OpsPostBillingRunsResponse(WireResponse):
    """Start a period's billing run: the answer of `POST /ops/v1/billing/runs`."""

    period: str | None = None
    status: str | None = None


class OpsBillingRunsRequest(WireRequest):
    """A period's billing run: the query string of `GET /ops/v1/billing/runs`."""

    period: str


class OpsBillingRunsResponse(WireResponse):
    """A period's billing run: the answer of `GET /ops/v1/billing/runs`."""

    period: str | None = None
    status: str | None = None
    subscriptions_billed: int | None = None
    completed_on: str | None = None


class OpsPostBillingUsageRequest(WireRequest):
    """Report usage of a subscription: the JSON body of `POST /ops/v1/billing/usage`."""

    subscription_id: str
    kind: str
    amount: int


class OpsPostBillingUsageResponse(WireResponse):
    """Report usage of a subscription: the answer of `POST /ops/v1/billing/usage`."""

    subscription_id: str | None = None
    kind: str | None = None
    period: str | None = None
    usage: int | None = None


class OpsCarriersResponse(WireResponse):
    """Bind state of this process's carrier connectors: the answer of `GET /ops/v1/carriers`."""

    carriers: list[WireResponse] | None = None


class OpsPostDistributorsRotateSecretRequest(WireRequest):
    """Replace a distributor's AccountSecret (the old one and its tokens stop working at once): the JSON body of `POST /ops/v1/distributors/rotate-secret`."""

    account_key: str


class OpsPostDistributorsRotateSecretResponse(WireResponse):
    """Replace a distributor's AccountSecret (the old one and its tokens stop working at once): the answer of `POST /ops/v1/distributors/rotate-secret`."""

    account_key: str | None = None
    account_secret: str | None = None


class OpsPostDistributorsDeactivateRequest(WireRequest):
    """Deactivate a distributor: its tokens are refused and no new ones are issued: the JSON body of `POST /ops/v1/distributors/deactivate`."""

    account_key: str


class OpsPostDistributorsDeactivateResponse(WireResponse):
    """Deactivate a distributor: its tokens are refused and no new ones are issued: the answer of `POST /ops/v1/distributors/deactivate`."""

    account_key: str | None = None
    active: bool | None = None


class OpsPostDistributorsReactivateRequest(WireRequest):
    """Reactivate a distributor (tokens minted before its deactivation stay refused): the JSON body of `POST /ops/v1/distributors/reactivate`."""

    account_key: str


class OpsPostDistributorsReactivateResponse(WireResponse):
    """Reactivate a distributor (tokens minted before its deactivation stay refused): the answer of `POST /ops/v1/distributors/reactivate`."""

    account_key: str | None = None
    active: bool | None = None


class OpsPortOrdersRequest(WireRequest):
    """A port order as the operator relays it to the other carrier (port-in password decrypted): the query string of `GET /ops/v1/port-orders`."""

    order_id: str | None = None


class OpsPortOrdersResponse(WireResponse):
    """A port order as the operator relays it to the other carrier (port-in password decrypted): the answer of `GET /ops/v1/port-orders`."""

    order_id: str | None = None
    direction: str | None = None
    order_status: str | None = None
    phone_number: str | None = None
    carrier_name: str | None = None
    account_number: str | None = None
    account_password: str | None = None
    billing_address: WireResponse | None = None
    subscriber_name: str | None = None
    port_date: str | None = None


class ExtCallsRequest(WireRequest):
    """Call records search (mpaas extension): the query string of `GET /ext/v1/calls`."""

    account_id: str | None = None
    call_record_id: str | None = None
    phone_number: str | None = None
    number_id: str | None = None
    direction: str | None = None
    disposition: str | None = None
    status: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    page: int | None = None
    results: int | None = None


class ExtCallsResponse(WireResponse):
    """Call records search (mpaas extension): the answer of `GET /ext/v1/calls`."""

    results_total_records: int | None = None
    results_pages: int | None = None
    page: int | None = None
    results: list[CallRecord] | None = None


class CreateMessageFilterRequest(WireRequest):
    """Create Message Filter: the JSON body of `POST /v1.0/subscribers/message-filter`."""

    subscriber_id: str
    phone: str
    filter_mode: str
    allowed_contacts: list[str] | None = None
    blocked_contacts: list[str] | None = None
    keyword_filter: str | None = None
    notification_phones: list[str] | None = None
    apply_to_outbound: bool | None = None
    apply_to_inbound: bool | None = None
    block_unknown_numbers: bool | None = None
    block_links: bool | None = None
    block_media: bool | None = None
    filter_level: str | None = None
    account_id: str | None = None


class CreateMessageFilterResponse(WireResponse):
    """Create Message Filter: the answer of `POST /v1.0/subscribers/message-filter`."""

    filter_id: str | None = None
    subscriber_id: str | None = None
    phone: str | None = None
    filter_mode: str | None = None
    allowed_contacts: list[str] | None = None
    blocked_contacts: list[str] | None = None
    keyword_filter: str | None = None
    notification_phones: list[str] | None = None
    apply_to_outbound: bool | None = None
    apply_to_inbound: bool | None = None
    block_unknown_numbers: bool | None = None
    block_links: bool | None = None
    block_media: bool | None = None
    filter_level: str | None = None


class GetMessageFiltersRequest(WireRequest):
    """Get Message Filters: the query string of `GET /v1.0/subscribers/message-filter`."""

    subscriber_id: str | None = None
    phone: str | None = None
    account_id: str | None = None


class GetMessageFiltersResponse(WireResponse):
    """Get Message Filters: the answer of `GET /v1.0/subscribers/message-filter`."""

    filter_id: str | None = None
    subscriber_id: str | None = None
    phone: str | None = None
    filter_mode: str | None = None
    allowed_contacts: list[str] | None = None
    blocked_contacts: list[str] | None = None
    keyword_filter: str | None = None
    notification_phones: list[str] | None = None
    apply_to_outbound: bool | None = None
    apply_to_inbound: bool | None = None
    block_unknown_numbers: bool | None = None
    block_links: bool | None = None
    block_media: bool | None = None
    filter_level: str | None = None


class UpdateMessageFilterRequest(WireRequest):
    """Update Message Filter: the JSON body of `POST /v1.0/subscribers/message-filter/update`."""

    subscriber_id: str | None = None
    phone: str | None = None
    filter_mode: str | None = None
    allowed_contacts: list[str] | None = None
    blocked_contacts: list[str] | None = None
    keyword_filter: str | None = None
    notification_phones: list[str] | None = None
    apply_to_outbound: bool | None = None
    apply_to_inbound: bool | None = None
    block_unknown_numbers: bool | None = None
    block_links: bool | None = None
    block_media: bool | None = None
    filter_level: str | None = None
    account_id: str | None = None
    filter_id: str


class UpdateMessageFilterResponse(WireResponse):
    """Update Message Filter: the answer of `POST /v1.0/subscribers/message-filter/update`."""

    filter_id: str | None = None
    subscriber_id: str | None = None
    phone: str | None = None
    filter_mode: str | None = None
    allowed_contacts: list[str] | None = None
    blocked_contacts: list[str] | None = None
    keyword_filter: str | None = None
    notification_phones: list[str] | None = None
    apply_to_outbound: bool | None = None
    apply_to_inbound: bool | None = None
    block_unknown_numbers: bool | None = None
    block_links: bool | None = None
    block_media: bool | None = None
    filter_level: str | None = None


class DeleteMessageFilterRequest(WireRequest):
    """Delete Message Filter: the JSON body of `POST /v1.0/subscribers/message-filter/delete`."""

    message_filter_id: str
    subscriber_id: str | None = None
    account_id: str | None = None


class DeleteMessageFilterResponse(WireResponse):
    """Delete Message Filter: the answer of `POST /v1.0/subscribers/message-filter/delete`."""

    status: str | None = None
    filter_id: str | None = None
    date_deleted: str | None = None


class GetAllowedContactsRequest(WireRequest):
    """Get Allowed Contacts: the query string of `GET /v1.0/subscribers/message-filter/allowed-contacts`."""

    subscriber_id: str | None = None
    message_filter_id: str | None = None
    account_id: str | None = None


class GetAllowedContactsResponse(WireResponse):
    """Get Allowed Contacts: the answer of `GET /v1.0/subscribers/message-filter/allowed-contacts`. The server declares no schema for it yet: every field is read as sent."""


class AddAllowedContactsRequest(WireRequest):
    """Add Allowed Contacts: the JSON body of `POST /v1.0/subscribers/message-filter/allowed-contacts/add`."""

    subscriber_id: str
    message_filter_id: str
    contacts: list[str]
    account_id: str | None = None


class AddAllowedContactsResponse(WireResponse):
    """Add Allowed Contacts: the answer of `POST /v1.0/subscribers/message-filter/allowed-contacts/add`."""

    filter_id: str | None = None
    subscriber_id: str | None = None
    allowed_contacts: list[str] | None = None


class RemoveAllowedContactsRequest(WireRequest):
    """Remove Allowed Contacts: the JSON body of `POST /v1.0/subscribers/message-filter/allowed-contacts/remove`."""

    subscriber_id: str
    message_filter_id: str
    contacts: list[str]
    account_id: str | None = None


class RemoveAllowedContactsResponse(WireResponse):
    """Remove Allowed Contacts: the answer of `POST /v1.0/subscribers/message-filter/allowed-contacts/remove`."""

    filter_id: str | None = None
    subscriber_id: str | None = None
    allowed_contacts: list[str] | None = None


class GetBlockedContactsRequest(WireRequest):
    """Get Blocked Contacts: the query string of `GET /v1.0/subscribers/message-filter/blocked-contacts`."""

    subscriber_id: str | None = None
    message_filter_id: str | None = None
    account_id: str | None = None


class GetBlockedContactsResponse(WireResponse):
    """Get Blocked Contacts: the answer of `GET /v1.0/subscribers/message-filter/blocked-contacts`. The server declares no schema for it yet: every field is read as sent."""


class AddBlockedContactsRequest(WireRequest):
    """Add Blocked Contacts: the JSON body of `POST /v1.0/subscribers/message-filter/blocked-contacts/add`."""

    subscriber_id: str
    message_filter_id: str
    contacts: list[str]
    account_id: str | None = None


class AddBlockedContactsResponse(WireResponse):
    """Add Blocked Contacts: the answer of `POST /v1.0/subscribers/message-filter/blocked-contacts/add`."""

    filter_id: str | None = None
    subscriber_id: str | None = None
    blocked_contacts: list[str] | None = None


class RemoveBlockedContactsRequest(WireRequest):
    """Remove Blocked Contacts: the JSON body of `POST /v1.0/subscribers/message-filter/blocked-contacts/remove`."""

    subscriber_id: str
    message_filter_id: str
    contacts: list[str]
    account_id: str | None = None


class RemoveBlockedContactsResponse(WireResponse):
    """Remove Blocked Contacts: the answer of `POST /v1.0/subscribers/message-filter/blocked-contacts/remove`."""

    filter_id: str | None = None
    subscriber_id: str | None = None
    blocked_contacts: list[str] | None = None


class GetMessageFilterKeywordsRequest(WireRequest):
    """Get Message Filter Keywords: the query string of `GET /v1.0/subscribers/message-filter/keywords`."""

    subscriber_id: str | None = None
    message_filter_id: str | None = None
    account_id: str | None = None


class GetMessageFilterKeywordsResponse(WireResponse):
    """Get Message Filter Keywords: the answer of `GET /v1.0/subscribers/message-filter/keywords`."""

    custom_keywords: list[str] | None = None
    system_keywords: dict[str, list[str]] | None = None
    severity_map: WireResponse | None = None


class ConfigureGuardianFeaturesRequest(WireRequest):
    """Configure Guardian Features: the JSON body of `POST /v1.0/subscribers/guardian-features`."""

    subscriber_id: str
    enable_intelligent_guardian_calls: bool | None = None
    enable_intelligent_guardian_messages: bool | None = None
    account_id: str | None = None


class ConfigureGuardianFeaturesResponse(WireResponse):
    """Configure Guardian Features: the answer of `POST /v1.0/subscribers/guardian-features`."""

    subscriber_id: str | None = None
    enable_intelligent_guardian_calls: bool | None = None
    enable_intelligent_guardian_messages: bool | None = None


class GetGuardianFeaturesRequest(WireRequest):
    """Get Guardian Features: the query string of `GET /v1.0/subscribers/guardian-features`."""

    subscriber_id: str | None = None
    account_id: str | None = None


class GetGuardianFeaturesResponse(WireResponse):
    """Get Guardian Features: the answer of `GET /v1.0/subscribers/guardian-features`."""

    subscriber_id: str | None = None
    enable_intelligent_guardian_calls: bool | None = None
    enable_intelligent_guardian_messages: bool | None = None


class CreateGuardianRelationRequest(WireRequest):
    """Create Guardian Relation: the JSON body of `POST /v1.0/subscribers/guardians/relation`."""

    parent_subscriber_id: str
    child_subscriber_id: str
    relation: str
    account_id: str | None = None


class CreateGuardianRelationResponse(WireResponse):
    """Create Guardian Relation: the answer of `POST /v1.0/subscribers/guardians/relation`."""

    parent_subscriber_id: str | None = None
    child_subscriber_id: str | None = None
    relation: str | None = None


class GetGuardianRelationParentRequest(WireRequest):
    """Get Guardian Relation Parent: the query string of `GET /v1.0/subscribers/guardians/relation/parent`."""

    parent_subscriber_id: str | None = None
    account_id: str | None = None


class GetGuardianRelationParentResponse(WireResponse):
    """Get Guardian Relation Parent: the answer of `GET /v1.0/subscribers/guardians/relation/parent`."""

    parent_subscriber_id: str | None = None
    children: list[RelationOut] | None = None


class GetGuardianRelationChildRequest(WireRequest):
    """Get Guardian Relation Child: the query string of `GET /v1.0/subscribers/guardians/relation/child`."""

    child_subscriber_id: str | None = None
    account_id: str | None = None


class GetGuardianRelationChildResponse(WireResponse):
    """Get Guardian Relation Child: the answer of `GET /v1.0/subscribers/guardians/relation/child`."""

    child_subscriber_id: str | None = None
    guardians: list[RelationOut] | None = None


class RemoveGuardianRelationRequest(WireRequest):
    """Remove Guardian Relation: the JSON body of `POST /v1.0/subscribers/guardians/relation/delete`."""

    parent_subscriber_id: str
    child_subscriber_id: str
    account_id: str | None = None


class RemoveGuardianRelationResponse(WireResponse):
    """Remove Guardian Relation: the answer of `POST /v1.0/subscribers/guardians/relation/delete`."""

    status: str | None = None
    date_deleted: str | None = None
    parent_subscriber_id: str | None = None
    child_subscriber_id: str | None = None
    relation: str | None = None


class CreateCallFilterRequest(WireRequest):
    """Create Call Filter: the JSON body of `POST /v1.0/subscribers/call-filter`."""

    allowed_numbers: list[str] | None = None
    blocked_numbers: list[str] | None = None
    enable_transcription: bool | None = None
    keyword_filter: str | None = None
    transcription_action: str | None = None
    warning_message: str | None = None
    notification_phones: list[str] | None = None
    apply_to_outbound: bool | None = None
    apply_to_inbound: bool | None = None
    block_unknown_numbers: bool | None = None
    block_international: bool | None = None
    record_flagged_calls: bool | None = None
    enforcement: str | None = None
    account_id: str | None = None
    subscriber_id: str
    phone: str
    filter_mode: str
    time_restrictions: dict[str, Any] | None = None


class CreateCallFilterResponse(WireResponse):
    """Create Call Filter: the answer of `POST /v1.0/subscribers/call-filter`."""

    filter_id: str | None = None
    subscriber_id: str | None = None
    phone: str | None = None
    filter_mode: str | None = None
    allowed_numbers: list[str] | None = None
    blocked_numbers: list[str] | None = None
    enable_transcription: bool | None = None
    keyword_filter: str | None = None
    transcription_action: str | None = None
    warning_message: str | None = None
    notification_phones: list[str] | None = None
    apply_to_outbound: bool | None = None
    apply_to_inbound: bool | None = None
    block_unknown_numbers: bool | None = None
    block_international: bool | None = None
    record_flagged_calls: bool | None = None
    time_restrictions: WireResponse | None = None
    enforcement: str | None = None


class GetCallFiltersRequest(WireRequest):
    """Get Call Filters: the query string of `GET /v1.0/subscribers/call-filter`."""

    subscriber_id: str | None = None
    phone: str | None = None
    account_id: str | None = None


class GetCallFiltersResponse(WireResponse):
    """Get Call Filters: the answer of `GET /v1.0/subscribers/call-filter`."""

    filter_id: str | None = None
    subscriber_id: str | None = None
    phone: str | None = None
    filter_mode: str | None = None
    allowed_numbers: list[str] | None = None
    blocked_numbers: list[str] | None = None
    enable_transcription: bool | None = None
    keyword_filter: str | None = None
    transcription_action: str | None = None
    warning_message: str | None = None
    notification_phones: list[str] | None = None
    apply_to_outbound: bool | None = None
    apply_to_inbound: bool | None = None
    block_unknown_numbers: bool | None = None
    block_international: bool | None = None
    record_flagged_calls: bool | None = None
    time_restrictions: WireResponse | None = None
    enforcement: str | None = None


class UpdateCallFilterRequest(WireRequest):
    """Update Call Filter: the JSON body of `POST /v1.0/subscribers/call-filter/update`."""

    allowed_numbers: list[str] | None = None
    blocked_numbers: list[str] | None = None
    enable_transcription: bool | None = None
    keyword_filter: str | None = None
    transcription_action: str | None = None
    warning_message: str | None = None
    notification_phones: list[str] | None = None
    apply_to_outbound: bool | None = None
    apply_to_inbound: bool | None = None
    block_unknown_numbers: bool | None = None
    block_international: bool | None = None
    record_flagged_calls: bool | None = None
    enforcement: str | None = None
    account_id: str | None = None
    filter_id: str
    subscriber_id: str | None = None
    phone: str | None = None
    filter_mode: str | None = None


class UpdateCallFilterResponse(WireResponse):
    """Update Call Filter: the answer of `POST /v1.0/subscribers/call-filter/update`."""

    filter_id: str | None = None
    subscriber_id: str | None = None
    phone: str | None = None
    filter_mode: str | None = None
    allowed_numbers: list[str] | None = None
    blocked_numbers: list[str] | None = None
    enable_transcription: bool | None = None
    keyword_filter: str | None = None
    transcription_action: str | None = None
    warning_message: str | None = None
    notification_phones: list[str] | None = None
    apply_to_outbound: bool | None = None
    apply_to_inbound: bool | None = None
    block_unknown_numbers: bool | None = None
    block_international: bool | None = None
    record_flagged_calls: bool | None = None
    time_restrictions: WireResponse | None = None
    enforcement: str | None = None


class DeleteCallFilterRequest(WireRequest):
    """Delete Call Filter: the JSON body of `POST /v1.0/subscribers/call-filter/delete`."""

    call_filter_id: str
    subscriber_id: str | None = None
    account_id: str | None = None


class DeleteCallFilterResponse(WireResponse):
    """Delete Call Filter: the answer of `POST /v1.0/subscribers/call-filter/delete`."""

    status: str | None = None
    filter_id: str | None = None
    date_deleted: str | None = None


class GetAllowedNumbersRequest(WireRequest):
    """Get Allowed Numbers: the query string of `GET /v1.0/subscribers/call-filter/allowed-numbers`."""

    subscriber_id: str | None = None
    call_filter_id: str | None = None
    account_id: str | None = None


class GetAllowedNumbersResponse(WireResponse):
    """Get Allowed Numbers: the answer of `GET /v1.0/subscribers/call-filter/allowed-numbers`. The server declares no schema for it yet: every field is read as sent."""


class AddAllowedNumbersRequest(WireRequest):
    """Add Allowed Numbers: the JSON body of `POST /v1.0/subscribers/call-filter/allowed-numbers/add`."""

    subscriber_id: str
    call_filter_id: str
    numbers: list[str]
    account_id: str | None = None


class AddAllowedNumbersResponse(WireResponse):
    """Add Allowed Numbers: the answer of `POST /v1.0/subscribers/call-filter/allowed-numbers/add`."""

    filter_id: str | None = None
    subscriber_id: str | None = None
    allowed_numbers: list[str] | None = None


class RemoveAllowedNumbersRequest(WireRequest):
    """Remove Allowed Numbers: the JSON body of `POST /v1.0/subscribers/call-filter/allowed-numbers/remove`."""

    subscriber_id: str
    call_filter_id: str
    numbers: list[str]
    account_id: str | None = None


class RemoveAllowedNumbersResponse(WireResponse):
    """Remove Allowed Numbers: the answer of `POST /v1.0/subscribers/call-filter/allowed-numbers/remove`."""

    filter_id: str | None = None
    subscriber_id: str | None = None
    allowed_numbers: list[str] | None = None


class GetBlockedNumbersRequest(WireRequest):
    """Get Blocked Numbers: the query string of `GET /v1.0/subscribers/call-filter/blocked-numbers`."""

    subscriber_id: str | None = None
    call_filter_id: str | None = None
    account_id: str | None = None


class GetBlockedNumbersResponse(WireResponse):
    """Get Blocked Numbers: the answer of `GET /v1.0/subscribers/call-filter/blocked-numbers`. The server declares no schema for it yet: every field is read as sent."""


class AddBlockedNumbersRequest(WireRequest):
    """Add Blocked Numbers: the JSON body of `POST /v1.0/subscribers/call-filter/blocked-numbers/add`."""

    subscriber_id: str
    call_filter_id: str
    numbers: list[str]
    account_id: str | None = None


class AddBlockedNumbersResponse(WireResponse):
    """Add Blocked Numbers: the answer of `POST /v1.0/subscribers/call-filter/blocked-numbers/add`."""

    filter_id: str | None = None
    subscriber_id: str | None = None
    blocked_numbers: list[str] | None = None


class RemoveBlockedNumbersRequest(WireRequest):
    """Remove Blocked Numbers: the JSON body of `POST /v1.0/subscribers/call-filter/blocked-numbers/remove`."""

    subscriber_id: str
    call_filter_id: str
    numbers: list[str]
    account_id: str | None = None


class RemoveBlockedNumbersResponse(WireResponse):
    """Remove Blocked Numbers: the answer of `POST /v1.0/subscribers/call-filter/blocked-numbers/remove`."""

    filter_id: str | None = None
    subscriber_id: str | None = None
    blocked_numbers: list[str] | None = None


class GetCallFilterKeywordsRequest(WireRequest):
    """Get Call Filter Keywords: the query string of `GET /v1.0/subscribers/call-filter/keywords`."""

    subscriber_id: str | None = None
    call_filter_id: str | None = None
    account_id: str | None = None


class GetCallFilterKeywordsResponse(WireResponse):
    """Get Call Filter Keywords: the answer of `GET /v1.0/subscribers/call-filter/keywords`."""

    custom_keywords: list[str] | None = None
    system_keywords: dict[str, list[str]] | None = None
    severity_map: WireResponse | None = None


class CreateWorkgroupRequest(WireRequest):
    """Create Workgroup: the JSON body of `POST /v1.0/workgroups`."""

    name: str
    telegent_phone: str | None = None
    type: str
    call_order: str | None = None
    wait_between: str | None = None
    announcement_text: str | None = None
    announcement_url: str | None = None
    internal_extension: str | None = None
    caller_id_type: str | None = None
    caller_id_name: str | None = None
    record_calls: bool | None = None
    transcribe_recordings: bool | None = None
    ai_recording: bool | None = None
    schedule_id: str | None = None
    time_zone: str | None = None
    hold_music_id: str | None = None
    off_hours_type: str | None = None
    off_hours_id: str | None = None
    on_hours_type: str | None = None
    on_hours_id: str | None = None
    toll_free_number: str | None = None
    account_id: str | None = None


class CreateWorkgroupResponse(WireResponse):
    """Create Workgroup: the answer of `POST /v1.0/workgroups`."""

    workgroup_id: str | None = None
    name: str | None = None
    telegent_phone: str | None = None
    type: str | None = None
    call_order: str | None = None
    wait_between: str | None = None
    announcement_text: str | None = None
    announcement_url: str | None = None
    internal_extension: str | None = None
    caller_id_type: str | None = None
    caller_id_name: str | None = None
    record_calls: bool | None = None
    transcribe_recordings: bool | None = None
    ai_recording: bool | None = None
    schedule_id: str | None = None
    time_zone: str | None = None
    hold_music_id: str | None = None
    off_hours_type: str | None = None
    off_hours_id: str | None = None
    on_hours_type: str | None = None
    on_hours_id: str | None = None
    toll_free_number: str | None = None
    account_id: str | None = None
    active: bool | None = None
    workgroup_activities: list[MemberOut] | None = None


class GetWorkgroupDetailsRequest(WireRequest):
    """Get Workgroup Details: the query string of `GET /v1.0/workgroups`."""

    workgroup_id: str | None = None
    account_id: str | None = None


class GetWorkgroupDetailsResponse(WireResponse):
    """Get Workgroup Details: the answer of `GET /v1.0/workgroups`."""

    workgroup_id: str | None = None
    name: str | None = None
    telegent_phone: str | None = None
    type: str | None = None
    call_order: str | None = None
    wait_between: str | None = None
    announcement_text: str | None = None
    announcement_url: str | None = None
    internal_extension: str | None = None
    caller_id_type: str | None = None
    caller_id_name: str | None = None
    record_calls: bool | None = None
    transcribe_recordings: bool | None = None
    ai_recording: bool | None = None
    schedule_id: str | None = None
    time_zone: str | None = None
    hold_music_id: str | None = None
    off_hours_type: str | None = None
    off_hours_id: str | None = None
    on_hours_type: str | None = None
    on_hours_id: str | None = None
    toll_free_number: str | None = None
    account_id: str | None = None
    active: bool | None = None
    workgroup_activities: list[MemberOut] | None = None


class UpdateWorkgroupRequest(WireRequest):
    """Update Workgroup: the JSON body of `POST /v1.0/workgroups/update`."""

    name: str | None = None
    telegent_phone: str | None = None
    type: str | None = None
    call_order: str | None = None
    wait_between: str | None = None
    announcement_text: str | None = None
    announcement_url: str | None = None
    internal_extension: str | None = None
    caller_id_type: str | None = None
    caller_id_name: str | None = None
    record_calls: bool | None = None
    transcribe_recordings: bool | None = None
    ai_recording: bool | None = None
    schedule_id: str | None = None
    time_zone: str | None = None
    hold_music_id: str | None = None
    off_hours_type: str | None = None
    off_hours_id: str | None = None
    on_hours_type: str | None = None
    on_hours_id: str | None = None
    toll_free_number: str | None = None
    account_id: str | None = None
    workgroup_id: str


class UpdateWorkgroupResponse(WireResponse):
    """Update Workgroup: the answer of `POST /v1.0/workgroups/update`."""

    workgroup_id: str | None = None
    name: str | None = None
    telegent_phone: str | None = None
    type: str | None = None
    call_order: str | None = None
    wait_between: str | None = None
    announcement_text: str | None = None
    announcement_url: str | None = None
    internal_extension: str | None = None
    caller_id_type: str | None = None
    caller_id_name: str | None = None
    record_calls: bool | None = None
    transcribe_recordings: bool | None = None
    ai_recording: bool | None = None
    schedule_id: str | None = None
    time_zone: str | None = None
    hold_music_id: str | None = None
    off_hours_type: str | None = None
    off_hours_id: str | None = None
    on_hours_type: str | None = None
    on_hours_id: str | None = None
    toll_free_number: str | None = None
    account_id: str | None = None
    active: bool | None = None
    workgroup_activities: list[MemberOut] | None = None


class CreateWorkgroupActivityRequest(WireRequest):
    """Create Workgroup Activity: the JSON body of `POST /v1.0/workgroups/activity`."""

    digit_order: int | None = None
    phone_number: str | None = None
    workgroup_id: str
    type: str
    reference_workgroup_id: str | None = None
    reference_user_id: str | None = None
    sms_notification: bool | None = None
    email_notification: bool | None = None


class CreateWorkgroupActivityResponse(WireResponse):
    """Create Workgroup Activity: the answer of `POST /v1.0/workgroups/activity`."""

    workgroup_activity_status: str | None = None
    workgroup_activity_id: str | None = None


class UpdateWorkgroupActivityRequest(WireRequest):
    """Update Workgroup Activity: the JSON body of `POST /v1.0/workgroups/activity/update`."""

    digit_order: int | None = None
    phone_number: str | None = None
    workgroup_id: str | None = None
    type: str | None = None
    reference_workgroup_id: str | None = None
    reference_user_id: str | None = None
    sms_notification: bool | None = None
    email_notification: bool | None = None
    workgroup_activity_id: str


class UpdateWorkgroupActivityResponse(WireResponse):
    """Update Workgroup Activity: the answer of `POST /v1.0/workgroups/activity/update`."""

    workgroup_activity_status: str | None = None
    workgroup_activity_id: str | None = None


class DeleteWorkgroupActivityRequest(WireRequest):
    """Delete Workgroup Activity: the JSON body of `POST /v1.0/workgroups/activity/delete`."""

    workgroup_activity_id: str


class DeleteWorkgroupActivityResponse(WireResponse):
    """Delete Workgroup Activity: the answer of `POST /v1.0/workgroups/activity/delete`."""

    workgroup_activity_status: str | None = None
    workgroup_activity_id: str | None = None


class DeleteWorkgroupRequest(WireRequest):
    """Delete Workgroup: the JSON body of `POST /v1.0/workgroups/delete`."""

    workgroup_id: str | None = None


class DeleteWorkgroupResponse(WireResponse):
    """Delete Workgroup: the answer of `POST /v1.0/workgroups/delete`."""

    workgroup_id: str | None = None
    successful: bool | None = None


class ExtPostSchedulesRequest(WireRequest):
    """Create Schedule (mpaas): the JSON body of `POST /ext/v1/schedules`."""

    name: str
    account_id: str | None = None
    monday_start_time: str | None = None
    monday_end_time: str | None = None
    tuesday_start_time: str | None = None
    tuesday_end_time: str | None = None
    wednesday_start_time: str | None = None
    wednesday_end_time: str | None = None
    thursday_start_time: str | None = None
    thursday_end_time: str | None = None
    friday_start_time: str | None = None
    friday_end_time: str | None = None
    saturday_start_time: str | None = None
    saturday_end_time: str | None = None
    sunday_start_time: str | None = None
    sunday_end_time: str | None = None


class ExtPostSchedulesResponse(WireResponse):
    """Create Schedule (mpaas): the answer of `POST /ext/v1/schedules`."""

    schedule_id: str | None = None
    name: str | None = None
    account_id: str | None = None
    monday_start_time: str | None = None
    monday_end_time: str | None = None
    tuesday_start_time: str | None = None
    tuesday_end_time: str | None = None
    wednesday_start_time: str | None = None
    wednesday_end_time: str | None = None
    thursday_start_time: str | None = None
    thursday_end_time: str | None = None
    friday_start_time: str | None = None
    friday_end_time: str | None = None
    saturday_start_time: str | None = None
    saturday_end_time: str | None = None
    sunday_start_time: str | None = None
    sunday_end_time: str | None = None


class ExtSchedulesRequest(WireRequest):
    """Get Schedule (mpaas): the query string of `GET /ext/v1/schedules`."""

    schedule_id: str | None = None
    account_id: str | None = None


class ExtSchedulesResponse(WireResponse):
    """Get Schedule (mpaas): the answer of `GET /ext/v1/schedules`."""

    schedule_id: str | None = None
    name: str | None = None
    account_id: str | None = None
    monday_start_time: str | None = None
    monday_end_time: str | None = None
    tuesday_start_time: str | None = None
    tuesday_end_time: str | None = None
    wednesday_start_time: str | None = None
    wednesday_end_time: str | None = None
    thursday_start_time: str | None = None
    thursday_end_time: str | None = None
    friday_start_time: str | None = None
    friday_end_time: str | None = None
    saturday_start_time: str | None = None
    saturday_end_time: str | None = None
    sunday_start_time: str | None = None
    sunday_end_time: str | None = None


class ExtPostSchedulesUpdateRequest(WireRequest):
    """Update Schedule (mpaas): the JSON body of `POST /ext/v1/schedules/update`."""

    name: str | None = None
    account_id: str | None = None
    monday_start_time: str | None = None
    monday_end_time: str | None = None
    tuesday_start_time: str | None = None
    tuesday_end_time: str | None = None
    wednesday_start_time: str | None = None
    wednesday_end_time: str | None = None
    thursday_start_time: str | None = None
    thursday_end_time: str | None = None
    friday_start_time: str | None = None
    friday_end_time: str | None = None
    saturday_start_time: str | None = None
    saturday_end_time: str | None = None
    sunday_start_time: str | None = None
    sunday_end_time: str | None = None
    schedule_id: str


class ExtPostSchedulesUpdateResponse(WireResponse):
    """Update Schedule (mpaas): the answer of `POST /ext/v1/schedules/update`."""

    schedule_id: str | None = None
    name: str | None = None
    account_id: str | None = None
    monday_start_time: str | None = None
    monday_end_time: str | None = None
    tuesday_start_time: str | None = None
    tuesday_end_time: str | None = None
    wednesday_start_time: str | None = None
    wednesday_end_time: str | None = None
    thursday_start_time: str | None = None
    thursday_end_time: str | None = None
    friday_start_time: str | None = None
    friday_end_time: str | None = None
    saturday_start_time: str | None = None
    saturday_end_time: str | None = None
    sunday_start_time: str | None = None
    sunday_end_time: str | None = None


class ExtPostSchedulesDeleteRequest(WireRequest):
    """Delete Schedule (mpaas): the JSON body of `POST /ext/v1/schedules/delete`."""

    schedule_id: str
    account_id: str | None = None


class ExtPostSchedulesDeleteResponse(WireResponse):
    """Delete Schedule (mpaas): the answer of `POST /ext/v1/schedules/delete`."""

    schedule_id: str | None = None
    successful: bool | None = None
