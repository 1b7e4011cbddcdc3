"""Wire shapes of the catalog: request bodies and responses of products, packages (+items), services (+items),
subscriptions, thresholds and features (telegent-api.md; the responses are what `catalog.presenters` builds)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from mpaas.core.wire import (
    MULTILINE,
    Money,
    MultiLineText1000,
    Optional,
    Required,
    WireBool,
    WireModel,
    WireResponse,
    one_of,
)

BILLING_FREQUENCIES = ("MRC", "NRC")
SUBSCRIPTION_TYPES = ("mvno", "iot")
THRESHOLD_TYPES = ("Data", "SMS", "Voice")
THRESHOLD_UNITS = ("MB", "GB", "Count")
THRESHOLD_ACTIONS = ("Alert", "Pause", "Restrict")
MAX_MONEY = Decimal("1000000000")
MAX_THRESHOLD_AMOUNT = 1_000_000_000  # a 32-bit column; no MB, GB or count threshold needs more
DESCRIPTION_MAX = 1000  # characters of a product's, package's or feature's description (multi-line)
Description = MultiLineText1000


def _money(value: Any) -> Any:
    """A price as Decimal from a JSON number or a string ("1.12"): parsed from its text, never through float
    arithmetic; at most 6 decimal places (the storage is integer micro-units)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError("must be a decimal amount such as 12.34")
    try:
        amount = Decimal(str(value).strip().lstrip("$"))
    except InvalidOperation:
        raise ValueError("must be a decimal amount such as 12.34") from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_MONEY:
        raise ValueError("must be a non-negative amount below 1000000000")
    if amount.as_tuple().exponent < -6:
        raise ValueError("must have at most 6 decimal places")
    return amount


MoneyIn = Annotated[Decimal, BeforeValidator(_money)]


class CreateProduct(WireModel):
    sku: Required = Field(alias="SKU", examples=["eSim"])
    description: Annotated[Required, MULTILINE] = Field(
        alias="Description", max_length=DESCRIPTION_MAX, examples=["Telegent eSim"]
    )
    type: Required = Field(alias="Type", examples=["esim"])
    sub_type: Optional = Field(default=None, alias="SubType")
    cost: MoneyIn = Field(alias="Cost", examples=[12.34])
    billing_frequency: Annotated[str, one_of(*BILLING_FREQUENCIES)] = Field(alias="BillingFrequency", examples=["MRC"])


class UpdateProduct(WireModel):
    product_id: Required = Field(alias="ProductId")
    sku: Optional = Field(default=None, alias="SKU")
    description: Description = Field(default=None, alias="Description")
    type: Optional = Field(default=None, alias="Type")
    sub_type: Optional = Field(default=None, alias="SubType")
    cost: MoneyIn | None = Field(default=None, alias="Cost")
    billing_frequency: Annotated[str | None, one_of(*BILLING_FREQUENCIES)] = Field(
        default=None, alias="BillingFrequency"
    )
    active: WireBool | None = Field(default=None, alias="Active", description="Extension: deactivate/reactivate")


class ProductRef(WireModel):
    product_id: Required = Field(alias="ProductId")


class NewPackageItem(WireModel):
    product_id: Required = Field(alias="ProductId")
    price: MoneyIn | None = Field(default=None, alias="Price", description="Defaults to the product's Cost")
    monthly: WireBool | None = Field(
        default=None, alias="Monthly", description="Defaults to the product's BillingFrequency == MRC"
    )
    type: Optional = Field(default=None, alias="Type")


class CreatePackage(WireModel):
    package_name: Required = Field(alias="PackageName", examples=["Package 10"])
    description: Description = Field(default=None, alias="Description")
    subscriber_id: Optional = Field(default=None, alias="SubscriberId")
    type: Required = Field(alias="Type", examples=["sip"])
    price: MoneyIn = Field(alias="Price", examples=[300.0])
    monthly: WireBool = Field(alias="Monthly", examples=[True])
    package_items: list[NewPackageItem] = Field(default_factory=list, alias="PackageItems", max_length=100)


class UpdatePackage(WireModel):
    package_id: Required = Field(alias="PackageId")
    package_name: Optional = Field(default=None, alias="PackageName")
    description: Description = Field(default=None, alias="Description")
    subscriber_id: Optional = Field(default=None, alias="SubscriberId")
    type: Optional = Field(default=None, alias="Type")
    price: MoneyIn | None = Field(default=None, alias="Price")
    monthly: WireBool | None = Field(default=None, alias="Monthly")
    active: WireBool | None = Field(default=None, alias="Active", description="Extension: deactivate/reactivate")


class PackageRef(WireModel):
    package_id: Required = Field(alias="PackageId")


class AddPackageItem(NewPackageItem):
    package_id: Required = Field(alias="PackageId")


