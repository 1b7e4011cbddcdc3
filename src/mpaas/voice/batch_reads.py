"""What the call hooks (voice/call_hooks.py) of a batch of call events read, read once for the whole batch.

POST /sip/v1/events applies Kamailio's events in batches (tens of calls at a time under load), and each call whose
record changed runs its hooks: the route's CallbackVoiceUrl (voice_callbacks: the route's fields), the round-robin
position (workgroup_routing: the workgroup answering the called number) and Voice usage (voice/usage.py: the call's
usage row and its number's live subscription). One read each per call, each with the session's autoflush before
it, was most of a batch's time (py-spy over bench/voice.py). voice/events.py `apply_events` reads them here for
the batch's calls, in its transaction, before the hooks run; each hook takes what is known from `known(session)`
and reads for itself only what the batch did not cover (or everything, outside a batch: reconcile, a rejection).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.core.phone import normalize_e164
from mpaas.models import Subscription, VoiceRoute, Workgroup
from mpaas.models.calls import Call
from mpaas.models.voice_usage import VoiceUsage
from mpaas.voice.call_state import Record

_KEY = "mpaas.voice.batch_reads"

_ROUTES = select(VoiceRoute.id, VoiceRoute.account_id, VoiceRoute.route_enabled, VoiceRoute.attributes).where(
    VoiceRoute.id.in_(bindparam("ids", expanding=True))
)
_WORKGROUP_NUMBERS = select(Workgroup.account_id, Workgroup.telegent_phone).where(
    Workgroup.account_id.in_(bindparam("accounts", expanding=True)),
    Workgroup.telegent_phone.in_(bindparam("numbers", expanding=True)),
)
_SUBSCRIBED = select(Subscription.phone_number_id).where(
    Subscription.phone_number_id.in_(bindparam("numbers", expanding=True)),
    Subscription.deleted_at.is_(None),
    Subscription.active.is_(True),
)

_USAGE = select(VoiceUsage).where(VoiceUsage.call_id.in_(bindparam("call_ids", expanding=True)))
INSERT_USAGE = insert(cast(Table, VoiceUsage.__table__))


@dataclass
class Known:
    """Read for a batch's calls. A key absent from a map was not read: the hook reads it itself."""

    # (route id, account id) -> (enabled, wire fields), or None: no such route of that account
    routes: dict[tuple[str, str], tuple[bool, dict[str, Any]] | None] = field(default_factory=dict)
    # (account id, E.164 number) pairs looked for, and those a workgroup of the account answers
    workgroup_looked: set[tuple[str, str]] = field(default_factory=set)
    workgroup_numbers: set[tuple[str, str]] = field(default_factory=set)
    # calls whose usage row was looked for, and the rows found (session objects)
    usage_looked: set[str] = field(default_factory=set)
    usage: dict[str, VoiceUsage] = field(default_factory=dict)
    # numbers (NID-) looked for, and those with a live subscription
    subscription_looked: set[str] = field(default_factory=set)
    subscribed: set[str] = field(default_factory=set)
    # voice_usage rows the hooks made (voice/usage.py), written by the batch in one INSERT (INSERT_USAGE) after them
    new_usage: list[dict[str, Any]] = field(default_factory=list)


def known(session: AsyncSession) -> Known | None:
    return session.info.get(_KEY)


def forget(session: AsyncSession) -> None:
    session.info.pop(_KEY, None)


async def read(session: AsyncSession, changed: Iterable[Call | Record]) -> Known:
    """Read what the hooks of these calls (their records already recomputed or about to be) will ask, and keep it
    on the session until `forget`. A few statements whatever the batch's size."""
    out = Known()
    changed = [c for c in changed if c.account_id]
    route_ids = sorted({c.route_id for c in changed if c.route_id})
    if route_ids:
        rows = (await session.execute(_ROUTES, {"ids": route_ids})).all()
        found = {(r.id, r.account_id): (bool(r.route_enabled), r.attributes or {}) for r in rows}
        for c in changed:
            if c.route_id:
                key = (c.route_id, c.account_id or "")
                out.routes[key] = found.get(key)
    pairs = {(c.account_id or "", normalize_e164(c.to_number or "") or "") for c in changed if c.direction == "inbound"}
    pairs = {p for p in pairs if p[1]}
    if pairs:
        rows = (
            await session.execute(
                _WORKGROUP_NUMBERS,
                {"accounts": sorted({a for a, _ in pairs}), "numbers": sorted({n for _, n in pairs})},
            )
        ).all()
        out.workgroup_looked = pairs
        out.workgroup_numbers = {(r.account_id, r.telegent_phone) for r in rows} & pairs
    call_ids = sorted({c.id for c in changed if c.number_id})
    if call_ids:
        usage = (await session.execute(_USAGE, {"call_ids": call_ids})).scalars()
        out.usage = {u.call_id: u for u in usage}
        out.usage_looked = set(call_ids)
    numbers: list[str] = sorted({c.number_id for c in changed if c.number_id})
    if numbers:
        out.subscription_looked = set(numbers)
        out.subscribed = {n for n in (await session.execute(_SUBSCRIBED, {"numbers": numbers})).scalars() if n}
    session.info[_KEY] = out
    return out
