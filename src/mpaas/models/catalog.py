"""Catalog and subscriptions: profiles (addresses), products, packages (+items), services (+items),
subscriptions, thresholds, features and their assignments.

Catalog rows are owned by a distributor; subscriptions, thresholds and features by an account. Deletes are
soft (`deleted_at`): charges and statements keep pointing at what was billed."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mpaas.models.base import Base, Money, UTCDateTime


class Profile(Base):
    """Contact data of an account (AID-) or a distributor (DID-): admin email and two addresses."""

    __tablename__ = "profiles"
    owner_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    admin_email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    billing_address: Mapped[dict] = mapped_column(JSON, default=dict)
    mailing_address: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Product(Base):
    __tablename__ = "products"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # PRID-
    distributor_id: Mapped[str] = mapped_column(ForeignKey("distributors.id"), index=True)
    sku: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(64))
    sub_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    cost: Mapped[Decimal] = mapped_column(Money)
    billing_frequency: Mapped[str] = mapped_column(String(8))  # MRC | NRC
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Package(Base):
    __tablename__ = "packages"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # PID-
    distributor_id: Mapped[str] = mapped_column(ForeignKey("distributors.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    subscriber_ref: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the contract's opaque SubscriberId
    type: Mapped[str] = mapped_column(String(64))
    price: Mapped[Decimal] = mapped_column(Money)
    monthly: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PackageItem(Base):
    __tablename__ = "package_items"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # PIID-
    package_id: Mapped[str] = mapped_column(ForeignKey("packages.id"), index=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), index=True)
    type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    price: Mapped[Decimal] = mapped_column(Money)
    monthly: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Service(Base):
    __tablename__ = "services"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SID-
    distributor_id: Mapped[str] = mapped_column(ForeignKey("distributors.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    cost: Mapped[Decimal] = mapped_column(Money)
    monthly: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ServiceItem(Base):
    """A pricing tier of a service; the contract addresses items by ServiceId (+ scope), never by an item id."""

    __tablename__ = "service_items"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SIID- (internal)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    aggregator_ref: Mapped[str | None] = mapped_column(String(64), nullable=True)
    distributor_ref: Mapped[str | None] = mapped_column(String(64), nullable=True)
    price: Mapped[Decimal] = mapped_column(Money)
    monthly: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Subscription(Base):
    __tablename__ = "subscriptions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SUB-
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    subscriber_id: Mapped[str] = mapped_column(ForeignKey("subscribers.id"), index=True)
    phone_number_id: Mapped[str | None] = mapped_column(ForeignKey("phone_numbers.id"), nullable=True, index=True)
    iccid: Mapped[str | None] = mapped_column(String(22), nullable=True)
    package_id: Mapped[str] = mapped_column(ForeignKey("packages.id"), index=True)
    type: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Threshold(Base):
    __tablename__ = "thresholds"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # THID-
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    threshold_type: Mapped[str] = mapped_column(String(8))  # Data | SMS | Voice
    amount: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(8))  # MB | GB | Count
    action: Mapped[str] = mapped_column(String(8))  # Alert | Pause | Restrict
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ThresholdAssignment(Base):
    __tablename__ = "threshold_assignments"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # TAID-
    threshold_id: Mapped[str] = mapped_column(ForeignKey("thresholds.id"), index=True)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Feature(Base):
    __tablename__ = "features"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # FEID-
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    feature_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class FeatureAssignment(Base):
    __tablename__ = "feature_assignments"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # FAID-
    feature_id: Mapped[str] = mapped_column(ForeignKey("features.id"), index=True)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
