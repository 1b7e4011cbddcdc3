"""Billing run benchmark: bill N subscriptions for a period, against a plain read of the same rows.

    .venv/bin/python bench/billing.py                 # 100,000 subscriptions
    .venv/bin/python bench/billing.py --count 20000   # quicker

One process, a fresh SQLite data dir. It creates one distributor, 10 packages (each with two items) and N
subscribers with one subscription each, created in the month before the billed periods. Then, for each of two
periods (one timed with tracemalloc off, one measured with tracemalloc on for the Python heap peak):

- plain read: the same keyset-paged SELECT of (id, account_id, package_id) the run does, nothing else;
- billing run: `mpaas.billing.service.run_period` (price lookup, ledger lines, INSERT .. ON CONFLICT DO NOTHING,
  one transaction per batch of 2,000);
- re-run of the same period (idempotent: charges nothing, so it measures the cost of checking).

Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path

from sqlalchemy import func, insert, select

from mpaas.accounts.service import create_distributor
from mpaas.billing import service as billing
from mpaas.billing.repository import billable_batch
from mpaas.config import Settings
from mpaas.core.clock import FrozenClock
from mpaas.core.db import migrate
from mpaas.models import Charge, Package, PackageItem, Product, Subscriber, Subscription
from mpaas.roles.platform import Platform

CREATED = datetime(2026, 1, 5, tzinfo=UTC)


async def seed(platform: Platform, count: int) -> None:
    async with platform.db.write() as session:
        credential = await create_distributor(session, name="Bench", rate_limit=0, now=CREATED)
        did, aid = credential.account_key, credential.account_id
        session.add(
            Product(
                id="PRID-bench",
                distributor_id=did,
                sku="SIM",
                description="SIM",
                type="esim",
                cost=Decimal("1.5"),
                billing_frequency="MRC",
                active=True,
                created_at=CREATED,
            )
        )
        for p in range(10):
            session.add(
                Package(
                    id=f"PID-bench-{p}",
                    distributor_id=did,
                    name=f"Plan {p}",
                    type="esim",
                    price=Decimal("10") + p,
                    monthly=True,
                    active=True,
                    created_at=CREATED,
                )
            )
        await session.flush()
        for p in range(10):
            for i, monthly in enumerate((True, False)):
                session.add(
                    PackageItem(
                        id=f"PIID-bench-{p}-{i}",
                        package_id=f"PID-bench-{p}",
                        product_id="PRID-bench",
                        price=Decimal("0.99"),
                        monthly=monthly,
                        active=True,
                        created_at=CREATED,
                    )
                )
    chunk = 10_000
    for start in range(0, count, chunk):
        n = range(start, min(count, start + chunk))
        async with platform.db.write() as session:
            await session.execute(
                insert(Subscriber),
                [
                    {
                        "id": f"TSUID-{i:08d}",
                        "account_id": aid,
                        "name": "b",
                        "email": f"{i}@b.io",
                        "email_key": f"{i}@b.io",
                        "role": "Subscriber",
                        "password_hash": "x",
                        "phone_numbers": [],
                        "created_at": CREATED,
                        "updated_at": CREATED,
                    }
                    for i in n
                ],
            )
            await session.execute(
                insert(Subscription),
                [
                    {
                        "id": f"SUB-{i:08d}",
                        "account_id": aid,
                        "subscriber_id": f"TSUID-{i:08d}",
                        "package_id": f"PID-bench-{i % 10}",
                        "type": "mvno",
                        "active": True,
                        "created_at": CREATED,
                        "updated_at": CREATED,
                    }
                    for i in n
                ],
            )


async def plain_read(platform: Platform, period_end: datetime) -> int:
    rows, after = 0, ""
    while True:
        async with platform.db.write() as session:  # same transaction kind as the run's batches
            batch = await billable_batch(session, period_end, after, billing.RUN_BATCH)
        if not batch:
            return rows
        rows += len(batch)
        after = batch[-1][0]


async def measure(label: str, work, traced: bool) -> dict:
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    value = await work()
    elapsed = time.perf_counter() - started
    peak = None
    if traced:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return {"phase": label, "seconds": elapsed, "value": value, "peak_bytes": peak}


async def main(count: int, keep: bool) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="mpaas-bench-billing-"))
    settings = Settings(data_dir=data_dir, seed_inventory_count=0)
    migrate.upgrade(settings.resolved_database_url())
    clock = FrozenClock(datetime(2026, 2, 1, tzinfo=UTC))
    platform = Platform.build(settings, clock=clock)
    await platform.start()
    results = []
    try:
        t0 = time.perf_counter()
        await seed(platform, count)
        seed_seconds = time.perf_counter() - t0
        for period, traced in (("2026-02", False), ("2026-03", True)):
            end = datetime(2026, 3 if period == "2026-02" else 4, 1, tzinfo=UTC)
            # partial binds this iteration's period and end (each measure() awaits its work before the next).
            read = await measure("plain read", partial(plain_read, platform, end), traced)
            run = await measure(
                "billing run", partial(billing.run_period, platform.db, period, clock.now, "USD"), traced
            )
            rerun = await measure("re-run", partial(billing.run_period, platform.db, period, clock.now, "USD"), traced)
            for r in (read, run, rerun):
                r["period"], r["traced"] = period, traced
            results += [read, run, rerun]
        async with platform.db.read() as session:
            charges = (await session.execute(select(func.count()).select_from(Charge))).scalar_one()
            total = (await session.execute(select(func.sum(Charge.__table__.c.amount)))).scalar_one()
    finally:
        await platform.close()
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)

    timed = {r["phase"]: r for r in results if not r["traced"]}
    traced = {r["phase"]: r for r in results if r["traced"]}
    print(f"billing benchmark: {count:,} subscriptions (seeded in {seed_seconds:.1f} s), SQLite, one process")
    print(f"{'phase':<12} {'rows/s (untraced)':>18} {'seconds':>8} {'peak heap (traced)':>19} {'charged':>8}")
    for phase in ("plain read", "billing run", "re-run"):
        t, m = timed[phase], traced[phase]
        charged = t["value"].charged if hasattr(t["value"], "charged") else "-"
        print(
            f"{phase:<12} {count / t['seconds']:>18,.0f} {t['seconds']:>8.2f} "
            f"{m['peak_bytes'] / 1e6:>16.1f} MB {charged:>8}"
        )
    ratio = timed["plain read"]["seconds"] / timed["billing run"]["seconds"]
    mem_ratio = traced["billing run"]["peak_bytes"] / max(1, traced["plain read"]["peak_bytes"])
    print(f"billing run speed = {ratio:.2f}x the plain read; peak heap = {mem_ratio:.2f}x the plain read's")
    print(f"ledger: {charges:,} charges, sum {Decimal(total):,.2f} USD")
    print(
        json.dumps(
            {
                "subscriptions": count,
                "read_rows_per_s": round(count / timed["plain read"]["seconds"]),
                "run_subscriptions_per_s": round(count / timed["billing run"]["seconds"]),
                "rerun_subscriptions_per_s": round(count / timed["re-run"]["seconds"]),
                "read_peak_mb": round(traced["plain read"]["peak_bytes"] / 1e6, 1),
                "run_peak_mb": round(traced["billing run"]["peak_bytes"] / 1e6, 1),
                "rerun_peak_mb": round(traced["re-run"]["peak_bytes"] / 1e6, 1),
                "run_vs_read_speed": round(ratio, 3),
                "run_vs_read_memory": round(mem_ratio, 2),
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    args = parser.parse_args()
    asyncio.run(main(args.count, args.keep))
