"""The message-filter operations (telegent-api.md, "AI Guardian"): shapes, the contract's error texts, the rules of
who may filter which number, hostile input and tenancy. Enforcement in the pipeline is
test_message_screening.py's."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from mpaas.guardian.message_filters_service import DUPLICATE
from mpaas.models import GuardianFeatures, GuardianRelation, MessageFilter
from support.api import make_message_route, provision

BASE = "/v1.0/subscribers/message-filter"
KEYWORDS = json.dumps(
    {
        "CustomKeywords": ["inappropriate", "banned"],
        "SystemKeywords": {"Profanity": [], "Violence": ["threat1"]},
        "SeverityMap": {"inappropriate": "MEDIUM"},
    }
)
_emails = itertools.count()


@dataclass
class Subject:
    subscriber_id: str
    number: str
    route_id: str


async def enable_guardian(api, platform, subscriber_id: str, messages: bool = True) -> None:
    """Through the contract's operation where it is served, else the row it writes (guardian core's table)."""
    body = {
        "SubscriberId": subscriber_id,
        "EnableIntelligentGuardianMessages": messages,
        "EnableIntelligentGuardianCalls": False,
    }
    response = await api.post("/v1.0/subscribers/guardian-features", body)
    if response.status_code == 200:
        return
    assert response.status_code == 501, response.text
    async with platform.db.write() as session:
        row = await session.get(GuardianFeatures, subscriber_id)
        if row is None:
            from datetime import UTC, datetime

            session.add(
                GuardianFeatures(
                    subscriber_id=subscriber_id, messages=messages, calls=False, updated_at=datetime.now(UTC)
                )
            )
        else:
            row.messages = messages


async def subject(api, platform, *, route_id: str | None = None, enable: bool = True, **route) -> Subject:
    """A subscriber holding one provisioned number (on a message route), Guardian messages on."""
    route_id = route_id or await make_message_route(api, **route)
    number = (await provision(api, route_id))["PhoneNumberAssigned"]
    created = await api.ok(
        "POST",
        "/v1.0/subscribers/create",
        json={
            "Name": "Kid",
            "Email": f"kid{next(_emails)}@example.com",
            "PhoneNumbers": [number],
            "Role": "Subscriber",
            "Password": "password1",
        },
    )
    if enable:
        await enable_guardian(api, platform, created["SubscriberId"])
    return Subject(created["SubscriberId"], number, route_id)


def filter_body(who: Subject, **overrides) -> dict:
    return {
        "SubscriberId": who.subscriber_id,
        "Phone": who.number,
        "FilterMode": "ACTIVE",
        "AllowedContacts": ["+18015550101"],
        "BlockedContacts": ["+18015550199"],
        "KeywordFilter": KEYWORDS,
        "NotificationPhones": ["+18015550123"],
        "ApplyToOutbound": True,
        "ApplyToInbound": True,
        "BlockUnknownNumbers": False,
        "BlockLinks": False,
        "BlockMedia": False,
        **overrides,
    }


async def make_filter(api, who: Subject, **overrides) -> dict:
    return await api.ok("POST", BASE, json=filter_body(who, **overrides))


pytestmark = pytest.mark.no_workers


async def test_create_answers_the_contracts_shape_and_lists(api, platform, numbers):
    who = await subject(api, platform)
    created = await make_filter(api, who)
    assert created["FilterId"].startswith("MFID-")
    assert {k: v for k, v in created.items() if k != "FilterId"} == {
        "SubscriberId": who.subscriber_id,
        "Phone": who.number,
        "FilterMode": "ACTIVE",
        "AllowedContacts": ["+18015550101"],
        "BlockedContacts": ["+18015550199"],
        "KeywordFilter": KEYWORDS,
        "NotificationPhones": ["+18015550123"],
        "ApplyToOutbound": True,
        "ApplyToInbound": True,
        "BlockUnknownNumbers": False,
        "BlockLinks": False,
        "BlockMedia": False,
        "FilterLevel": None,
    }
    assert await api.ok("GET", BASE, params={"SubscriberId": who.subscriber_id}) == [created]
    assert await api.ok("GET", BASE, params={"Phone": who.number}) == [created]
    assert await api.ok("GET", BASE) == [created]
    assert await api.ok("GET", BASE, params={"Phone": "+18015559999"}) == []


async def test_a_second_filter_for_the_same_subscriber_and_number_is_refused(api, platform, numbers):
    who = await subject(api, platform)
    await make_filter(api, who)
    response = await api.post(BASE, filter_body(who, FilterMode="MONITOR_ONLY"))
    assert response.json() == {"StatusCode": 400, "Message": DUPLICATE}
    assert DUPLICATE == "Duplicate filter found for the same subscriber and phone number"


async def test_phone_must_be_the_subscribers_own_number(api, platform, numbers):
    who = await subject(api, platform)
    other = await subject(api, platform)
    response = await api.post(BASE, filter_body(who, Phone=other.number))
    assert response.json() == {
        "StatusCode": 400,
        "Message": f"The Phone field must be a number of subscriber {who.subscriber_id} (got {other.number}).",
    }


async def test_guardian_messages_must_be_enabled_first(api, platform, numbers):
    who = await subject(api, platform, enable=False)
    response = await api.post(BASE, filter_body(who))
    assert response.status_code == 400
    assert "AI Guardian messages are not enabled" in response.json()["Message"]


@pytest.mark.parametrize(
    "field, value, text",
    [
        ("FilterMode", "BLOCK", "FilterMode"),
        ("Phone", "not a number", "Phone"),
        ("AllowedContacts", ["12"], "AllowedContacts"),
        ("KeywordFilter", "{not json", "KeywordFilter"),
        ("KeywordFilter", '{"SystemKeywords":{"Astrology":[]}}', "KeywordFilter"),
        ("KeywordFilter", '{"SeverityMap":{"x":"EXTREME"}}', "KeywordFilter"),
        ("FilterLevel", "TODDLER", "FilterLevel"),
    ],
)
async def test_bad_input_is_a_400_naming_the_field(api, platform, numbers, field, value, text):
    who = await subject(api, platform)
    response = await api.post(BASE, filter_body(who, **{field: value}))
    assert response.status_code == 400 and text in response.json()["Message"], response.json()


async def test_update_replaces_what_it_sends(api, platform, numbers):
    who = await subject(api, platform)
    created = await make_filter(api, who)
    updated = await api.ok(
        "POST",
        BASE + "/update",
        json={
            "FilterId": created["FilterId"],
            "FilterMode": "MONITOR_ONLY",
            "BlockLinks": True,
            "FilterLevel": "CHILD",
        },
    )
    assert updated == {**created, "FilterMode": "MONITOR_ONLY", "BlockLinks": True, "FilterLevel": "CHILD"}
    async with platform.db.read() as session:
        row = (await session.execute(select(MessageFilter))).scalar_one()
    assert row.version == 2  # what the pipeline's cache of compiled filters reads
    response = await api.post(BASE + "/update", {"FilterMode": "ACTIVE"})
    assert response.json() == {"StatusCode": 400, "Message": "The FilterId field is required."}


async def test_delete_takes_message_filter_id(api, platform, numbers):
    who = await subject(api, platform)
    created = await make_filter(api, who)
    deleted = await api.ok("POST", BASE + "/delete", json={"MessageFilterId": created["FilterId"]})
    assert deleted["Status"] == "Deleted" and deleted["FilterId"] == created["FilterId"] and deleted["DateDeleted"]
    assert await api.ok("GET", BASE) == []
    again = await api.post(BASE + "/delete", {"MessageFilterId": created["FilterId"]})
    assert again.status_code == 404
    assert (await api.post(BASE + "/delete", {"FilterId": created["FilterId"]})).json()["Message"] == (
        "The MessageFilterId field is required."
    )
    await make_filter(api, who)  # the number may have a filter again


async def test_allowed_and_blocked_contacts_are_managed_incrementally(api, platform, numbers):
    who = await subject(api, platform)
    created = await make_filter(api, who)
    ids = {"SubscriberId": who.subscriber_id, "MessageFilterId": created["FilterId"]}
    added = await api.ok("POST", BASE + "/allowed-contacts/add", json={**ids, "Contacts": ["+15555555555"]})
    assert added == {
        "FilterId": created["FilterId"],
        "SubscriberId": who.subscriber_id,
        "AllowedContacts": ["+18015550101", "+15555555555"],
    }
    assert await api.ok("GET", BASE + "/allowed-contacts", params=ids) == ["+18015550101", "+15555555555"]
    removed = await api.ok("POST", BASE + "/allowed-contacts/remove", json={**ids, "Contacts": ["+18015550101"]})
    assert removed["AllowedContacts"] == ["+15555555555"]
    blocked = await api.ok("POST", BASE + "/blocked-contacts/add", json={**ids, "Contacts": ["+14444444444"]})
    assert blocked == {
        "FilterId": created["FilterId"],
        "SubscriberId": who.subscriber_id,
        "BlockedContacts": ["+18015550199", "+14444444444"],
    }
    unblocked = await api.ok("POST", BASE + "/blocked-contacts/remove", json={**ids, "Contacts": ["+18015550199"]})
    assert unblocked["BlockedContacts"] == ["+14444444444"]
    assert await api.ok("GET", BASE + "/blocked-contacts", params=ids) == ["+14444444444"]
    missing = await api.get(BASE + "/blocked-contacts", SubscriberId=who.subscriber_id)
    assert missing.json() == {"StatusCode": 400, "Message": "The MessageFilterId field is required."}
    empty = await api.post(BASE + "/blocked-contacts/add", {**ids, "Contacts": []})
    assert empty.status_code == 400 and "Contacts" in empty.json()["Message"]


async def test_keywords_are_the_keyword_filter_parsed(api, platform, numbers):
    who = await subject(api, platform)
    created = await make_filter(api, who)
    ids = {"SubscriberId": who.subscriber_id, "MessageFilterId": created["FilterId"]}
    assert await api.ok("GET", BASE + "/keywords", params=ids) == json.loads(KEYWORDS)
    shouted = {**ids, "MessageFilterId": created["FilterId"].upper()}  # ids in any casing, as everywhere
    assert await api.ok("GET", BASE + "/keywords", params=shouted) == json.loads(KEYWORDS)
    other = await subject(api, platform)
    plain = await make_filter(api, other, KeywordFilter=None)
    assert await api.ok(
        "GET", BASE + "/keywords", params={"SubscriberId": other.subscriber_id, "MessageFilterId": plain["FilterId"]}
    ) == {"CustomKeywords": [], "SystemKeywords": {}, "SeverityMap": {}}


async def test_another_subscribers_filter_is_not_reachable_through_a_subscriber(api, platform, numbers):
    who = await subject(api, platform)
    stranger = await subject(api, platform)
    created = await make_filter(api, who)
    ids = {"SubscriberId": stranger.subscriber_id, "MessageFilterId": created["FilterId"]}
    assert (await api.get(BASE + "/allowed-contacts", **ids)).status_code == 404


async def test_a_guardian_manages_a_childs_filters(api, platform, numbers):
    parent = await subject(api, platform)
    child = await subject(api, platform)
    async with platform.db.write() as session:
        from datetime import UTC, datetime

        session.add(
            GuardianRelation(
                parent_id=parent.subscriber_id,
                child_id=child.subscriber_id,
                relation="Parent",
                created_at=datetime.now(UTC),
            )
        )
    created = await make_filter(api, child)
    ids = {"SubscriberId": parent.subscriber_id, "MessageFilterId": created["FilterId"]}
    added = await api.ok("POST", BASE + "/blocked-contacts/add", json={**ids, "Contacts": ["+14444444444"]})
    assert added["SubscriberId"] == child.subscriber_id
    # The parent may also create the child's filter on the child's number: it belongs to the child.
    await api.ok("POST", BASE + "/delete", json={"MessageFilterId": created["FilterId"]})
    made = await make_filter(api, parent, Phone=child.number)
    assert made["SubscriberId"] == child.subscriber_id
    listed = await api.ok("GET", BASE, params={"SubscriberId": parent.subscriber_id})
    assert [f["FilterId"] for f in listed] == [made["FilterId"]]


async def test_another_distributor_never_sees_a_filter(api, other_api, platform, numbers):
    who = await subject(api, platform)
    created = await make_filter(api, who)
    ids = {"SubscriberId": who.subscriber_id, "MessageFilterId": created["FilterId"]}
    assert await other_api.ok("GET", BASE) == []
    assert (await other_api.get(BASE, SubscriberId=who.subscriber_id)).status_code == 404
    for path in ("/allowed-contacts", "/blocked-contacts", "/keywords"):
        assert (await other_api.get(BASE + path, **ids)).status_code == 404, path
    writes = [
        ("/update", {"FilterId": created["FilterId"], "FilterMode": "INACTIVE"}),
        ("/delete", {"MessageFilterId": created["FilterId"]}),
        ("/allowed-contacts/add", {**ids, "Contacts": ["+15555555555"]}),
        ("/blocked-contacts/remove", {**ids, "Contacts": ["+18015550199"]}),
    ]
    for path, body in writes:
        assert (await other_api.post(BASE + path, body)).status_code == 404, path
    assert (await other_api.post(BASE, filter_body(who))).status_code == 404
    assert await api.ok("GET", BASE) == [created]
