"""The pipeline's database work for whole batches: a few set-wise statements per batch instead of several
ORM round trips per message (each statement through aiosqlite costs a thread hop).

Everything here runs inside the caller's write transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, and_, bindparam, delete, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.carriers.base import SubmitResult
from mpaas.carriers.receipts import DELIVERED, FAILED_STATES, FINAL_STATES
from mpaas.core import ids
from mpaas.core.db import fastmany
from mpaas.core.jobs.queue import insert_jobs, job_row
from mpaas.core.wire import iso
from mpaas.models import EarlyReceipt, Message, MessagePart
from mpaas.webhooks.jobs import deliver_jobs

# A part's receipt settles it in one of carriers/receipts.py's FINAL_STATES; the failed ones (every final state
# but DELIVRD, SKIPPED too) are kept as the message's ErrorCode when the receipt brings none.
OPEN_STATUSES = ("Queued", "Sent")

# Set-wise executemany UPDATEs go through the tables: the ORM would read them as per-row updates by key.
MESSAGES = cast(Table, Message.__table__)  # a declarative class's __table__ is its Table (typed as any FromClause)
PARTS = cast(Table, MessagePart.__table__)

# Built once: fastmany caches each statement's compiled form (and building one per batch costs too).
INSERT_MESSAGES = MESSAGES.insert()
INSERT_PARTS = PARTS.insert()
SUBMITTED = (
    update(MESSAGES)
    .where(MESSAGES.c.id == bindparam("b_id"))
    .values(
        carrier_id=bindparam("b_carrier_id"),
        status=bindparam("b_status"),
        updated_at=bindparam("b_now"),
        receipt_check_at=bindparam("b_check_at"),
        expires_at=bindparam("b_expires_at"),
    )
)
# A message whose every part came back with a final receipt before its submit was recorded goes from Queued
# to its final status in the submit's own statement (record_submits): its error code too.
SUBMITTED_SETTLED = (
    update(MESSAGES)
    .where(MESSAGES.c.id == bindparam("b_id"))
    .values(
        carrier_id=bindparam("b_carrier_id"),
        status=bindparam("b_status"),
        error_code=bindparam("b_error"),
        updated_at=bindparam("b_now"),
        receipt_check_at=None,
        expires_at=bindparam("b_expires_at"),
    )
)
# `or_` of equalities, not IN: an expanding IN cannot go into an executemany. A final status ends the wait for
# a receipt: the message leaves the receipt sweep's index (messaging/receipt_sweep.py).
FINISHED = (
    update(MESSAGES)
    .where(MESSAGES.c.id == bindparam("b_id"), or_(*(MESSAGES.c.status == status for status in OPEN_STATUSES)))
    .values(
        status=bindparam("b_status"),
        error_code=bindparam("b_error"),
        updated_at=bindparam("b_now"),
        receipt_check_at=None,
    )
)
RECEIPTED = (
    update(PARTS)
    .where(PARTS.c.carrier == bindparam("b_carrier"), PARTS.c.carrier_message_id == bindparam("b_cmid"))
    .values(state=bindparam("b_state"), error_code=bindparam("b_error"), updated_at=bindparam("b_now"))
)

# What the batch transactions read of a message: its status decides whether an event is due. The event's
# other fields are read when the callback is delivered (status_callback).
STATUS_OF = select(MESSAGES.c.id, MESSAGES.c.status).where(MESSAGES.c.id.in_(bindparam("b_ids", expanding=True)))
OPEN_STATUS_OF = STATUS_OF.where(MESSAGES.c.status.in_(OPEN_STATUSES))
PARTS_OF = select(PARTS.c.message_id, PARTS.c.part_index, PARTS.c.parts_total, PARTS.c.state, PARTS.c.error_code).where(
    PARTS.c.message_id.in_(bindparam("b_ids", expanding=True))
)
PARTS_BY_CARRIER_ID = select(PARTS.c.carrier, PARTS.c.carrier_message_id, PARTS.c.message_id, PARTS.c.state).where(
    PARTS.c.carrier == bindparam("b_carrier"), PARTS.c.carrier_message_id.in_(bindparam("b_ids", expanding=True))
)

# Receipts that came before their submit was recorded. The upsert is one statement run per row (executemany),
# not a multi-row VALUES: SQLAlchemy compiled that afresh for every batch size, 16 ms a time under the write
# lock (cProfile of the gateway role: 82 compiles, 1.6 s of an 11 s run).
EARLY = EarlyReceipt.__table__


def _early_upsert(insert):
    statement = insert(EARLY)
    return statement.on_conflict_do_update(
        index_elements=[EARLY.c.carrier, EARLY.c.carrier_message_id],
        set_={"state": statement.excluded.state, "error_code": statement.excluded.error_code},
    )


EARLY_UPSERT = {"sqlite": _early_upsert(sqlite.insert), "postgresql": _early_upsert(postgresql.insert)}
_EARLY_OF = and_(
    EARLY.c.carrier == bindparam("b_carrier"), EARLY.c.carrier_message_id.in_(bindparam("b_ids", expanding=True))
)
EARLY_OF = select(EARLY.c.carrier, EARLY.c.carrier_message_id, EARLY.c.state, EARLY.c.error_code).where(_EARLY_OF)
DELETE_EARLY = delete(EARLY).where(_EARLY_OF)


@dataclass(frozen=True)
class Receipt:
    carrier: str
    carrier_message_id: str
    state: str
    error_code: str | None = None


def status_callback(message, status: str, error_code: str | None, now: datetime) -> dict:
    """The status callback of `message` (a row with its id): its event id, status, error and time. The rest
    of the payload (the message's own fields, which never change once it is accepted) is read when the
    callback is delivered (webhooks/delivery.py): building and storing the whole event here, inside the
    write transaction, was a fifth of a receipt batch's time, and every claim and completion of the job
    rewrote it again. A `webhook.deliver` job carries one or several of these (webhooks/jobs.py deliver_jobs)."""
    return {
        "target": "callback",
        "message_id": message.id,
        "event_id": ids.new_id(ids.EVENT),
        "event_type": "message.status",
        "status": status,
        "error_code": error_code,
        "at": iso(now),
    }


async def _status_rows(session: AsyncSession, message_ids: Iterable[str], *, open_only: bool = False) -> dict:
    stmt = OPEN_STATUS_OF if open_only else STATUS_OF
    return {row.id: row for row in (await session.execute(stmt, {"b_ids": list(message_ids)})).all()}


async def finish_messages(session: AsyncSession, outcomes: dict[str, tuple[str, str | None]], now: datetime) -> None:
    """Move still-open messages to a final status and queue their status callbacks."""
    if not outcomes:
        return
    rows = await _status_rows(session, outcomes, open_only=True)
    if not rows:
        return
    await fastmany.executemany(
        session,
        FINISHED,
        [{"b_id": mid, "b_status": outcomes[mid][0], "b_error": outcomes[mid][1], "b_now": now} for mid in rows],
    )
    await insert_jobs(
        session, deliver_jobs([status_callback(row, *outcomes[mid], now) for mid, row in rows.items()], now)
    )


def _receipt_error(state: str, error_code: str | None) -> str | None:
    """A part's error code from its receipt: none when delivered, else the carrier's, else a failed state."""
    return None if state == DELIVERED else (error_code or (state if state in FAILED_STATES else None))


def _aggregate(parts: Sequence) -> tuple[str, str | None] | None:
    """The message's status once every part has a final receipt: Delivered only if all parts were."""
    if not parts or len(parts) < parts[0].parts_total or any(p.state not in FINAL_STATES for p in parts):
        return None
    failed = [p for p in sorted(parts, key=lambda p: p.part_index) if p.state != DELIVERED]
    if failed:
        return "Failed", failed[0].error_code or failed[0].state
    return "Delivered", None


async def _settle(session: AsyncSession, message_ids: set[str], now: datetime) -> None:
    rows = (await session.execute(PARTS_OF, {"b_ids": list(message_ids)})).all()
    parts: dict[str, list] = defaultdict(list)
    for row in rows:
        parts[row.message_id].append(row)
    outcomes = {mid: outcome for mid, ps in parts.items() if (outcome := _aggregate(ps)) is not None}
    await finish_messages(session, outcomes, now)


async def lock_correlation(session: AsyncSession, carriers: Iterable[str]) -> None:
    """Serialize receipt correlation with submit recording per carrier, across processes (PostgreSQL).

    Without it, under READ COMMITTED a receipt written while its submit is being recorded is seen by
    neither transaction: the receipt finds no part (so it is kept as early) and the submit finds no early
    receipt (it was not committed yet); both commit and the receipt is never applied. SQLite's single
    writer already serializes them. Taken first in the transaction, in sorted order: no deadlock."""
    if session.bind.dialect.name != "postgresql":
        return
    for carrier in sorted(set(carriers)):
        await session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"mpaas receipts {carrier}"}
        )


