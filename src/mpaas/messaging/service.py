"""Outbound sends and inbound arrivals: each stores its messages and their follow-up jobs in one transaction."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import phonenumbers
from phonenumbers import geocoder
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.billing.enforcement import check_can_send
from mpaas.carriers import config as carrier_config
from mpaas.carriers import segments
from mpaas.config import Settings
from mpaas.core import ids
from mpaas.core.db import fastmany
from mpaas.core.db.database import Database
from mpaas.core.db.group_commit import GroupCommit
from mpaas.core.errors import ApiError, bad_request, not_found
from mpaas.core.jobs.queue import enqueue
from mpaas.core.phone import normalize_e164
from mpaas.core.wire import iso_local, money
from mpaas.guardian import message_screening
from mpaas.messaging import bulk, media, repository
from mpaas.messaging.jobs import submit_jobs
from mpaas.messaging.schemas import InboundRequest, OutboundRequest
from mpaas.models import Message
from mpaas.webhooks import events
from mpaas.webhooks import service as account_webhooks
from mpaas.webhooks.jobs import DELIVER_JOB, DELIVER_MAX_ATTEMPTS

if TYPE_CHECKING:
    from mpaas.roles.platform import Platform

log = logging.getLogger("mpaas.messaging")

MESSAGES = Message.__table__
NOT_YOUR_NUMBER = "Phone number does not belong to account"


@dataclass
class Sent:
    messages: list[SimpleNamespace]  # the stored rows, by column name (Message's attribute names)
    media: dict  # the send's MmsMedia / MmsBase64, as sent (the rows hold references)


@dataclass(frozen=True)
class SendPolicy:
    """What a send is checked and priced against, from the settings: the price of a segment, the media caps, and
    what the carrier each destination is routed to does with media (read from the carriers' settings, since
    the API process builds no connector)."""

    cost_per_segment: Decimal
    media_limits: media.Limits
    media_routes: Callable[[], carrier_config.MediaRoutes]  # read only for a send with media

    @classmethod
    def from_settings(cls, settings: Settings) -> SendPolicy:
        return cls(
            settings.message_cost_per_segment,
            media.Limits(settings.mms_max_item_bytes, settings.mms_max_send_bytes),
            functools.partial(carrier_config.media_routes, settings.smpp_url, settings.carriers_file),
        )


def check_media_carriers(destinations: list[str], sent: media.SendMedia, policy: SendPolicy) -> None:
    """A message with media goes only to carriers that can carry it (or send it as links): refused here, at
    send time, rather than sent as its text alone and reported Delivered."""
    try:
        routes = policy.media_routes()
    except carrier_config.CarrierConfigError as exc:  # the gateway cannot bind with it either: nothing is sent
        log.error("a send with media was refused: %s", exc)
        raise ApiError(
            503, "A message with media cannot be accepted now: this server's carriers configuration cannot be read."
        ) from None
    for i, dest in enumerate(destinations):
        routed = routes.carrier_for(dest)
        if routed is None:  # no carrier routes it: failed by the dispatcher (NO_ROUTE), as an SMS would be
            continue
        carrier, mode = routed
        if mode == carrier_config.NO_MEDIA:
            raise bad_request(
                f"The To[{i}].Number field names {dest}, which goes through carrier {carrier}: it cannot carry "
                "media (MmsMedia, MmsBase64). Send the message without media."
            )
        if mode == carrier_config.LINK and "MmsBase64" in sent.answer:
            raise bad_request(
                f"The MmsBase64 field cannot be sent to {dest}: carrier {carrier} sends media as links, and "
                "MmsBase64 items have none. Send the media as MmsMedia links."
            )


# SIM states that stop a number sending (the contract's SimStatus has Suspended; Deactivated is kept for SIMs
# marked so by the operator or an older record). Compared case-insensitively.
BLOCKED_SIM_STATUSES = {"suspended": "Suspended", "deactivated": "Deactivated"}


def check_sender(number, source: str, campaign_id: str | None) -> None:
    """The rules the sending number's stored fields make (docs/messaging.md, "Who may send"), all read from the
    row the send's quick read already has: no query of their own."""
    if (number.product_type or "").lower() == "data-only":
        raise bad_request(f"The From number {source} is a Data-Only number (ProductType) and cannot send SMS or MMS.")
    sim = BLOCKED_SIM_STATUSES.get((number.sim_status or "").lower())
    if sim is not None:
        raise bad_request(f"The From number {source} cannot send messages: its SIM is {sim}.")
    if (number.message_type or "").lower() == "a2p" and not campaign_id:
        raise bad_request(
            f"The CampaignId field is required for a2p messages: the From number {source} is an a2p number, "
            "and a2p traffic must name its 10DLC campaign."
        )


