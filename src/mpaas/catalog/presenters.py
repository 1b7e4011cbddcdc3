"""Wire records of the catalog, in the contract's example shapes."""

from __future__ import annotations

from mpaas.core.wire import money
from mpaas.models import (
    Feature,
    FeatureAssignment,
    Package,
    PackageItem,
    Product,
    Service,
    ServiceItem,
    Subscription,
    Threshold,
    ThresholdAssignment,
)

# The platform itself is the aggregator above every distributor (one per installation).
AGGREGATOR_ID = "AGID-00000000-0000-0000-0000-000000000000"


def product(p: Product) -> dict:
    return {
        "ProductId": p.id,
        "SKU": p.sku,
        "Description": p.description,
        "AggregatorId": AGGREGATOR_ID,
        "DistributorId": p.distributor_id,
        "Type": p.type,
        "SubType": p.sub_type,
        "Cost": money(p.cost),
        "BillingFrequency": p.billing_frequency,
        "Active": p.active,
    }


def package(p: Package) -> dict:
    return {
        "PackageId": p.id,
        "PackageName": p.name,
        "Description": p.description,
        "DistributorId": p.distributor_id,
        "AggregatorId": AGGREGATOR_ID,
        "SubscriberId": p.subscriber_ref,
        "Type": p.type,
        "Price": money(p.price),
        "Monthly": p.monthly,
        "Active": p.active,
    }


def package_item(item: PackageItem, distributor_id: str) -> dict:
    return {
        "PackageItemId": item.id,
        "PackageId": item.package_id,
        "ProductId": item.product_id,
        "AggregatorId": AGGREGATOR_ID,
        "DistributorId": distributor_id,
        "Type": item.type,
        "Price": money(item.price),
        "Monthly": item.monthly,
        "Active": item.active,
    }


def service(s: Service) -> dict:
    return {"ServiceId": s.id, "ServiceName": s.name, "Cost": money(s.cost), "Monthly": s.monthly, "Active": s.active}


def service_item(item: ServiceItem) -> dict:
    return {
        "Price": money(item.price),
        "Monthly": item.monthly,
        "Active": item.active,
        "DistributorId": item.distributor_ref,
        "AggregatorId": item.aggregator_ref,
    }


def subscription(s: Subscription) -> dict:
    return {
        "SubscriptionId": s.id,
        "SubscriberId": s.subscriber_id,
        "TNID": s.phone_number_id,
        "ICCID": s.iccid,
        "PackageId": s.package_id,
        "Type": s.type,
        "Active": bool(s.active and s.deleted_at is None),
    }


def threshold(t: Threshold) -> dict:
    return {
        "ThresholdId": t.id,
        "AccountId": t.account_id,
        "ThresholdName": t.name,
        "ThresholdType": t.threshold_type,
        "ThresholdAmount": t.amount,
        "ThresholdUnit": t.unit,
        "ThresholdAction": t.action,
        "Active": t.active,
    }


def threshold_assignment(a: ThresholdAssignment) -> dict:
    return {
        "ThresholdAssignmentId": a.id,
        "ThresholdId": a.threshold_id,
        "SubscriptionId": a.subscription_id,
        "Active": a.active,
    }


def feature(f: Feature) -> dict:
    return {
        "FeatureId": f.id,
        "AccountId": f.account_id,
        "FeatureName": f.name,
        "FeatureType": f.feature_type,
        "FeatureDescription": f.description,
        "Active": f.active,
    }


def feature_assignment(a: FeatureAssignment) -> dict:
    return {
        "FeatureAssignmentId": a.id,
        "FeatureId": a.feature_id,
        "SubscriptionId": a.subscription_id,
        "Active": a.active,
    }
