"""Thresholds and features (the contract's x-internal subscription add-ons): an account's own definitions, each
assigned to subscriptions of the same account. Deleting one ends its assignments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.catalog import repository
from mpaas.catalog.schemas import (
    CreateFeature,
    CreateFeatureAssignment,
    CreateThreshold,
    CreateThresholdAssignment,
    UpdateFeature,
    UpdateFeatureAssignment,
    UpdateThreshold,
    UpdateThresholdAssignment,
)
from mpaas.catalog.service import get_subscription, set_fields
from mpaas.core import ids
from mpaas.core.errors import bad_request, missing
from mpaas.models import Feature, FeatureAssignment, Subscription, Threshold, ThresholdAssignment

THRESHOLD, THRESHOLD_ASSIGNMENT, FEATURE, FEATURE_ASSIGNMENT = "THID", "TAID", "FEID", "FAID"
UNITS_BY_TYPE = {"Data": ("MB", "GB"), "SMS": ("Count",), "Voice": ("Count",)}

# Thresholds -------------------------------------------------------------------------------------------------


def _check_unit(threshold_type: str, unit: str) -> None:
    allowed = UNITS_BY_TYPE[threshold_type]
    if unit not in allowed:
        raise bad_request(f"The ThresholdUnit field must be {' or '.join(allowed)} for a {threshold_type} threshold.")


async def get_threshold(session: AsyncSession, who: Principal, threshold_id: str) -> Threshold:
    row = await repository.threshold(session, threshold_id, who.account_ids)
    if row is None:
        raise missing("threshold", threshold_id)
    return row


async def create_threshold(session: AsyncSession, who: Principal, body: CreateThreshold, now: datetime) -> Threshold:
    _check_unit(body.threshold_type, body.threshold_unit)
    row = Threshold(
        id=ids.new_id(THRESHOLD),
        account_id=who.resolve_account(body.account_id),
        name=body.threshold_name,
        threshold_type=body.threshold_type,
        amount=body.threshold_amount,
        unit=body.threshold_unit,
        action=body.threshold_action,
        active=True,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def update_threshold(session: AsyncSession, who: Principal, body: UpdateThreshold) -> Threshold:
    row = await get_threshold(session, who, body.threshold_id)
    set_fields(
        row,
        body,
        {
            "threshold_name": "name",
            "threshold_type": "threshold_type",
            "threshold_amount": "amount",
            "threshold_unit": "unit",
            "threshold_action": "action",
        },
        required=("threshold_name", "threshold_type", "threshold_amount", "threshold_unit", "threshold_action"),
    )
    _check_unit(row.threshold_type, row.unit)
    await session.flush()
    return row


async def delete_threshold(session: AsyncSession, who: Principal, threshold_id: str, now: datetime) -> Threshold:
    row = await get_threshold(session, who, threshold_id)
    row.deleted_at, row.active = now, False
    await repository.end_assignments(session, ThresholdAssignment, ThresholdAssignment.threshold_id, row.id, now)
    await session.flush()
    return row


async def get_threshold_assignment(session: AsyncSession, who: Principal, assignment_id: str) -> ThresholdAssignment:
    row = await repository.threshold_assignment(session, assignment_id, who.account_ids)
    if row is None:
        raise missing("threshold assignment", assignment_id)
    return row


async def threshold_assignments(session: AsyncSession, who: Principal, threshold_id: str) -> list[ThresholdAssignment]:
    threshold = await get_threshold(session, who, threshold_id)
    return await repository.threshold_assignments(session, threshold.id)


def _same_account(threshold_account: str, subscription: Subscription, kind: str) -> None:
    if threshold_account != subscription.account_id:
        raise bad_request(f"The {kind} and the subscription belong to different accounts.")


async def assign_threshold(
    session: AsyncSession, who: Principal, body: CreateThresholdAssignment, now: datetime
) -> ThresholdAssignment:
    threshold = await get_threshold(session, who, body.threshold_id)
    subscription = await get_subscription(session, who, body.subscription_id)
    _same_account(threshold.account_id, subscription, "threshold")
    row = ThresholdAssignment(
        id=ids.new_id(THRESHOLD_ASSIGNMENT),
        threshold_id=threshold.id,
        subscription_id=subscription.id,
        active=True,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def update_threshold_assignment(
    session: AsyncSession, who: Principal, body: UpdateThresholdAssignment
) -> ThresholdAssignment:
    row = await get_threshold_assignment(session, who, body.threshold_assignment_id)
    threshold = await get_threshold(session, who, body.threshold_id or row.threshold_id)
    subscription = await get_subscription(session, who, body.subscription_id or row.subscription_id)
    _same_account(threshold.account_id, subscription, "threshold")
    row.threshold_id, row.subscription_id = threshold.id, subscription.id
    await session.flush()
    return row


async def delete_threshold_assignment(
    session: AsyncSession, who: Principal, assignment_id: str, now: datetime
) -> ThresholdAssignment:
    row = await get_threshold_assignment(session, who, assignment_id)
    row.deleted_at, row.active = now, False
    await session.flush()
    return row


# Features ---------------------------------------------------------------------------------------------------


async def get_feature(session: AsyncSession, who: Principal, feature_id: str) -> Feature:
    row = await repository.feature(session, feature_id, who.account_ids)
    if row is None:
        raise missing("feature", feature_id)
    return row


async def create_feature(session: AsyncSession, who: Principal, body: CreateFeature, now: datetime) -> Feature:
    row = Feature(
        id=ids.new_id(FEATURE),
        account_id=who.resolve_account(body.account_id),
        name=body.feature_name,
        feature_type=body.feature_type,
        description=body.feature_description,
        active=True,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def update_feature(session: AsyncSession, who: Principal, body: UpdateFeature) -> Feature:
    row = await get_feature(session, who, body.feature_id)
    set_fields(
        row,
        body,
        {"feature_name": "name", "feature_type": "feature_type", "feature_description": "description"},
        required=("feature_name",),
    )
    await session.flush()
    return row


async def delete_feature(session: AsyncSession, who: Principal, feature_id: str, now: datetime) -> Feature:
    row = await get_feature(session, who, feature_id)
    row.deleted_at, row.active = now, False
    await repository.end_assignments(session, FeatureAssignment, FeatureAssignment.feature_id, row.id, now)
    await session.flush()
    return row


async def get_feature_assignment(session: AsyncSession, who: Principal, assignment_id: str) -> FeatureAssignment:
    row = await repository.feature_assignment(session, assignment_id, who.account_ids)
    if row is None:
        raise missing("feature assignment", assignment_id)
    return row


async def feature_assignments(session: AsyncSession, who: Principal, feature_id: str) -> list[FeatureAssignment]:
    feature = await get_feature(session, who, feature_id)
    return await repository.feature_assignments(session, feature.id)


async def assign_feature(
    session: AsyncSession, who: Principal, body: CreateFeatureAssignment, now: datetime
) -> FeatureAssignment:
    feature = await get_feature(session, who, body.feature_id)
    subscription = await get_subscription(session, who, body.subscription_id)
    _same_account(feature.account_id, subscription, "feature")
    row = FeatureAssignment(
        id=ids.new_id(FEATURE_ASSIGNMENT),
        feature_id=feature.id,
        subscription_id=subscription.id,
        active=True,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def update_feature_assignment(
    session: AsyncSession, who: Principal, body: UpdateFeatureAssignment
) -> FeatureAssignment:
    row = await get_feature_assignment(session, who, body.feature_assignment_id)
    feature = await get_feature(session, who, body.feature_id or row.feature_id)
    subscription = await get_subscription(session, who, body.subscription_id or row.subscription_id)
    _same_account(feature.account_id, subscription, "feature")
    row.feature_id, row.subscription_id = feature.id, subscription.id
    await session.flush()
    return row


async def delete_feature_assignment(
    session: AsyncSession, who: Principal, assignment_id: str, now: datetime
) -> FeatureAssignment:
    row = await get_feature_assignment(session, who, assignment_id)
    row.deleted_at, row.active = now, False
    await session.flush()
    return row


# Reads without an id (as catalog/service.py's): every record the caller may read, oldest first.


async def list_thresholds(session: AsyncSession, who: Principal) -> list[Threshold]:
    return await repository.thresholds(session, who.account_ids)


async def list_features(session: AsyncSession, who: Principal) -> list[Feature]:
    return await repository.features(session, who.account_ids)


async def all_threshold_assignments(session: AsyncSession, who: Principal) -> list[ThresholdAssignment]:
    rows = [await repository.threshold_assignments(session, t.id) for t in await list_thresholds(session, who)]
    return [a for row in rows for a in row]


async def all_feature_assignments(session: AsyncSession, who: Principal) -> list[FeatureAssignment]:
    rows = [await repository.feature_assignments(session, f.id) for f in await list_features(session, who)]
    return [a for row in rows for a in row]
