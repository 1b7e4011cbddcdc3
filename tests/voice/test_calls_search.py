"""GET /ext/v1/calls: a distributor's call records, newest first, by number, direction, disposition, status and
creation date, paged as the message search is; never another distributor's, and only with a token minted for
this endpoint."""

from __future__ import annotations

from datetime import timedelta

import pytest

from support.calls import SIP_SECRET, T0, event, new_call, post_events

pytestmark = pytest.mark.no_workers

PATH = "/ext/v1/calls"


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"sip_shared_secret": SIP_SECRET})


async def search(api, **params) -> dict:
    return await api.ok("GET", PATH, params=params)


def ids(found: dict) -> list[str]:
    return [r["CallRecordId"] for r in found["Results"]]


@pytest.fixture
async def calls(api, platform, http) -> dict[str, str]:
    """Four calls of the caller's account over three days, in various ends."""
    made = {
        "answered": await new_call(platform, api.account_id, "s1", now=T0, number_id="NID-a"),
        "busy": await new_call(platform, api.account_id, "s2", now=T0 + timedelta(days=1), from_number="+12125550100"),
        "outbound": await new_call(
            platform,
            api.account_id,
            "s3",
            now=T0 + timedelta(days=2),
            direction="outbound",
            from_number="+18015557000",
            to_number="+12125550199",
        ),
        "ringing": await new_call(platform, api.account_id, "s4", now=T0 + timedelta(days=2, hours=1)),
    }
    await post_events(
        http,
        event("answered", "s1", 2),
        event("ended", "s1", 12),
        event("failed", "s2", 86_405, Code=486),
        event("answered", "s3", 172_801),
        event("ended", "s3", 172_900),
        event("ringing", "s4", 176_401),
    )
    return made


async def test_newest_first_with_the_message_searchs_paging(api, calls):
    found = await search(api)
    assert ids(found) == [calls["ringing"], calls["outbound"], calls["busy"], calls["answered"]]
    assert (found["ResultsTotalRecords"], found["ResultsPages"], found["Page"]) == (4, 1, 1)
    second = await search(api, Results=3, Page=2)
    assert ids(second) == [calls["answered"]] and second["ResultsPages"] == 2
    assert ids(await search(api, Results=3, Page=3)) == []


async def test_filters(api, calls):
    assert ids(await search(api, PhoneNumber="+12125550100")) == [calls["busy"]]
    assert set(ids(await search(api, PhoneNumber="+18015557000"))) == set(calls.values())  # as To or From
    assert ids(await search(api, Direction="Outbound")) == [calls["outbound"]]
    assert ids(await search(api, Disposition="busy")) == [calls["busy"]]
    assert ids(await search(api, Disposition="answered")) == [calls["outbound"], calls["answered"]]
    assert ids(await search(api, Status="ringing")) == [calls["ringing"]]
    assert ids(await search(api, NumberId="nid-A")) == [calls["answered"]]
    assert ids(await search(api, StartDate="2026-12-04", EndDate="2026-12-04")) == [calls["busy"]]
    assert ids(await search(api, StartDate="2026-12-05")) == [calls["ringing"], calls["outbound"]]
    assert ids(await search(api, EndDate="2026-12-03")) == [calls["answered"]]
    assert ids(await search(api, CallRecordId=calls["busy"].lower())) == [calls["busy"]]
    assert ids(await search(api, Direction="inbound", Disposition="answered")) == [calls["answered"]]


@pytest.mark.parametrize(
    "params,message",
    [
        ({"Direction": "sideways"}, "The Direction field must be one of: inbound, outbound."),
        ({"Disposition": "exploded"}, "The Disposition field must be one of:"),
        ({"Status": "x"}, "The Status field must be one of:"),
        ({"StartDate": "03/12/2026"}, "The StartDate field must be a date in YYYY-MM-DD form."),
        ({"EndDate": "9999-12-31"}, "The EndDate field must be a date between the years"),
        ({"StartDate": "2026-12-05", "EndDate": "2026-12-04"}, "The EndDate field must not be before StartDate."),
        ({"Page": 0}, "The Page field must be between 1 and"),
        ({"Results": 1001}, "The Results field must be between 1 and 1000."),
        ({"AccountId": "AID-00000000-0000-0000-0000-000000000000"}, "Invalid AccountId"),
    ],
)
async def test_bad_filters_are_400s_naming_the_field(api, params, message):
    response = await api.get(PATH, **params)
    assert response.status_code == 400 and response.json()["Message"].startswith(message), response.text


async def test_tenancy(api, other_api, platform, calls):
    assert await search(other_api) == {"ResultsTotalRecords": 0, "ResultsPages": 0, "Page": 1, "Results": []}
    assert ids(await search(other_api, CallRecordId=calls["busy"])) == []
    assert (await other_api.get(PATH, AccountId=api.account_id)).status_code == 400
    # a record of no account (a call to an unknown number) is nobody's
    await new_call(platform, None, "nobody", number_id=None, reject_code=404, reject_reason="Not Found")
    assert len(ids(await search(api))) == 4
    assert ids(await search(api, AccountId=api.account_id, Results=1)) == [calls["ringing"]]


async def test_a_token_for_another_endpoint_is_refused(api, http, calls):
    token = await api.token("/v1.0/message/search")
    response = await http.get(PATH, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert (await http.get(PATH)).status_code == 401
