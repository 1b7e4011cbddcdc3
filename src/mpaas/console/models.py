"""Console sessions, stored server-side: the cookie carries only a random id, the row holds who signed in.

The row is keyed by the SHA-256 of the cookie's value, so a read of the table does not yield usable cookies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mpaas.models.base import Base, UTCDateTime


class ConsoleSession(Base):
    __tablename__ = "console_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # subscriber | distributor | operator
    subject_id: Mapped[str] = mapped_column(String(64))  # TSUID-, DID- or "operator"
    # At sign-in, the distributor's credential generation (a secret rotation or deactivation ends the session), or
    # for a subscriber 31 bits of its password hash's digest (a changed password ends it: sessions.py).
    generation: Mapped[int] = mapped_column(Integer, default=0)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
