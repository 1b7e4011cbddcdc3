"""Distributors, accounts and platform secrets: the top of the tenancy hierarchy."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mpaas.models.base import Base, UTCDateTime


class PlatformSecret(Base):
    """Process-independent secrets (token signing key) so every API process verifies alike."""

    __tablename__ = "platform_secrets"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Distributor(Base):
    __tablename__ = "distributors"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # DID-..., also the AccountKey
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(Text)
    # Requests per minute for this credential: NULL = platform default, 0 = unlimited (a tier).
    rate_limit_per_minute: Mapped[int | None] = mapped_column(Integer, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # AID-...
    distributor_id: Mapped[str] = mapped_column(ForeignKey("distributors.id"), index=True)
    company_name: Mapped[str] = mapped_column(String(200))
    # HMAC key for webhook signatures sent on behalf of this account.
    webhook_signing_secret: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
