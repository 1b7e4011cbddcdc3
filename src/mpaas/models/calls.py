"""Call records (CALL-): one row per SIP call (its Call-ID) that reached a routing decision, and the call
progress events Kamailio reported for it (issue 18, docs/voice.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from mpaas.models.base import Base, UTCDateTime


class Call(Base):
    __tablename__ = "calls"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # NULL for a call rejected before a number was found (unknown number): recorded, but nobody's to read.
    # Indexed through ix_calls_account_created (account_id leads it).
    account_id: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    number_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the platform number (NID-)
    # The voice route (CRID-) the routing decision routed the call by: its CallbackVoiceUrl gets the call's status
    # changes, whatever the number's route becomes meanwhile. No foreign key: a route may be deleted mid-call.
    route_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    direction: Mapped[str] = mapped_column(String(16))  # inbound | outbound
    from_number: Mapped[str] = mapped_column(String(64))  # the From user part as sent (may be non-E.164)
    to_number: Mapped[str] = mapped_column(String(64))  # the Request-URI user part
    sip_call_id: Mapped[str] = mapped_column(String(255), unique=True)
    branch: Mapped[str | None] = mapped_column(String(255), nullable=True)  # the last branch tried
    # routing -> ringing -> in-progress <-> on-hold -> completed (voice/events.py)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ringing_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # while on hold
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    duration_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)  # answered -> ended
    # answered | busy | no-answer | failed | rejected | cancelled; NULL while the call lasts
    disposition: Mapped[str | None] = mapped_column(String(16), nullable=True)
    sip_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sip_reason: Mapped[str | None] = mapped_column(String(255), nullable=True)

    __table_args__ = (
        Index("ix_calls_account_created", "account_id", "created_at"),
        # Partial: only calls not yet completed are in it, so the reconciliation every minute (voice/reconcile.py:
        # `status != 'completed' AND created_at < cutoff`) reads the open calls, not the whole call history.
        Index(
            "ix_calls_open",
            "created_at",
            sqlite_where=text("status != 'completed'"),
            postgresql_where=text("status != 'completed'"),
        ),
    )


class CallEvent(Base):
    """One progress event as Kamailio reported it. The key is the protocol's idempotency key (the same
    (Call-ID, event, timestamp) twice is one event): a repeated POST finds the row and changes nothing."""

    __tablename__ = "call_events"
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), primary_key=True)
    event: Mapped[str] = mapped_column(String(16), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    sip_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str | None] = mapped_column(String(255), nullable=True)
    branch: Mapped[str | None] = mapped_column(String(255), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
