"""SQL for the catalog and subscriptions. Every lookup takes the caller's scope: catalog rows by distributor,
subscriptions/thresholds/features by account. Soft-deleted rows are invisible."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.models import (
    Feature,
    FeatureAssignment,
    Package,
    PackageItem,
    PhoneNumber,
    Product,
    Service,
    ServiceItem,
    Subscriber,
    Subscription,
    Threshold,
    ThresholdAssignment,
)


def _status(stmt, model, filter_: str):
    if filter_ == "Active":
        return stmt.where(model.active.is_(True))
    if filter_ == "Inactive":
        return stmt.where(model.active.is_(False))
    return stmt


async def _one(session: AsyncSession, stmt):
    return (await session.execute(stmt)).scalar_one_or_none()


# Catalog (distributor scope) --------------------------------------------------------------------------------


async def product(session: AsyncSession, product_id: str, distributor_id: str) -> Product | None:
    return await _one(
        session,
        select(Product).where(
            func.lower(Product.id) == product_id.lower(),
            Product.distributor_id == distributor_id,
            Product.deleted_at.is_(None),
        ),
    )


async def products(session: AsyncSession, distributor_id: str, filter_: str = "All") -> list[Product]:
    stmt = select(Product).where(Product.distributor_id == distributor_id, Product.deleted_at.is_(None))
    return list(
        (await session.execute(_status(stmt, Product, filter_).order_by(Product.created_at, Product.id)))
        .scalars()
        .all()
    )


async def packages_using_product(session: AsyncSession, product_id: str) -> list[str]:
    result = await session.execute(
        select(PackageItem.package_id)
        .join(Package, Package.id == PackageItem.package_id)
        .where(PackageItem.product_id == product_id, PackageItem.deleted_at.is_(None), Package.deleted_at.is_(None))
        .distinct()
        .order_by(PackageItem.package_id)
    )
    return list(result.scalars().all())


async def package(session: AsyncSession, package_id: str, distributor_id: str) -> Package | None:
    return await _one(
        session,
        select(Package).where(
            func.lower(Package.id) == package_id.lower(),
            Package.distributor_id == distributor_id,
            Package.deleted_at.is_(None),
        ),
    )


async def package_by_id(session: AsyncSession, package_id: str) -> Package | None:
    return await session.get(Package, package_id)


async def packages(session: AsyncSession, distributor_id: str, filter_: str = "All") -> list[Package]:
    stmt = select(Package).where(Package.distributor_id == distributor_id, Package.deleted_at.is_(None))
    return list(
        (await session.execute(_status(stmt, Package, filter_).order_by(Package.created_at, Package.id)))
        .scalars()
        .all()
    )


async def package_items(session: AsyncSession, package_id: str) -> list[PackageItem]:
    result = await session.execute(
        select(PackageItem)
        .where(PackageItem.package_id == package_id, PackageItem.deleted_at.is_(None))
        .order_by(PackageItem.created_at, PackageItem.id)
    )
    return list(result.scalars().all())


async def package_item(session: AsyncSession, package_id: str, item_id: str) -> PackageItem | None:
    return await _one(
        session,
        select(PackageItem).where(
            PackageItem.package_id == package_id,
            func.lower(PackageItem.id) == item_id.lower(),
            PackageItem.deleted_at.is_(None),
        ),
    )


async def active_subscription_count(session: AsyncSession, package_id: str) -> int:
    result = await session.execute(
        select(func.count())
        .select_from(Subscription)
        .where(Subscription.package_id == package_id, Subscription.deleted_at.is_(None), Subscription.active.is_(True))
    )
    return result.scalar_one()


async def service(session: AsyncSession, service_id: str, distributor_id: str) -> Service | None:
    return await _one(
        session,
        select(Service).where(
            func.lower(Service.id) == service_id.lower(),
            Service.distributor_id == distributor_id,
            Service.deleted_at.is_(None),
        ),
    )


async def services(session: AsyncSession, distributor_id: str, filter_: str = "All") -> list[Service]:
    stmt = select(Service).where(Service.distributor_id == distributor_id, Service.deleted_at.is_(None))
    return list(
        (await session.execute(_status(stmt, Service, filter_).order_by(Service.created_at, Service.id)))
        .scalars()
        .all()
    )


async def service_items(
    session: AsyncSession, service_id: str, *, distributor_ref: str | None = None, aggregator_ref: str | None = None
) -> list[ServiceItem]:
    stmt = select(ServiceItem).where(ServiceItem.service_id == service_id)
    if distributor_ref:
        stmt = stmt.where(func.lower(ServiceItem.distributor_ref) == distributor_ref.lower())
    if aggregator_ref:
        stmt = stmt.where(func.lower(ServiceItem.aggregator_ref) == aggregator_ref.lower())
    result = await session.execute(stmt.order_by(ServiceItem.created_at, ServiceItem.id))
    return list(result.scalars().all())


# Subscriptions, thresholds, features (account scope) -------------------------------------------------------


async def subscriber(session: AsyncSession, subscriber_id: str, account_ids: Sequence[str]) -> Subscriber | None:
    return await _one(
        session,
        select(Subscriber).where(
            func.lower(Subscriber.id) == subscriber_id.lower(), Subscriber.account_id.in_(account_ids)
        ),
    )


async def phone_number(session: AsyncSession, ref: str, account_id: str) -> PhoneNumber | None:
    """By id (NID-/TNID-) or by E.164 number, within one account."""
    column = PhoneNumber.number if ref.startswith("+") else func.lower(PhoneNumber.id)
    value = ref if ref.startswith("+") else ref.lower()
    return await _one(session, select(PhoneNumber).where(column == value, PhoneNumber.account_id == account_id))


async def live_subscription_for_number(session: AsyncSession, phone_number_id: str) -> Subscription | None:
    return await _one(
        session,
        select(Subscription)
        .where(Subscription.phone_number_id == phone_number_id, Subscription.deleted_at.is_(None))
        .limit(1),
    )


async def subscription(session: AsyncSession, subscription_id: str, account_ids: Sequence[str]) -> Subscription | None:
    return await _one(
        session,
        select(Subscription).where(
            func.lower(Subscription.id) == subscription_id.lower(),
            Subscription.account_id.in_(account_ids),
            Subscription.deleted_at.is_(None),
        ),
    )


async def subscriptions(
    session: AsyncSession,
    account_ids: Sequence[str],
    filter_: str = "All",
    *,
    package_id: str | None = None,
    include_deleted: bool = False,
) -> list[Subscription]:
    stmt = select(Subscription).where(Subscription.account_id.in_(account_ids))
    if not include_deleted:
        stmt = stmt.where(Subscription.deleted_at.is_(None))
    if package_id:
        stmt = stmt.where(Subscription.package_id == package_id)
    result = await session.execute(
        _status(stmt, Subscription, filter_).order_by(Subscription.created_at, Subscription.id)
    )
    return list(result.scalars().all())


async def subscriptions_of_subscribers(session: AsyncSession, subscriber_ids: Sequence[str]) -> list[Subscription]:
    if not subscriber_ids:
        return []
    result = await session.execute(
        select(Subscription)
        .where(Subscription.subscriber_id.in_(subscriber_ids), Subscription.deleted_at.is_(None))
        .order_by(Subscription.created_at, Subscription.id)
    )
    return list(result.scalars().all())


async def threshold(session: AsyncSession, threshold_id: str, account_ids: Sequence[str]) -> Threshold | None:
    return await _one(
        session,
        select(Threshold).where(
            func.lower(Threshold.id) == threshold_id.lower(),
            Threshold.account_id.in_(account_ids),
            Threshold.deleted_at.is_(None),
        ),
    )


async def threshold_assignment(
    session: AsyncSession, assignment_id: str, account_ids: Sequence[str]
) -> ThresholdAssignment | None:
    return await _one(
        session,
        select(ThresholdAssignment)
        .join(Threshold, Threshold.id == ThresholdAssignment.threshold_id)
        .where(
            func.lower(ThresholdAssignment.id) == assignment_id.lower(),
            Threshold.account_id.in_(account_ids),
            ThresholdAssignment.deleted_at.is_(None),
        ),
    )


async def thresholds(session: AsyncSession, account_ids: Sequence[str]) -> list[Threshold]:
    result = await session.execute(
        select(Threshold)
        .where(Threshold.account_id.in_(account_ids), Threshold.deleted_at.is_(None))
        .order_by(Threshold.created_at, Threshold.id)
    )
    return list(result.scalars().all())


async def features(session: AsyncSession, account_ids: Sequence[str]) -> list[Feature]:
    result = await session.execute(
        select(Feature)
        .where(Feature.account_id.in_(account_ids), Feature.deleted_at.is_(None))
        .order_by(Feature.created_at, Feature.id)
    )
    return list(result.scalars().all())


async def threshold_assignments(session: AsyncSession, threshold_id: str) -> list[ThresholdAssignment]:
    result = await session.execute(
        select(ThresholdAssignment)
        .where(ThresholdAssignment.threshold_id == threshold_id, ThresholdAssignment.deleted_at.is_(None))
        .order_by(ThresholdAssignment.created_at, ThresholdAssignment.id)
    )
    return list(result.scalars().all())


async def feature(session: AsyncSession, feature_id: str, account_ids: Sequence[str]) -> Feature | None:
    return await _one(
        session,
        select(Feature).where(
            func.lower(Feature.id) == feature_id.lower(),
            Feature.account_id.in_(account_ids),
            Feature.deleted_at.is_(None),
        ),
    )


async def feature_assignment(
    session: AsyncSession, assignment_id: str, account_ids: Sequence[str]
) -> FeatureAssignment | None:
    return await _one(
        session,
        select(FeatureAssignment)
        .join(Feature, Feature.id == FeatureAssignment.feature_id)
        .where(
            func.lower(FeatureAssignment.id) == assignment_id.lower(),
            Feature.account_id.in_(account_ids),
            FeatureAssignment.deleted_at.is_(None),
        ),
    )


async def feature_assignments(session: AsyncSession, feature_id: str) -> list[FeatureAssignment]:
    result = await session.execute(
        select(FeatureAssignment)
        .where(FeatureAssignment.feature_id == feature_id, FeatureAssignment.deleted_at.is_(None))
        .order_by(FeatureAssignment.created_at, FeatureAssignment.id)
    )
    return list(result.scalars().all())


async def end_assignments(session: AsyncSession, model, column, value: str, now) -> None:
    await session.execute(
        update(model).where(column == value, model.deleted_at.is_(None)).values(deleted_at=now, active=False)
    )
