"""Request and response models of every operation (see `operations.py` for the table)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import Field

from mpaas.client.base import WireRequest, WireResponse


class GenerateApiTokenRequest(WireRequest):
    account_key: str
    account_secret: str
    api_endpoint: str


class GenerateApiTokenResponse(WireResponse):
    token: str
    successful: bool | None = Field(None, alias="successful")
    token_expiry: str | None = Field(None, alias="tokenExpiry")


class CreateMessageRouteRequest(WireRequest):
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
    message_route_id: str
    account_id: str | None = None
    route_name: str | None = None
    message_url: str | None = None
    message_url_method: str | None = None


class MessageRouteDetailsRequest(WireRequest):
    message_route_id: str | None = None
    account_id: str | None = None


class MessageRouteDetailsResponse(WireResponse):
    message_route_id: str
    account_id: str | None = None
    route_name: str | None = None
    message_url: str | None = None


class UpdateMessageRouteRequest(WireRequest):
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
    message_route_id: str
    route_name: str | None = None


class DeleteMessageRouteRequest(WireRequest):
    message_route_id: str
    account_id: str | None = None


class DeleteMessageRouteResponse(WireResponse):
    message_route_status: str | None = None
    mrid: str | None = Field(None, alias="MRID")


class ListMessageRoutesRequest(WireRequest):
    account_id: str | None = None


class ListMessageRoutesResponse(WireResponse):
    pass


class CreateVoiceRouteRequest(WireRequest):
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
    call_route_id: str
    account_id: str | None = None
    route_name: str | None = None
    route_type: str | None = None


class GetVoiceRouteDetailsRequest(WireRequest):
    call_route_id: str | None = Field(None, alias="CallRouteID")
    account_id: str | None = None


class GetVoiceRouteDetailsResponse(WireResponse):
    call_route_id: str
    route_name: str | None = None
    route_type: str | None = None


class UpdateVoiceRouteRequest(WireRequest):
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
    pass


class DeleteVoiceRouteRequest(WireRequest):
    call_route_id: str
    account_id: str | None = None


class DeleteVoiceRouteResponse(WireResponse):
    pass


class ListVoiceRoutesRequest(WireRequest):
    account_id: str | None = None


class ListVoiceRoutesResponse(WireResponse):
    pass


class SearchAvailableNumbersRequest(WireRequest):
    number_type: str
    message_type: str | None = None
    message_enabled: bool
    voice_enabled: bool
    page_number: int | None = None
    area_code: str | None = None
    zip_code: str | None = None
    total_numbers_requested: int | None = None


class SearchAvailableNumbersResponse(WireResponse):
    request_id: str | None = None
    page_number: int | None = None
    results_total: int
    available_number_areas: list[dict[str, Any]] = []


class NumberProvisionRequest(WireRequest):
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
    order_id: str | None = None
    order_status: str | None = None
    order_date: str | None = None
    phone_number_assigned: str | None = None
    phone_number_id: str | None = None
    subscriber_id: str | None = None
    error_message: str | None = None


class OrderIdDetailsRequest(WireRequest):
    order_id: str | None = None


class OrderIdDetailsResponse(WireResponse):
    order_id: str | None = None
    order_status: str | None = None
    order_type: str | None = None


class NumberDetailsRequest(WireRequest):
    number: str | None = None
    phone_number: str | None = None
    iccid: str | None = Field(None, alias="ICCID")
    account_id: str | None = None


class NumberDetailsResponse(WireResponse):
    pass


class NumbersInventoryRequest(WireRequest):
    page_number: str | None = None
    filter: str | None = None
    total_numbers_requested: int | None = None
    account_id: str | None = None


class NumbersInventoryResponse(WireResponse):
    pass


class CreateSubscriberRequest(WireRequest):
    name: str
    email: str
    phone_numbers: list[str]
    role: str
    password: str
    account_id: str | None = None


class CreateSubscriberResponse(WireResponse):
    subscriber_id: str
    name: str | None = None
    email: str | None = None
    phone_numbers: list[str] = []
    role: str | None = None


class GetSubscriberDetailsRequest(WireRequest):
    subscriber_id: str | None = None
    account_id: str | None = None


class GetSubscriberDetailsResponse(WireResponse):
    subscriber_id: str
    name: str | None = None
    email: str | None = None


class UpdateSubscriberRequest(WireRequest):
    subscriber_id: str
    name: str | None = None
    phone_numbers: list[str] | None = None
    role: str | None = None
    password: str | None = None
    account_id: str | None = None


class UpdateSubscriberResponse(WireResponse):
    pass


class TransferSubscriberRequest(WireRequest):
    subscriber_id: str
    from_account_id: str
    to_account_id: str


class TransferSubscriberResponse(WireResponse):
    pass


class SendOutboundMessageRequest(WireRequest):
    campaign_id: str | None = None
    to: list[dict[str, Any]]
    from_: str = Field(alias="From")
    owner: str | None = None
    body: str
    mms_media: list[dict[str, Any]] | None = None
    mms_base_64: list[dict[str, Any]] | None = None


class SendOutboundMessageResponse(WireResponse):
    message_id: str
    status: str | None = None
    direction: str | None = None
    from_: str | None = Field(None, alias="From")
    to: Any = None
    body: str | None = None
    cost: Decimal | None = None


class MessageDetailsRequest(WireRequest):
    message_id: str | None = None


class MessageDetailsResponse(WireResponse):
    message_id: str
    status: str | None = None
    direction: str | None = None
    from_: str | None = Field(None, alias="From")
    to: Any = None
    body: str | None = None


class MessageSearchRequest(WireRequest):
    phone_number: str | None = None
    page: int | None = None
    results: int | None = None
    start_date: str | None = None
    end_date: str | None = None
    direction: str | None = None
    message_type: str | None = None


class MessageSearchResponse(WireResponse):
    pass


class FilterMessagesRequest(WireRequest):
    phone_number: str | None = None
    page: int | None = None
    results: int | None = None


class FilterMessagesResponse(WireResponse):
    pass


class ReportDeviceDeliveryRequest(WireRequest):
    message_id: str


class ReportDeviceDeliveryResponse(WireResponse):
    pass


class InjectAnInboundSmsRequest(WireRequest):
    from_: str = Field(alias="From")
    to: str
    body: str


class InjectAnInboundSmsResponse(WireResponse):
    pass


class CreateADistributorWithOneAccountRequest(WireRequest):
    name: str
    rate_limit: int | None = None


class CreateADistributorWithOneAccountResponse(WireResponse):
    pass


class LivenessAndDatabaseReachabilityResponse(WireResponse):
    pass


class GetWebhookRequest(WireRequest):
    webhook_id: str | None = None
    account_id: str | None = None


class GetWebhookResponse(WireResponse):
    pass


class CreateWebhookRequest(WireRequest):
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
    pass


class UpdateWebhookRequest(WireRequest):
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
    pass


class DeleteWebhookRequest(WireRequest):
    webhook_id: str
    account_id: str | None = None


class DeleteWebhookResponse(WireResponse):
    pass


class GetAccountWebhooksRequest(WireRequest):
    account_id: str | None = None


class GetAccountWebhooksResponse(WireResponse):
    pass


class WebhookDeliveryAttemptsOfAMessageRequest(WireRequest):
    message_id: str | None = None


class WebhookDeliveryAttemptsOfAMessageResponse(WireResponse):
    pass


class NumbersUpdateRequest(WireRequest):
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
    pass


class NumbersStatusRequest(WireRequest):
    status_change: str | None = None
    effective_date: str | None = None
    area_code: str | None = None
    zip_code: str | None = None
    account_id: str | None = None
    phone_numbers: list[dict[str, Any]] | None = None


class NumbersStatusResponse(WireResponse):
    pass


class NumbersReactivateRequest(WireRequest):
    phone_number: str | None = None
    account_id: str | None = None


class NumbersReactivateResponse(WireResponse):
    pass


class NumbersRefreshNnidRequest(WireRequest):
    phone_number: str | None = None
    account_id: str | None = None


class NumbersRefreshNnidResponse(WireResponse):
    pass


class DeviceDetailsRequest(WireRequest):
    phone_number: str | None = None
    account_id: str | None = None


class DeviceDetailsResponse(WireResponse):
    pass


class NumbersGetE911AddressRequest(WireRequest):
    phone_number: str | None = None
    account_id: str | None = None


class NumbersGetE911AddressResponse(WireResponse):
    pass


class NumbersUpdateE911AddressRequest(WireRequest):
    phone_number: str | None = None
    account_id: str | None = None
    street_1: str | None = None
    street_2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


class NumbersUpdateE911AddressResponse(WireResponse):
    pass


class GetVoicemailInfoRequest(WireRequest):
    phone_number: str | None = None
    account_id: str | None = None


class GetVoicemailInfoResponse(WireResponse):
    pass


class ActivateVoicemailRequest(WireRequest):
    phone_number: str | None = None
    account_id: str | None = None
    pin: str | None = Field(None, alias="PIN")
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None


class ActivateVoicemailResponse(WireResponse):
    pass


class UpdateVoicemailRequest(WireRequest):
    phone_number: str | None = None
    account_id: str | None = None
    pin: str | None = Field(None, alias="PIN")
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None


class UpdateVoicemailResponse(WireResponse):
    pass


class DeleteVoicemailRequest(WireRequest):
    phone_number: str | None = None
    account_id: str | None = None


class DeleteVoicemailResponse(WireResponse):
    pass


class UpdateSimStatusRequest(WireRequest):
    iccid: str | None = Field(None, alias="ICCID")
    msisdn: str | None = Field(None, alias="MSISDN")
    sim_status: str | None = None
    account_id: str | None = None


class UpdateSimStatusResponse(WireResponse):
    pass


class ClearSimStatusRequest(WireRequest):
    iccid: str | None = Field(None, alias="ICCID")
    msisdn: str | None = Field(None, alias="MSISDN")
    sim_status: str | None = None
    account_id: str | None = None


class ClearSimStatusResponse(WireResponse):
    pass


class DataUsageLimitRequest(WireRequest):
    phone_numbers: list[dict[str, Any]] | None = None
    account_id: str | None = None
    value_unit: str | None = None
    notify_value: int | None = None
    throttle_value: int | None = None
    throttle_speed: str | None = None
    limit_value: int | None = None


class DataUsageLimitResponse(WireResponse):
    pass


class DataUsageSettingsRequest(WireRequest):
    phone_numbers: list[dict[str, Any]] | None = None
    account_id: str | None = None


class DataUsageSettingsResponse(WireResponse):
    pass


class DataUsageInfoRequest(WireRequest):
    phone_numbers: list[dict[str, Any]] | None = None
    account_id: str | None = None


class DataUsageInfoResponse(WireResponse):
    pass


class DataUsageUpdateRenewalInfoRequest(WireRequest):
    phone_numbers: list[dict[str, Any]] | None = None
    account_id: str | None = None
    reset_usage: bool | None = None
    auto_renew: bool | None = None
    period_type: str | None = None
    period_value: int | None = None
    renewal_day: int | None = None
    time_zone: str | None = None


class DataUsageUpdateRenewalInfoResponse(WireResponse):
    pass


class NumbersPortInEligibilityRequest(WireRequest):
    phone_number: str | None = None
    target_classification: str | None = None


class NumbersPortInEligibilityResponse(WireResponse):
    pass


class NumbersPortInRequest(WireRequest):
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
    pass


class NumbersUpdatePortInRequest(WireRequest):
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
    pass


class NumbersCancelPortInRequest(WireRequest):
    order_id: str | None = None
    account_id: str | None = None


class NumbersCancelPortInResponse(WireResponse):
    pass


class NumbersPortOutRequest(WireRequest):
    port_out_number: str | None = None
    port_out_pin: str | None = Field(None, alias="PortOutPIN")
    account_id: str | None = None


class NumbersPortOutResponse(WireResponse):
    pass


class OpsPostUsageRequest(WireRequest):
    records: list[dict[str, Any]]


class OpsPostUsageResponse(WireResponse):
    pass


class OpsPolicyRequest(WireRequest):
    phone_number: str | None = None


class OpsPolicyResponse(WireResponse):
    pass


class OpsPostPortOrdersStatusRequest(WireRequest):
    order_id: str | None = None
    status: str | None = None
    code: str | None = None
    message: str | None = None


class OpsPostPortOrdersStatusResponse(WireResponse):
    pass


class GetAccountDetailsRequest(WireRequest):
    account_id: str | None = None


class GetAccountDetailsResponse(WireResponse):
    pass


class CreateNewAccountRequest(WireRequest):
    account_name: str
    account_admin: str | None = None
    billing_address: dict[str, Any] | None = None
    mailing_address: dict[str, Any] | None = None


class CreateNewAccountResponse(WireResponse):
    pass


class UpdateAccountRequest(WireRequest):
    account_id: str | None = None
    account_name: str | None = None
    account_admin: str | None = None
    billing_address: dict[str, Any] | None = None
    mailing_address: dict[str, Any] | None = None


class UpdateAccountResponse(WireResponse):
    pass


class GetServicesRequest(WireRequest):
    filter: str | None = None
    account_id: str | None = None


class GetServicesResponse(WireResponse):
    pass


class GetProductsRequest(WireRequest):
    filter: str | None = None
    account_id: str | None = None


class GetProductsResponse(WireResponse):
    pass


class GetPackagesRequest(WireRequest):
    filter: str | None = None
    account_id: str | None = None


class GetPackagesResponse(WireResponse):
    pass


class GetSubscriptionsRequest(WireRequest):
    filter: str | None = None
    account_id: str | None = None


class GetSubscriptionsResponse(WireResponse):
    pass


class GetAccountsWorkgroupsRequest(WireRequest):
    account_id: str | None = None


class GetAccountsWorkgroupsResponse(WireResponse):
    pass


class GetAccountSchedulesRequest(WireRequest):
    account_id: str | None = None


class GetAccountSchedulesResponse(WireResponse):
    pass


class GetDistributorDetailsRequest(WireRequest):
    distributor_id: str | None = None


class GetDistributorDetailsResponse(WireResponse):
    pass


class CreateDistributorRequest(WireRequest):
    distributor_name: str
    billing_address: dict[str, Any] | None = None
    mailing_address: dict[str, Any] | None = None
    account_name: str | None = None
    rate_limit: int | None = None


class CreateDistributorResponse(WireResponse):
    pass


class UpdateDistributorRequest(WireRequest):
    distributor_id: str
    distributor_name: str | None = None
    billing_address: dict[str, Any] | None = None
    mailing_address: dict[str, Any] | None = None


class UpdateDistributorResponse(WireResponse):
    pass


class GetAccountsRequest(WireRequest):
    filter: str | None = None


class GetAccountsResponse(WireResponse):
    pass


class GetSubscribersRequest(WireRequest):
    page_number: int | None = None
    total_per_page: int | None = None


class GetSubscribersResponse(WireResponse):
    pass


class GetDistributorProductListRequest(WireRequest):
    filter: str | None = None


class GetDistributorProductListResponse(WireResponse):
    pass


class GetDistributorPackageListRequest(WireRequest):
    filter: str | None = None


class GetDistributorPackageListResponse(WireResponse):
    pass


class GetDistributorSubscriptionListRequest(WireRequest):
    filter: str | None = None


class GetDistributorSubscriptionListResponse(WireResponse):
    pass


class ProductDetailsRequest(WireRequest):
    product_id: str | None = None


class ProductDetailsResponse(WireResponse):
    pass


class CreateProductRequest(WireRequest):
    sku: str = Field(alias="SKU")
    description: str
    type: str
    sub_type: str | None = None
    cost: Any
    billing_frequency: str


class CreateProductResponse(WireResponse):
    pass


class UpdateProductRequest(WireRequest):
    product_id: str
    sku: str | None = Field(None, alias="SKU")
    description: str | None = None
    type: str | None = None
    sub_type: str | None = None
    cost: Any | None = None
    billing_frequency: str | None = None
    active: bool | None = None


class UpdateProductResponse(WireResponse):
    pass


class DeleteProductRequest(WireRequest):
    product_id: str


class DeleteProductResponse(WireResponse):
    pass


class GetPackageDetailsRequest(WireRequest):
    package_id: str | None = None


class GetPackageDetailsResponse(WireResponse):
    pass


class CreatePackageRequest(WireRequest):
    package_name: str
    description: str | None = None
    subscriber_id: str | None = None
    type: str
    price: Any
    monthly: bool
    package_items: list[dict[str, Any]] | None = None


class CreatePackageResponse(WireResponse):
    pass


class GetPackageSubscriptionsRequest(WireRequest):
    package_id: str | None = None


class GetPackageSubscriptionsResponse(WireResponse):
    pass


class UpdatePackageRequest(WireRequest):
    package_id: str
    package_name: str | None = None
    description: str | None = None
    subscriber_id: str | None = None
    type: str | None = None
    price: Any | None = None
    monthly: bool | None = None
    active: bool | None = None


class UpdatePackageResponse(WireResponse):
    pass


class DeletePackageRequest(WireRequest):
    package_id: str


class DeletePackageResponse(WireResponse):
    pass


class GetPackageItemsRequest(WireRequest):
    package_id: str | None = None


class GetPackageItemsResponse(WireResponse):
    pass


class AddPackageItemRequest(WireRequest):
    product_id: str
    price: Any | None = None
    monthly: bool | None = None
    type: str | None = None
    package_id: str


class AddPackageItemResponse(WireResponse):
    pass


class UpdatePackageItemRequest(WireRequest):
    package_id: str
    package_item_id: str
    price: Any | None = None
    monthly: bool | None = None
    type: str | None = None


class UpdatePackageItemResponse(WireResponse):
    pass


class DeletePackageItemRequest(WireRequest):
    package_id: str
    package_item_id: str


class DeletePackageItemResponse(WireResponse):
    pass


class GetServiceDetailsRequest(WireRequest):
    service_id: str | None = None


class GetServiceDetailsResponse(WireResponse):
    pass


class CreateServiceRequest(WireRequest):
    service_name: str
    cost: Any
    monthly: bool | None = None


class CreateServiceResponse(WireResponse):
    pass


class UpdateServiceRequest(WireRequest):
    service_id: str
    service_name: str | None = None
    cost: Any | None = None
    monthly: bool | None = None
    active: bool | None = None


class UpdateServiceResponse(WireResponse):
    pass


class DeleteServiceRequest(WireRequest):
    service_id: str


class DeleteServiceResponse(WireResponse):
    pass


class GetServiceItemsRequest(WireRequest):
    service_id: str | None = None


class GetServiceItemsResponse(WireResponse):
    pass


class AddServiceItemRequest(WireRequest):
    service_id: str
    aggregator_id: str | None = None
    distributor_id: str | None = None
    price: Any | None = None
    monthly: bool | None = None


class AddServiceItemResponse(WireResponse):
    pass


class UpdateServiceItemRequest(WireRequest):
    service_id: str
    aggregator_id: str | None = None
    distributor_id: str | None = None
    price: Any | None = None
    monthly: bool | None = None


class UpdateServiceItemResponse(WireResponse):
    pass


class DeleteServiceItemRequest(WireRequest):
    service_id: str
    aggregator_id: str | None = None
    distributor_id: str | None = None
    price: Any | None = None
    monthly: bool | None = None


class DeleteServiceItemResponse(WireResponse):
    pass


class GetSubscriptionDetailsRequest(WireRequest):
    subscription_id: str | None = None


class GetSubscriptionDetailsResponse(WireResponse):
    pass


class CreateSubscriptionRequest(WireRequest):
    subscriber_id: str
    tnid: str | None = Field(None, alias="TNID")
    iccid: str | None = Field(None, alias="ICCID")
    package_id: str
    type: str


class CreateSubscriptionResponse(WireResponse):
    pass


class UpdateSubscriptionRequest(WireRequest):
    subscription_id: str
    subscriber_id: str | None = None
    tnid: str | None = Field(None, alias="TNID")
    iccid: str | None = Field(None, alias="ICCID")
    package_id: str | None = None
    type: str | None = None


class UpdateSubscriptionResponse(WireResponse):
    pass


class DeleteSubscriptionRequest(WireRequest):
    subscription_id: str


class DeleteSubscriptionResponse(WireResponse):
    pass


class GetThresholdRequest(WireRequest):
    threshold_id: str | None = None


class GetThresholdResponse(WireResponse):
    pass


class CreateThresholdRequest(WireRequest):
    account_id: str | None = None
    threshold_name: str
    threshold_type: str
    threshold_amount: int
    threshold_unit: str
    threshold_action: str


class CreateThresholdResponse(WireResponse):
    pass


class UpdateThresholdRequest(WireRequest):
    threshold_id: str
    threshold_name: str | None = None
    threshold_type: str | None = None
    threshold_amount: int | None = None
    threshold_unit: str | None = None
    threshold_action: str | None = None


class UpdateThresholdResponse(WireResponse):
    pass


class DeleteThresholdRequest(WireRequest):
    threshold_id: str


class DeleteThresholdResponse(WireResponse):
    pass


class GetThresholdAssignmentsRequest(WireRequest):
    threshold_id: str | None = None


class GetThresholdAssignmentsResponse(WireResponse):
    pass


class CreateThresholdAssignmentRequest(WireRequest):
    threshold_id: str
    subscription_id: str


class CreateThresholdAssignmentResponse(WireResponse):
    pass


class UpdateThresholdAssignmentRequest(WireRequest):
    threshold_assignment_id: str
    threshold_id: str | None = None
    subscription_id: str | None = None


class UpdateThresholdAssignmentResponse(WireResponse):
    pass


class DeleteThresholdAssignmentRequest(WireRequest):
    threshold_assignment_id: str


class DeleteThresholdAssignmentResponse(WireResponse):
    pass


class GetFeatureRequest(WireRequest):
    feature_id: str | None = None


class GetFeatureResponse(WireResponse):
    pass


class CreateFeatureRequest(WireRequest):
    account_id: str | None = None
    feature_name: str
    feature_type: str | None = None
    feature_description: str | None = None


class CreateFeatureResponse(WireResponse):
    pass


class UpdateFeatureRequest(WireRequest):
    feature_id: str
    feature_name: str | None = None
    feature_type: str | None = None
    feature_description: str | None = None


class UpdateFeatureResponse(WireResponse):
    pass


class DeleteFeatureRequest(WireRequest):
    feature_id: str


class DeleteFeatureResponse(WireResponse):
    pass


class GetFeatureAssignmentsRequest(WireRequest):
    feature_id: str | None = None


class GetFeatureAssignmentsResponse(WireResponse):
    pass


class CreateFeatureAssignmentRequest(WireRequest):
    feature_id: str
    subscription_id: str


class CreateFeatureAssignmentResponse(WireResponse):
    pass


class UpdateFeatureAssignmentRequest(WireRequest):
    feature_assignment_id: str
    feature_id: str | None = None
    subscription_id: str | None = None


class UpdateFeatureAssignmentResponse(WireResponse):
    pass


class DeleteFeatureAssignmentRequest(WireRequest):
    feature_assignment_id: str


class DeleteFeatureAssignmentResponse(WireResponse):
    pass


class ExtBillingChargesRequest(WireRequest):
    account_id: str | None = None
    period: str | None = None


class ExtBillingChargesResponse(WireResponse):
    pass


class ExtBillingStatementRequest(WireRequest):
    account_id: str | None = None
    period: str | None = None


class ExtBillingStatementResponse(WireResponse):
    pass


class ExtBillingThresholdEventsRequest(WireRequest):
    account_id: str | None = None
    period: str | None = None


class ExtBillingThresholdEventsResponse(WireResponse):
    pass


class OpsPostBillingRunsRequest(WireRequest):
    period: str


class OpsPostBillingRunsResponse(WireResponse):
    pass


class OpsBillingRunsRequest(WireRequest):
    period: str


class OpsBillingRunsResponse(WireResponse):
    pass


class OpsPostBillingUsageRequest(WireRequest):
    subscription_id: str
    kind: str
    amount: int


class OpsPostBillingUsageResponse(WireResponse):
    pass


class OpsCarriersResponse(WireResponse):
    pass
