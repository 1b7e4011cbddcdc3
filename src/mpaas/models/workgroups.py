"""Workgroups (WID-), their members (workgroup activities, WAID-) and schedules (SID-): who rings when a call
reaches a number a workgroup answers, and in which hours (issue 18; docs/voice.md, "Workgroups and schedules")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mpaas.models.base import Base, UTCDateTime


class Schedule(Base):
    """Business hours per weekday. `hours`: {"Monday": ["8:00 AM", "5:00 PM"], ...}, a day left out (or
    empty) is closed; times as the contract writes them, read in the workgroup's TimeZone at call time."""

    __tablename__ = "schedules"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    hours: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Workgroup(Base):
    __tablename__ = "workgroups"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    name: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(16))  # IVR | simultaneous | round-robin
    # The number the workgroup answers (E.164); one workgroup per number and account.
    telegent_phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    schedule_id: Mapped[str | None] = mapped_column(ForeignKey("schedules.id"), nullable=True, index=True)
    time_zone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    wait_between: Mapped[int | None] = mapped_column(Integer, nullable=True)  # seconds each member rings
    call_order: Mapped[str | None] = mapped_column(String(255), nullable=True)
    on_hours_type: Mapped[str | None] = mapped_column(String(16), nullable=True)  # User | Workgroup
    on_hours_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    off_hours_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    off_hours_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # The other wire fields, stored and echoed (AnnouncementText, RecordCalls, HoldMusicId, ...): media.
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    # Round-robin: the member (WAID-) who answered last; the next call starts after it.
    last_member_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_workgroups_account_phone", "account_id", "telegent_phone"),)


class WorkgroupMember(Base):
    """A workgroup activity: a number to ring (Type User) or a nested workgroup (Type Workgroup)."""

    __tablename__ = "workgroup_members"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    workgroup_id: Mapped[str] = mapped_column(ForeignKey("workgroups.id"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    type: Mapped[str] = mapped_column(String(16))  # User | Workgroup
    phone_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    reference_workgroup_id: Mapped[str | None] = mapped_column(ForeignKey("workgroups.id"), nullable=True, index=True)
    reference_user_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    digit_order: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sms_notification: Mapped[bool] = mapped_column(Boolean, default=False)
    email_notification: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
