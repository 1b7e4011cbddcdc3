"""The billing engine's writes: charges when subscriptions start, change package or stop, and the per-period
billing run (a durable job, idempotent per subscription and period through the ledger's unique keys)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.billing import engine, repository
from mpaas.billing.engine import PackagePrice
from mpaas.core import errors
from mpaas.core.jobs.queue import enqueue
from mpaas.models import BillingRun, Subscription

RUN_JOB = "billing.run"
RUN_BATCH = 2000


def _line(
    sub: Subscription | tuple,
    price: PackagePrice,
    *,
    key: str,
    period: str,
    kind: str,
    description: str,
    amount: Decimal,
    currency: str,
    now: datetime,
) -> dict:
    sub_id, account_id = (sub.id, sub.account_id) if isinstance(sub, Subscription) else (sub[0], sub[1])
    return {
        "key": key,
        "account_id": account_id,
        "subscription_id": sub_id,
        "package_id": price.package_id,
        "package_name": price.name,
        "period": period,
        "kind": kind,
        "description": description,
        "amount": amount,
        "currency": currency,
        "created_at": now,
    }


def mrc_key(subscription_id: str, period: str) -> str:
    """The one in-advance MRC line of a subscription in a period, whoever writes it first (run or change)."""
    return f"{subscription_id}:{period}:mrc"


async def _price(session: AsyncSession, package_id: str) -> PackagePrice:
    return (await repository.package_prices(session, [package_id]))[package_id]


async def _open_period(
    session: AsyncSession, sub: Subscription, price: PackagePrice, period: str, currency: str, now: datetime
) -> None:
    """Make sure the period's in-advance MRC is on the ledger before anything changes within the period."""
    await repository.insert_charges(
        session,
        [
            _line(
                sub,
                price,
                key=mrc_key(sub.id, period),
                period=period,
                kind="MRC",
                description=f"{price.name}: monthly charge {period}",
                amount=engine.opening_amount(price.mrc, 1, 1),
                currency=currency,
                now=now,
            )
        ],
    )


async def _nrc(
    session: AsyncSession, sub: Subscription, price: PackagePrice, period: str, currency: str, now: datetime
) -> None:
    if price.nrc > 0:
        await repository.insert_charges(
            session,
            [
                _line(
                    sub,
                    price,
                    key=f"{sub.id}:nrc:{price.package_id}",
                    period=period,
                    kind="NRC",
                    description=f"{price.name}: one-time charge",
                    amount=engine.round_money(price.nrc),
                    currency=currency,
                    now=now,
                )
            ],
        )


async def subscription_started(session: AsyncSession, sub: Subscription, now: datetime, currency: str) -> None:
    """NRC once, and this period's MRC prorated over the days left; the next period's run is scheduled."""
    price = await _price(session, sub.package_id)
    period = engine.period_of(now)
    days, total = engine.days_left(now), engine.days_in(period)
    await _nrc(session, sub, price, period, currency, now)
    await repository.insert_charges(
        session,
        [
            _line(
                sub,
                price,
                key=mrc_key(sub.id, period),
                period=period,
                kind="MRC",
                description=f"{price.name}: monthly charge {period}, {days}/{total} days",
                amount=engine.opening_amount(price.mrc, days, total),
                currency=currency,
                now=now,
            )
        ],
    )
    await schedule_run(session, engine.next_period(period), now)


async def package_changed(
    session: AsyncSession, sub: Subscription, old_package_id: str, now: datetime, currency: str
) -> None:
    """Credit the old package and charge the new one over the days left in the period."""
    old, new = await _price(session, old_package_id), await _price(session, sub.package_id)
    period = engine.period_of(now)
    days, total = engine.days_left(now), engine.days_in(period)
    await _open_period(session, sub, old, period, currency, now)
    change = uuid.uuid4().hex  # two changes at the same instant are still two changes
    credit, charge = engine.change_amounts(old.mrc, new.mrc, days, total)
    await repository.insert_charges(
        session,
        [
            _line(
                sub,
                old,
                key=f"{sub.id}:{period}:credit:{change}",
                period=period,
                kind="Credit",
                description=f"{old.name}: unused {days}/{total} days",
                amount=credit,
                currency=currency,
                now=now,
            ),
            _line(
                sub,
                new,
                key=f"{sub.id}:{period}:change:{change}",
                period=period,
                kind="Proration",
                description=f"{new.name}: {days}/{total} days",
                amount=charge,
                currency=currency,
                now=now,
            ),
        ],
    )
    await _nrc(session, sub, new, period, currency, now)


