"""Re-running a period changes nothing, for any population of subscriptions (property, on a real database)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from mpaas.billing import service as billing
from mpaas.models import Charge, Package, Subscriber, Subscription
from support.seed import new_distributor

_ids = itertools.count()
_credentials: dict = {}
population = st.lists(
    st.tuples(
        st.integers(0, 59), st.decimals(min_value=Decimal("0"), max_value=Decimal("500"), places=2), st.booleans()
    ),
    min_size=1,
    max_size=8,
)


async def _ledger(platform) -> list[tuple]:
    async with platform.db.read() as session:
        rows = await session.execute(select(Charge.key, Charge.amount, Charge.period).order_by(Charge.key))
        return [tuple(r) for r in rows.all()]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(subs=population, period_offset=st.integers(0, 2))
async def test_rerunning_a_period_changes_nothing(platform, subs, period_offset):
    if platform.tokens is None:  # once per test: hypothesis reuses the function-scoped platform
        await platform.start()
        _credentials[id(platform)] = await new_distributor(platform, "Property")
    credential = _credentials[id(platform)]
    base = datetime(2026, 1, 1, tzinfo=UTC)
    first_id = next(_ids) + 1
    async with platform.db.write() as session:
        for days, price, deleted in subs:
            n = next(_ids)
            at = base + timedelta(days=days)
            session.add(
                Package(
                    id=f"PID-{n}",
                    distributor_id=credential.account_key,
                    name=f"P{n}",
                    type="t",
                    price=price,
                    monthly=True,
                    active=True,
                    created_at=at,
                )
            )
            session.add(
                Subscriber(
                    id=f"TSUID-{n}",
                    account_id=credential.account_id,
                    name="n",
                    email=f"{n}@x.io",
                    email_key=f"{n}@x.io",
                    role="Subscriber",
                    password_hash="x",
                    phone_numbers=[],
                    created_at=at,
                    updated_at=at,
                )
            )
            await session.flush()
            sub = Subscription(
                id=f"SUB-{n}",
                account_id=credential.account_id,
                subscriber_id=f"TSUID-{n}",
                package_id=f"PID-{n}",
                type="mvno",
                active=True,
                created_at=at,
                updated_at=at,
            )
            session.add(sub)
            await session.flush()
            await billing.subscription_started(session, sub, at, "USD")
            if deleted:
                await billing.subscription_ended(session, sub, at, "USD")
                sub.deleted_at, sub.active = at, False
    period = f"2026-{2 + period_offset:02d}"
    now = lambda: datetime(2026, 2 + period_offset, 1, tzinfo=UTC)  # noqa: E731
    await billing.run_period(platform.db, period, now, "USD", batch_size=3)
    first = await _ledger(platform)
    second_run = await billing.run_period(platform.db, period, now, "USD", batch_size=3)
    assert second_run.charged == 0
    assert await _ledger(platform) == first
    # One in-advance MRC line per subscription live at the period's start or created within it.
    start = now()
    expected = sum(
        1
        for days, _, deleted in subs
        if (base + timedelta(days=days)).month == start.month or (base + timedelta(days=days) < start and not deleted)
    )
    async with platform.db.read() as session:
        billed = (
            (
                await session.execute(
                    select(Charge).where(
                        Charge.period == period,
                        Charge.kind == "MRC",
                        Charge.subscription_id.in_([f"SUB-{n}" for n in range(first_id, first_id + len(subs))]),
                    )
                )
            )
            .scalars()
            .all()
        )
    assert len(billed) == expected
