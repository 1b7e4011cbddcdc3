"""Account webhook management (Webhook_Request, Update_Webhook_Request, Delete_Webhook_Request)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from mpaas.core.egress import HttpUrl, RequiredHttpUrl
from mpaas.core.wire import Optional, Required, WireModel, WireResponse, one_of

# The contract's events; the vendor's samples also spell New_Sms as New_SMS.
CONTRACT_EVENTS = (
    "Order_Update",
    "New_Sms",
    "Call_Completed",
    "Call_On_Hold",
    "Call_Recording",
    "Call_In_Progress",
    "Call_Ringing",
)
# mpaas extensions: a number's data usage crossed its Notify/Throttle/Limit value; a subscription crossed one
# of its billing thresholds (the contract names these notifications but no event for them); an AI Guardian filter
# triggered (guardian/alerts.py).
EXTENSION_EVENTS = ("Usage_Threshold", "Threshold_Alert", "Guardian_Alert")
EVENTS = CONTRACT_EVENTS + EXTENSION_EVENTS
METHODS = ("POST", "PUT")
FORMATS = ("json", "xml")
AUTH_TYPES = ("None", "Basic", "Token", "Bearer")


def _events(value: Any) -> list[str] | None:
    """A comma-separated string (the contract) or a list (friendlier) of known events, canonicalized."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ValueError(f"must be a comma-separated list of: {', '.join(EVENTS)}")
    canonical = {e.lower(): e for e in EVENTS}
    out: list[str] = []
    for item in items:
        name = str(item).strip()
        if not name:
            continue
        if name.lower() not in canonical:
            raise ValueError(f"has an unknown event {name!r}; known events: {', '.join(EVENTS)}")
        if canonical[name.lower()] not in out:
            out.append(canonical[name.lower()])
    if not out:
        raise ValueError(f"must name at least one of: {', '.join(EVENTS)}")
    return out


# Known events without repeats: never more than there are (the documented maxItems).
Events = Annotated[Annotated[list[str], Field(max_length=len(EVENTS))] | None, BeforeValidator(_events)]


class WebhookFields(WireModel):
    account_id: Optional = Field(default=None, alias="AccountId")
    webhook_url: HttpUrl = Field(default=None, alias="WebhookUrl", max_length=255)
    method: Annotated[str | None, one_of(*METHODS)] = Field(default=None, alias="Method")
    data_format: Annotated[str | None, one_of(*FORMATS)] = Field(default=None, alias="DataFormat")
    authentication_type: Annotated[str | None, one_of(*AUTH_TYPES)] = Field(default=None, alias="AuthenticationType")
    authentication_username: Optional = Field(default=None, alias="AuthenticationUsername", max_length=255)
    authentication_password: Optional = Field(default=None, alias="AuthenticationPassword", max_length=255)
    authentication_token: Optional = Field(default=None, alias="AuthenticationToken", max_length=255)
    subscribed_events: Events = Field(default=None, alias="SubscribedEvents", examples=["Order_Update, New_Sms"])


class CreateWebhook(WebhookFields):
    webhook_url: RequiredHttpUrl = Field(
        alias="WebhookUrl", max_length=255, examples=["https://api.example.com/telegent/events"]
    )
    subscribed_events: Annotated[list[str], Field(max_length=len(EVENTS)), BeforeValidator(_events)] = Field(
        alias="SubscribedEvents", examples=["Order_Update, New_Sms"]
    )


class UpdateWebhook(WebhookFields):
    webhook_id: Required = Field(alias="WebhookId")
    active: bool | None = Field(default=None, alias="Active")


class DeleteWebhook(WireModel):
    webhook_id: Required = Field(alias="WebhookId")
    account_id: Optional = Field(default=None, alias="AccountId")


class RotateSigningSecret(WireModel):
    account_id: Optional = Field(default=None, alias="AccountId")


# Responses.


class WebhookOut(WireResponse):
    """Webhook_Result. SubscribedEvents is the comma-separated list, as the contract sends it."""

    webhook_id: str
    account_id: str
    webhook_url: str
    method: str
    data_format: str
    authentication_type: str
    authentication_username: str | None
    authentication_password: str | None
    authentication_token: str | None
    subscribed_events: str
    active: bool


class WebhookDeleted(WireResponse):
    webhook_id: str
    webhook_status: str


class WebhookAttemptOut(WireResponse):
    """One delivery attempt (mpaas extension). WebhookId is null for a message route's callback."""

    event_id: str
    event_type: str
    webhook_id: str | None
    url: str
    method: str
    attempt: int
    status_code: int | None
    error: str | None
    duration_ms: int
    attempted_on: str | None


class MessageWebhookAttempts(WireResponse):
    message_id: str
    total_attempts: int
    attempts: list[WebhookAttemptOut]


class WebhookSigningSecretOut(WireResponse):
    """An account's webhook signing secret (mpaas extension), the key of X-Mpaas-Signature. After a rotation,
    PreviousSecretValidUntil says until when the replaced secret still signs (a second signature); null when
    only this one does."""

    account_id: str
    webhook_signing_secret: str
    previous_secret_valid_until: str | None
