"""Webhook payloads for message events (documented in docs/webhooks.md): written by messaging when a message
changes or arrives, completed and sent by the `webhook.deliver` job (webhooks/jobs.py)."""

from __future__ import annotations

from datetime import datetime

from mpaas.core.wire import iso, money
from mpaas.models import Message


def status_event(
    message: Message, event_id: str, at: datetime | str, *, status: str | None = None, error_code: str | None = None
) -> dict:
    """Sent to the route's CallbackMessageUrl on every status change of an outbound message. `message` may be
    an ORM object or a row of the same columns; `status`/`error_code` override it (a row read before or
    after the change); `at` is when it changed (or that time already in wire form)."""
    return {
        "EventId": event_id,
        "EventType": "message.status",
        "MessageId": message.id,
        # The MessageId the send answered: a send to several recipients answers one id, and each recipient's
        # callback names it beside its own (docs/webhooks.md).
        "SendMessageId": message.batch_id,
        "Status": status or message.status,
        "Direction": message.direction,
        "From": message.from_number,
        "To": message.to_number,
        "Owner": message.owner,
        "ErrorCode": error_code if status else message.error_code,
        "Segment": message.segments,
        "Cost": money(message.cost),
        "CampaignId": message.campaign_id,
        "Timestamp": at if isinstance(at, str) else iso(at),
    }


def inbound_event(message: Message, event_id: str) -> dict:
    """Sent to the route's MessageUrl; the contract's Snake_Pascal inbound fields."""
    media = (message.media or {}).get("MmsMedia") or []
    return {
        "EventId": event_id,
        "Message_ID": message.id,
        "Owner": message.owner,
        "To": message.to_number,
        "From": message.from_number,
        "Message_Body": message.body,
        "Segment": message.segments,
        "MMS_Media_URL": media[0]["MediaUrl"] if media else None,
        "Direction": "Inbound",
        "Received_On": iso(message.created_at),
    }
