"""Account webhooks (WID-) and the record of every webhook delivery attempt."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mpaas.models.base import Base, UTCDateTime


class AccountWebhook(Base):
    __tablename__ = "account_webhooks"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    url: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(10))
    data_format: Mapped[str] = mapped_column(String(50))
    authentication_type: Mapped[str] = mapped_column(String(10))
    authentication_username: Mapped[str | None] = mapped_column(String(255), nullable=True)
    authentication_password: Mapped[str | None] = mapped_column(String(255), nullable=True)
    authentication_token: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # Canonical event names, comma-separated, in the order given.
    subscribed_events: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookAttempt(Base):
    """One HTTP attempt to deliver one event: what was called, what came back, how long it took."""

    __tablename__ = "webhook_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Attempts are listed per message (ix_webhook_attempts_message); the other columns are not searched, and
    # each index would be written with every attempt (migration 0007).
    event_id: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    webhook_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    event_type: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(10))
    attempt: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    duration_ms: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_webhook_attempts_message", "message_id"),)
