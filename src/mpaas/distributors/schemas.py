"""Request bodies and responses of the account and distributor endpoints."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from mpaas.catalog.schemas import PackageOut, ProductOut, ServiceOut, SubscriptionOut
from mpaas.core.wire import Optional, Required, WireModel, WireResponse
from mpaas.subscribers.schemas import SubscriberOut

FILTERS = ("All", "Active", "Inactive")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str | None) -> str | None:
    if value is not None and (not _EMAIL.match(value) or len(value) > 320):
        raise ValueError("must be a valid email address")
    return value


class Address(WireModel):
    """Kept as sent: the contract echoes "" and null distinctly."""

    street1: str | None = Field(default=None, alias="Street1")
    street2: str | None = Field(default=None, alias="Street2")
    city: str | None = Field(default=None, alias="City")
    state: str | None = Field(default=None, alias="State")
    zip: str | None = Field(default=None, alias="Zip")
    country: str | None = Field(default=None, alias="Country")


class CreateAccount(WireModel):
    account_name: Required = Field(alias="AccountName", examples=["Telegent Account 3"])
    account_admin: Annotated[Optional, AfterValidator(_email)] = Field(default=None, alias="AccountAdmin")
    billing_address: Address | None = Field(default=None, alias="BillingAddress")
    mailing_address: Address | None = Field(default=None, alias="MailingAddress")


class UpdateAccount(WireModel):
    # Not in the contract's schema (it infers the account from the token); needed when a distributor has
    # several accounts, and optional when it has one.
    account_id: Optional = Field(default=None, alias="AccountId")
    account_name: Optional = Field(default=None, alias="AccountName")
    account_admin: Annotated[Optional, AfterValidator(_email)] = Field(default=None, alias="AccountAdmin")
    billing_address: Address | None = Field(default=None, alias="BillingAddress")
    mailing_address: Address | None = Field(default=None, alias="MailingAddress")


class CreateDistributor(WireModel):
    distributor_name: Required = Field(alias="DistributorName", examples=["Telegent Distributor 2"])
    billing_address: Address | None = Field(default=None, alias="BillingAddress")
    mailing_address: Address | None = Field(default=None, alias="MailingAddress")
    # Extensions: the first account's name and the credential's requests per minute (0 = unlimited).
    account_name: Optional = Field(default=None, alias="AccountName")
    rate_limit: int | None = Field(default=None, alias="RateLimit", ge=0, le=1_000_000)


class UpdateDistributor(WireModel):
    distributor_id: Required = Field(alias="DistributorId")
    distributor_name: Optional = Field(default=None, alias="DistributorName")
    billing_address: Address | None = Field(default=None, alias="BillingAddress")
    mailing_address: Address | None = Field(default=None, alias="MailingAddress")


# Responses (field order is the presenters', which is the order on the wire).


class AddressOut(WireResponse):
    """Every field always present, null when never set."""

    street1: str | None
    street2: str | None
    city: str | None
    state: str | None
    zip: str | None
    country: str | None


class AccountOut(WireResponse):
    account_id: str
    account_name: str
    total_subscribers: int
    billing_address: AddressOut
    mailing_address: AddressOut


class AccountList(WireResponse):
    distributor_id: str
    total_accounts: int
    filter: str
    results: list[AccountOut]


class ServiceList(WireResponse):
    aggregator_id: str
    total_services: int
    filter: str
    results: list[ServiceOut]


class ProductList(WireResponse):
    distributor_id: str
    total_products: int
    filter: str
    results: list[ProductOut]


class PackageList(WireResponse):
    distributor_id: str
    total_packages: int
    filter: str
    results: list[PackageOut]


class AccountSubscriptionList(WireResponse):
    account_id: str | None  # None: the listing spans several accounts (AccountId omitted)
    total_subscriptions: int
    filter: str
    results: list[SubscriptionOut]


class DistributorSubscriptionList(WireResponse):
    distributor_id: str
    total_subscriptions: int
    filter: str
    results: list[SubscriptionOut]


class DistributorOut(WireResponse):
    distributor_id: str
    distributor_name: str
    account_key: str
    secret: str | None  # shown once, in the create response
    total_accounts: int
    billing_address: AddressOut
    mailing_address: AddressOut


class CreatedDistributor(DistributorOut):
    account_id: str  # the first account, created with the distributor


class DistributorSubscriber(SubscriberOut):
    subscriptions: list[SubscriptionOut]


class SubscriberPage(WireResponse):
    page_number: int
    total_subscribers: int
    subscribers: list[DistributorSubscriber]
