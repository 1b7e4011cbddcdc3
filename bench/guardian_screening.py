#!/usr/bin/env python
"""AI Guardian call screening's cost per call (guardian/call_screening.screen), the part it adds to the routing
decision, on SQLite:

    .venv/bin/python bench/guardian_screening.py              # 2,000 screenings per case
    .venv/bin/python bench/guardian_screening.py --calls 200  # a smoke run

One run: a fresh SQLite data dir, one account with a subscriber whose Guardian calls feature is on, and three
numbers: one without a filter, one with a WHITELIST filter of 100 allowed numbers (the caller is on it: the call
goes through), one with a CHILD preset (a guardian with a number: its phones are read too). Each case screens
`--calls` inbound calls one at a time, each in its own read session (as a decision has its own transaction), and
prints p50/p90/p99 in microseconds and the process's CPU time per call (all its threads: the figure a loaded
machine disturbs least) beside the floor (a read session running SELECT 1), then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlalchemy import text

from mpaas.accounts.service import create_distributor
from mpaas.core import ids
from mpaas.core.db import migrate
from mpaas.core.db.database import Database
from mpaas.guardian import call_screening
from mpaas.models import CallFilter, GuardianFeatures, GuardianRelation, Subscriber

CALLER = "+12125550100"


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50_us": round(pick(0.5), 1), "p90_us": round(pick(0.9), 1), "p99_us": round(pick(0.99), 1)}


async def _setup(db: Database) -> tuple[str, dict[str, str]]:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    async with db.write() as session:
        credential = await create_distributor(session, name="Bench", rate_limit=0, now=now)
        account_id = credential.account_id
        people = {}
        for name in ("kid", "parent"):
            people[name] = Subscriber(
                id=ids.new_id(ids.SUBSCRIBER),
                account_id=account_id,
                name=name,
                email=f"{name}@bench.example",
                email_key=f"{name}@bench.example",
                role="Subscriber",
                password_hash="x",
                phone_numbers=["+18015550777"] if name == "parent" else [],
                created_at=now,
                updated_at=now,
            )
            session.add(people[name])
        await session.flush()
        for who in people.values():
            session.add(GuardianFeatures(subscriber_id=who.id, calls=True, messages=True, updated_at=now))
        session.add(
            GuardianRelation(
                parent_id=people["parent"].id, child_id=people["kid"].id, relation="Parent", created_at=now
            )
        )
        numbers = {"no filter": "+18015550001", "WHITELIST": "+18015550002", "CHILD": "+18015550003"}
        allowed = [f"+1212555{i:04d}" for i in range(99)] + [CALLER]
        for mode in ("WHITELIST", "CHILD"):
            session.add(
                CallFilter(
                    id=ids.new_id("CFID"),
                    account_id=account_id,
                    subscriber_id=people["kid"].id,
                    phone=numbers[mode],
                    filter_mode=mode,
                    enforcement="ACTIVE",
                    allowed_numbers=allowed,
                    blocked_numbers=[],
                    enable_transcription=False,
                    notification_phones=[],
                    apply_to_inbound=True,
                    apply_to_outbound=True,
                    block_unknown_numbers=False,
                    block_international=False,
                    record_flagged_calls=False,
                    created_at=now,
                    updated_at=now,
                )
            )
    return account_id, numbers


async def run(calls: int) -> dict:
    from datetime import UTC, datetime

    with tempfile.TemporaryDirectory(prefix="mpaas-bench-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'mpaas.db'}"
        migrate.upgrade(url)
        db = Database(url)
        try:
            account_id, numbers = await _setup(db)
            results = {}
            samples = []
            cpu = time.process_time()
            for i in range(calls + 100):  # the floor: a read session and one trivial query
                start = time.perf_counter()
                async with db.read() as session:
                    await session.execute(text("SELECT 1"))
                if i >= 100:
                    samples.append((time.perf_counter() - start) * 1e6)
            results["SELECT 1"] = _percentiles(samples) | {
                "mean_us": round(statistics.fmean(samples), 1),
                "cpu_us": round((time.process_time() - cpu) / (calls + 100) * 1e6, 1),
            }
            for case, number in numbers.items():
                samples = []
                cpu = time.process_time()
                for i in range(calls + 100):
                    start = time.perf_counter()
                    async with db.read() as session:
                        await call_screening.screen(
                            session,
                            account_id=account_id,
                            number_id="NID-bench",
                            direction="inbound",
                            own_number=number,
                            other_number=CALLER,
                            now=datetime.now(UTC),
                        )
                    if i >= 100:  # after a warm-up
                        samples.append((time.perf_counter() - start) * 1e6)
                results[case] = _percentiles(samples) | {
                    "mean_us": round(statistics.fmean(samples), 1),
                    "cpu_us": round((time.process_time() - cpu) / (calls + 100) * 1e6, 1),
                }
        finally:
            await db.dispose()
    return {"calls": calls, "cases": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    result = asyncio.run(run(args.calls))
    print(f"{'case':12} {'p50 us':>8} {'p90 us':>8} {'p99 us':>8} {'CPU us':>8}")
    for case, figures in result["cases"].items():
        print(f"{case:12} {figures['p50_us']:8} {figures['p90_us']:8} {figures['p99_us']:8} {figures['cpu_us']:8}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
