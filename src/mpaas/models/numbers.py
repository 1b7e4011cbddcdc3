"""Number inventory (the platform's pool), the per-area stock aggregate, account numbers and orders."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mpaas.models.base import Base, Money, UTCDateTime

AVAILABLE = "available"
ASSIGNED = "assigned"


class InventoryNumber(Base):
    """One telephone number the platform can hand out, whether free or held by an account."""

    __tablename__ = "inventory_numbers"
    number: Mapped[str] = mapped_column(String(20), primary_key=True)  # E.164
    ngp: Mapped[str] = mapped_column(String(8))
    area_code: Mapped[str] = mapped_column(String(3))
    zipcode: Mapped[str] = mapped_column(String(5))
    state: Mapped[str | None] = mapped_column(String(2), nullable=True)
    rate_center: Mapped[str | None] = mapped_column(String(100), nullable=True)
    number_type: Mapped[str] = mapped_column(String(16), default="mobile")
    message_capable: Mapped[bool] = mapped_column(Boolean, default=True)
    voice_capable: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(16), default=AVAILABLE)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # The availability search's and the claims' (migration 0024_availability_index): the number after the
    # capabilities, so a search reads the index alone.
    __table_args__ = (
        Index("ix_inventory_search_area", "status", "area_code", "message_capable", "voice_capable", "number"),
        Index("ix_inventory_search_zip", "status", "zipcode", "message_capable", "voice_capable", "number"),
    )


class NumberAreaStock(Base):
    """Count of available numbers per area, kept exact in the transactions that claim and add numbers,
    so availability search never groups over the whole inventory."""

    __tablename__ = "number_area_stock"
    ngp: Mapped[str] = mapped_column(String(8), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(3), primary_key=True)
    zipcode: Mapped[str] = mapped_column(String(5), primary_key=True)
    number_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    message_capable: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    voice_capable: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    available: Mapped[int] = mapped_column(Integer, default=0)

    # Every column the availability search reads, in the order it groups and sorts by (0024_availability_index).
    __table_args__ = (
        Index(
            "ix_stock_search_area",
            "area_code",
            "zipcode",
            "ngp",
            "number_type",
            "message_capable",
            "voice_capable",
            "available",
        ),
        Index(
            "ix_stock_search_zip",
            "zipcode",
            "area_code",
            "ngp",
            "number_type",
            "message_capable",
            "voice_capable",
            "available",
        ),
    )


class PhoneNumber(Base):
    """A number held by an account (NID-), with its configuration."""

    __tablename__ = "phone_numbers"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    number: Mapped[str] = mapped_column(ForeignKey("inventory_numbers.number"), unique=True)
    number_type: Mapped[str] = mapped_column(String(16))  # mvno | iot
    message_type: Mapped[str] = mapped_column(String(8))  # a2p | p2p
    message_enabled: Mapped[bool] = mapped_column(Boolean)
    voice_enabled: Mapped[bool] = mapped_column(Boolean)
    data_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    message_route_id: Mapped[str | None] = mapped_column(ForeignKey("message_routes.id"), nullable=True, index=True)
    voice_route_id: Mapped[str | None] = mapped_column(ForeignKey("voice_routes.id"), nullable=True, index=True)
    subscriber_id: Mapped[str | None] = mapped_column(ForeignKey("subscribers.id"), nullable=True, index=True)
    # One physical SIM, so unique across the platform (uq_phone_numbers_iccid below; NULLs do not collide).
    iccid: Mapped[str | None] = mapped_column(String(22), nullable=True)
    qr_code: Mapped[str | None] = mapped_column(Text, nullable=True)
    product_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="Active")
    order_id: Mapped[str] = mapped_column(String(64))
    cnam: Mapped[str | None] = mapped_column(String(64), nullable=True)
    zipcode: Mapped[str] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Lifecycle (0002_numbers_lifecycle).
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    nnid: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Encrypted with MPAAS_SECRETS_KEY (core/security/sealing.py): shown to its owner, checked on a port-out.
    port_out_pin: Mapped[str | None] = mapped_column(Text, nullable=True)
    sim_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    cnam_first_name: Mapped[str | None] = mapped_column(String(32), nullable=True)
    cnam_last_name: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # Swap allowance (0014_number_swaps): swaps taken in the allowance period of `last_swap_at`
    # (numbers/swaps.py; a later period starts again from none).
    swaps_used: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_swap_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("uq_phone_numbers_iccid", "iccid", unique=True),)


class NumberOrder(Base):
    """JNUOID- orders: provision now; port-in, status changes and updates later."""

    __tablename__ = "number_orders"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    order_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    status_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    numbers: Mapped[list] = mapped_column(JSON, default=list)
    fee: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


# Lifecycle states of an account's number (docs/numbers.md). A released number has no PhoneNumber row.
ACTIVE = "Active"
PARKED = "Parked"
CANCELLED = "Cancelled"


class NumberE911(Base):
    """The emergency (E911) address registered for a number, MSAG-normalized (upper case)."""

    __tablename__ = "number_e911"
    phone_number_id: Mapped[str] = mapped_column(ForeignKey("phone_numbers.id"), primary_key=True)
    street1: Mapped[str] = mapped_column(String(128))
    street2: Mapped[str | None] = mapped_column(String(128), nullable=True)
    city: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(2))
    zip: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NumberVoicemail(Base):
    """An active voicemail box; its PIN is stored hashed."""

    __tablename__ = "number_voicemail"
    phone_number_id: Mapped[str] = mapped_column(ForeignKey("phone_numbers.id"), primary_key=True)
    pin_hash: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255), nullable=True)
    first_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PortRequest(Base):
    """The carrier-facing half of a port order (the order itself is a NumberOrder row)."""

    __tablename__ = "port_requests"
    order_id: Mapped[str] = mapped_column(ForeignKey("number_orders.id"), primary_key=True)
    direction: Mapped[str] = mapped_column(String(8))  # in | out
    number: Mapped[str] = mapped_column(String(20), index=True)
    carrier_name: Mapped[str | None] = mapped_column(String(128), nullable=True)
    # The losing carrier needs these verbatim, so they are kept (not hashed) until the order is final; the
    # password encrypted with MPAAS_SECRETS_KEY (core/security/sealing.py).
    account_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    account_password: Mapped[str | None] = mapped_column(Text, nullable=True)
    billing_address: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    iccid: Mapped[str | None] = mapped_column(String(22), nullable=True)
    classification: Mapped[str | None] = mapped_column(String(16), nullable=True)
    subscriber_name: Mapped[str | None] = mapped_column(String(128), nullable=True)
    port_date: Mapped[str | None] = mapped_column(String(10), nullable=True)  # YYYY-MM-DD, local business day
    message_route_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    voice_route_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    subscriber_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    phone_number_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
