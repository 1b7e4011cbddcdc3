"""The carrier binds' state, published by the process holding them and read by any other (models/carrier_binds.py).

The holder (carriers/gateway.py, through `publisher`) replaces the table's rows with its connector's carriers when
it takes the binds, when their state changes (looked at every 2 s) and at least every 6 s, and removes them when it
lets go; a holder that dies leaves its last rows,
which `published` marks stale once they are older than `STALE_AFTER_SECONDS` (several reports missed)."""

from __future__ import annotations

import json
import os
import socket
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.carriers.gateway import Publish  # the gateway's reporting hook this implements
from mpaas.core.clock import Clock
from mpaas.core.db.database import Database
from mpaas.models import CarrierBindState

STALE_AFTER_SECONDS = 15.0  # a holder reports at least every 6 s (carriers/gateway.py REPORT_UNCHANGED_SECONDS)


def this_process() -> str:
    return f"pid {os.getpid()} on {socket.gethostname()}"


def publisher(db: Database, clock: Clock) -> Publish:
    """What the gateway calls with its carriers' states (an empty list: it let the binds go)."""
    holder = this_process()

    async def publish(states: list[dict[str, Any]]) -> None:
        async with db.write() as session:
            await replace(session, states, holder, clock.now())

    return publish


async def replace(session: AsyncSession, states: list[dict[str, Any]], holder: str, now: datetime) -> None:
    names = [str(s.get("name") or "carrier") for s in states]
    await session.execute(delete(CarrierBindState).where(CarrierBindState.name.not_in(names)))
    if not states:
        return
    # A state holds numbers, strings, lists and None; anything else (an exception kept as last_error) as its text.
    rows = [
        {"name": name, "state": json.loads(json.dumps(s, default=str)), "holder": holder, "reported_at": now}
        for name, s in zip(names, states, strict=True)
    ]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(CarrierBindState).values(rows)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[CarrierBindState.name],
            set_={
                "state": stmt.excluded.state,
                "holder": stmt.excluded.holder,
                "reported_at": stmt.excluded.reported_at,
            },
        )
    )


async def published(session: AsyncSession, now: datetime) -> list[dict[str, Any]]:
    """The last report of each carrier: its state's fields plus `holder`, `reported_at`, `age_seconds` and `stale`."""
    rows = (await session.execute(select(CarrierBindState).order_by(CarrierBindState.name))).scalars().all()
    out = []
    for row in rows:
        age = max(0.0, (now - row.reported_at).total_seconds())
        out.append(
            {
                **row.state,
                "holder": row.holder,
                "reported_at": row.reported_at,
                "age_seconds": round(age, 1),
                "stale": age > STALE_AFTER_SECONDS,
            }
        )
    return out