class UpdatePackageItem(WireModel):
    package_id: Required = Field(alias="PackageId")
    package_item_id: Required = Field(alias="PackageItemId")
    price: MoneyIn | None = Field(default=None, alias="Price")
    monthly: WireBool | None = Field(default=None, alias="Monthly")
    type: Optional = Field(default=None, alias="Type")


class PackageItemRef(WireModel):
    package_id: Required = Field(alias="PackageId")
    package_item_id: Required = Field(alias="PackageItemId")


class CreateService(WireModel):
    service_name: Required = Field(alias="ServiceName", examples=["Caller Id"])
    cost: MoneyIn = Field(alias="Cost", examples=[1.23])
    monthly: WireBool = Field(default=True, alias="Monthly")


class UpdateService(WireModel):
    service_id: Required = Field(alias="ServiceId")
    service_name: Optional = Field(default=None, alias="ServiceName")
    cost: MoneyIn | None = Field(default=None, alias="Cost")
    monthly: WireBool | None = Field(default=None, alias="Monthly")
    active: WireBool | None = Field(default=None, alias="Active", description="Extension: deactivate/reactivate")


class ServiceRef(WireModel):
    service_id: Required = Field(alias="ServiceId")


class ServiceItemBody(WireModel):
    service_id: Required = Field(alias="ServiceId")
    aggregator_id: Optional = Field(default=None, alias="AggregatorId")
    distributor_id: Optional = Field(default=None, alias="DistributorId")
    price: MoneyIn | None = Field(default=None, alias="Price")
    monthly: WireBool | None = Field(default=None, alias="Monthly")


class CreateSubscription(WireModel):
    subscriber_id: Required = Field(alias="SubscriberId")
    tnid: Optional = Field(default=None, alias="TNID", json_schema_extra={"x-aliases": ["Tnid"]})
    iccid: Optional = Field(default=None, alias="ICCID", json_schema_extra={"x-aliases": ["Iccid"]})
    package_id: Required = Field(alias="PackageId")
    type: Annotated[str, one_of(*SUBSCRIPTION_TYPES)] = Field(alias="Type", examples=["mvno"])


class UpdateSubscription(WireModel):
    subscription_id: Required = Field(alias="SubscriptionId")
    subscriber_id: Optional = Field(default=None, alias="SubscriberId")
    tnid: Optional = Field(default=None, alias="TNID")
    iccid: Optional = Field(default=None, alias="ICCID")
    package_id: Optional = Field(default=None, alias="PackageId")
    type: Annotated[str | None, one_of(*SUBSCRIPTION_TYPES)] = Field(default=None, alias="Type")


class SubscriptionRef(WireModel):
    subscription_id: Required = Field(alias="SubscriptionId")


class CreateThreshold(WireModel):
    account_id: Optional = Field(default=None, alias="AccountId")
    threshold_name: Required = Field(alias="ThresholdName", examples=["80% Data Alert"])
    threshold_type: Annotated[str, one_of(*THRESHOLD_TYPES)] = Field(alias="ThresholdType")
    threshold_amount: int = Field(alias="ThresholdAmount", gt=0, le=MAX_THRESHOLD_AMOUNT)
    threshold_unit: Annotated[str, one_of(*THRESHOLD_UNITS)] = Field(alias="ThresholdUnit")
    threshold_action: Annotated[str, one_of(*THRESHOLD_ACTIONS)] = Field(alias="ThresholdAction")


class UpdateThreshold(WireModel):
    threshold_id: Required = Field(alias="ThresholdId")
    threshold_name: Optional = Field(default=None, alias="ThresholdName")
    threshold_type: Annotated[str | None, one_of(*THRESHOLD_TYPES)] = Field(default=None, alias="ThresholdType")
    threshold_amount: int | None = Field(default=None, alias="ThresholdAmount", gt=0, le=MAX_THRESHOLD_AMOUNT)
    threshold_unit: Annotated[str | None, one_of(*THRESHOLD_UNITS)] = Field(default=None, alias="ThresholdUnit")
    threshold_action: Annotated[str | None, one_of(*THRESHOLD_ACTIONS)] = Field(default=None, alias="ThresholdAction")


class ThresholdRef(WireModel):
    threshold_id: Required = Field(alias="ThresholdId")


class CreateThresholdAssignment(WireModel):
    threshold_id: Required = Field(alias="ThresholdId")
    subscription_id: Required = Field(alias="SubscriptionId")


class UpdateThresholdAssignment(WireModel):
    threshold_assignment_id: Required = Field(alias="ThresholdAssignmentId")
    threshold_id: Optional = Field(default=None, alias="ThresholdId")
    subscription_id: Optional = Field(default=None, alias="SubscriptionId")


