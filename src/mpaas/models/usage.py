"""Data usage: per-number limits and counters, ingested usage records, RADIUS accounting sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mpaas.models.base import Base, UTCDateTime

BEHAVIOR_ACTIVE = "Active"
BEHAVIOR_THROTTLED = "Throttled"
BEHAVIOR_BLOCKED = "Blocked"


class DataPlan(Base):
    """One number's limits (in ValueUnit, MB), its usage in the current period and its renewal cycle."""

    __tablename__ = "data_plans"
    phone_number_id: Mapped[str] = mapped_column(ForeignKey("phone_numbers.id"), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    value_unit: Mapped[str] = mapped_column(String(4), default="MB")
    notify_value: Mapped[int | None] = mapped_column(Integer, nullable=True)
    throttle_value: Mapped[int | None] = mapped_column(Integer, nullable=True)
    throttle_speed: Mapped[str | None] = mapped_column(String(16), nullable=True)
    limit_value: Mapped[int] = mapped_column(Integer, default=20)
    used_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    behavior: Mapped[str] = mapped_column(String(16), default=BEHAVIOR_ACTIVE)
    notified: Mapped[bool] = mapped_column(Boolean, default=False)
    period_type: Mapped[str] = mapped_column(String(1), default="M")
    period_value: Mapped[int] = mapped_column(Integer, default=1)
    renewal_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=False)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    next_renewal_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    imei: Mapped[str | None] = mapped_column(String(16), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UsageRecord(Base):
    """A usage record from the network, kept by id so a redelivered record counts once."""

    __tablename__ = "usage_records"
    record_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), index=True)
    bytes: Mapped[int] = mapped_column(BigInteger)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RadiusSession(Base):
    """Highest octet counters seen for one accounting session: Interim-Updates carry running totals, so
    only the growth past the highest total counts (duplicates and late, out-of-order updates add nothing)."""

    __tablename__ = "radius_sessions"
    session_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), primary_key=True)
    octets: Mapped[int] = mapped_column(BigInteger, default=0)
    stopped: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
