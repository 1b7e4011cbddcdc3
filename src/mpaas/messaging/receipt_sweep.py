"""Receipts that never come: a batched sweep over the messages still waiting for a final receipt.

A carrier that accepted a message may never send its receipt (a gateway died and the SMSC dropped the receipts
of its dead session; an SMSC that loses them). Such a message would stay `Sent` forever. Each sent message
carries when it is next due (`receipt_check_at`, in a partial index that holds only messages in flight) and
when its validity period ends (`expires_at`; the same period went to the carrier as submit_sm's
validity_period). Both are set when the submit is recorded (messaging/bulk.py record_submits) and the check is
cleared by any final status (bulk.FINISHED).

The gateway holding the carrier binds runs one pass every MPAAS_RECEIPT_SWEEP_SECONDS (carriers/gateway.py):
only the lease holder, so several gateways never sweep at once, and it asks through the binds it holds. A pass
reads up to MPAAS_RECEIPT_SWEEP_BATCH due messages through the index, asks the carrier about each part without
a final receipt (query_sm; a connector without `query` is not asked), and in one transaction:

- applies every final answer as the receipt it stands for (the usual Delivered/Failed, status callback);
- gives a message whose validity period is over and that is still unresolved a final status and a status
  callback: `Undelivered` (ErrorCode the carrier's refusal, e.g. ESME_RQUERYFAIL) when the carrier no longer
  knows it, else `Expired` (ErrorCode NO_RECEIPT: no final receipt within the validity period);
- otherwise moves its check on: the first query comes MPAAS_RECEIPT_QUERY_SECONDS after the submit, the next
  ones at doubling intervals (at most the message's age again), never later than its expiry.

No per-message timers or job rows: a message costs one index entry while it is in flight."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, or_, select, update

from mpaas.carriers.base import CarrierUnavailable, Connector, QueryResult
from mpaas.carriers.receipts import FINAL_STATES
from mpaas.core.clock import Clock
from mpaas.core.db import fastmany
from mpaas.core.db.database import Database
from mpaas.core.jobs.queue import JobQueue
from mpaas.messaging import bulk
from mpaas.models import Message, MessagePart

log = logging.getLogger("mpaas.messaging.receipt_sweep")

EXPIRED = "Expired"
UNDELIVERED = "Undelivered"
NO_RECEIPT = "NO_RECEIPT"
# Passes one tick may run back to back while full batches keep coming (then the next tick goes on).
MAX_PASSES_PER_TICK = 20

# cast: SQLAlchemy types a declarative __table__ as any FromClause, which update() does not take.
MESSAGES, PARTS = cast(Table, Message.__table__), cast(Table, MessagePart.__table__)
DUE = (
    select(MESSAGES.c.id, MESSAGES.c.status, MESSAGES.c.from_number, MESSAGES.c.to_number, MESSAGES.c.expires_at)
    .where(MESSAGES.c.receipt_check_at <= bindparam("b_now"))
    .order_by(MESSAGES.c.receipt_check_at)
    .limit(bindparam("b_limit"))
)
PARTS_OF = select(PARTS.c.message_id, PARTS.c.carrier, PARTS.c.carrier_message_id, PARTS.c.state).where(
    PARTS.c.message_id.in_(bindparam("b_ids", expanding=True))
)
RECHECK = (
    update(MESSAGES)
    .where(MESSAGES.c.id == bindparam("b_id"), or_(*(MESSAGES.c.status == status for status in bulk.OPEN_STATUSES)))
    .values(receipt_check_at=bindparam("b_check_at"))
)
CLEAR = update(MESSAGES).where(MESSAGES.c.id == bindparam("b_id")).values(receipt_check_at=None)


class ReceiptSweep:
    """One call is one tick: passes over the due messages until none are left (or MAX_PASSES_PER_TICK)."""

    def __init__(
        self,
        connector: Connector,
        db: Database,
        clock: Clock,
        queue: JobQueue,
        *,
        query_seconds: float,
        validity_seconds: float,
        batch: int = 500,
    ):
        self.connector = connector
        self.db = db
        self.clock = clock
        self.queue = queue
        self.query_seconds = query_seconds
        self.validity_seconds = validity_seconds
        self.batch = batch

    async def __call__(self) -> int:
        handled = 0
        for _ in range(MAX_PASSES_PER_TICK):
            count = await self.sweep_once()
            handled += count
            if count < self.batch:
                break
        return handled

    async def _ask(self, carrier: str, part_id: str, source: str, destination: str) -> QueryResult | None:
        query = getattr(self.connector, "query", None)
        if query is None:
            return None
        try:
            return await query(carrier, part_id, source, destination)
        except CarrierUnavailable as exc:
            log.info("receipt sweep: cannot ask %s about %s now: %s", carrier, part_id, exc)
        except Exception:  # one carrier's bad answer must not stop the sweep
            log.exception("receipt sweep: asking %s about %s failed", carrier, part_id)
        return None

    def _next_check(self, expires_at: datetime | None, now: datetime) -> datetime:
        """Doubling: the age of the message since its submit again, at least query_seconds, at most expiry."""
        sent_at = (expires_at - timedelta(seconds=self.validity_seconds)) if expires_at is not None else now
        step = max(self.query_seconds, (now - sent_at).total_seconds())
        check = now + timedelta(seconds=step)
        return min(check, expires_at) if expires_at is not None else check

    async def sweep_once(self) -> int:
        now = self.clock.now()
        async with self.db.quick_read() as session:
            due = (await session.execute(DUE, {"b_now": now, "b_limit": self.batch})).all()
            if not due:
                return 0
            part_rows = (await session.execute(PARTS_OF, {"b_ids": [m.id for m in due]})).all()
        parts = defaultdict(list)
        for part in part_rows:
            parts[part.message_id].append(part)
        asked = [
            (m, p) for m in due if m.status in bulk.OPEN_STATUSES for p in parts[m.id] if p.state not in FINAL_STATES
        ]
        answers = await asyncio.gather(
            *(self._ask(p.carrier, p.carrier_message_id, m.from_number, m.to_number) for m, p in asked)
        )
        answer_of = {(p.carrier, p.carrier_message_id): a for (_, p), a in zip(asked, answers, strict=True)}
        receipts: list[bulk.Receipt] = []
        finals: dict[str, tuple[str, str | None]] = {}
        rechecks: list[dict] = []
        cleared: list[dict] = []
        for m in due:
            if m.status not in bulk.OPEN_STATUSES:
                cleared.append({"b_id": m.id})
                continue
            open_parts = [p for p in parts[m.id] if p.state not in FINAL_STATES]
            unresolved = []
            for p in open_parts:
                answer = answer_of.get((p.carrier, p.carrier_message_id))
                if answer is not None and answer.known and answer.state in FINAL_STATES:
                    receipts.append(bulk.Receipt(p.carrier, p.carrier_message_id, answer.state, answer.error_code))
                else:
                    unresolved.append(answer)
            if open_parts and not unresolved:
                continue  # its receipts, now applied, settle it
            if m.expires_at is not None and m.expires_at <= now:
                forgotten = next((a for a in unresolved if a is not None and not a.known), None)
                if forgotten is not None:
                    finals[m.id] = (UNDELIVERED, forgotten.error_code or "UNKNOWN_TO_CARRIER")
                else:
                    finals[m.id] = (EXPIRED, NO_RECEIPT)
            else:
                rechecks.append({"b_id": m.id, "b_check_at": self._next_check(m.expires_at, now)})
        async with self.db.write() as session:
            if receipts:
                await bulk.apply_receipts(session, receipts, now)
            if finals:
                await bulk.finish_messages(session, finals, now)
            if rechecks:
                await fastmany.executemany(session, RECHECK, rechecks)
            if cleared:
                await fastmany.executemany(session, CLEAR, cleared)
        if receipts or finals:
            self.queue.notify()
            log.info(
                "receipt sweep: %d receipts from queries, %d messages given a final status, %d to ask again",
                len(receipts),
                len(finals),
                len(rechecks),
            )
        return len(due)
