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
    # Raised by a secret rotation and by deactivation; every token carries the value it was minted under and
    # is refused once they differ (read with the distributor on each request: accounts/repository.py).
    credential_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # AID-...
    distributor_id: Mapped[str] = mapped_column(ForeignKey("distributors.id"), index=True)
    company_name: Mapped[str] = mapped_column(String(200))
    # HMAC key for webhook signatures sent on behalf of this account; its owner reads and rotates it
    # (/ext/v1/accounts/webhook-signing-secret, webhooks/signing.py).
    webhook_signing_secret: Mapped[str] = mapped_column(String(128))
    # The secret a rotation replaced, still signing (a second signature) until the grace period ends.
    previous_webhook_signing_secret: Mapped[str | None] = mapped_column(String(128), nullable=True)
    previous_webhook_signing_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
