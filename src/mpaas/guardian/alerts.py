"""Guardian alerts: what happens when a filter (message or call) triggers. Shared by the message filters and the
call filters (docs/guardian.md, "Alerts").

Every trigger, in the caller's transaction:

1. is recorded (a `guardian_alerts` row: which filter, rule, direction, numbers, Blocked or Monitored);
2. is sent as the account webhook event `Guardian_Alert` (an mpaas extension, docs/webhooks.md) to every
   webhook of the account subscribed to it;
3. sends one SMS alert to the filter's NotificationPhones and to the phone numbers of the subscriber's
   guardians (parents) - unless the filter already sent one within MPAAS_GUARDIAN_ALERT_INTERVAL seconds: a
   flood of triggers never becomes a flood of SMS. The next alert after a quiet spell says how many triggers
   went unsent. The gate is Redis (SET NX with the interval as expiry) when MPAAS_REDIS_URL is set, otherwise a
   `guardian_alert_gates` row claimed with a conditional UPDATE: both hold across processes.

The alert SMS go through the ordinary outbound pipeline from the point a send is stored: a `messages` row
(`Queued`, Outbound) and a `message.submit` job, which the gateway submits to the carrier (SMPP or the sandbox)
like any other message, with receipts and status. They are sent from MPAAS_GUARDIAN_ALERT_SENDER, or when that
is unset from the filtered subscriber's own number. They are platform notifications: not priced (Cost 0), not
counted against billing thresholds, not screened by message filters (an alert quoting a blocked word must not
trigger the filter it reports), and without a message route (no status callback to the route's URL).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.carriers import segments
from mpaas.config import Settings
from mpaas.core import ids
from mpaas.core.jobs.queue import enqueue
from mpaas.core.phone import normalize_e164
from mpaas.core.wire import iso
from mpaas.guardian.alert_ids import ALERT_PREFIX, is_alert_batch
from mpaas.models import GuardianAlert, GuardianAlertGate, GuardianRelation, Message, PhoneNumber, Subscriber
from mpaas.webhooks import service as account_webhooks

log = logging.getLogger("mpaas.guardian.alerts")

# messaging.jobs.SUBMIT_JOB, named here: messaging imports guardian (the message filters sit in its pipeline), so
# guardian does not import messaging (tests/test_architecture.py; tests/guardian/test_alerts.py checks they agree).
SUBMIT_JOB = "message.submit"
EVENT = "Guardian_Alert"
BLOCKED, MONITORED = "Blocked", "Monitored"
KINDS = ("message", "call")
DIRECTIONS = ("inbound", "outbound")
REDIS_KEY_PREFIX = "mpaas:guardian-alert"
TEXT_PREFIX = "Guardian alert: "  # every alert SMS starts so
GATES = cast(Table, GuardianAlertGate.__table__)


@dataclass(frozen=True)
class AlertPolicy:
    interval_seconds: float = 300.0
    sender: str | None = None  # E.164; None = the filtered subscriber's own number
    redis_url: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> AlertPolicy:
        sender = normalize_e164(settings.guardian_alert_sender) if settings.guardian_alert_sender else None
        return cls(settings.guardian_alert_interval, sender, settings.redis_url)


_policy: AlertPolicy | None = None
_redis: dict[str, Any] = {}


def configure(settings: Settings) -> None:
    """Set the policy from the process's settings (app.py does it); unconfigured, the environment's are read."""
    global _policy
    _policy = AlertPolicy.from_settings(settings)


def policy() -> AlertPolicy:
    global _policy
    if _policy is None:
        _policy = AlertPolicy.from_settings(Settings())
    return _policy


def _client(url: str) -> Any:
    client = _redis.get(url)
    if client is None:
        import redis.asyncio as aioredis  # deferred: only loaded when MPAAS_REDIS_URL is set

        client = _redis[url] = aioredis.Redis.from_url(url)
    return client


async def _redis_gate(url: str, filter_id: str, interval: float) -> tuple[bool, int]:
    redis = _client(url)
    key = f"{REDIS_KEY_PREFIX}:{filter_id}"
    if await redis.set(key, "1", px=max(1, int(interval * 1000)), nx=True):
        suppressed = await redis.getdel(f"{key}:suppressed")
        return True, int(suppressed or 0)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(f"{key}:suppressed")
        pipe.expire(f"{key}:suppressed", max(1, int(interval * 10)))
        await pipe.execute()
    return False, 0


async def _db_gate(session: AsyncSession, filter_id: str, now: datetime, interval: float) -> tuple[bool, int]:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(GATES) if dialect == "postgresql" else sqlite.insert(GATES)
    created = await session.execute(
        insert.values(filter_id=filter_id, last_sent_at=now, suppressed=0)
        .on_conflict_do_nothing(index_elements=["filter_id"])
        .returning(GATES.c.filter_id)
    )
    # RETURNING, not rowcount: psycopg's async cursor reports -1 for these statements.
    if created.first() is not None:
        return True, 0
    prior = (await session.execute(select(GATES.c.suppressed).where(GATES.c.filter_id == filter_id))).scalar()
    claimed = await session.execute(
        update(GATES)
        .where(GATES.c.filter_id == filter_id, GATES.c.last_sent_at <= now - timedelta(seconds=interval))
        .values(last_sent_at=now, suppressed=0)
        .returning(GATES.c.filter_id)
    )
    if claimed.first() is not None:
        return True, int(prior or 0)
    await session.execute(update(GATES).where(GATES.c.filter_id == filter_id).values(suppressed=GATES.c.suppressed + 1))
    return False, 0


async def _gate(session: AsyncSession, filter_id: str, now: datetime, current: AlertPolicy) -> tuple[bool, int]:
    """(send an SMS now?, triggers not sent as SMS since the last one)."""
    if current.interval_seconds <= 0:
        return True, 0
    if current.redis_url:
        return await _redis_gate(current.redis_url, filter_id, current.interval_seconds)
    return await _db_gate(session, filter_id, now, current.interval_seconds)


async def guardian_phones(session: AsyncSession, subscriber_id: str) -> list[str]:
    """The phone numbers of the subscriber's guardians: numbers assigned to them, and numbers listed on them. One
    query (each guardian's listed numbers, beside each of its assigned ones)."""
    rows = await session.execute(
        select(Subscriber.phone_numbers, PhoneNumber.number)
        .select_from(GuardianRelation)
        .join(Subscriber, Subscriber.id == GuardianRelation.parent_id)
        .outerjoin(PhoneNumber, PhoneNumber.subscriber_id == Subscriber.id)
        .where(GuardianRelation.child_id == subscriber_id)
        .order_by(GuardianRelation.created_at, Subscriber.id, PhoneNumber.number)
    )
    phones: list[str] = []
    for listed, assigned in rows.all():
        for number in [assigned, *(listed or [])]:
            if number and number not in phones:
                phones.append(number)
    return phones


def alert_text(
    *, kind: str, direction: str, own_number: str, other_number: str, rule: str, action: str, suppressed: int
) -> str:
    """The SMS: what happened, between which numbers, by which rule. Never the message's content."""
    source, target = (other_number, own_number) if direction == "inbound" else (own_number, other_number)
    verb = "blocked" if action == BLOCKED else "flagged"
    what = "a call" if kind == "call" else "a message"
    text = f"{TEXT_PREFIX}{verb} {what} from {source or 'unknown'} to {target} ({rule})."
    if suppressed:
        text += f" {suppressed} more since the last alert."
    return text


def is_alert_message(batch_id: str | None) -> bool:
    """Whether a message is an alert SMS this module queued (its batch id is the alert's GAID-)."""
    return is_alert_batch(batch_id)


def _recipients(phones: Sequence[str], exclude: str) -> list[str]:
    out: list[str] = []
    for raw in phones:
        number = normalize_e164(str(raw)) if raw else None
        if number is not None and number != exclude and number not in out:
            out.append(number)
    return out


async def raise_alert(
    session: AsyncSession,
    *,
    account_id: str,
    subscriber_id: str,
    filter_id: str,
    kind: str,
    direction: str,
    own_number: str,
    other_number: str,
    rule: str,
    detail: dict,
    notification_phones: Sequence[str],
    now: datetime,
) -> None:
    """Record a filter's trigger, emit `Guardian_Alert`, and send the alert SMS unless the filter's interval
    holds it back. In the caller's transaction; never commits.

    `kind`: "message" | "call"; `direction`: "inbound" | "outbound" (of the filtered subscriber's traffic);
    `own_number`: the subscriber's number; `other_number`: the other party; `rule`: the rule that triggered
    (e.g. "BlockedNumbers", "BlockLinks", "Keyword"); `detail`: JSON-safe facts for the webhook event. A
    `detail["Action"]` of "Monitored" (MONITOR_ONLY: the traffic went through) is reported as such; anything
    else is "Blocked"."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}")
    current = policy()
    action = MONITORED if str(detail.get("Action", "")).lower() == "monitored" else BLOCKED
    alert_id = ids.new_id(ALERT_PREFIX)
    sender = current.sender or normalize_e164(own_number) or own_number
    recipients = _recipients([*notification_phones, *await guardian_phones(session, subscriber_id)], sender)
    send, suppressed = (await _gate(session, filter_id, now, current)) if recipients else (False, 0)
    session.add(
        GuardianAlert(
            id=alert_id,
            account_id=account_id,
            subscriber_id=subscriber_id,
            filter_id=filter_id,
            kind=kind,
            direction=direction,
            own_number=own_number[:64],
            other_number=(other_number or "")[:64],
            rule=rule[:64],
            action=action,
            detail=dict(detail),
            sms_sent=send,
            created_at=now,
        )
    )
    message_ids: list[str] = []
    if send:
        text = alert_text(
            kind=kind,
            direction=direction,
            own_number=own_number,
            other_number=other_number,
            rule=rule,
            action=action,
            suppressed=suppressed,
        )
        plan = segments.plan(text)
        for recipient in recipients:
            message_id = ids.new_id(ids.MESSAGE)
            message_ids.append(message_id)
            session.add(
                Message(
                    id=message_id,
                    account_id=account_id,
                    # The alert's id: every SMS of one alert is one send, and no client send has a GAID- batch
                    # (how the message filters know an alert, which they never screen: is_alert_message).
                    batch_id=alert_id,
                    direction="Outbound",
                    type="p2p",
                    message_type="sms",
                    from_number=sender,
                    to_number=recipient,
                    owner=sender,
                    body=text,
                    media={},
                    segments=plan.count,
                    encoding=plan.encoding,
                    cost=Decimal("0"),
                    status="Queued",
                    message_route_id=None,
                    created_at=now,
                    updated_at=now,
                )
            )
        await session.flush()  # the messages exist before their submit jobs can be claimed
        for message_id in message_ids:
            enqueue(session, now, SUBMIT_JOB, {"message_id": message_id})
    data = {
        "AlertId": alert_id,
        "SubscriberId": subscriber_id,
        "FilterId": filter_id,
        "Kind": kind,
        "Direction": direction,
        "OwnNumber": own_number,
        "OtherNumber": other_number,
        "Rule": rule,
        "Action": action,
        "Detail": dict(detail),
        "AlertSmsSent": send,
        "AlertMessageIds": message_ids,
        "OccurredOn": iso(now),
    }
    await account_webhooks.emit(session, account_id, EVENT, data, now, event_key=alert_id)
    log.info(
        "guardian %s %s %s %s: %s -> %s (%s)%s",
        kind,
        direction,
        action.lower(),
        filter_id,
        own_number,
        other_number,
        rule,
        " alert sent" if send else "",
    )
