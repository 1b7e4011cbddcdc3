"""Products, packages (+items), services (+items), subscriptions, thresholds, features (+assignments)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from mpaas.auth.dependencies import Caller
from mpaas.catalog import addons, presenters, service
from mpaas.catalog import schemas as s
from mpaas.core.errors import required
from mpaas.dependencies import Now, ReadSession, SettingsDep, WriteSession

router = APIRouter(tags=["Catalog"])


# A GET without its (optional) id answers every record the caller may read, as a JSON array of the one-record
# shape (docs/compatibility.md); the response model is `Record | list[Record]`.


def _need(value: str | None, field: str) -> str:
    if not value or not value.strip():
        raise required(field)
    return value.strip()


# Products ---------------------------------------------------------------------------------------------------


@router.get("/v1.0/products", summary="Product Details", response_model=s.ProductOut | list[s.ProductOut])
async def get_product(
    who: Caller, session: ReadSession, product_id: str | None = Query(None, alias="ProductId")
) -> Any:
    if not product_id:
        return [presenters.product(p) for p in await service.list_products(session, who)]
    return presenters.product(await service.get_product(session, who, _need(product_id, "ProductId")))


@router.post("/v1.0/products", summary="Create Product", response_model=s.ProductOut)
async def create_product(body: s.CreateProduct, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return presenters.product(await service.create_product(session, who, body, now))


@router.post("/v1.0/products/update", summary="Update Product", response_model=s.ProductOut)
async def update_product(body: s.UpdateProduct, who: Caller, session: WriteSession) -> dict[str, Any]:
    return presenters.product(await service.update_product(session, who, body))


@router.post("/v1.0/products/delete", summary="Delete Product", response_model=s.ProductDeleted)
async def delete_product(body: s.ProductRef, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    row = await service.delete_product(session, who, body.product_id, now)
    return {"ProductId": row.id, "ProductStatus": "Deleted"}


# Packages ---------------------------------------------------------------------------------------------------


@router.get("/v1.0/packages", summary="Get Package Details", response_model=s.PackageOut | list[s.PackageOut])
async def get_package(
    who: Caller, session: ReadSession, package_id: str | None = Query(None, alias="PackageId")
) -> Any:
    if not package_id:
        return [presenters.package(p) for p in await service.list_packages(session, who)]
    return presenters.package(await service.get_package(session, who, _need(package_id, "PackageId")))


@router.post("/v1.0/packages", summary="Create Package", response_model=s.PackageOut)
async def create_package(body: s.CreatePackage, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return presenters.package(await service.create_package(session, who, body, now))


@router.get(
    "/v1.0/packages/subscriptions",
    summary="Get Package Subscriptions",
    response_model=s.PackageSubscriptions | list[s.PackageSubscriptions],
)
async def package_subscriptions(
    who: Caller, session: ReadSession, package_id: str | None = Query(None, alias="PackageId")
) -> Any:
    if not package_id:
        records = []
        for listed in await service.list_packages(session, who):
            package, subs = await service.package_subscriptions(session, who, listed.id)
            records.append({**presenters.package(package), "Subscriptions": [presenters.subscription(x) for x in subs]})
        return records
    package, subs = await service.package_subscriptions(session, who, _need(package_id, "PackageId"))
    return {**presenters.package(package), "Subscriptions": [presenters.subscription(x) for x in subs]}


@router.post("/v1.0/packages/update", summary="Update Package", response_model=s.PackageOut)
async def update_package(body: s.UpdatePackage, who: Caller, session: WriteSession) -> dict[str, Any]:
    return presenters.package(await service.update_package(session, who, body))


@router.post("/v1.0/packages/delete", summary="Delete Package", response_model=s.PackageDeleted)
async def delete_package(body: s.PackageRef, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    row = await service.delete_package(session, who, body.package_id, now)
    return {"PackageId": row.id, "PackageStatus": "Deleted"}


@router.get("/v1.0/packages/items", summary="Get Package Items", response_model=list[s.PackageItemOut])
async def package_items(
    who: Caller, session: ReadSession, package_id: str | None = Query(None, alias="PackageId")
) -> list[dict[str, Any]]:
    if not package_id:  # every package's items
        items = await service.all_package_items(session, who)
    else:
        items = await service.package_items(session, who, _need(package_id, "PackageId"))
    return [presenters.package_item(i, who.distributor_id) for i in items]


@router.post("/v1.0/packages/items/add", summary="Add Package Item", response_model=s.PackageItemOut)
async def add_package_item(body: s.AddPackageItem, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return presenters.package_item(await service.add_package_item(session, who, body, now), who.distributor_id)


@router.post("/v1.0/packages/items/update", summary="Update Package Item", response_model=s.PackageItemOut)
async def update_package_item(body: s.UpdatePackageItem, who: Caller, session: WriteSession) -> dict[str, Any]:
    return presenters.package_item(await service.update_package_item(session, who, body), who.distributor_id)


@router.post("/v1.0/packages/items/delete", summary="Delete Package Item", response_model=s.PackageItemDeleted)
async def delete_package_item(body: s.PackageItemRef, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    row = await service.delete_package_item(session, who, body.package_id, body.package_item_id, now)
    return {"PackageItemId": row.id, "PackageId": row.package_id, "PackageItemStatus": "Deleted"}


# Services ---------------------------------------------------------------------------------------------------


@router.get("/v1.0/services", summary="Get Service Details", response_model=s.ServiceOut | list[s.ServiceOut])
async def get_service(
    who: Caller, session: ReadSession, service_id: str | None = Query(None, alias="ServiceId")
) -> Any:
    if not service_id:
        return [presenters.service(x) for x in await service.list_services(session, who)]
    return presenters.service(await service.get_service(session, who, _need(service_id, "ServiceId")))


@router.post("/v1.0/services", summary="Create Service", response_model=s.ServiceOut)
async def create_service(body: s.CreateService, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return presenters.service(await service.create_service(session, who, body, now))


@router.post("/v1.0/services/update", summary="Update Service", response_model=s.ServiceOut)
async def update_service(body: s.UpdateService, who: Caller, session: WriteSession) -> dict[str, Any]:
    return presenters.service(await service.update_service(session, who, body))


@router.post("/v1.0/services/delete", summary="Delete Service", response_model=s.ServiceDeleted)
async def delete_service(body: s.ServiceRef, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    row = await service.delete_service(session, who, body.service_id, now)
    return {"ServiceId": row.id, "ServiceStatus": "Deleted"}


@router.get("/v1.0/services/items", summary="Get Service Items", response_model=s.ServiceItems | list[s.ServiceItems])
async def service_items(
    who: Caller, session: ReadSession, service_id: str | None = Query(None, alias="ServiceId")
) -> Any:
    if not service_id:
        records = []
        for listed in await service.list_services(session, who):
            row, items = await service.active_service_items(session, who, listed.id)
            records.append({"ServiceId": row.id, "Items": [presenters.service_item(i) for i in items]})
        return records
    row, items = await service.active_service_items(session, who, _need(service_id, "ServiceId"))
    return {"ServiceId": row.id, "Items": [presenters.service_item(i) for i in items]}


@router.post("/v1.0/services/items/add", summary="Add Service Item", response_model=s.ServiceItemAdded)
async def add_service_item(body: s.ServiceItemBody, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    row = await service.add_service_item(session, who, body, now)
    return {"ServiceId": row.service_id, **presenters.service_item(row), "Successful": True}


@router.post("/v1.0/services/items/update", summary="Update Service Item", response_model=s.ServiceItemUpdated)
async def update_service_item(body: s.ServiceItemBody, who: Caller, session: WriteSession) -> dict[str, Any]:
    item = presenters.service_item(await service.update_service_item(session, who, body))
    return {"Price": item["Price"], "Monthly": item["Monthly"], "Successful": True}


@router.post("/v1.0/services/items/delete", summary="Delete Service Item", response_model=s.Successful)
async def delete_service_item(body: s.ServiceItemBody, who: Caller, session: WriteSession) -> dict[str, Any]:
    await service.delete_service_items(session, who, body)
    return {"Successful": True}


# Subscriptions ----------------------------------------------------------------------------------------------


@router.get(
    "/v1.0/subscriptions",
    summary="Get Subscription Details",
    response_model=s.SubscriptionOut | list[s.SubscriptionOut],
)
async def get_subscription(
    who: Caller, session: ReadSession, subscription_id: str | None = Query(None, alias="SubscriptionId")
) -> Any:
    if not subscription_id:
        return [presenters.subscription(x) for x in await service.list_subscriptions(session, who)]
    return presenters.subscription(
        await service.get_subscription(session, who, _need(subscription_id, "SubscriptionId"))
    )


@router.post("/v1.0/subscriptions", summary="Create Subscription", response_model=s.SubscriptionOut)
async def create_subscription(
    body: s.CreateSubscription, who: Caller, session: WriteSession, now: Now, settings: SettingsDep
) -> dict[str, Any]:
    # Billing schedules the next period's run (a job): the write session wakes the workers after committing.
    row = await service.create_subscription(session, who, body, now, settings.billing_currency)
    return presenters.subscription(row)


@router.post("/v1.0/subscriptions/update", summary="Update Subscription", response_model=s.SubscriptionOut)
async def update_subscription(
    body: s.UpdateSubscription, who: Caller, session: WriteSession, now: Now, settings: SettingsDep
) -> dict[str, Any]:
    return presenters.subscription(
        await service.update_subscription(session, who, body, now, settings.billing_currency)
    )


@router.post("/v1.0/subscriptions/delete", summary="Delete Subscription", response_model=s.SubscriptionDeleted)
async def delete_subscription(
    body: s.SubscriptionRef, who: Caller, session: WriteSession, now: Now, settings: SettingsDep
) -> dict[str, Any]:
    row = await service.delete_subscription(session, who, body.subscription_id, now, settings.billing_currency)
    return {"SubscriptionId": row.id, "SubscriptionStatus": "Deleted"}


# Thresholds -------------------------------------------------------------------------------------------------


@router.get(
    "/v1.0/subscriptions/thresholds", summary="Get Threshold", response_model=s.ThresholdOut | list[s.ThresholdOut]
)
async def get_threshold(
    who: Caller, session: ReadSession, threshold_id: str | None = Query(None, alias="ThresholdId")
) -> Any:
    if not threshold_id:
        return [presenters.threshold(x) for x in await addons.list_thresholds(session, who)]
    return presenters.threshold(await addons.get_threshold(session, who, _need(threshold_id, "ThresholdId")))


@router.post("/v1.0/subscriptions/thresholds/add", summary="Create Threshold", response_model=s.ThresholdOut)
async def create_threshold(body: s.CreateThreshold, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return presenters.threshold(await addons.create_threshold(session, who, body, now))


@router.post("/v1.0/subscriptions/thresholds/update", summary="Update Threshold", response_model=s.ThresholdOut)
async def update_threshold(body: s.UpdateThreshold, who: Caller, session: WriteSession) -> dict[str, Any]:
    return presenters.threshold(await addons.update_threshold(session, who, body))


@router.post("/v1.0/subscriptions/thresholds/delete", summary="Delete Threshold", response_model=s.ThresholdDeleted)
async def delete_threshold(body: s.ThresholdRef, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    row = await addons.delete_threshold(session, who, body.threshold_id, now)
    return {"ThresholdId": row.id, "ThresholdStatus": "Deleted"}


@router.get(
    "/v1.0/subscriptions/thresholds/assignments",
    summary="Get Threshold Assignments",
    response_model=list[s.ThresholdAssignmentOut],
)
async def threshold_assignments(
    who: Caller, session: ReadSession, threshold_id: str | None = Query(None, alias="ThresholdId")
) -> list[dict[str, Any]]:
    if not threshold_id:  # every threshold's assignments
        assignments = await addons.all_threshold_assignments(session, who)
    else:
        assignments = await addons.threshold_assignments(session, who, _need(threshold_id, "ThresholdId"))
    return [presenters.threshold_assignment(a) for a in assignments]


@router.post(
    "/v1.0/subscriptions/thresholds/assignments/add",
    summary="Create Threshold Assignment",
    response_model=s.ThresholdAssignmentOut,
)
async def assign_threshold(
    body: s.CreateThresholdAssignment, who: Caller, session: WriteSession, now: Now
) -> dict[str, Any]:
    return presenters.threshold_assignment(await addons.assign_threshold(session, who, body, now))


@router.post(
    "/v1.0/subscriptions/thresholds/assignments/update",
    summary="Update Threshold Assignment",
    response_model=s.ThresholdAssignmentOut,
)
async def update_threshold_assignment(
    body: s.UpdateThresholdAssignment, who: Caller, session: WriteSession
) -> dict[str, Any]:
    return presenters.threshold_assignment(await addons.update_threshold_assignment(session, who, body))


@router.post(
    "/v1.0/subscriptions/thresholds/assignments/delete",
    summary="Delete Threshold Assignment",
    response_model=s.ThresholdAssignmentDeleted,
)
async def delete_threshold_assignment(
    body: s.ThresholdAssignmentRef, who: Caller, session: WriteSession, now: Now
) -> dict[str, Any]:
    row = await addons.delete_threshold_assignment(session, who, body.threshold_assignment_id, now)
    return {"ThresholdAssignmentId": row.id, "ThresholdAssignmentStatus": "Deleted"}


# Features ---------------------------------------------------------------------------------------------------


@router.get("/v1.0/subscriptions/features", summary="Get Feature", response_model=s.FeatureOut | list[s.FeatureOut])
async def get_feature(
    who: Caller, session: ReadSession, feature_id: str | None = Query(None, alias="FeatureId")
) -> Any:
    if not feature_id:
        return [presenters.feature(x) for x in await addons.list_features(session, who)]
    return presenters.feature(await addons.get_feature(session, who, _need(feature_id, "FeatureId")))


@router.post("/v1.0/subscriptions/features/add", summary="Create Feature", response_model=s.FeatureOut)
async def create_feature(body: s.CreateFeature, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return presenters.feature(await addons.create_feature(session, who, body, now))


@router.post("/v1.0/subscriptions/features/update", summary="Update Feature", response_model=s.FeatureOut)
async def update_feature(body: s.UpdateFeature, who: Caller, session: WriteSession) -> dict[str, Any]:
    return presenters.feature(await addons.update_feature(session, who, body))


@router.post("/v1.0/subscriptions/features/delete", summary="Delete Feature", response_model=s.FeatureDeleted)
async def delete_feature(body: s.FeatureRef, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    row = await addons.delete_feature(session, who, body.feature_id, now)
    return {"FeatureId": row.id, "FeatureStatus": "Deleted"}


@router.get(
    "/v1.0/subscriptions/features/assignments",
    summary="Get Feature Assignments",
    response_model=list[s.FeatureAssignmentOut],
)
async def feature_assignments(
    who: Caller, session: ReadSession, feature_id: str | None = Query(None, alias="FeatureId")
) -> list[dict[str, Any]]:
    if not feature_id:  # every feature's assignments
        assignments = await addons.all_feature_assignments(session, who)
    else:
        assignments = await addons.feature_assignments(session, who, _need(feature_id, "FeatureId"))
    return [presenters.feature_assignment(a) for a in assignments]


@router.post(
    "/v1.0/subscriptions/features/assignments/add",
    summary="Create Feature Assignment",
    response_model=s.FeatureAssignmentOut,
)
async def assign_feature(
    body: s.CreateFeatureAssignment, who: Caller, session: WriteSession, now: Now
) -> dict[str, Any]:
    return presenters.feature_assignment(await addons.assign_feature(session, who, body, now))


@router.post(
    "/v1.0/subscriptions/features/assignments/update",
    summary="Update Feature Assignment",
    response_model=s.FeatureAssignmentOut,
)
async def update_feature_assignment(
    body: s.UpdateFeatureAssignment, who: Caller, session: WriteSession
) -> dict[str, Any]:
    return presenters.feature_assignment(await addons.update_feature_assignment(session, who, body))


@router.post(
    "/v1.0/subscriptions/features/assignments/delete",
    summary="Delete Feature Assignment",
    response_model=s.FeatureAssignmentDeleted,
)
async def delete_feature_assignment(
    body: s.FeatureAssignmentRef, who: Caller, session: WriteSession, now: Now
) -> dict[str, Any]:
    row = await addons.delete_feature_assignment(session, who, body.feature_assignment_id, now)
    return {"FeatureAssignmentId": row.id, "FeatureAssignmentStatus": "Deleted"}
