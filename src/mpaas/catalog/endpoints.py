"""Products, packages (+items), services (+items), subscriptions, thresholds, features (+assignments)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from mpaas.accounts.service import Principal
from mpaas.auth.dependencies import platform_of, principal
from mpaas.catalog import presenters, repository, service
from mpaas.catalog import schemas as s
from mpaas.core.errors import required

router = APIRouter(tags=["Catalog"])


def _need(value: str | None, field: str) -> str:
    if not value or not value.strip():
        raise required(field)
    return value.strip()


def _currency(request: Request) -> str:
    return platform_of(request).settings.billing_currency


# Products ---------------------------------------------------------------------------------------------------


@router.get("/v1.0/products", summary="Product Details")
async def get_product(
    request: Request, who: Principal = Depends(principal), product_id: str | None = Query(None, alias="ProductId")
) -> dict:
    async with platform_of(request).db.read() as session:
        return presenters.product(await service.get_product(session, who, _need(product_id, "ProductId")))


@router.post("/v1.0/products", summary="Create Product")
async def create_product(body: s.CreateProduct, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return presenters.product(await service.create_product(session, who, body, platform.clock.now()))


@router.post("/v1.0/products/update", summary="Update Product")
async def update_product(body: s.UpdateProduct, request: Request, who: Principal = Depends(principal)) -> dict:
    async with platform_of(request).db.write() as session:
        return presenters.product(await service.update_product(session, who, body))


@router.post("/v1.0/products/delete", summary="Delete Product")
async def delete_product(body: s.ProductRef, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        row = await service.delete_product(session, who, body.product_id, platform.clock.now())
    return {"ProductId": row.id, "ProductStatus": "Deleted"}


# Packages ---------------------------------------------------------------------------------------------------


@router.get("/v1.0/packages", summary="Get Package Details")
async def get_package(
    request: Request, who: Principal = Depends(principal), package_id: str | None = Query(None, alias="PackageId")
) -> dict:
    async with platform_of(request).db.read() as session:
        return presenters.package(await service.get_package(session, who, _need(package_id, "PackageId")))


@router.post("/v1.0/packages", summary="Create Package")
async def create_package(body: s.CreatePackage, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return presenters.package(await service.create_package(session, who, body, platform.clock.now()))


@router.get("/v1.0/packages/subscriptions", summary="Get Package Subscriptions")
async def package_subscriptions(
    request: Request, who: Principal = Depends(principal), package_id: str | None = Query(None, alias="PackageId")
) -> dict:
    async with platform_of(request).db.read() as session:
        package = await service.get_package(session, who, _need(package_id, "PackageId"))
        subs = await repository.subscriptions(session, who.account_ids, package_id=package.id, include_deleted=True)
        return {**presenters.package(package), "Subscriptions": [presenters.subscription(x) for x in subs]}


@router.post("/v1.0/packages/update", summary="Update Package")
async def update_package(body: s.UpdatePackage, request: Request, who: Principal = Depends(principal)) -> dict:
    async with platform_of(request).db.write() as session:
        return presenters.package(await service.update_package(session, who, body))


@router.post("/v1.0/packages/delete", summary="Delete Package")
async def delete_package(body: s.PackageRef, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        row = await service.delete_package(session, who, body.package_id, platform.clock.now())
    return {"PackageId": row.id, "PackageStatus": "Deleted"}


@router.get("/v1.0/packages/items", summary="Get Package Items")
async def package_items(
    request: Request, who: Principal = Depends(principal), package_id: str | None = Query(None, alias="PackageId")
) -> list:
    async with platform_of(request).db.read() as session:
        package = await service.get_package(session, who, _need(package_id, "PackageId"))
        return [
            presenters.package_item(i, who.distributor_id) for i in await repository.package_items(session, package.id)
        ]


@router.post("/v1.0/packages/items/add", summary="Add Package Item")
async def add_package_item(body: s.AddPackageItem, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        row = await service.add_package_item(session, who, body, platform.clock.now())
        return presenters.package_item(row, who.distributor_id)


@router.post("/v1.0/packages/items/update", summary="Update Package Item")
async def update_package_item(body: s.UpdatePackageItem, request: Request, who: Principal = Depends(principal)) -> dict:
    async with platform_of(request).db.write() as session:
        return presenters.package_item(await service.update_package_item(session, who, body), who.distributor_id)


@router.post("/v1.0/packages/items/delete", summary="Delete Package Item")
async def delete_package_item(body: s.PackageItemRef, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        row = await service.delete_package_item(
            session, who, body.package_id, body.package_item_id, platform.clock.now()
        )
    return {"PackageItemId": row.id, "PackageId": row.package_id, "PackageItemStatus": "Deleted"}


# Services ---------------------------------------------------------------------------------------------------


@router.get("/v1.0/services", summary="Get Service Details")
async def get_service(
    request: Request, who: Principal = Depends(principal), service_id: str | None = Query(None, alias="ServiceId")
) -> dict:
    async with platform_of(request).db.read() as session:
        return presenters.service(await service.get_service(session, who, _need(service_id, "ServiceId")))


@router.post("/v1.0/services", summary="Create Service")
async def create_service(body: s.CreateService, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return presenters.service(await service.create_service(session, who, body, platform.clock.now()))


@router.post("/v1.0/services/update", summary="Update Service")
async def update_service(body: s.UpdateService, request: Request, who: Principal = Depends(principal)) -> dict:
    async with platform_of(request).db.write() as session:
        return presenters.service(await service.update_service(session, who, body))


@router.post("/v1.0/services/delete", summary="Delete Service")
async def delete_service(body: s.ServiceRef, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        row = await service.delete_service(session, who, body.service_id, platform.clock.now())
    return {"ServiceId": row.id, "ServiceStatus": "Deleted"}


@router.get("/v1.0/services/items", summary="Get Service Items")
async def service_items(
    request: Request, who: Principal = Depends(principal), service_id: str | None = Query(None, alias="ServiceId")
) -> dict:
    async with platform_of(request).db.read() as session:
        row = await service.get_service(session, who, _need(service_id, "ServiceId"))
        items = [i for i in await repository.service_items(session, row.id) if i.active]
        return {"ServiceId": row.id, "Items": [presenters.service_item(i) for i in items]}


@router.post("/v1.0/services/items/add", summary="Add Service Item")
async def add_service_item(body: s.ServiceItemBody, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        row = await service.add_service_item(session, who, body, platform.clock.now())
        return {"ServiceId": row.service_id, **presenters.service_item(row), "Successful": True}


@router.post("/v1.0/services/items/update", summary="Update Service Item")
async def update_service_item(body: s.ServiceItemBody, request: Request, who: Principal = Depends(principal)) -> dict:
    async with platform_of(request).db.write() as session:
        row = await service.update_service_item(session, who, body)
        item = presenters.service_item(row)
        return {"Price": item["Price"], "Monthly": item["Monthly"], "Successful": True}


@router.post("/v1.0/services/items/delete", summary="Delete Service Item")
async def delete_service_item(body: s.ServiceItemBody, request: Request, who: Principal = Depends(principal)) -> dict:
    async with platform_of(request).db.write() as session:
        await service.delete_service_items(session, who, body)
    return {"Successful": True}


# Subscriptions ----------------------------------------------------------------------------------------------


@router.get("/v1.0/subscriptions", summary="Get Subscription Details")
async def get_subscription(
    request: Request,
    who: Principal = Depends(principal),
    subscription_id: str | None = Query(None, alias="SubscriptionId"),
) -> dict:
    async with platform_of(request).db.read() as session:
        return presenters.subscription(
            await service.get_subscription(session, who, _need(subscription_id, "SubscriptionId"))
        )


@router.post("/v1.0/subscriptions", summary="Create Subscription")
async def create_subscription(
    body: s.CreateSubscription, request: Request, who: Principal = Depends(principal)
) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        row = await service.create_subscription(session, who, body, platform.clock.now(), _currency(request))
    platform.jobs.notify()
    return presenters.subscription(row)


@router.post("/v1.0/subscriptions/update", summary="Update Subscription")
async def update_subscription(
    body: s.UpdateSubscription, request: Request, who: Principal = Depends(principal)
) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return presenters.subscription(
            await service.update_subscription(session, who, body, platform.clock.now(), _currency(request))
        )


@router.post("/v1.0/subscriptions/delete", summary="Delete Subscription")
async def delete_subscription(body: s.SubscriptionRef, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        row = await service.delete_subscription(
            session, who, body.subscription_id, platform.clock.now(), _currency(request)
        )
    return {"SubscriptionId": row.id, "SubscriptionStatus": "Deleted"}


# Thresholds -------------------------------------------------------------------------------------------------


@router.get("/v1.0/subscriptions/thresholds", summary="Get Threshold")
async def get_threshold(
    request: Request, who: Principal = Depends(principal), threshold_id: str | None = Query(None, alias="ThresholdId")
) -> dict:
    async with platform_of(request).db.read() as session:
        return presenters.threshold(await service.get_threshold(session, who, _need(threshold_id, "ThresholdId")))


@router.post("/v1.0/subscriptions/thresholds/add", summary="Create Threshold")
async def create_threshold(body: s.CreateThreshold, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return presenters.threshold(await service.create_threshold(session, who, body, platform.clock.now()))


@router.post("/v1.0/subscriptions/thresholds/update", summary="Update Threshold")
async def update_threshold(body: s.UpdateThreshold, request: Request, who: Principal = Depends(principal)) -> dict:
    async with platform_of(request).db.write() as session:
        return presenters.threshold(await service.update_threshold(session, who, body))


@router.post("/v1.0/subscriptions/thresholds/delete", summary="Delete Threshold")
async def delete_threshold(body: s.ThresholdRef, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        row = await service.delete_threshold(session, who, body.threshold_id, platform.clock.now())
    return {"ThresholdId": row.id, "ThresholdStatus": "Deleted"}


@router.get("/v1.0/subscriptions/thresholds/assignments", summary="Get Threshold Assignments")
async def threshold_assignments(
    request: Request, who: Principal = Depends(principal), threshold_id: str | None = Query(None, alias="ThresholdId")
) -> list:
    async with platform_of(request).db.read() as session:
        threshold = await service.get_threshold(session, who, _need(threshold_id, "ThresholdId"))
        return [
            presenters.threshold_assignment(a) for a in await repository.threshold_assignments(session, threshold.id)
        ]


@router.post("/v1.0/subscriptions/thresholds/assignments/add", summary="Create Threshold Assignment")
async def assign_threshold(
    body: s.CreateThresholdAssignment, request: Request, who: Principal = Depends(principal)
) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return presenters.threshold_assignment(await service.assign_threshold(session, who, body, platform.clock.now()))


@router.post("/v1.0/subscriptions/thresholds/assignments/update", summary="Update Threshold Assignment")
async def update_threshold_assignment(
    body: s.UpdateThresholdAssignment, request: Request, who: Principal = Depends(principal)
) -> dict:
    async with platform_of(request).db.write() as session:
        return presenters.threshold_assignment(await service.update_threshold_assignment(session, who, body))


@router.post("/v1.0/subscriptions/thresholds/assignments/delete", summary="Delete Threshold Assignment")
async def delete_threshold_assignment(
    body: s.ThresholdAssignmentRef, request: Request, who: Principal = Depends(principal)
) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        row = await service.delete_threshold_assignment(
            session, who, body.threshold_assignment_id, platform.clock.now()
        )
    return {"ThresholdAssignmentId": row.id, "ThresholdAssignmentStatus": "Deleted"}


# Features ---------------------------------------------------------------------------------------------------


@router.get("/v1.0/subscriptions/features", summary="Get Feature")
async def get_feature(
    request: Request, who: Principal = Depends(principal), feature_id: str | None = Query(None, alias="FeatureId")
) -> dict:
    async with platform_of(request).db.read() as session:
        return presenters.feature(await service.get_feature(session, who, _need(feature_id, "FeatureId")))


@router.post("/v1.0/subscriptions/features/add", summary="Create Feature")
async def create_feature(body: s.CreateFeature, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return presenters.feature(await service.create_feature(session, who, body, platform.clock.now()))


@router.post("/v1.0/subscriptions/features/update", summary="Update Feature")
async def update_feature(body: s.UpdateFeature, request: Request, who: Principal = Depends(principal)) -> dict:
    async with platform_of(request).db.write() as session:
        return presenters.feature(await service.update_feature(session, who, body))


@router.post("/v1.0/subscriptions/features/delete", summary="Delete Feature")
async def delete_feature(body: s.FeatureRef, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        row = await service.delete_feature(session, who, body.feature_id, platform.clock.now())
    return {"FeatureId": row.id, "FeatureStatus": "Deleted"}


@router.get("/v1.0/subscriptions/features/assignments", summary="Get Feature Assignments")
async def feature_assignments(
    request: Request, who: Principal = Depends(principal), feature_id: str | None = Query(None, alias="FeatureId")
) -> list:
    async with platform_of(request).db.read() as session:
        feature = await service.get_feature(session, who, _need(feature_id, "FeatureId"))
        return [presenters.feature_assignment(a) for a in await repository.feature_assignments(session, feature.id)]


@router.post("/v1.0/subscriptions/features/assignments/add", summary="Create Feature Assignment")
async def assign_feature(
    body: s.CreateFeatureAssignment, request: Request, who: Principal = Depends(principal)
) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return presenters.feature_assignment(await service.assign_feature(session, who, body, platform.clock.now()))


@router.post("/v1.0/subscriptions/features/assignments/update", summary="Update Feature Assignment")
async def update_feature_assignment(
    body: s.UpdateFeatureAssignment, request: Request, who: Principal = Depends(principal)
) -> dict:
    async with platform_of(request).db.write() as session:
        return presenters.feature_assignment(await service.update_feature_assignment(session, who, body))


@router.post("/v1.0/subscriptions/features/assignments/delete", summary="Delete Feature Assignment")
async def delete_feature_assignment(
    body: s.FeatureAssignmentRef, request: Request, who: Principal = Depends(principal)
) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        row = await service.delete_feature_assignment(session, who, body.feature_assignment_id, platform.clock.now())
    return {"FeatureAssignmentId": row.id, "FeatureAssignmentStatus": "Deleted"}