async def subscription_ended(session: AsyncSession, sub: Subscription, now: datetime, currency: str) -> None:
    """The period it was live at the start of stays billed (in advance, no refund); nothing later is."""
    price = await _price(session, sub.package_id)
    await _open_period(session, sub, price, engine.period_of(now), currency, now)


# The run --------------------------------------------------------------------------------------------------


async def schedule_run(session: AsyncSession, period: str, now: datetime) -> bool:
    """Create the period's run (once) and its job, due when the period starts. True if newly scheduled."""
    if await repository.billing_run(session, period) is not None:
        return False
    session.add(BillingRun(period=period, status="pending", subscriptions_billed=0, created_at=now))
    delay = max(0.0, (engine.period_start(period) - now).total_seconds())
    enqueue(session, now, RUN_JOB, {"period": period}, delay_seconds=delay)
    await session.flush()
    return True


async def start_run(session: AsyncSession, period: str, now: datetime) -> None:
    """The operator starts a period's run now (POST /ops/v1/billing/runs); a period not yet started is refused."""
    if engine.period_start(period) > now:
        raise errors.bad_request(f"Period {period} has not started; MRC is billed when a period starts.")
    await schedule_run(session, period, now)
    # An explicit run always gets a job now; the ledger's keys make an extra run charge nothing.
    enqueue(session, now, RUN_JOB, {"period": period})


async def find_run(session: AsyncSession, period: str) -> BillingRun:
    """A period's run (GET /ops/v1/billing/runs); 404 when it was never scheduled."""
    run = await repository.billing_run(session, period)
    if run is None:
        raise errors.missing("billing run", period)
    return run


@dataclass
class RunResult:
    period: str
    examined: int = 0
    charged: int = 0


async def run_period(
    db,
    period: str,
    now_fn: Callable[[], datetime],
    currency: str,
    *,
    batch_size: int = RUN_BATCH,
    progress: Callable[[int], None] | None = None,
) -> RunResult:
    """Bill every live subscription its in-advance MRC for `period`. One write transaction per batch; a
    crash mid-run loses nothing and a re-run (or a second run) charges nothing twice."""
    engine.parse_period(period)
    end = engine.period_end(period)
    result = RunResult(period)
    after = ""
    prices: dict[str, PackagePrice] = {}
    while True:
        async with db.write() as session:
            rows = await repository.billable_batch(session, end, after, batch_size)
            if not rows:
                break
            missing = {r[2] for r in rows} - prices.keys()
            if missing:
                prices.update(await repository.package_prices(session, missing))
            now = now_fn()
            lines = []
            for sub_id, account_id, package_id in rows:
                price = prices[package_id]
                lines.append(
                    _line(
                        (sub_id, account_id),
                        price,
                        key=mrc_key(sub_id, period),
                        period=period,
                        kind="MRC",
                        description=f"{price.name}: monthly charge {period}",
                        amount=engine.opening_amount(price.mrc, 1, 1),
                        currency=currency,
                        now=now,
                    )
                )
            result.charged += await repository.insert_charges(session, lines)
        result.examined += len(rows)
        after = rows[-1][0]
        if progress:
            progress(len(rows))
    async with db.write() as session:
        run = await repository.billing_run(session, period)
        now = now_fn()
        if run is None:
            run = BillingRun(period=period, status="pending", subscriptions_billed=0, created_at=now)
            session.add(run)
        run.status, run.completed_at = "done", now
        run.subscriptions_billed = (run.subscriptions_billed or 0) + result.charged
        await schedule_run(session, engine.next_period(period), now)
    return result