@dataclass
class PreparedSend:
    """An outbound send checked and laid out before the write transaction, so the transaction that holds
    SQLite's single write lock only counts usage and inserts (every millisecond of Python inside it is a
    millisecond no other writer, in this process or another, can commit)."""

    number: Any  # the sending PhoneNumber as read, or its attributes a send reads (repository.sending_number)
    rows: list[dict]  # message rows by column name
    media: media.SendMedia  # the send's media, stored once for every recipient
    now: datetime  # the request's time: its rows', and its billing period's


async def prepare_outbound(
    session: AsyncSession, principal: Principal, body: OutboundRequest, now: datetime, policy: SendPolicy
) -> PreparedSend:
    """Validate a send and build its rows; reads only. A number released between this read and the write
    is the same as a send that came just before the release."""
    return await _prepare(
        lambda source: repository.number_in_accounts(session, source, principal.account_ids), body, now, policy
    )


async def prepare_send(
    db: Database, principal: Principal, body: OutboundRequest, now: datetime, policy: SendPolicy
) -> PreparedSend:
    """prepare_outbound for the API's send: the number is read on the driver (repository.sending_number), no
    session. The same checks in the same order, the same errors."""
    return await _prepare(
        lambda source: repository.sending_number(db, source, principal.account_ids), body, now, policy
    )


async def _prepare(
    find_number: Callable[[str], Awaitable[Any]], body: OutboundRequest, now: datetime, policy: SendPolicy
) -> PreparedSend:
    source = normalize_e164(body.from_)
    if source is None:
        raise bad_request("The From field must be an E.164 number such as +18015551234.")
    number = await find_number(source)
    if number is None:
        raise bad_request(NOT_YOUR_NUMBER)
    if not number.message_enabled or number.status != "Active":
        raise bad_request(f"The From number {source} is not enabled for messaging.")
    destinations = []
    for i, recipient in enumerate(body.to):
        dest = normalize_e164(recipient.number)
        if dest is None:
            raise bad_request(f"The To[{i}].Number field must be a valid E.164 number (got {recipient.number!r}).")
        destinations.append(dest)
    if not body.body and not (body.mms_media or body.mms_base64):
        raise bad_request("The Body field is required.")
    check_sender(number, source, body.campaign_id)
    sent_media = media.prepare(body, policy.media_limits, now)
    kind = "mms" if sent_media.present else "sms"
    recipients = list(dict.fromkeys(destinations))  # one message per distinct recipient
    if sent_media.present:
        check_media_carriers(destinations, sent_media, policy)  # as sent: an error names the To index given
    segment_plan = segments.plan(body.body)
    parts = 1 if kind == "mms" else segment_plan.count
    rows = []
    batch_id = None
    for dest in recipients:
        message_id = ids.new_id(ids.MESSAGE)
        batch_id = batch_id or message_id
        rows.append(
            dict(
                id=message_id,
                account_id=number.account_id,
                batch_id=batch_id,
                direction="Outbound",
                type=number.message_type,
                message_type=kind,
                from_number=source,
                to_number=dest,
                owner=source,
                body=body.body,
                campaign_id=body.campaign_id,
                media=sent_media.stored,
                segments=parts,
                encoding=segment_plan.encoding,
                cost=policy.cost_per_segment * parts,
                status="Queued",
                carrier_id=None,
                error_code=None,
                message_route_id=number.message_route_id,
                device_delivered_at=None,
                created_at=now,
                updated_at=now,
            )
        )
    return PreparedSend(number, rows, sent_media, now)