class ThresholdAssignmentRef(WireModel):
    threshold_assignment_id: Required = Field(alias="ThresholdAssignmentId")


class CreateFeature(WireModel):
    account_id: Optional = Field(default=None, alias="AccountId")
    feature_name: Required = Field(alias="FeatureName", examples=["International Roaming"])
    feature_type: Optional = Field(default=None, alias="FeatureType", examples=["Roaming"])
    feature_description: Description = Field(default=None, alias="FeatureDescription")


class UpdateFeature(WireModel):
    feature_id: Required = Field(alias="FeatureId")
    feature_name: Optional = Field(default=None, alias="FeatureName")
    feature_type: Optional = Field(default=None, alias="FeatureType")
    feature_description: Description = Field(default=None, alias="FeatureDescription")


class FeatureRef(WireModel):
    feature_id: Required = Field(alias="FeatureId")


class CreateFeatureAssignment(WireModel):
    feature_id: Required = Field(alias="FeatureId")
    subscription_id: Required = Field(alias="SubscriptionId")


class UpdateFeatureAssignment(WireModel):
    feature_assignment_id: Required = Field(alias="FeatureAssignmentId")
    feature_id: Optional = Field(default=None, alias="FeatureId")
    subscription_id: Optional = Field(default=None, alias="SubscriptionId")


class FeatureAssignmentRef(WireModel):
    feature_assignment_id: Required = Field(alias="FeatureAssignmentId")


# Responses (field order is the presenters', which is the order on the wire).


class ProductOut(WireResponse):
    product_id: str
    sku: str = Field(alias="SKU")
    description: str
    aggregator_id: str
    distributor_id: str
    type: str
    sub_type: str | None
    cost: Money
    billing_frequency: str
    active: bool


class ProductDeleted(WireResponse):
    product_id: str
    product_status: str


class SubscriptionOut(WireResponse):
    subscription_id: str
    subscriber_id: str
    tnid: str | None = Field(alias="TNID")
    iccid: str | None = Field(alias="ICCID")
    package_id: str
    type: str
    active: bool


class PackageOut(WireResponse):
    package_id: str
    package_name: str
    description: str | None
    distributor_id: str
    aggregator_id: str
    subscriber_id: str | None
    type: str
    price: Money
    monthly: bool
    active: bool


class PackageSubscriptions(PackageOut):
    subscriptions: list[SubscriptionOut]


class PackageDeleted(WireResponse):
    package_id: str
    package_status: str


class PackageItemOut(WireResponse):
    package_item_id: str
    package_id: str
    product_id: str
    aggregator_id: str
    distributor_id: str
    type: str | None
    price: Money
    monthly: bool
    active: bool


class PackageItemDeleted(WireResponse):
    package_item_id: str
    package_id: str
    package_item_status: str


class ServiceOut(WireResponse):
    service_id: str
    service_name: str
    cost: Money
    monthly: bool
    active: bool


class ServiceDeleted(WireResponse):
    service_id: str
    service_status: str


class ServiceItemOut(WireResponse):
    """Service items have no id on the wire: a service's item is named by its scope (distributor, aggregator)."""

    price: Money
    monthly: bool
    active: bool
    distributor_id: str | None
    aggregator_id: str | None


class ServiceItems(WireResponse):
    service_id: str
    items: list[ServiceItemOut]


class ServiceItemAdded(WireResponse):
    service_id: str
    price: Money
    monthly: bool
    active: bool
    distributor_id: str | None
    aggregator_id: str | None
    successful: bool


class ServiceItemUpdated(WireResponse):
    price: Money
    monthly: bool
    successful: bool


class Successful(WireResponse):
    successful: bool


class SubscriptionDeleted(WireResponse):
    subscription_id: str
    subscription_status: str


class ThresholdOut(WireResponse):
    threshold_id: str
    account_id: str
    threshold_name: str
    threshold_type: str
    threshold_amount: int
    threshold_unit: str
    threshold_action: str
    active: bool


class ThresholdDeleted(WireResponse):
    threshold_id: str
    threshold_status: str


class ThresholdAssignmentOut(WireResponse):
    threshold_assignment_id: str
    threshold_id: str
    subscription_id: str
    active: bool


class ThresholdAssignmentDeleted(WireResponse):
    threshold_assignment_id: str
    threshold_assignment_status: str


class FeatureOut(WireResponse):
    feature_id: str
    account_id: str
    feature_name: str
    feature_type: str | None
    feature_description: str | None
    active: bool


class FeatureDeleted(WireResponse):
    feature_id: str
    feature_status: str


class FeatureAssignmentOut(WireResponse):
    feature_assignment_id: str
    feature_id: str
    subscription_id: str
    active: bool


class FeatureAssignmentDeleted(WireResponse):
    feature_assignment_id: str
    feature_assignment_status: str
