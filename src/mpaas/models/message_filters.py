"""AI Guardian message filters (MFID-) (issue 19); what they catch is recorded as guardian_alerts rows.

A filter belongs to one subscriber and one of that subscriber's numbers (`phone`); the pipeline finds a
message's filter by the platform number it involves (ix_message_filters_phone), so the lookup is one indexed
read per batch of messages. `version` grows on every change: the compiled form of a filter is cached per
process under (id, version) and rebuilt only when a change is read (guardian/message_screening.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mpaas.models.base import Base, UTCDateTime


class MessageFilter(Base):
    __tablename__ = "message_filters"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    subscriber_id: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(16))  # ACTIVE | MONITOR_ONLY | INACTIVE
    allowed_contacts: Mapped[list] = mapped_column(JSON, default=list)
    blocked_contacts: Mapped[list] = mapped_column(JSON, default=list)
    keyword_filter: Mapped[str | None] = mapped_column(Text, nullable=True)  # the contract's string, as sent
    notification_phones: Mapped[list] = mapped_column(JSON, default=list)
    apply_to_outbound: Mapped[bool] = mapped_column(Boolean, default=True)
    apply_to_inbound: Mapped[bool] = mapped_column(Boolean, default=True)
    block_unknown_numbers: Mapped[bool] = mapped_column(Boolean, default=False)
    block_links: Mapped[bool] = mapped_column(Boolean, default=False)
    block_media: Mapped[bool] = mapped_column(Boolean, default=False)
    filter_level: Mapped[str | None] = mapped_column(String(16), nullable=True)  # CHILD | ADOLESCENT | TEENAGER
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("subscriber_id", "phone", name="uq_message_filters_subscriber_phone"),
        Index("ix_message_filters_phone", "phone"),
    )
