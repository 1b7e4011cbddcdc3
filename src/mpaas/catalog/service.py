"""Catalog rules: products, packages and services belong to the caller's distributor; subscriptions to one of
its accounts. Deleting something still in use is refused. Thresholds and features, which are assigned to
subscriptions, are in catalog/addons.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.billing import service as billing
from mpaas.catalog import repository
from mpaas.catalog.schemas import (
    AddPackageItem,
    CreatePackage,
    CreateProduct,
    CreateService,
    CreateSubscription,
    NewPackageItem,
    ServiceItemBody,
    UpdatePackage,
    UpdatePackageItem,
    UpdateProduct,
    UpdateService,
    UpdateSubscription,
)
from mpaas.core import ids
from mpaas.core.errors import bad_request, missing
from mpaas.models import (
    FeatureAssignment,
    Package,
    PackageItem,
    Product,
    Service,
    ServiceItem,
    Subscription,
    ThresholdAssignment,
)

PRODUCT, PACKAGE, PACKAGE_ITEM, SERVICE, SERVICE_ITEM = "PRID", "PID", "PIID", "SID", "SIID"
SUBSCRIPTION = "SUB"


def set_fields(row, body, pairs: dict[str, str], *, required: tuple[str, ...] = ()) -> None:
    """Partial update: copy the fields the client sent; a required text field cannot be blanked."""
    for field, attr in pairs.items():
        if field not in body.model_fields_set:
            continue
        value = getattr(body, field)
        if value is None:
            if field in required:
                alias = type(body).model_fields[field].alias
                raise bad_request(f"The {alias} field cannot be cleared.")
            if attr in ("active", "monthly", "cost", "price"):
                continue
        setattr(row, attr, value)


# Products ---------------------------------------------------------------------------------------------------


async def get_product(session: AsyncSession, who: Principal, product_id: str) -> Product:
    row = await repository.product(session, product_id, who.distributor_id)
    if row is None:
        raise missing("product", product_id)
    return row


async def create_product(session: AsyncSession, who: Principal, body: CreateProduct, now: datetime) -> Product:
    row = Product(
        id=ids.new_id(PRODUCT),
        distributor_id=who.distributor_id,
        sku=body.sku,
        description=body.description,
        type=body.type,
        sub_type=body.sub_type,
        cost=body.cost,
        billing_frequency=body.billing_frequency,
        active=True,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def update_product(session: AsyncSession, who: Principal, body: UpdateProduct) -> Product:
    row = await get_product(session, who, body.product_id)
    set_fields(
        row,
        body,
        {
            "sku": "sku",
            "description": "description",
            "type": "type",
            "sub_type": "sub_type",
            "cost": "cost",
            "billing_frequency": "billing_frequency",
            "active": "active",
        },
        required=("sku", "description", "type", "billing_frequency"),
    )
    await session.flush()
    return row


async def delete_product(session: AsyncSession, who: Principal, product_id: str, now: datetime) -> Product:
    row = await get_product(session, who, product_id)
    used_by = await repository.packages_using_product(session, row.id)
    if used_by:
        raise bad_request(
            f"Product {row.id} is in use by package(s) {', '.join(used_by)}; remove it from those "
            "packages first (POST /v1.0/packages/items/delete)."
        )
    row.deleted_at, row.active = now, False
    await session.flush()
    return row


# Packages ---------------------------------------------------------------------------------------------------


async def get_package(session: AsyncSession, who: Principal, package_id: str) -> Package:
    row = await repository.package(session, package_id, who.distributor_id)
    if row is None:
        raise missing("package", package_id)
    return row


async def _new_item(
    session: AsyncSession,
    who: Principal,
    package: Package,
    item: NewPackageItem,
    now: datetime,
    index: int | None = None,
) -> PackageItem:
    product = await repository.product(session, item.product_id, who.distributor_id)
    if product is None:
        where = f"PackageItems[{index}].ProductId" if index is not None else "ProductId"
        raise bad_request(
            f"The {where} field names a product that does not exist or belongs to another "
            f"distributor ({item.product_id})."
        )
    row = PackageItem(
        id=ids.new_id(PACKAGE_ITEM),
        package_id=package.id,
        product_id=product.id,
        type=item.type,
        price=item.price if item.price is not None else product.cost,
        monthly=item.monthly if item.monthly is not None else product.billing_frequency == "MRC",
        active=True,
        created_at=now,
    )
    session.add(row)
    return row


async def create_package(session: AsyncSession, who: Principal, body: CreatePackage, now: datetime) -> Package:
    row = Package(
        id=ids.new_id(PACKAGE),
        distributor_id=who.distributor_id,
        name=body.package_name,
        description=body.description,
        subscriber_ref=body.subscriber_id,
        type=body.type,
        price=body.price,
        monthly=body.monthly,
        active=True,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    for i, item in enumerate(body.package_items):
        await _new_item(session, who, row, item, now, i)
    await session.flush()
    return row


async def update_package(session: AsyncSession, who: Principal, body: UpdatePackage) -> Package:
    row = await get_package(session, who, body.package_id)
    set_fields(
        row,
        body,
        {
            "package_name": "name",
            "description": "description",
            "subscriber_id": "subscriber_ref",
            "type": "type",
            "price": "price",
            "monthly": "monthly",
            "active": "active",
        },
        required=("package_name", "type"),
    )
    await session.flush()
    return row


async def delete_package(session: AsyncSession, who: Principal, package_id: str, now: datetime) -> Package:
    row = await get_package(session, who, package_id)
    in_use = await repository.active_subscription_count(session, row.id)
    if in_use:
        raise bad_request(
            f"Package {row.id} has {in_use} active subscription(s); delete those subscriptions first "
            "(POST /v1.0/subscriptions/delete)."
        )
    row.deleted_at, row.active = now, False
    await session.flush()
    return row


async def package_subscriptions(
    session: AsyncSession, who: Principal, package_id: str
) -> tuple[Package, list[Subscription]]:
    """The package and every subscription of the caller's accounts on it, deleted ones included."""
    package = await get_package(session, who, package_id)
    return package, await repository.subscriptions(
        session, who.account_ids, package_id=package.id, include_deleted=True
    )


