"""Every operation the SDK knows, as data: one row per operation.

Adding an operation is one row here (plus its models in `models.py`); `Client` and `AsyncClient` grow
a method of that name automatically. `python -m mpaas.client.scaffold` prints rows and models for
whatever the server serves that is not listed yet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mpaas.client.base import WireRequest, WireResponse
from mpaas.client.models import *  # noqa: F403 - the table names every model


@dataclass(frozen=True)
class Operation:
    name: str  # the Python method name
    method: str  # GET (request model -> query string) or POST (request model -> JSON body)
    path: str
    request: type[WireRequest] | None
    response: type[WireResponse]
    summary: str  # the vendor's name for the operation
    auth: Literal["token", "none", "operator"] = "token"  # endpoint-scoped bearer, none, or operator token


OPERATIONS: tuple[Operation, ...] = (
    Operation("generate_api_token", "POST", "/v1.0/OAuth2/tokens", GenerateApiTokenRequest, GenerateApiTokenResponse, "Generate API Token", auth="none"),
    Operation("create_message_route", "POST", "/v1.0/message/routes", CreateMessageRouteRequest, CreateMessageRouteResponse, "Create Message Route"),
    Operation("message_route_details", "GET", "/v1.0/message/routes", MessageRouteDetailsRequest, MessageRouteDetailsResponse, "Message Route Details"),
    Operation("update_message_route", "POST", "/v1.0/message/routes/update", UpdateMessageRouteRequest, UpdateMessageRouteResponse, "Update Message Route"),
    Operation("delete_message_route", "POST", "/v1.0/message/routes/delete", DeleteMessageRouteRequest, DeleteMessageRouteResponse, "Delete Message Route"),
    Operation("list_message_routes", "GET", "/v1.0/account/message/routes", ListMessageRoutesRequest, ListMessageRoutesResponse, "List Message Routes"),
    Operation("create_voice_route", "POST", "/v1.0/voice/routes", CreateVoiceRouteRequest, CreateVoiceRouteResponse, "Create Voice Route"),
    Operation("get_voice_route_details", "GET", "/v1.0/voice/routes", GetVoiceRouteDetailsRequest, GetVoiceRouteDetailsResponse, "Get Voice Route Details"),
    Operation("update_voice_route", "POST", "/v1.0/voice/routes/update", UpdateVoiceRouteRequest, UpdateVoiceRouteResponse, "Update Voice Route"),
    Operation("delete_voice_route", "POST", "/v1.0/voice/routes/delete", DeleteVoiceRouteRequest, DeleteVoiceRouteResponse, "Delete Voice Route"),
    Operation("list_voice_routes", "GET", "/v1.0/account/voice/routes", ListVoiceRoutesRequest, ListVoiceRoutesResponse, "List Voice Routes"),
    Operation("search_available_numbers", "POST", "/v1.0/numbers/availability", SearchAvailableNumbersRequest, SearchAvailableNumbersResponse, "Search Available Numbers"),
    Operation("number_provision", "POST", "/v1.0/numbers/provision", NumberProvisionRequest, NumberProvisionResponse, "Number Provision (Purchase/Order)"),
    Operation("order_id_details", "GET", "/v1.0/numbers/order", OrderIdDetailsRequest, OrderIdDetailsResponse, "Order ID Details"),
    Operation("number_details", "GET", "/v1.0/numbers", NumberDetailsRequest, NumberDetailsResponse, "Number Details"),
    Operation("numbers_inventory", "GET", "/v1.0/numbers/inventory", NumbersInventoryRequest, NumbersInventoryResponse, "Numbers Inventory"),
    Operation("create_subscriber", "POST", "/v1.0/subscribers/create", CreateSubscriberRequest, CreateSubscriberResponse, "Create Subscriber"),
    Operation("get_subscriber_details", "GET", "/v1.0/subscribers/get", GetSubscriberDetailsRequest, GetSubscriberDetailsResponse, "Get Subscriber Details"),
    Operation("update_subscriber", "POST", "/v1.0/subscribers/update", UpdateSubscriberRequest, UpdateSubscriberResponse, "Update Subscriber"),
    Operation("transfer_subscriber", "POST", "/v1.0/subscribers/transfer", TransferSubscriberRequest, TransferSubscriberResponse, "Transfer Subscriber"),
    Operation("send_outbound_message", "POST", "/v1.0/message/outbound", SendOutboundMessageRequest, SendOutboundMessageResponse, "Send Outbound Message"),
    Operation("message_details", "GET", "/v1.0/message/details", MessageDetailsRequest, MessageDetailsResponse, "Message Details"),
    Operation("message_search", "GET", "/v1.0/message/search", MessageSearchRequest, MessageSearchResponse, "Message Search"),
    Operation("filter_messages", "GET", "/v1.0/message/filter", FilterMessagesRequest, FilterMessagesResponse, "Filter Messages"),
    Operation("report_device_delivery", "POST", "/v1.0/message/device-delivery", ReportDeviceDeliveryRequest, ReportDeviceDeliveryResponse, "Report Device Delivery"),
    Operation("sandbox_inbound", "POST", "/sandbox/v1/inbound", InjectAnInboundSmsRequest, InjectAnInboundSmsResponse, "Inject an inbound SMS (sandbox carrier only)", auth="none"),
    Operation("ops_create_distributor", "POST", "/ops/v1/distributors", CreateADistributorWithOneAccountRequest, CreateADistributorWithOneAccountResponse, "Create a distributor with one account", auth="operator"),
    Operation("ops_health", "GET", "/ops/v1/health", None, LivenessAndDatabaseReachabilityResponse, "Liveness and database reachability", auth="operator"),
    Operation("get_webhook", "GET", "/v1.0/webhook", GetWebhookRequest, GetWebhookResponse, "Get Webhook"),
    Operation("create_webhook", "POST", "/v1.0/webhook/create", CreateWebhookRequest, CreateWebhookResponse, "Create Webhook"),
    Operation("update_webhook", "POST", "/v1.0/webhook/update", UpdateWebhookRequest, UpdateWebhookResponse, "Update Webhook"),
    Operation("delete_webhook", "POST", "/v1.0/webhook/delete", DeleteWebhookRequest, DeleteWebhookResponse, "Delete Webhook"),
    Operation("get_account_webhooks", "GET", "/v1.0/account/webhooks", GetAccountWebhooksRequest, GetAccountWebhooksResponse, "Get Account Webhooks"),
    Operation("webhook_attempts", "GET", "/ext/v1/messages/webhook-attempts", WebhookDeliveryAttemptsOfAMessageRequest, WebhookDeliveryAttemptsOfAMessageResponse, "Webhook delivery attempts of a message (mpaas extension)"),
    Operation("numbers_update", "POST", "/v1.0/numbers/update", NumbersUpdateRequest, NumbersUpdateResponse, "Numbers Update"),
    Operation("numbers_status", "POST", "/v1.0/numbers/status", NumbersStatusRequest, NumbersStatusResponse, "Numbers Status"),
    Operation("numbers_reactivate", "POST", "/v1.0/numbers/reactivate", NumbersReactivateRequest, NumbersReactivateResponse, "Numbers - Reactivate"),
    Operation("numbers_refresh_nnid", "POST", "/v1.0/numbers/refresh-nnid", NumbersRefreshNnidRequest, NumbersRefreshNnidResponse, "Numbers - Refresh NNID"),
    Operation("device_details", "POST", "/v1.0/numbers/device-details", DeviceDetailsRequest, DeviceDetailsResponse, "Device Details"),
    Operation("numbers_get_e911_address", "GET", "/v1.0/numbers/e911address", NumbersGetE911AddressRequest, NumbersGetE911AddressResponse, "Numbers - Get E911 Address"),
    Operation("numbers_update_e911_address", "POST", "/v1.0/numbers/e911address/update", NumbersUpdateE911AddressRequest, NumbersUpdateE911AddressResponse, "Numbers - Update E911 Address"),
    Operation("get_voicemail_info", "POST", "/v1.0/numbers/voicemail/info", GetVoicemailInfoRequest, GetVoicemailInfoResponse, "Get Voicemail Info"),
    Operation("activate_voicemail", "POST", "/v1.0/numbers/voicemail/activate", ActivateVoicemailRequest, ActivateVoicemailResponse, "Activate Voicemail"),
    Operation("update_voicemail", "POST", "/v1.0/numbers/voicemail/update", UpdateVoicemailRequest, UpdateVoicemailResponse, "Update Voicemail"),
    Operation("delete_voicemail", "POST", "/v1.0/numbers/voicemail/delete", DeleteVoicemailRequest, DeleteVoicemailResponse, "Delete Voicemail"),
    Operation("update_sim_status", "POST", "/v1.0/sims/update-status", UpdateSimStatusRequest, UpdateSimStatusResponse, "Update SIM Status"),
    Operation("clear_sim_status", "POST", "/v1.0/sims/clear-status", ClearSimStatusRequest, ClearSimStatusResponse, "Clear SIM Status"),
    Operation("data_usage_limit", "POST", "/v1.0/numbers/data-usage", DataUsageLimitRequest, DataUsageLimitResponse, "Data Usage Limit"),
    Operation("data_usage_settings", "POST", "/v1.0/numbers/data-usage/settings", DataUsageSettingsRequest, DataUsageSettingsResponse, "Data Usage Settings"),
    Operation("data_usage_info", "POST", "/v1.0/numbers/data-usage/info", DataUsageInfoRequest, DataUsageInfoResponse, "Data Usage Info"),
    Operation("data_usage_update_renewal_info", "POST", "/v1.0/numbers/data-usage/update-renewal-info", DataUsageUpdateRenewalInfoRequest, DataUsageUpdateRenewalInfoResponse, "Data Usage Update Renewal Info"),
    Operation("numbers_port_in_eligibility", "POST", "/v1.0/numbers/portin/eligibility", NumbersPortInEligibilityRequest, NumbersPortInEligibilityResponse, "Numbers - Port In Eligibility"),
    Operation("numbers_port_in", "POST", "/v1.0/numbers/portin", NumbersPortInRequest, NumbersPortInResponse, "Numbers - Port In"),
    Operation("numbers_update_port_in", "POST", "/v1.0/numbers/portin/update", NumbersUpdatePortInRequest, NumbersUpdatePortInResponse, "Numbers - Update Port In"),
    Operation("numbers_cancel_port_in", "POST", "/v1.0/numbers/portin/cancel", NumbersCancelPortInRequest, NumbersCancelPortInResponse, "Numbers - Cancel Port In"),
    Operation("numbers_port_out", "POST", "/v1.0/numbers/portout", NumbersPortOutRequest, NumbersPortOutResponse, "Numbers - Port Out"),
    Operation("ops_post_usage", "POST", "/ops/v1/usage", OpsPostUsageRequest, OpsPostUsageResponse, "Ingest usage records from the network (idempotent by RecordId)", auth="operator"),
    Operation("ops_policy", "GET", "/ops/v1/policy", OpsPolicyRequest, OpsPolicyResponse, "Enforcement policy of a number (Active, Throttled at a speed, or Blocked)", auth="operator"),
    Operation("ops_post_port_orders_status", "POST", "/ops/v1/port-orders/status", OpsPostPortOrdersStatusRequest, OpsPostPortOrdersStatusResponse, "Report the losing or gaining carrier's answer on a port order", auth="operator"),
    Operation("get_account_details", "GET", "/v1.0/account", GetAccountDetailsRequest, GetAccountDetailsResponse, "Get Account Details"),
    Operation("create_new_account", "POST", "/v1.0/account/create", CreateNewAccountRequest, CreateNewAccountResponse, "Create New Account"),
    Operation("update_account", "POST", "/v1.0/account/update", UpdateAccountRequest, UpdateAccountResponse, "Update Account"),
    Operation("get_services", "GET", "/v1.0/account/services", GetServicesRequest, GetServicesResponse, "Get Services"),
    Operation("get_products", "GET", "/v1.0/account/products", GetProductsRequest, GetProductsResponse, "Get Products"),
    Operation("get_packages", "GET", "/v1.0/account/packages", GetPackagesRequest, GetPackagesResponse, "Get Packages"),
    Operation("get_subscriptions", "GET", "/v1.0/account/subscriptions", GetSubscriptionsRequest, GetSubscriptionsResponse, "Get Subscriptions"),
    Operation("get_accounts_workgroups", "GET", "/v1.0/account/workgroups", GetAccountsWorkgroupsRequest, GetAccountsWorkgroupsResponse, "Get Account's Workgroups"),
    Operation("get_account_schedules", "GET", "/v1.0/account/schedules", GetAccountSchedulesRequest, GetAccountSchedulesResponse, "Get Account Schedules"),
    Operation("get_distributor_details", "GET", "/v1.0/distributor", GetDistributorDetailsRequest, GetDistributorDetailsResponse, "Get Distributor Details"),
    Operation("create_distributor", "POST", "/v1.0/distributor/create", CreateDistributorRequest, CreateDistributorResponse, "Create Distributor (operator token)"),
    Operation("update_distributor", "POST", "/v1.0/distributor/update", UpdateDistributorRequest, UpdateDistributorResponse, "Update Distributor"),
    Operation("get_accounts", "GET", "/v1.0/distributor/accounts", GetAccountsRequest, GetAccountsResponse, "Get Accounts"),
    Operation("get_subscribers", "GET", "/v1.0/distributor/subscribers", GetSubscribersRequest, GetSubscribersResponse, "Get Subscribers"),
    Operation("get_distributor_product_list", "GET", "/v1.0/distributor/products", GetDistributorProductListRequest, GetDistributorProductListResponse, "Get Distributor Product List"),
    Operation("get_distributor_package_list", "GET", "/v1.0/distributor/packages", GetDistributorPackageListRequest, GetDistributorPackageListResponse, "Get Distributor Package List"),
    Operation("get_distributor_subscription_list", "GET", "/v1.0/distributor/subscriptions", GetDistributorSubscriptionListRequest, GetDistributorSubscriptionListResponse, "Get Distributor Subscription List"),
    Operation("product_details", "GET", "/v1.0/products", ProductDetailsRequest, ProductDetailsResponse, "Product Details"),
    Operation("create_product", "POST", "/v1.0/products", CreateProductRequest, CreateProductResponse, "Create Product"),
    Operation("update_product", "POST", "/v1.0/products/update", UpdateProductRequest, UpdateProductResponse, "Update Product"),
    Operation("delete_product", "POST", "/v1.0/products/delete", DeleteProductRequest, DeleteProductResponse, "Delete Product"),
    Operation("get_package_details", "GET", "/v1.0/packages", GetPackageDetailsRequest, GetPackageDetailsResponse, "Get Package Details"),
    Operation("create_package", "POST", "/v1.0/packages", CreatePackageRequest, CreatePackageResponse, "Create Package"),
    Operation("get_package_subscriptions", "GET", "/v1.0/packages/subscriptions", GetPackageSubscriptionsRequest, GetPackageSubscriptionsResponse, "Get Package Subscriptions"),
    Operation("update_package", "POST", "/v1.0/packages/update", UpdatePackageRequest, UpdatePackageResponse, "Update Package"),
    Operation("delete_package", "POST", "/v1.0/packages/delete", DeletePackageRequest, DeletePackageResponse, "Delete Package"),
    Operation("get_package_items", "GET", "/v1.0/packages/items", GetPackageItemsRequest, GetPackageItemsResponse, "Get Package Items"),
    Operation("add_package_item", "POST", "/v1.0/packages/items/add", AddPackageItemRequest, AddPackageItemResponse, "Add Package Item"),
    Operation("update_package_item", "POST", "/v1.0/packages/items/update", UpdatePackageItemRequest, UpdatePackageItemResponse, "Update Package Item"),
    Operation("delete_package_item", "POST", "/v1.0/packages/items/delete", DeletePackageItemRequest, DeletePackageItemResponse, "Delete Package Item"),
    Operation("get_service_details", "GET", "/v1.0/services", GetServiceDetailsRequest, GetServiceDetailsResponse, "Get Service Details"),
    Operation("create_service", "POST", "/v1.0/services", CreateServiceRequest, CreateServiceResponse, "Create Service"),
    Operation("update_service", "POST", "/v1.0/services/update", UpdateServiceRequest, UpdateServiceResponse, "Update Service"),
    Operation("delete_service", "POST", "/v1.0/services/delete", DeleteServiceRequest, DeleteServiceResponse, "Delete Service"),
    Operation("get_service_items", "GET", "/v1.0/services/items", GetServiceItemsRequest, GetServiceItemsResponse, "Get Service Items"),
    Operation("add_service_item", "POST", "/v1.0/services/items/add", AddServiceItemRequest, AddServiceItemResponse, "Add Service Item"),
    Operation("update_service_item", "POST", "/v1.0/services/items/update", UpdateServiceItemRequest, UpdateServiceItemResponse, "Update Service Item"),
    Operation("delete_service_item", "POST", "/v1.0/services/items/delete", DeleteServiceItemRequest, DeleteServiceItemResponse, "Delete Service Item"),
    Operation("get_subscription_details", "GET", "/v1.0/subscriptions", GetSubscriptionDetailsRequest, GetSubscriptionDetailsResponse, "Get Subscription Details"),
    Operation("create_subscription", "POST", "/v1.0/subscriptions", CreateSubscriptionRequest, CreateSubscriptionResponse, "Create Subscription"),
    Operation("update_subscription", "POST", "/v1.0/subscriptions/update", UpdateSubscriptionRequest, UpdateSubscriptionResponse, "Update Subscription"),
    Operation("delete_subscription", "POST", "/v1.0/subscriptions/delete", DeleteSubscriptionRequest, DeleteSubscriptionResponse, "Delete Subscription"),
    Operation("get_threshold", "GET", "/v1.0/subscriptions/thresholds", GetThresholdRequest, GetThresholdResponse, "Get Threshold"),
    Operation("create_threshold", "POST", "/v1.0/subscriptions/thresholds/add", CreateThresholdRequest, CreateThresholdResponse, "Create Threshold"),
    Operation("update_threshold", "POST", "/v1.0/subscriptions/thresholds/update", UpdateThresholdRequest, UpdateThresholdResponse, "Update Threshold"),
    Operation("delete_threshold", "POST", "/v1.0/subscriptions/thresholds/delete", DeleteThresholdRequest, DeleteThresholdResponse, "Delete Threshold"),
    Operation("get_threshold_assignments", "GET", "/v1.0/subscriptions/thresholds/assignments", GetThresholdAssignmentsRequest, GetThresholdAssignmentsResponse, "Get Threshold Assignments"),
    Operation("create_threshold_assignment", "POST", "/v1.0/subscriptions/thresholds/assignments/add", CreateThresholdAssignmentRequest, CreateThresholdAssignmentResponse, "Create Threshold Assignment"),
    Operation("update_threshold_assignment", "POST", "/v1.0/subscriptions/thresholds/assignments/update", UpdateThresholdAssignmentRequest, UpdateThresholdAssignmentResponse, "Update Threshold Assignment"),
    Operation("delete_threshold_assignment", "POST", "/v1.0/subscriptions/thresholds/assignments/delete", DeleteThresholdAssignmentRequest, DeleteThresholdAssignmentResponse, "Delete Threshold Assignment"),
    Operation("get_feature", "GET", "/v1.0/subscriptions/features", GetFeatureRequest, GetFeatureResponse, "Get Feature"),
    Operation("create_feature", "POST", "/v1.0/subscriptions/features/add", CreateFeatureRequest, CreateFeatureResponse, "Create Feature"),
    Operation("update_feature", "POST", "/v1.0/subscriptions/features/update", UpdateFeatureRequest, UpdateFeatureResponse, "Update Feature"),
    Operation("delete_feature", "POST", "/v1.0/subscriptions/features/delete", DeleteFeatureRequest, DeleteFeatureResponse, "Delete Feature"),
    Operation("get_feature_assignments", "GET", "/v1.0/subscriptions/features/assignments", GetFeatureAssignmentsRequest, GetFeatureAssignmentsResponse, "Get Feature Assignments"),
    Operation("create_feature_assignment", "POST", "/v1.0/subscriptions/features/assignments/add", CreateFeatureAssignmentRequest, CreateFeatureAssignmentResponse, "Create Feature Assignment"),
    Operation("update_feature_assignment", "POST", "/v1.0/subscriptions/features/assignments/update", UpdateFeatureAssignmentRequest, UpdateFeatureAssignmentResponse, "Update Feature Assignment"),
    Operation("delete_feature_assignment", "POST", "/v1.0/subscriptions/features/assignments/delete", DeleteFeatureAssignmentRequest, DeleteFeatureAssignmentResponse, "Delete Feature Assignment"),
    Operation("ext_billing_charges", "GET", "/ext/v1/billing/charges", ExtBillingChargesRequest, ExtBillingChargesResponse, "Charges of an account in a period"),
    Operation("ext_billing_statement", "GET", "/ext/v1/billing/statement", ExtBillingStatementRequest, ExtBillingStatementResponse, "Statement of an account for a period"),
    Operation("ext_billing_threshold_events", "GET", "/ext/v1/billing/threshold-events", ExtBillingThresholdEventsRequest, ExtBillingThresholdEventsResponse, "Threshold crossings (alerts, pauses, restrictions)"),
    Operation("ops_post_billing_runs", "POST", "/ops/v1/billing/runs", OpsPostBillingRunsRequest, OpsPostBillingRunsResponse, "Start a period's billing run", auth="operator"),
    Operation("ops_billing_runs", "GET", "/ops/v1/billing/runs", OpsBillingRunsRequest, OpsBillingRunsResponse, "A period's billing run", auth="operator"),
    Operation("ops_post_billing_usage", "POST", "/ops/v1/billing/usage", OpsPostBillingUsageRequest, OpsPostBillingUsageResponse, "Report usage of a subscription", auth="operator"),
    Operation("ops_carriers", "GET", "/ops/v1/carriers", None, OpsCarriersResponse, "Bind state of this process's carrier connectors", auth="operator"),
)

BY_NAME: dict[str, Operation] = {op.name: op for op in OPERATIONS}
