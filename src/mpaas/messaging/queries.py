"""Message details, search, filter and device-delivery reports."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.core.errors import bad_request, missing
from mpaas.core.phone import required_e164
from mpaas.core.wire import MAX_PAGE_NUMBER, check_date, iso
from mpaas.messaging import media, repository, service
from mpaas.models import Message
from mpaas.webhooks import queries as webhook_queries
from mpaas.webhooks import repository as webhook_repository

MAX_RESULTS = 1000
DEFAULT_RESULTS = 25


def _page(page: int | None, results: int | None) -> tuple[int, int]:
    page = 1 if page is None else page
    results = DEFAULT_RESULTS if results is None else results
    if not 1 <= page <= MAX_PAGE_NUMBER:
        raise bad_request(f"The Page field must be between 1 and {MAX_PAGE_NUMBER}.")
    if not 1 <= results <= MAX_RESULTS:
        raise bad_request(f"The Results field must be between 1 and {MAX_RESULTS}.")
    return page, results


def _number(raw: str | None) -> str:
    return required_e164(raw, "PhoneNumber")


def _date(raw: str | None, field: str) -> datetime | None:
    if not raw:
        return None
    try:
        parsed = datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise bad_request(f"The {field} field must be a date in YYYY-MM-DD form.") from None
    check_date(parsed.date(), field)  # EndDate=9999-12-31 plus a day overflowed into a 500
    return parsed


def _dollars(value: Decimal) -> str:
    return "$" + format(value.normalize(), "f")


async def message_details(session: AsyncSession, principal: Principal, message_id: str) -> dict:
    """One message of the caller's accounts, by id in any casing."""
    message = await repository.get_message(session, message_id, principal.account_ids)
    if message is None:
        raise missing("message", message_id)
    batch = await repository.messages_of_send(session, message) if message.id == message.batch_id else None
    return service.details(message, batch)


def search_item(m: Message, media_texts: dict[str, str]) -> dict:
    """`media_texts`: the stored media items the page's messages reference (media.load), by SHA-256."""
    return {
        "MessageID": m.id,
        "Direction": m.direction,
        "Type": m.type,
        "CampaignID": m.campaign_id,
        "Cost": _dollars(m.cost),
        "Status": m.status,
        "To": [{"Number": m.to_number}],
        "From": m.from_number,
        "Owner": m.owner,
        "Body": m.body,
        "MmsMedia": (m.media or {}).get("MmsMedia", []),
        "MmsBase64": media.base64_items(m.media, media_texts),
        "MessageType": m.message_type,
        "CreatedOn": iso(m.created_at),
    }


async def search(
    session: AsyncSession,
    principal: Principal,
    *,
    phone_number: str | None,
    page: int | None,
    results: int | None,
    start_date: str | None,
    end_date: str | None,
    direction: str | None,
    message_type: str | None,
) -> dict:
    number = _number(phone_number)
    page, results = _page(page, results)
    start, end = _date(start_date, "StartDate"), _date(end_date, "EndDate")
    total, rows = await repository.page_for_number(
        session,
        principal.account_ids,
        number,
        offset=(page - 1) * results,
        limit=results,
        start=start,
        end=end + timedelta(days=1) if end else None,
        direction=direction,
        message_type=message_type,
    )
    texts = await media.load(session, (m.media for m in rows))  # one query for the page, none without media
    return {
        "PhoneNumber": number,
        "ResultsTotalRecords": total,
        "ResultsPages": math.ceil(total / results),
        "Page": page,
        "Results": [search_item(m, texts) for m in rows],
    }


async def filter_messages(
    session: AsyncSession, principal: Principal, *, phone_number: str | None, page: int | None, results: int | None
) -> dict:
    number = _number(phone_number)
    page, results = _page(page, results)
    total, rows = await repository.page_for_number(
        session, principal.account_ids, number, offset=(page - 1) * results, limit=results
    )
    return {
        "Messages": [
            {
                "MessageId": m.id,
                "From": m.from_number,
                "To": m.to_number,
                "Body": m.body,
                "Direction": m.direction.lower(),
                "Status": m.status.lower(),
                "CreatedAt": m.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            for m in rows
        ],
        "Page": page,
        "Results": results,
        "Total": total,
    }


async def report_device_delivery(session: AsyncSession, principal: Principal, message_id: str, now: datetime) -> dict:
    """The handset confirmed the message (beyond the carrier's receipt). The first report's time is kept."""
    message = await repository.get_message(session, message_id, principal.account_ids)
    if message is None:
        raise missing("message", message_id)
    if message.direction != "Outbound":
        raise bad_request(f"Message {message.id} is inbound; device delivery applies to outbound messages.")
    if message.status == "Failed":
        raise bad_request(
            f"Message {message.id} failed at the carrier ({message.error_code}); a device cannot have received it."
        )
    if message.device_delivered_at is None:
        message.device_delivered_at = now
        await session.flush()
    return {
        "MessageId": message.id,
        "DeviceDeliveryStatus": "Delivered",
        "DeliveredOn": iso(message.device_delivered_at),
        "DeviceType": "mobile",
    }


async def webhook_attempts(session: AsyncSession, principal: Principal, message_id: str) -> dict[str, Any]:
    """Every webhook attempt made for a message of the caller's accounts, in the order they were made."""
    message = await repository.get_message(session, message_id, principal.account_ids)
    if message is None:
        raise missing("message", message_id)
    attempts = await webhook_repository.attempts_for_message(session, message.id)
    return {
        "MessageId": message.id,
        "TotalAttempts": len(attempts),
        "Attempts": [webhook_queries.attempt(a) for a in attempts],
    }
