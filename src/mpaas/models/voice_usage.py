"""Voice usage per call: the minutes each answered call counted against its subscription's thresholds (issue 18,
docs/voice.md "Usage and thresholds"). Keyed by the call record, so an end event Kamailio sends again, or
events that arrive out of order, count a call once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mpaas.models.base import Base, UTCDateTime


class VoiceUsage(Base):
    __tablename__ = "voice_usage"
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), primary_key=True)
    # The live subscription of the call's number when the call was counted; NULL: it had none (nothing counted,
    # and the row still records that the call was seen, so a subscription made later does not count it).
    subscription_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM of the call's end (UTC)
    seconds: Mapped[int] = mapped_column(Integer)  # the call's duration, answered -> ended
    minutes: Mapped[int] = mapped_column(Integer)  # what it counted: per started minute
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime)