async def apply_receipts(session: AsyncSession, receipts: Sequence[Receipt], now: datetime) -> None:
    """Record receipts; a receipt whose part is not mapped yet is kept as an early receipt."""
    known: dict[tuple[str, str], object] = {}
    by_carrier: dict[str, set[str]] = defaultdict(set)
    for r in receipts:
        by_carrier[r.carrier].add(r.carrier_message_id)
    await lock_correlation(session, by_carrier)
    for carrier, carrier_ids in by_carrier.items():
        rows = (await session.execute(PARTS_BY_CARRIER_ID, {"b_carrier": carrier, "b_ids": list(carrier_ids)})).all()
        for row in rows:
            known[(row.carrier, row.carrier_message_id)] = row
    state_now: dict[tuple[str, str], str | None] = {k: row.state for k, row in known.items()}
    updates, early, touched = [], {}, set()
    for r in receipts:
        key = (r.carrier, r.carrier_message_id)
        state = (r.state or "UNKNOWN").upper()
        error = _receipt_error(state, r.error_code)
        if key not in known:
            if key not in early or state in FINAL_STATES:
                early[key] = {
                    "carrier": r.carrier,
                    "carrier_message_id": r.carrier_message_id,
                    "state": state,
                    "error_code": error,
                    "received_at": now,
                }
            continue
        if state_now[key] in FINAL_STATES:
            continue  # a duplicate receipt changes nothing
        state_now[key] = state
        updates.append(
            {"b_carrier": r.carrier, "b_cmid": r.carrier_message_id, "b_state": state, "b_error": error, "b_now": now}
        )
        touched.add(known[key].message_id)
    if early:
        await fastmany.executemany(session, EARLY_UPSERT[session.bind.dialect.name], list(early.values()))
    if updates:
        await fastmany.executemany(session, RECEIPTED, updates)
        await _settle(session, touched, now)


