"""Billing: charges (the ledger), billing runs per period, usage counters and threshold events."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mpaas.models.base import Base, Money, UTCDateTime


class Charge(Base):
    """One line of the ledger. `key` makes every charge idempotent: the same subscription, period and
    reason can be written only once, however often a run or a request is replayed."""

    __tablename__ = "charges"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    subscription_id: Mapped[str] = mapped_column(String(64), index=True)
    package_id: Mapped[str] = mapped_column(String(64))
    package_name: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    kind: Mapped[str] = mapped_column(String(16))  # MRC | NRC | Proration | Credit
    description: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_charges_account_period", "account_id", "period"),)


class BillingRun(Base):
    """The run of one period: scheduled once, completed once (its job may be retried in between)."""

    __tablename__ = "billing_runs"
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # pending | done
    subscriptions_billed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class UsageCounter(Base):
    """Usage of one subscription in one period, per kind (SMS messages, data bytes, voice minutes)."""

    __tablename__ = "usage_counters"
    subscription_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)  # SMS | Data | Voice
    amount: Mapped[int] = mapped_column(BigInteger, default=0)


class ThresholdEvent(Base):
    """A threshold crossed in a period: the Alert notification, or the Pause/Restrict in force until the
    period ends. One per assignment and period."""

    __tablename__ = "threshold_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    threshold_id: Mapped[str] = mapped_column(String(64))
    subscription_id: Mapped[str] = mapped_column(String(64), index=True)
    account_id: Mapped[str] = mapped_column(String(64), index=True)
    period: Mapped[str] = mapped_column(String(7))
    action: Mapped[str] = mapped_column(String(8))
    usage: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("threshold_id", "subscription_id", "period", name="uq_threshold_events_once"),)
