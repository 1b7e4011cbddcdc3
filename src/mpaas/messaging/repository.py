"""SQL for messages and the numbers and routes the pipeline needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.carriers.base import MediaItem
from mpaas.core.db import keyreads
from mpaas.core.db.database import Database
from mpaas.messaging import media
from mpaas.models import Account, Message, MessageRoute, PhoneNumber, Subscription


async def number_in_accounts(session: AsyncSession, number: str, account_ids: Sequence[str]) -> PhoneNumber | None:
    result = await session.execute(
        select(PhoneNumber).where(PhoneNumber.number == number, PhoneNumber.account_id.in_(account_ids))
    )
    return result.scalar_one_or_none()


_NUMBERS = PhoneNumber.__table__
# What a send reads of its From number (service.check_sender and the message rows), by the unique number.
_SENDING_COLUMNS = (
    "id",
    "account_id",
    "number",
    "message_enabled",
    "status",
    "product_type",
    "sim_status",
    "message_type",
    "message_route_id",
)
SENDING_NUMBER = select(*(_NUMBERS.c[name] for name in _SENDING_COLUMNS)).where(
    _NUMBERS.c.number == bindparam("b_number")
)


async def sending_number(db: Database, number: str, account_ids: Sequence[str]) -> SimpleNamespace | None:
    """number_in_accounts for a send, as the attributes the send reads (`message_enabled` as a bool), on the
    driver (core/db/keyreads.py): one statement by the unique number, the account checked here."""
    found = await keyreads.rows(db, SENDING_NUMBER, {"b_number": number})
    if not found or found[0][1] not in account_ids:
        return None
    row = SimpleNamespace(**dict(zip(_SENDING_COLUMNS, found[0], strict=True)))
    row.message_enabled = bool(row.message_enabled)
    return row


_SUBSCRIPTIONS = Subscription.__table__
# billing.repository.LIVE_SUBSCRIPTION_ID for a batch of numbers: which of them have a live subscription.
SUBSCRIBED_NUMBERS = select(_SUBSCRIPTIONS.c.phone_number_id).where(
    _SUBSCRIPTIONS.c.phone_number_id.in_(bindparam("b_numbers", expanding=True)),
    _SUBSCRIPTIONS.c.deleted_at.is_(None),
    _SUBSCRIPTIONS.c.active.is_(True),
)


async def subscribed_numbers(session: AsyncSession, number_ids: Sequence[str]) -> set[str]:
    """The numbers (by id) among `number_ids` that have a live subscription; one statement."""
    result = await session.execute(SUBSCRIBED_NUMBERS, {"b_numbers": list(number_ids)})
    return set(result.scalars().all())


async def provisioned_number(session: AsyncSession, number: str) -> PhoneNumber | None:
    result = await session.execute(select(PhoneNumber).where(PhoneNumber.number == number))
    return result.scalar_one_or_none()


def canonical_message_id(message_id: str) -> str:
    """The stored form of a message id given in any casing: `TMID-` and the UUID in lower case. Every
    message id is made by ids.new_id in this form, so an equality on it finds what a case-insensitive
    comparison would, through the primary key; `lower(id) = ...` read every message of the account."""
    prefix, dash, rest = message_id.partition("-")
    return f"{prefix.upper()}{dash}{rest.lower()}"


async def get_message(
    session: AsyncSession, message_id: str, account_ids: Sequence[str] | None = None
) -> Message | None:
    stmt = select(Message).where(Message.id == canonical_message_id(message_id))
    if account_ids is not None:
        stmt = stmt.where(Message.account_id.in_(account_ids))
    return (await session.execute(stmt)).scalar_one_or_none()


@dataclass(frozen=True)
class Submittable:
    id: str
    from_number: str
    to_number: str
    body: str
    media: tuple[MediaItem, ...]  # as the carrier is handed it, stored items resolved
    message_route_id: str | None = None  # for Guardian screening (guardian/message_screening.py)
    batch_id: str | None = None  # an alert SMS's is its alert's GAID- (never screened)


async def messages_of_send(session: AsyncSession, message: Message) -> list:
    """Every message of the send `message` began (its MessageId is the send's), as (id, to_number, status,
    error_code, cost) rows, the send's order kept as far as it can be (its first message first). Through
    ix_messages_account_created: a send's messages share its account and its creation time to the
    microsecond, so no index of batch_id is written on every send for this read."""
    rows = await session.execute(
        select(Message.id, Message.to_number, Message.status, Message.error_code, Message.cost).where(
            Message.account_id == message.account_id,
            Message.created_at == message.created_at,
            Message.batch_id == message.batch_id,
        )
    )
    return sorted(rows.all(), key=lambda row: (row.id != message.batch_id, row.to_number))


_MESSAGES = Message.__table__
# Built once, from the table's columns: built per batch from the mapped class's attributes it was an ORM statement,
# compiled-cache lookup and ORM result included, for rows that are only read.
SUBMITTABLE = select(
    *(_MESSAGES.c[name] for name in ("id", "from_number", "to_number", "body", "media", "message_route_id", "batch_id"))
).where(
    _MESSAGES.c.id.in_(bindparam("b_ids", expanding=True)),
    _MESSAGES.c.status == "Queued",
    _MESSAGES.c.carrier_id.is_(None),
)


async def submittable(session: AsyncSession, message_ids: list[str]) -> dict[str, Submittable]:
    """The messages still waiting for their first submit (Queued, no carrier id yet), with their media: the
    items a batch's messages reference are read in one more query, once per item however many recipients."""
    result = await session.execute(SUBMITTABLE, {"b_ids": message_ids})
    rows = result.all()
    texts = await media.load(session, (row.media for row in rows))
    return {
        row.id: Submittable(
            row.id,
            row.from_number,
            row.to_number,
            row.body,
            media.carrier_items(row.media, texts),
            row.message_route_id,
            row.batch_id,
        )
        for row in rows
    }


async def route(session: AsyncSession, route_id: str | None) -> MessageRoute | None:
    return await session.get(MessageRoute, route_id) if route_id else None


async def signing_secret(session: AsyncSession, account_id: str) -> str:
    result = await session.execute(select(Account.webhook_signing_secret).where(Account.id == account_id))
    return result.scalar_one()


async def page_for_number(
    session: AsyncSession,
    account_ids: Sequence[str],
    number: str,
    *,
    offset: int,
    limit: int,
    start=None,
    end=None,
    direction: str | None = None,
    message_type: str | None = None,
) -> tuple[int, list[Message]]:
    """Messages of the caller's accounts that involve `number` (as the platform number or the other party),
    newest first."""
    conditions = [
        Message.account_id.in_(account_ids),
        or_(Message.owner == number, Message.from_number == number, Message.to_number == number),
    ]
    if start is not None:
        conditions.append(Message.created_at >= start)
    if end is not None:
        conditions.append(Message.created_at < end)
    if direction:
        conditions.append(func.lower(Message.direction) == direction.lower())
    if message_type:
        conditions.append(func.lower(Message.message_type) == message_type.lower())
    total = (await session.execute(select(func.count()).select_from(Message).where(*conditions))).scalar_one()
    rows = await session.execute(
        select(Message).where(*conditions).order_by(Message.created_at.desc(), Message.id).offset(offset).limit(limit)
    )
    return int(total), list(rows.scalars().all())
