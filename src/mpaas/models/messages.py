"""Messages (TMID-): one row per recipient, outbound or inbound."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from mpaas.models.base import Base, Money, UTCDateTime


class Message(Base):
    __tablename__ = "messages"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Indexed through ix_messages_account_created (account_id leads it). Every index here is written on each
    # send and receipt, under SQLite's one write lock: only the ones a query uses are kept (migration 0007).
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    # Several recipients of one send share a batch id (the first message's id).
    batch_id: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(16))  # Outbound | Inbound
    type: Mapped[str] = mapped_column(String(8))  # p2p | a2p
    message_type: Mapped[str] = mapped_column(String(8))  # sms | mms
    from_number: Mapped[str] = mapped_column(String(20))
    to_number: Mapped[str] = mapped_column(String(20))
    owner: Mapped[str] = mapped_column(String(20))  # the platform number involved
    body: Mapped[str] = mapped_column(Text)
    campaign_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    media: Mapped[dict] = mapped_column(JSON, default=dict)
    segments: Mapped[int] = mapped_column(Integer, default=1)
    encoding: Mapped[str] = mapped_column(String(8), default="GSM7")
    cost: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    status: Mapped[str] = mapped_column(String(16))
    # Receipts find their message through message_parts' key, not through this column.
    carrier_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    message_route_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Handset-level confirmation reported through POST /v1.0/message/device-delivery.
    device_delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Receipts that never come (messaging/receipt_sweep.py): while a sent message waits for its final receipt,
    # when the carrier is next asked about it (query_sm), and when its validity period ends. NULL once final.
    receipt_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        Index("ix_messages_account_created", "account_id", "created_at"),
        # Partial: only messages waiting for a receipt are in it (a row enters when Sent, leaves when final),
        # so the sweep's `receipt_check_at <= now` reads what is due and the settled history costs nothing.
        Index(
            "ix_messages_receipt_check",
            "receipt_check_at",
            sqlite_where=text("receipt_check_at IS NOT NULL"),
            postgresql_where=text("receipt_check_at IS NOT NULL"),
        ),
    )


class MessagePart(Base):
    """One submitted segment: how a carrier's message id maps back to our message."""

    __tablename__ = "message_parts"
    carrier: Mapped[str] = mapped_column(String(64), primary_key=True)
    carrier_message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id"), index=True)
    part_index: Mapped[int] = mapped_column(Integer)
    parts_total: Mapped[int] = mapped_column(Integer)
    state: Mapped[str | None] = mapped_column(String(16), nullable=True)  # receipt state once known
    error_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EarlyReceipt(Base):
    """A receipt that arrived before its submit response was stored; applied when the mapping appears,
    never dropped and never waited for."""

    __tablename__ = "early_receipts"
    carrier: Mapped[str] = mapped_column(String(64), primary_key=True)
    carrier_message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MessageMedia(Base):
    """One `MmsBase64` item, stored once however many messages name it (every recipient of a send, and later
    sends of the same item): a message's `media` keeps `{"Sha256", "BaseType"}` references (messaging/media.py).
    Keyed by the SHA-256 of the Base64 text as the client sent it, which is kept as sent."""

    __tablename__ = "message_media"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    base64: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)  # the decoded media's bytes, as the caps count them
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