async def store_outbound(session: AsyncSession, prepared: PreparedSend, now: datetime) -> Sent:
    """In the write transaction: billing thresholds (Pause may refuse the number until the next period;
    counts the messages sent), then Core multi-row INSERTs for the messages and their submits (ORM objects
    would cost a unit-of-work flush, and one INSERT per job to fetch its id back)."""
    await check_can_send(session, prepared.number, now, messages=len(prepared.rows))
    await media.store(session, prepared.media)
    await fastmany.executemany(session, bulk.INSERT_MESSAGES, prepared.rows)
    await bulk.insert_jobs(session, submit_jobs([row["id"] for row in prepared.rows], now))
    return Sent([SimpleNamespace(**row) for row in prepared.rows], prepared.media.answer)


async def store_outbound_batch(session: AsyncSession, sends: Sequence[PreparedSend]) -> list[Sent | Exception]:
    """store_outbound for the sends of several requests in one write transaction (the API's group commit,
    `outbound_writer`), in the order given: each send's result, or the exception that refused it alone.

    The billing check runs only for the numbers with a live subscription (one statement finds them: for the
    others check_can_send has nothing to check or count), each in a SAVEPOINT, so a paused number's refusal
    (or any failure of its check) leaves its send out and the others in, and a later send of the batch sees the
    usage an earlier one counted, as consecutive transactions would. Then one INSERT of every accepted send's
    messages and one of their submit jobs (messaging/jobs.py submit_jobs: a few messages a job, not one)."""
    results: list[Sent | Exception] = []
    rows: list[dict] = []
    subscribed = await repository.subscribed_numbers(session, list({send.number.id for send in sends}))
    for send in sends:
        if send.number.id in subscribed:
            try:
                async with session.begin_nested():
                    await check_can_send(session, send.number, send.now, messages=len(send.rows))
            except Exception as exc:  # this send's answer: an ApiError, or the failure its check met
                results.append(exc)
                continue
        await media.store(session, send.media)
        rows.extend(send.rows)
        results.append(Sent([SimpleNamespace(**row) for row in send.rows], send.media.answer))
    await fastmany.executemany(session, bulk.INSERT_MESSAGES, rows)
    if rows:
        await bulk.insert_jobs(session, submit_jobs([row["id"] for row in rows], rows[0]["created_at"]))
    return results


def outbound_writer(platform: Platform) -> GroupCommit[PreparedSend]:
    """The platform's group commit of sends (core/db/group_commit.py): concurrent sends share one write
    transaction, each answered once it has committed; the workers are woken after each commit."""
    writer = platform.__dict__.get(_WRITER)
    if writer is None:
        writer = platform.__dict__[_WRITER] = GroupCommit(
            platform.db, store_outbound_batch, after_commit=platform.jobs.notify
        )
    return writer


_WRITER = "_mpaas_outbound_writer"


def outbound_response(sent: Sent, body: OutboundRequest) -> dict:
    first = sent.messages[0]
    return {
        "MessageId": first.id,
        "Direction": "Outbound",
        "Type": first.type,
        "CampaignId": first.campaign_id,
        # One message's cost, as the contract's example shows for two recipients (0.0045); each message's is
        # in Messages (docs/compatibility.md).
        "Cost": money(first.cost),
        "Status": first.status,
        "To": [{"Number": m.to_number} for m in sent.messages],
        "From": first.from_number,
        "Owner": first.owner,
        "Body": first.body,
        "CreatedOn": first.created_at.strftime("%H:%M:%S UTC %Y-%m-%d"),
        "MessageType": first.message_type,
        "MmsMedia": sent.media.get("MmsMedia", []),
        "MmsBase64": sent.media.get("MmsBase64", []),
        "Segment": first.segments,
        # One message per recipient, each with its own id and status (docs/compatibility.md).
        "Messages": [
            {"MessageId": m.id, "To": m.to_number, "Status": m.status, "Cost": money(m.cost)} for m in sent.messages
        ],
    }


def _region(number: str) -> str | None:
    try:
        return geocoder.country_name_for_number(phonenumbers.parse(number), "en") or None
    except phonenumbers.NumberParseException:
        return None


