"""SQL for message filters, scoped to the caller's accounts; and the pipeline's one read per batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.core.db import keyreads

# The caller's subscriber and its numbers: the same reads as the call filters' (re-exported for the service).
from mpaas.guardian.repository import holders_of as holders_of
from mpaas.guardian.repository import numbers_of as numbers_of
from mpaas.guardian.repository import subscriber as subscriber
from mpaas.models import GuardianFeatures, MessageFilter, MessageRoute, PhoneNumber

FILTERS = MessageFilter.__table__


def canonical_filter_id(filter_id: str) -> str:
    """The stored form of a filter id given in any casing (`MFID-` and the UUID in lower case, as ids.new_id
    makes it): an equality through the primary key, not `lower(id) = ...` over every filter of the accounts."""
    prefix, dash, rest = filter_id.strip().partition("-")
    return f"{prefix.upper()}{dash}{rest.lower()}"


async def get(session: AsyncSession, filter_id: str, account_ids: Sequence[str]) -> MessageFilter | None:
    result = await session.execute(
        select(MessageFilter).where(
            MessageFilter.id == canonical_filter_id(filter_id), MessageFilter.account_id.in_(account_ids)
        )
    )
    return result.scalar_one_or_none()


async def exists_for(session: AsyncSession, subscriber_id: str, phone: str) -> bool:
    row = await session.execute(
        select(MessageFilter.id).where(MessageFilter.subscriber_id == subscriber_id, MessageFilter.phone == phone)
    )
    return row.first() is not None


async def listing(
    session: AsyncSession, account_ids: Sequence[str], subscriber_ids: Sequence[str] | None, phone: str | None
) -> list[MessageFilter]:
    stmt = select(MessageFilter).where(MessageFilter.account_id.in_(account_ids))
    if subscriber_ids is not None:
        stmt = stmt.where(MessageFilter.subscriber_id.in_(subscriber_ids))
    if phone is not None:
        stmt = stmt.where(MessageFilter.phone == phone)
    rows = await session.execute(stmt.order_by(MessageFilter.created_at, MessageFilter.id))
    return list(rows.scalars().all())


# The pipeline's read: per batch of messages, the filters of the platform numbers involved, with whether the
# subscriber has Guardian messages on and the number's route bypass flags, for numbers still in the filter's
# account. Through ix_message_filters_phone: a number without a filter costs an index probe and nothing else.
# From the tables' columns: with the mapped classes' attributes it was an ORM statement, run through the ORM's
# compile state and result on every batch, for rows that are only read.
_FEATURES = GuardianFeatures.__table__.c
_NUMBERS = PhoneNumber.__table__.c
_ROUTES = MessageRoute.__table__.c
_ACTIVE_FILTERS = (
    select(
        FILTERS.c.id,
        FILTERS.c.version,
        FILTERS.c.phone,
        _ROUTES.inbound_bypass,
        _ROUTES.outbound_bypass,
    )
    .select_from(FILTERS)
    .join(
        GuardianFeatures.__table__,
        (_FEATURES.subscriber_id == FILTERS.c.subscriber_id) & _FEATURES.messages.is_(True),
    )
    # The number must still be the filter's account's: a number released and provisioned again elsewhere
    # leaves its old filter behind, acting on nobody's messages.
    .join(
        PhoneNumber.__table__,
        (_NUMBERS.number == FILTERS.c.phone) & (_NUMBERS.account_id == FILTERS.c.account_id),
    )
    .outerjoin(MessageRoute.__table__, _ROUTES.id == _NUMBERS.message_route_id)
    .where(FILTERS.c.mode != "INACTIVE")
)
ACTIVE_FILTERS = _ACTIVE_FILTERS.where(FILTERS.c.phone.in_(bindparam("b_phones", expanding=True)))
ACTIVE_FILTERS_OF_ONE = _ACTIVE_FILTERS.where(FILTERS.c.phone == bindparam("b_phone"))
FILTER_ROWS = select(FILTERS).where(FILTERS.c.id.in_(bindparam("b_ids", expanding=True)))


class ActiveFilter(NamedTuple):
    id: str
    version: int
    phone: str
    inbound_bypass: bool | None
    outbound_bypass: bool | None


async def active_filters(session: AsyncSession, phones: Sequence[str]) -> list[ActiveFilter]:
    """The pipeline's read. On a SQLite file one key read per number on the driver (core/db/keyreads.py: a few
    microseconds each, on the loop's thread, its own snapshot of what is committed; a batch names one or a few
    numbers); elsewhere one statement for the batch in the caller's session."""
    if not phones:
        return []
    db = session.info.get("database")
    if db is not None and keyreads.sqlite_connection(db) is not None:
        found = []
        for phone in phones:
            found += await keyreads.rows(db, ACTIVE_FILTERS_OF_ONE, {"b_phone": phone})
        return [ActiveFilter(*row) for row in found]
    return [ActiveFilter(*row) for row in (await session.execute(ACTIVE_FILTERS, {"b_phones": list(phones)})).all()]


async def filter_rows(session: AsyncSession, filter_ids: Sequence[str]) -> list:
    return list((await session.execute(FILTER_ROWS, {"b_ids": list(filter_ids)})).all())