async def package_items(session: AsyncSession, who: Principal, package_id: str) -> list[PackageItem]:
    package = await get_package(session, who, package_id)
    return await repository.package_items(session, package.id)


async def add_package_item(session: AsyncSession, who: Principal, body: AddPackageItem, now: datetime) -> PackageItem:
    package = await get_package(session, who, body.package_id)
    row = await _new_item(session, who, package, body, now)
    await session.flush()
    return row


async def get_package_item(session: AsyncSession, who: Principal, package_id: str, item_id: str) -> PackageItem:
    package = await get_package(session, who, package_id)
    row = await repository.package_item(session, package.id, item_id)
    if row is None:
        raise missing("package item", item_id)
    return row


async def update_package_item(session: AsyncSession, who: Principal, body: UpdatePackageItem) -> PackageItem:
    row = await get_package_item(session, who, body.package_id, body.package_item_id)
    set_fields(row, body, {"price": "price", "monthly": "monthly", "type": "type"})
    await session.flush()
    return row


async def delete_package_item(
    session: AsyncSession, who: Principal, package_id: str, item_id: str, now: datetime
) -> PackageItem:
    row = await get_package_item(session, who, package_id, item_id)
    row.deleted_at, row.active = now, False
    await session.flush()
    return row


# Services ---------------------------------------------------------------------------------------------------


async def get_service(session: AsyncSession, who: Principal, service_id: str) -> Service:
    row = await repository.service(session, service_id, who.distributor_id)
    if row is None:
        raise missing("service", service_id)
    return row


async def active_service_items(
    session: AsyncSession, who: Principal, service_id: str
) -> tuple[Service, list[ServiceItem]]:
    row = await get_service(session, who, service_id)
    return row, [i for i in await repository.service_items(session, row.id) if i.active]


