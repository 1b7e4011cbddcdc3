"""SQL of the routing decision: one indexed read per call in the usual case (docs/voice.md, "Routing decision").

The statements are built once: a decision runs per INVITE and its budget is 5 ms at p99 on SQLite.
"""

from __future__ import annotations

from collections import namedtuple
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from mpaas.core.db import keyreads
from mpaas.core.db.database import Database
from mpaas.models import (
    CallFilter,
    GuardianFeatures,
    InventoryNumber,
    PhoneNumber,
    Subscription,
    ThresholdEvent,
    VoiceRoute,
    Workgroup,
)

# A number of the platform's inventory and what decides its route: the inventory status (a number no account
# holds has no PhoneNumber), the account's number's own columns, read fresh on every call (never cached), and its
# voice route's type, switch and version (updated_at), all through primary and unique keys.
_NUMBER_INPUTS = (
    select(
        InventoryNumber.status.label("inventory_status"),
        PhoneNumber.id,
        PhoneNumber.account_id,
        PhoneNumber.status,
        PhoneNumber.voice_enabled,
        PhoneNumber.product_type,
        PhoneNumber.voice_route_id,
        VoiceRoute.route_type,
        VoiceRoute.route_enabled,
        VoiceRoute.updated_at,
    )
    .outerjoin(PhoneNumber, PhoneNumber.number == InventoryNumber.number)
    .outerjoin(VoiceRoute, VoiceRoute.id == PhoneNumber.voice_route_id)
    .where(InventoryNumber.number == bindparam("number"))
)

# The decision's inputs in one statement: the number's as above, and whether each further check of the decision
# could act on this call at all (correlated EXISTS, each on an index): a Pause of the number's subscription in the
# period (voice/admission.py's read), a call filter of the number with its subscriber's Guardian calls feature on
# (guardian's screening read), a workgroup of the account answering the number (workgroups.repository.answering).
# A check whose EXISTS is false is skipped; one whose EXISTS is true runs its own read as before, so the
# decision is the same, and the usual call (no pause, no filter, no workgroup) is decided by this one read.
_DECISION_INPUTS = _NUMBER_INPUTS.add_columns(
    exists()
    .where(
        Subscription.phone_number_id == PhoneNumber.id,
        Subscription.deleted_at.is_(None),
        Subscription.active.is_(True),
        ThresholdEvent.subscription_id == Subscription.id,
        ThresholdEvent.period == bindparam("period"),
        ThresholdEvent.action == "Pause",
    )
    .label("maybe_paused"),
    exists()
    .where(
        CallFilter.account_id == PhoneNumber.account_id,
        CallFilter.phone == PhoneNumber.number,
        GuardianFeatures.subscriber_id == CallFilter.subscriber_id,
        GuardianFeatures.calls.is_(True),
    )
    .label("maybe_screened"),
    exists()
    .where(Workgroup.account_id == PhoneNumber.account_id, Workgroup.telegent_phone == PhoneNumber.number)
    .label("maybe_workgroup"),
)

# An outbound call's caller id: the same, and the version of its account's whitelist (account_routes_version).
_ROUTES = aliased(VoiceRoute)
_OUTBOUND_INPUTS = _DECISION_INPUTS.add_columns(
    select(func.count(_ROUTES.id))
    .where(_ROUTES.account_id == PhoneNumber.account_id)
    .scalar_subquery()
    .label("routes_count"),
    select(func.max(_ROUTES.updated_at))
    .where(_ROUTES.account_id == PhoneNumber.account_id)
    .scalar_subquery()
    .label("routes_latest"),
)

_ROUTE_ATTRIBUTES = select(VoiceRoute.attributes).where(VoiceRoute.id == bindparam("route_id"))

# The version of an account's voice routes as a whole: a route created, changed or deleted changes it.
_ACCOUNT_ROUTES_VERSION = select(func.count(VoiceRoute.id), func.max(VoiceRoute.updated_at)).where(
    VoiceRoute.account_id == bindparam("account_id")
)

_ACCOUNT_ROUTES = select(VoiceRoute.route_enabled, VoiceRoute.attributes).where(
    VoiceRoute.account_id == bindparam("account_id")
)


async def number_inputs(session: AsyncSession, number: str) -> Any:
    """The row of `_NUMBER_INPUTS` (attributes by column name), or None for a number not in the inventory."""
    return (await session.execute(_NUMBER_INPUTS, {"number": number})).one_or_none()


async def decision_inputs(session: AsyncSession, number: str, period: str, *, outbound: bool = False) -> Any:
    """`number_inputs` and the `maybe_paused`, `maybe_screened`, `maybe_workgroup` flags (`period`: the billing
    period of the call, as voice/admission.py reads it); `outbound`: also `routes_count` and `routes_latest`, the
    account's whitelist version."""
    statement = _OUTBOUND_INPUTS if outbound else _DECISION_INPUTS
    return (await session.execute(statement, {"number": number, "period": period})).one_or_none()


# Rows of the driver-level reads below, by column name (as the session's rows are).
_Inputs = namedtuple("_Inputs", list(_DECISION_INPUTS.selected_columns.keys()))  # type: ignore[misc]
_OutboundInputs = namedtuple("_OutboundInputs", list(_OUTBOUND_INPUTS.selected_columns.keys()))  # type: ignore[misc]


async def decision_inputs_on_driver(db: Database, number: str, period: str, *, outbound: bool = False) -> Any:
    """`decision_inputs` read on the driver (core/db/keyreads.py: compiled once, no session, its own read
    transaction): the usual decision's one read, before and outside its write transaction. Values come as the
    driver gives them: on SQLite the flags are 0/1 and `updated_at`/`routes_latest` the stored text, which
    serve as versions (equal while the row is unchanged) and are never read as times."""
    statement, row_type = (_OUTBOUND_INPUTS, _OutboundInputs) if outbound else (_DECISION_INPUTS, _Inputs)
    found = await keyreads.rows(db, statement, {"number": number, "period": period})
    return row_type(*found[0]) if found else None


async def route_attributes(session: AsyncSession, route_id: str) -> dict[str, Any] | None:
    return (await session.execute(_ROUTE_ATTRIBUTES, {"route_id": route_id})).scalar_one_or_none()


async def account_routes_version(session: AsyncSession, account_id: str) -> tuple[int, datetime | None]:
    count, latest = (await session.execute(_ACCOUNT_ROUTES_VERSION, {"account_id": account_id})).one()
    return int(count), latest


async def account_routes(session: AsyncSession, account_id: str) -> list[tuple[bool, dict[str, Any]]]:
    result = await session.execute(_ACCOUNT_ROUTES, {"account_id": account_id})
    return [(bool(enabled), attributes or {}) for enabled, attributes in result.all()]
