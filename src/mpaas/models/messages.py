"""Messages (TMID-): one row per recipient, outbound or inbound."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mpaas.models.base import Base, Money, UTCDateTime


class Message(Base):
    __tablename__ = "messages"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    # Several recipients of one send share a batch id (the first message's id).
    batch_id: Mapped[str] = mapped_column(String(64), index=True)
    direction: Mapped[str] = mapped_column(String(16))  # Outbound | Inbound
    type: Mapped[str] = mapped_column(String(8))  # p2p | a2p
    message_type: Mapped[str] = mapped_column(String(8))  # sms | mms
    from_number: Mapped[str] = mapped_column(String(20))
    to_number: Mapped[str] = mapped_column(String(20))
    owner: Mapped[str] = mapped_column(String(20), index=True)  # the platform number involved
    body: Mapped[str] = mapped_column(Text)
    campaign_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    media: Mapped[dict] = mapped_column(JSON, default=dict)
    segments: Mapped[int] = mapped_column(Integer, default=1)
    encoding: Mapped[str] = mapped_column(String(8), default="GSM7")
    cost: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    status: Mapped[str] = mapped_column(String(16))
    carrier_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    error_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    message_route_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_messages_account_created", "account_id", "created_at"),)