def details(message: Message, send: list | None = None) -> dict:
    """`send`: when `message`'s id is the one its send answered, every message of that send
    (repository.messages_of_send), listed as `Messages` with each recipient's status (docs/compatibility.md)."""
    counterpart = message.to_number if message.direction == "Outbound" else message.from_number
    outbound = message.direction == "Outbound"
    return {
        "MessageId": message.id,
        "Direction": message.direction.upper(),
        "Type": message.type,
        "CampaignId": message.campaign_id,
        "Cost": money(message.cost),
        "To": message.to_number,
        "From": message.from_number,
        "Owner": message.owner,
        "Body": message.body,
        "Region": _region(counterpart),
        "CreatedOn": iso_local(message.created_at),
        "UpdatedOn": iso_local(message.updated_at),
        "MessageType": message.message_type,
        "Status": message.status,
        "Segment": message.segments,
        "ErrorCode": message.error_code,
        "SendMessageId": message.batch_id if outbound else None,
        "Messages": None
        if send is None or not outbound
        else [
            {"MessageId": m.id, "To": m.to_number, "Status": m.status, "ErrorCode": m.error_code, "Cost": money(m.cost)}
            for m in send
        ],
    }


# Number states that take no inbound message: the number is not in service, and its old route must not get one.
NOT_RECEIVING_STATUSES = frozenset({"Parked", "Cancelled"})


def check_receiver(number, destination: str) -> None:
    """The rules the receiving number's stored fields make, read from the row the inbound lookup already has
    (no query of its own, nothing cached: a status change acts on the next message). A refusal is a 400 here
    and at the sandbox's inbound endpoint; at the carrier edge the connector refuses the deliver_sm
    (messaging/pipeline.py, carriers/smpp.py)."""
    if number.status in NOT_RECEIVING_STATUSES:
        raise bad_request(
            f"The To number {destination} is {number.status} and cannot receive messages; "
            "reactivate it first (POST /v1.0/numbers/reactivate or status change activate)."
        )
    if (number.product_type or "").lower() == "data-only":
        raise bad_request(f"The To number {destination} is a Data-Only number (ProductType) and cannot receive SMS.")


async def receive_inbound(
    session: AsyncSession, body: InboundRequest, now: datetime, *, accounts: Sequence[str] | None = None
) -> Message:
    """A message from the outside world to a provisioned number: stored `Received`, then webhooked. With
    `accounts` (the sandbox endpoint's caller), only to a number of one of them: another tenant's number is
    answered as one that does not exist."""
    destination = normalize_e164(body.to)
    source = normalize_e164(body.from_)
    if source is None:
        raise bad_request("The From field must be an E.164 number such as +18015551234.")
    if destination is None:
        raise bad_request("The To field must be an E.164 number such as +18015551234.")
    number = await repository.provisioned_number(session, destination)
    if number is None or not number.message_enabled or (accounts is not None and number.account_id not in accounts):
        raise not_found(f"Not found: {destination} is not a messaging-enabled number on this platform.")
    check_receiver(number, destination)
    # AI Guardian message filters, before the route: a blocked message is recorded and goes no further.
    caught = await message_screening.screen_inbound(session, source, destination, body.body)
    blocked = caught is not None and caught[1].blocks
    plan = segments.plan(body.body)
    message = Message(
        id=ids.new_id(ids.MESSAGE),
        account_id=number.account_id,
        direction="Inbound",
        type=number.message_type,
        message_type="sms",
        from_number=source,
        to_number=destination,
        owner=destination,
        body=body.body,
        media={},
        segments=plan.count,
        encoding=plan.encoding,
        cost=Decimal("0"),
        status=message_screening.BLOCKED_STATUS if blocked else "Received",
        error_code=caught[1].error_code if blocked and caught else None,
        message_route_id=number.message_route_id,
        created_at=now,
        updated_at=now,
    )
    message.batch_id = message.id
    session.add(message)
    if caught is not None:
        await message_screening.report(session, [(caught[0], message.id, caught[1])], now)
    if blocked:
        await session.flush()
        return message
    event_id = ids.new_id(ids.EVENT)
    inbound = events.inbound_event(message, event_id)
    enqueue(
        session,
        now,
        DELIVER_JOB,
        {
            "target": "inbound",
            "message_id": message.id,
            "event_id": event_id,
            "event_type": "message.inbound",
            "payload": inbound,
        },
        max_attempts=DELIVER_MAX_ATTEMPTS,
    )
    data = {k: v for k, v in inbound.items() if k != "EventId"}
    await account_webhooks.emit(session, message.account_id, "New_Sms", data, now)
    await session.flush()
    return message
