from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from mpaas.core.phone import is_e164_shape
from mpaas.core.wire import Optional, Required, WireModel, WireResponse, one_of

ROLES = ("Subscriber", "Manager", "Account Admin")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> str:
    if not _EMAIL.match(value) or len(value) > 320:
        raise ValueError("must be a valid email address")
    return value


def _numbers(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    for value in values:
        if not isinstance(value, str) or not is_e164_shape(value.strip()):
            raise ValueError(f"must hold E.164 numbers such as +18015551234 (got {value!r})")
    return [v.strip() for v in values]


MAX_SUBSCRIBER_NUMBERS = 100  # numbers one subscriber holds (docs/compatibility.md, Limits)
PhoneList = Annotated[list[str], Field(max_length=MAX_SUBSCRIBER_NUMBERS), AfterValidator(_numbers)]


class CreateSubscriber(WireModel):
    name: Required = Field(alias="Name", examples=["Jerome User"])
    email: Annotated[Required, AfterValidator(_email)] = Field(alias="Email", examples=["jerome@example.com"])
    # The key is required by the contract; the list may be empty (numbers are bound at provisioning).
    phone_numbers: PhoneList = Field(alias="PhoneNumbers", examples=[["+18015551234"]])
    role: Annotated[str, one_of(*ROLES)] = Field(alias="Role", examples=["Subscriber"])
    password: Required = Field(alias="Password", min_length=8, examples=["a-temporary-password"])
    account_id: Optional = Field(default=None, alias="AccountId")


class UpdateSubscriber(WireModel):
    subscriber_id: Required = Field(alias="SubscriberId")
    name: Optional = Field(default=None, alias="Name")
    phone_numbers: PhoneList | None = Field(default=None, alias="PhoneNumbers")
    role: Annotated[str | None, one_of(*ROLES)] = Field(default=None, alias="Role")
    password: Optional = Field(default=None, alias="Password", min_length=8)
    account_id: Optional = Field(default=None, alias="AccountId")


class TransferSubscriber(WireModel):
    subscriber_id: Required = Field(alias="SubscriberId")
    from_account_id: Required = Field(alias="FromAccountId")
    to_account_id: Required = Field(alias="ToAccountId")


# Responses (the contract's Subscriber record).


class SubscriberAccount(WireResponse):
    account_id: str
    company_name: str


class SubscriberOut(WireResponse):
    subscriber_id: str
    name: str
    email: str
    phone_numbers: list[str]
    role: str
    account: SubscriberAccount