async def record_submits(
    session: AsyncSession,
    connector: str,
    accepted: dict[str, SubmitResult],
    now: datetime,
    receipts: Sequence[Receipt] = (),
    *,
    receipt_job: str,
    receipt_query_seconds: float | None = None,
    validity_seconds: float | None = None,
) -> None:
    """Store what the carriers accepted: carrier ids, parts, `Sent` and its callback, announced receipts (a
    `receipt_job` job each, due when the carrier said); then apply receipts that arrived before the mapping
    existed (stored early, and `receipts`, held back in memory for this transaction). Parts are keyed by the
    carrier that took them (SubmitResult.carrier), else by `connector`'s name: receipts come back under the
    member carrier's name. The submit handler names the receipt job (messaging/jobs.py, which imports this
    module). A message left waiting for its receipt is due for the receipt sweep `receipt_query_seconds` from
    now and expires `validity_seconds` from now (messaging/receipt_sweep.py); None: never."""
    if not accepted:
        return
    carrier_of = {mid: result.carrier or connector for mid, result in accepted.items()}
    await lock_correlation(session, set(carrier_of.values()))
    rows = await _status_rows(session, accepted)
    check_at = now + timedelta(seconds=receipt_query_seconds) if receipt_query_seconds is not None else None
    expires_at = now + timedelta(seconds=validity_seconds) if validity_seconds is not None else None
    if expires_at is not None and check_at is None:
        check_at = expires_at  # never asked, but still given a final status when its validity ends
    if check_at is not None and expires_at is not None:
        check_at = min(check_at, expires_at)
    found = {mid: result for mid, result in accepted.items() if mid in rows}
    # Receipts that came before this record: stored early (read and deleted here, under the correlation lock, so
    # none can be added meanwhile), then the ones `receipts` holds in memory, in that order.
    part_keys: dict[str, list[str]] = defaultdict(list)
    for mid, result in found.items():
        part_keys[carrier_of[mid]] += result.all_ids
    early = []
    for carrier, keys in part_keys.items():
        stored = (await session.execute(EARLY_OF, {"b_carrier": carrier, "b_ids": keys})).all()
        if stored:
            await session.execute(DELETE_EARLY, {"b_carrier": carrier, "b_ids": [e.carrier_message_id for e in stored]})
            early += stored
    arrived = [Receipt(e.carrier, e.carrier_message_id, e.state, e.error_code) for e in early] + list(receipts)
    # A part's first final receipt settles it (later ones change nothing, as in apply_receipts).
    final: dict[tuple[str, str], tuple[str, str | None]] = {}
    for r in arrived:
        key = (r.carrier, r.carrier_message_id)
        state = (r.state or "UNKNOWN").upper()
        if key not in final and state in FINAL_STATES:
            final[key] = (state, _receipt_error(state, r.error_code))
    message_updates, settled_updates, parts, jobs, events, settled_events = [], [], [], [], [], []
    settled_keys: set[tuple[str, str]] = set()
    for mid, result in found.items():
        row = rows[mid]
        carrier = carrier_of[mid]
        opened = row.status == "Queued"
        waiting = row.status in OPEN_STATUSES  # a receipt may already have settled it
        part_ids = result.all_ids
        part_of = [(carrier, part_id) for part_id in part_ids]
        # Every part's final receipt is here already (a carrier that answers in milliseconds): the message goes
        # to its final status now, in the statements that record the submit, instead of being recorded as Sent
        # and then read back, updated and settled by apply_receipts in the same transaction. The same rows and
        # the same two callbacks, Sent first, come out of it.
        settles = opened and all(key in final for key in part_of)
        if settles:
            settled_keys.update(part_of)
            failed = [final[key] for key in part_of if final[key][0] != DELIVERED]
            outcome: tuple[str, str | None] = (
                ("Failed", failed[0][1] or failed[0][0]) if failed else ("Delivered", None)
            )
            settled_updates.append(
                {
                    "b_id": mid,
                    "b_carrier_id": result.carrier_id,
                    "b_status": outcome[0],
                    "b_error": outcome[1],
                    "b_now": now,
                    "b_expires_at": expires_at,
                }
            )
            settled_events.append(status_callback(row, outcome[0], outcome[1], now))
        else:
            message_updates.append(
                {
                    "b_id": mid,
                    "b_carrier_id": result.carrier_id,
                    "b_status": "Sent" if opened else row.status,
                    "b_now": now,
                    "b_check_at": check_at if waiting else None,
                    "b_expires_at": expires_at if waiting else None,
                }
            )
        if opened:  # a receipt may already have settled it
            events.append(status_callback(row, "Sent", None, now))
        for index, (key, part_id) in enumerate(zip(part_of, part_ids, strict=True)):
            part_state, part_error = final[key] if settles else (None, None)
            parts.append(
                {
                    "carrier": carrier,
                    "carrier_message_id": part_id,
                    "message_id": mid,
                    "part_index": index,
                    "parts_total": len(part_ids),
                    "state": part_state,
                    "error_code": part_error,
                    "updated_at": now,
                }
            )
            if result.receipt_state is not None:
                jobs.append(
                    job_row(
                        now,
                        receipt_job,
                        {"carrier": carrier, "carrier_id": part_id, "state": result.receipt_state},
                        delay_seconds=result.receipt_delay_seconds or 0.0,
                    )
                )
    await fastmany.executemany(session, SUBMITTED, message_updates)
    await fastmany.executemany(session, SUBMITTED_SETTLED, settled_updates)
    await fastmany.executemany(session, INSERT_PARTS, parts)
    # Each message's Sent before its final status.
    await insert_jobs(session, jobs + deliver_jobs(events + settled_events, now))
    rest = [r for r in arrived if (r.carrier, r.carrier_message_id) not in settled_keys]
    if rest:
        await apply_receipts(session, rest, now)
