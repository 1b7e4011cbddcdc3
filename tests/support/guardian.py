"""AI Guardian set-ups many tests start from: a subscriber holding a number, Guardian turned on, a relation."""

from __future__ import annotations

import itertools

from support.api import Api

_emails = itertools.count(1)


async def subscriber(api: Api, numbers: list[str] | None = None, name: str = "Kid") -> str:
    body = {
        "Name": name,
        "Email": f"guardian-{next(_emails)}@example.com",
        "PhoneNumbers": numbers or [],
        "Role": "Subscriber",
        "Password": "a-long-password",
    }
    return (await api.ok("POST", "/v1.0/subscribers/create", json=body))["SubscriberId"]


async def enable(api: Api, subscriber_id: str, *, calls: bool = True, messages: bool = True) -> dict:
    body = {
        "SubscriberId": subscriber_id,
        "EnableIntelligentGuardianCalls": calls,
        "EnableIntelligentGuardianMessages": messages,
    }
    return await api.ok("POST", "/v1.0/subscribers/guardian-features", json=body)


async def relate(api: Api, parent: str, child: str, relation: str = "Parent") -> dict:
    body = {"ParentSubscriberId": parent, "ChildSubscriberId": child, "Relation": relation}
    return await api.ok("POST", "/v1.0/subscribers/guardians/relation", json=body)


async def call_filter(api: Api, subscriber_id: str, phone: str, mode: str = "WHITELIST", **fields) -> dict:
    body = {"SubscriberId": subscriber_id, "Phone": phone, "FilterMode": mode, **fields}
    return await api.ok("POST", "/v1.0/subscribers/call-filter", json=body)