async def create_service(session: AsyncSession, who: Principal, body: CreateService, now: datetime) -> Service:
    row = Service(
        id=ids.new_id(SERVICE),
        distributor_id=who.distributor_id,
        name=body.service_name,
        cost=body.cost,
        monthly=body.monthly,
        active=True,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def update_service(session: AsyncSession, who: Principal, body: UpdateService) -> Service:
    row = await get_service(session, who, body.service_id)
    set_fields(
        row,
        body,
        {"service_name": "name", "cost": "cost", "monthly": "monthly", "active": "active"},
        required=("service_name",),
    )
    await session.flush()
    return row


async def delete_service(session: AsyncSession, who: Principal, service_id: str, now: datetime) -> Service:
    row = await get_service(session, who, service_id)
    items = [i for i in await repository.service_items(session, row.id) if i.active]
    if items:
        raise bad_request(
            f"Service {row.id} still has {len(items)} active pricing item(s); delete them first "
            "(POST /v1.0/services/items/delete)."
        )
    row.deleted_at, row.active = now, False
    await session.flush()
    return row


async def add_service_item(session: AsyncSession, who: Principal, body: ServiceItemBody, now: datetime) -> ServiceItem:
    service = await get_service(session, who, body.service_id)
    if body.price is None:
        raise bad_request("The Price field is required.")
    row = ServiceItem(
        id=ids.new_id(SERVICE_ITEM),
        service_id=service.id,
        aggregator_ref=body.aggregator_id,
        distributor_ref=body.distributor_id,
        price=body.price,
        monthly=True if body.monthly is None else body.monthly,
        active=True,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def _matching_items(session: AsyncSession, who: Principal, body: ServiceItemBody) -> list[ServiceItem]:
    service = await get_service(session, who, body.service_id)
    items = [
        i
        for i in await repository.service_items(
            session, service.id, distributor_ref=body.distributor_id, aggregator_ref=body.aggregator_id
        )
        if i.active
    ]
    if not items:
        raise missing("service item of service", service.id)
    return items


async def update_service_item(session: AsyncSession, who: Principal, body: ServiceItemBody) -> ServiceItem:
    """Items have no id on the wire: the most recent active item matching the given scope is updated."""
    row = (await _matching_items(session, who, body))[-1]
    set_fields(row, body, {"price": "price", "monthly": "monthly"})
    await session.flush()
    return row


async def delete_service_items(session: AsyncSession, who: Principal, body: ServiceItemBody) -> int:
    """Every active item matching the given scope (all of the service's when no scope is given)."""
    items = await _matching_items(session, who, body)
    for item in items:
        item.active = False
    await session.flush()
    return len(items)


# Subscriptions ----------------------------------------------------------------------------------------------


async def get_subscription(session: AsyncSession, who: Principal, subscription_id: str) -> Subscription:
    row = await repository.subscription(session, subscription_id, who.account_ids)
    if row is None:
        raise missing("subscription", subscription_id)
    return row


async def _usable_package(session: AsyncSession, who: Principal, package_id: str) -> Package:
    package = await repository.package(session, package_id, who.distributor_id)
    if package is None:
        raise bad_request(
            f"The PackageId field names a package that does not exist or belongs to another distributor ({package_id})."
        )
    if not package.active:
        raise bad_request(f"Package {package.id} is inactive; new subscriptions cannot use it.")
    return package


async def _number_for(session: AsyncSession, ref: str, account_id: str, subscription_id: str | None) -> str:
    number = await repository.phone_number(session, ref, account_id)
    if number is None:
        raise bad_request(f"The TNID field names a phone number that is not in the subscriber's account ({ref}).")
    taken = await repository.live_subscription_for_number(session, number.id)
    if taken is not None and taken.id != subscription_id:
        raise bad_request(
            f"Phone number {number.number} already has subscription {taken.id}; one subscription per number."
        )
    return number.id


async def create_subscription(
    session: AsyncSession, who: Principal, body: CreateSubscription, now: datetime, currency: str
) -> Subscription:
    subscriber = await repository.subscriber(session, body.subscriber_id, who.account_ids)
    if subscriber is None:
        raise missing("subscriber", body.subscriber_id)
    package = await _usable_package(session, who, body.package_id)
    row = Subscription(
        id=ids.new_id(SUBSCRIPTION),
        account_id=subscriber.account_id,
        subscriber_id=subscriber.id,
        package_id=package.id,
        type=body.type,
        iccid=body.iccid,
        active=True,
        created_at=now,
        updated_at=now,
    )
    if body.tnid:
        row.phone_number_id = await _number_for(session, body.tnid, subscriber.account_id, None)
    session.add(row)
    await session.flush()
    await billing.subscription_started(session, row, now, currency)
    return row


async def update_subscription(
    session: AsyncSession, who: Principal, body: UpdateSubscription, now: datetime, currency: str
) -> Subscription:
    row = await get_subscription(session, who, body.subscription_id)
    sent = body.model_fields_set
    if "subscriber_id" in sent and body.subscriber_id:
        subscriber = await repository.subscriber(session, body.subscriber_id, [row.account_id])
        if subscriber is None:
            raise bad_request(
                "The SubscriberId field must name a subscriber of the subscription's account "
                "(use POST /v1.0/subscribers/transfer to move between accounts)."
            )
        row.subscriber_id = subscriber.id
    if "tnid" in sent:
        row.phone_number_id = (await _number_for(session, body.tnid, row.account_id, row.id)) if body.tnid else None
    if "iccid" in sent:
        row.iccid = body.iccid
    if "type" in sent and body.type:
        row.type = body.type
    old_package = row.package_id
    if "package_id" in sent and body.package_id:
        package = await _usable_package(session, who, body.package_id)
        row.package_id = package.id
    row.updated_at = now
    await session.flush()
    if row.package_id != old_package:
        await billing.package_changed(session, row, old_package, now, currency)
    return row


async def delete_subscription(
    session: AsyncSession, who: Principal, subscription_id: str, now: datetime, currency: str
) -> Subscription:
    row = await get_subscription(session, who, subscription_id)
    await billing.subscription_ended(session, row, now, currency)
    row.deleted_at, row.active, row.updated_at = now, False, now
    await repository.end_assignments(session, ThresholdAssignment, ThresholdAssignment.subscription_id, row.id, now)
    await repository.end_assignments(session, FeatureAssignment, FeatureAssignment.subscription_id, row.id, now)
    await session.flush()
    return row


# Reads without an id (issue 17: the contract marks the id optional on every GET): every record the caller may
# read, oldest first; the endpoints answer them as a JSON array of the single-record shape.


async def list_products(session: AsyncSession, who: Principal) -> list[Product]:
    return await repository.products(session, who.distributor_id)


async def list_packages(session: AsyncSession, who: Principal) -> list[Package]:
    return await repository.packages(session, who.distributor_id)


async def list_services(session: AsyncSession, who: Principal) -> list[Service]:
    return await repository.services(session, who.distributor_id)


async def list_subscriptions(session: AsyncSession, who: Principal) -> list[Subscription]:
    return await repository.subscriptions(session, who.account_ids)


async def all_package_items(session: AsyncSession, who: Principal) -> list[PackageItem]:
    return [i for p in await list_packages(session, who) for i in await repository.package_items(session, p.id)]
