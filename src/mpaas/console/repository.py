"""SQL of the console: its session rows, and the few reads that have no API query (who signs in by email,
the platform's distributors for the operator, recent deliveries of webhooks the API's scoping already found, who
holds the carrier binds' advisory lock on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.console.models import ConsoleSession
from mpaas.models import Account, Distributor, Subscriber, UsageRecord, WebhookAttempt


async def add_session(session: AsyncSession, row: ConsoleSession) -> None:
    session.add(row)
    await session.flush()


async def get_session(session: AsyncSession, id_hash: str, now: datetime) -> ConsoleSession | None:
    row = await session.get(ConsoleSession, id_hash)
    if row is None or row.expires_at <= now:
        return None
    return row


async def delete_session(session: AsyncSession, id_hash: str) -> None:
    await session.execute(delete(ConsoleSession).where(ConsoleSession.id_hash == id_hash))


async def delete_expired(session: AsyncSession, now: datetime) -> None:
    await session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at <= now))


async def subscriber_by_email(session: AsyncSession, email: str) -> Subscriber | None:
    result = await session.execute(select(Subscriber).where(Subscriber.email_key == email.strip().lower()))
    return result.scalar_one_or_none()


async def subscriber(session: AsyncSession, subscriber_id: str) -> Subscriber | None:
    return await session.get(Subscriber, subscriber_id)


async def account(session: AsyncSession, account_id: str) -> Account | None:
    return await session.get(Account, account_id)


async def distributor(session: AsyncSession, distributor_id: str) -> Distributor | None:
    return await session.get(Distributor, distributor_id)


async def distributors_with_counts(session: AsyncSession, limit: int = 200) -> list[tuple[Distributor, int]]:
    counts = select(Account.distributor_id, func.count().label("n")).group_by(Account.distributor_id).subquery()
    result = await session.execute(
        select(Distributor, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.distributor_id == Distributor.id)
        .order_by(Distributor.created_at.desc())
        .limit(limit)
    )
    return [(d, int(n)) for d, n in result.all()]


async def recent_webhook_attempts(
    session: AsyncSession, account_ids: Sequence[str], webhook_ids: Sequence[str], limit: int = 50
) -> list[WebhookAttempt]:
    """The latest attempts of account webhooks the caller may see (ids found through the API's scoping)."""
    if not webhook_ids:
        return []
    result = await session.execute(
        select(WebhookAttempt)
        .where(WebhookAttempt.account_id.in_(account_ids), WebhookAttempt.webhook_id.in_(webhook_ids))
        .order_by(WebhookAttempt.id.desc())
        .limit(limit)
    )
    return list(result.scalars().all())


async def daily_usage(session: AsyncSession, number: str, start: datetime, end: datetime) -> dict[int, int]:
    """Bytes used by a number (already found through the API's scoping) per day of month, from `start` to `end`."""
    result = await session.execute(
        select(UsageRecord.occurred_at, UsageRecord.bytes).where(
            UsageRecord.number == number, UsageRecord.occurred_at >= start, UsageRecord.occurred_at <= end
        )
    )
    days: dict[int, int] = {}
    for occurred, nbytes in result.all():
        days[occurred.day] = days.get(occurred.day, 0) + int(nbytes)
    return days


async def advisory_lock_holder(session: AsyncSession, key: int) -> dict | None:
    """The PostgreSQL session holding the advisory lock `key` (carriers/lease.py's bind lease) in this database,
    or None. A bigint key is split over classid (high 32 bits) and objid (low 32 bits), objsubid 1. The session's
    name and address are NULL when the database role may not see other roles' sessions."""
    unsigned = key & 0xFFFFFFFFFFFFFFFF
    result = await session.execute(
        text(
            "SELECT l.pid, a.application_name, a.client_addr::text, a.backend_start"
            " FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
            " AND l.classid::bigint = :hi AND l.objid::bigint = :lo"
            " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ),
        {"hi": unsigned >> 32, "lo": unsigned & 0xFFFFFFFF},
    )
    row = result.first()
    if row is None:
        return None
    return {"pid": row[0], "name": row[1] or "", "address": row[2] or "", "since": row[3]}
