"""Guardian features and guardian relations (docs/guardian.md).

- Features: per subscriber, calls and messages independently; a request that leaves one out keeps its value
  (off for a subscriber never configured).
- Relations: both subscribers must be the caller's (another distributor's or account's is a 404, as everywhere)
  and have Guardian on (calls or messages); a subscriber is not its own guardian, and two subscribers are not
  each other's. Creating an existing relation changes its label.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.core.errors import bad_request, missing
from mpaas.core.wire import iso
from mpaas.guardian import features, repository
from mpaas.guardian.schemas import ConfigureFeatures, CreateRelation, DeleteRelation
from mpaas.models import GuardianFeatures, GuardianRelation, Subscriber


async def subscriber(
    session: AsyncSession, principal: Principal, subscriber_id: str, account_id: str | None
) -> Subscriber:
    found = await repository.subscriber(session, subscriber_id, principal.visible_accounts(account_id))
    if found is None:
        raise missing("subscriber", subscriber_id)
    return found


# --- features ---


async def configure(
    session: AsyncSession, principal: Principal, body: ConfigureFeatures, now: datetime
) -> GuardianFeatures:
    owner = await subscriber(session, principal, body.subscriber_id, body.account_id)
    row = await repository.features(session, owner.id)
    if row is None:
        row = GuardianFeatures(subscriber_id=owner.id, calls=False, messages=False, updated_at=now)
        session.add(row)
    if body.enable_intelligent_guardian_calls is not None:
        row.calls = body.enable_intelligent_guardian_calls
    if body.enable_intelligent_guardian_messages is not None:
        row.messages = body.enable_intelligent_guardian_messages
    row.updated_at = now
    await session.flush()
    return row


async def read_features(
    session: AsyncSession, principal: Principal, subscriber_id: str, account_id: str | None
) -> dict[str, Any]:
    owner = await subscriber(session, principal, subscriber_id, account_id)
    return present_features(owner.id, await features.flags(session, owner.id))


def present_features(subscriber_id: str, flags: Any) -> dict[str, Any]:
    return {
        "SubscriberId": subscriber_id,
        "EnableIntelligentGuardianCalls": bool(flags.calls),
        "EnableIntelligentGuardianMessages": bool(flags.messages),
    }


# --- relations ---


async def _require_guardian_on(session: AsyncSession, who: Subscriber, field: str) -> None:
    if not (await features.flags(session, who.id)).any:
        raise bad_request(
            f"The {field} field names subscriber {who.id}, which does not have AI Guardian enabled: enable it "
            "first (POST /v1.0/subscribers/guardian-features)."
        )


async def create_relation(
    session: AsyncSession, principal: Principal, body: CreateRelation, now: datetime
) -> GuardianRelation:
    parent = await subscriber(session, principal, body.parent_subscriber_id, body.account_id)
    child = await subscriber(session, principal, body.child_subscriber_id, body.account_id)
    if parent.id == child.id:
        raise bad_request("The ParentSubscriberId and ChildSubscriberId fields must name two different subscribers.")
    await _require_guardian_on(session, parent, "ParentSubscriberId")
    await _require_guardian_on(session, child, "ChildSubscriberId")
    if await repository.relation(session, child.id, parent.id) is not None:
        raise bad_request(
            f"Subscriber {child.id} is already the guardian of subscriber {parent.id}: two subscribers cannot be "
            "each other's guardian."
        )
    found = await repository.relation(session, parent.id, child.id)
    if found is None:
        found = GuardianRelation(parent_id=parent.id, child_id=child.id, relation=body.relation, created_at=now)
        session.add(found)
    else:
        found.relation = body.relation
    await session.flush()
    return found


async def children(
    session: AsyncSession, principal: Principal, parent_id: str, account_id: str | None
) -> dict[str, Any]:
    parent = await subscriber(session, principal, parent_id, account_id)
    rows = await repository.relations_of_parent(session, parent.id)
    return {"ParentSubscriberId": parent.id, "Children": [present_relation(r) for r in rows]}


async def guardians(
    session: AsyncSession, principal: Principal, child_id: str, account_id: str | None
) -> dict[str, Any]:
    child = await subscriber(session, principal, child_id, account_id)
    rows = await repository.relations_of_child(session, child.id)
    return {"ChildSubscriberId": child.id, "Guardians": [present_relation(r) for r in rows]}


async def delete_relation(
    session: AsyncSession, principal: Principal, body: DeleteRelation, now: datetime
) -> dict[str, Any]:
    parent = await subscriber(session, principal, body.parent_subscriber_id, body.account_id)
    child = await subscriber(session, principal, body.child_subscriber_id, body.account_id)
    found = await repository.relation(session, parent.id, child.id)
    if found is None:
        raise missing("guardian relation", f"{parent.id} -> {child.id}")
    label = found.relation
    await repository.delete_relation(session, parent.id, child.id)
    await session.flush()
    return {
        "Status": "Deleted",
        "DateDeleted": iso(now),
        "ParentSubscriberId": parent.id,
        "ChildSubscriberId": child.id,
        "Relation": label,
    }


def present_relation(found: GuardianRelation) -> dict[str, Any]:
    return {"ParentSubscriberId": found.parent_id, "ChildSubscriberId": found.child_id, "Relation": found.relation}
