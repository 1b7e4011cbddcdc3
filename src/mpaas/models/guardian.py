"""AI Guardian (docs/guardian.md): per-subscriber features, guardian (parent -> child) relations, call filters
(CFID-), the alerts filters raise, and the per-filter gate that rate-limits alert SMS."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mpaas.models.base import Base, UTCDateTime


class GuardianFeatures(Base):
    """POST /v1.0/subscribers/guardian-features: what Guardian filters act on for one subscriber. No row = both
    off: nothing filters until a subscriber turns Guardian on."""

    __tablename__ = "guardian_features"
    subscriber_id: Mapped[str] = mapped_column(ForeignKey("subscribers.id"), primary_key=True)
    calls: Mapped[bool] = mapped_column(Boolean, default=False)
    messages: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GuardianRelation(Base):
    """A one-way parent -> child link: the parent gets the child's filter alerts and may manage its filters."""

    __tablename__ = "guardian_relations"
    parent_id: Mapped[str] = mapped_column(ForeignKey("subscribers.id"), primary_key=True)
    child_id: Mapped[str] = mapped_column(ForeignKey("subscribers.id"), primary_key=True)
    relation: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_guardian_relations_child", "child_id"),)


class CallFilter(Base):
    """A call filter (CFID-) on one subscriber's number, enforced at call setup (guardian/call_screening.py)."""

    __tablename__ = "guardian_call_filters"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    subscriber_id: Mapped[str] = mapped_column(ForeignKey("subscribers.id"))
    phone: Mapped[str] = mapped_column(String(20))
    filter_mode: Mapped[str] = mapped_column(String(16))  # WHITELIST | BLACKLIST | CHILD | TEENAGER | ADOLESCENT
    # mpaas extension (docs/guardian.md): ACTIVE refuses, MONITOR_ONLY lets through and alerts, INACTIVE pauses.
    enforcement: Mapped[str] = mapped_column(String(16), default="ACTIVE")
    allowed_numbers: Mapped[list] = mapped_column(JSON, default=list)
    blocked_numbers: Mapped[list] = mapped_column(JSON, default=list)
    enable_transcription: Mapped[bool] = mapped_column(Boolean, default=False)
    keyword_filter: Mapped[str | None] = mapped_column(Text, nullable=True)
    transcription_action: Mapped[str | None] = mapped_column(String(16), nullable=True)
    warning_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    notification_phones: Mapped[list] = mapped_column(JSON, default=list)
    apply_to_outbound: Mapped[bool] = mapped_column(Boolean, default=False)
    apply_to_inbound: Mapped[bool] = mapped_column(Boolean, default=True)
    block_unknown_numbers: Mapped[bool] = mapped_column(Boolean, default=False)
    block_international: Mapped[bool] = mapped_column(Boolean, default=False)
    record_flagged_calls: Mapped[bool] = mapped_column(Boolean, default=False)
    time_restrictions: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        # The contract: "Duplicate filter found for the same subscriber and phone number".
        UniqueConstraint("subscriber_id", "phone", name="uq_guardian_call_filters_subscriber_phone"),
        Index("ix_guardian_call_filters_account_phone", "account_id", "phone"),
    )


class GuardianAlert(Base):
    """One trigger of a filter (message or call, blocked or monitored), kept whether or not an SMS went out."""

    __tablename__ = "guardian_alerts"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    subscriber_id: Mapped[str] = mapped_column(String(64))
    filter_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # message | call
    direction: Mapped[str] = mapped_column(String(16))  # inbound | outbound
    own_number: Mapped[str] = mapped_column(String(64))
    other_number: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # Blocked | Monitored
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    sms_sent: Mapped[bool] = mapped_column(Boolean, default=False)  # false: within the filter's alert interval
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_guardian_alerts_account_created", "account_id", "created_at"),
        Index("ix_guardian_alerts_filter", "filter_id"),
    )


class GuardianAlertGate(Base):
    """The per-filter alert SMS gate when there is no Redis (MPAAS_REDIS_URL unset): when the last alert SMS
    went, and how many triggers since were not sent as SMS. Claimed with a conditional UPDATE, so it holds
    across processes sharing the database."""

    __tablename__ = "guardian_alert_gates"
    filter_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    suppressed: Mapped[int] = mapped_column(Integer, default=0)
