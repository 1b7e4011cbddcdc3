"""Message routes (MRID-) and voice routes (CRID-)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mpaas.models.base import Base, UTCDateTime


class MessageRoute(Base):
    __tablename__ = "message_routes"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    route_name: Mapped[str] = mapped_column(String(200))
    message_url: Mapped[str] = mapped_column(Text)
    message_url_method: Mapped[str] = mapped_column(String(8))
    message_route_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    message_authentication_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    message_username: Mapped[str | None] = mapped_column(Text, nullable=True)
    message_password_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    callback_message_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    callback_message_url_method: Mapped[str | None] = mapped_column(String(8), nullable=True)
    callback_message_authentication_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    callback_message_username: Mapped[str | None] = mapped_column(Text, nullable=True)
    callback_message_password_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    inbound_bypass: Mapped[bool] = mapped_column(Boolean, default=False)
    outbound_bypass: Mapped[bool] = mapped_column(Boolean, default=False)
    intelligent_route_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class VoiceRoute(Base):
    """Trunk/URL/forward settings are stored as the wire fields they are; nothing here routes calls yet."""

    __tablename__ = "voice_routes"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    route_name: Mapped[str] = mapped_column(String(200))
    route_type: Mapped[str] = mapped_column(String(16))
    route_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Every other wire field (TrunkIp1, Trunk1Priortiy, IpWhitelist, ...) keyed by its wire name.
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
