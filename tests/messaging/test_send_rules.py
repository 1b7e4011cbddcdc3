"""Who may send: the sending number's stored fields act on the send (ProductType, SIM status, a2p campaigns),
each refused with a 400 that says why, before anything is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from mpaas.models import Message, PhoneNumber
from support.api import make_message_route, provision

pytestmark = pytest.mark.no_workers

ICCID = "8901240397190195850"


async def _send(api, source: str, **extra):
    return await api.post("/v1.0/message/outbound", {"From": source, "To": [{"Number": "+18015737111"}], **extra})


async def _stored(platform) -> int:
    async with platform.db.read() as session:
        return (await session.execute(select(func.count()).select_from(Message))).scalar_one()


async def test_data_only_number_cannot_send(api, numbers, platform):
    route = await make_message_route(api)
    source = (await provision(api, route, ProductType="Data-Only"))["PhoneNumberAssigned"]
    for extra in ({"Body": "x"}, {"Body": "pic", "MmsMedia": [{"MediaUrl": "https://example.com/a.png"}]}):
        response = await _send(api, source, **extra)
        assert response.status_code == 400
        assert response.json()["Message"] == (
            f"The From number {source} is a Data-Only number (ProductType) and cannot send SMS or MMS."
        )
    assert await _stored(platform) == 0
    sms_only = (await provision(api, route, ProductType="Sms-Only"))["PhoneNumberAssigned"]
    assert (await _send(api, sms_only, Body="x")).status_code == 200


async def test_suspended_sim_cannot_send(api, numbers, platform):
    source = (await provision(api, await make_message_route(api), ICCID=ICCID))["PhoneNumberAssigned"]
    await api.ok("POST", "/v1.0/sims/update-status", json={"ICCID": ICCID, "SimStatus": "Suspended"})
    response = await _send(api, source, Body="x")
    assert response.status_code == 400
    assert response.json()["Message"] == f"The From number {source} cannot send messages: its SIM is Suspended."
    assert await _stored(platform) == 0
    await api.ok("POST", "/v1.0/sims/update-status", json={"ICCID": ICCID, "SimStatus": "Active"})
    assert (await _send(api, source, Body="x")).status_code == 200


async def test_deactivated_sim_cannot_send(api, numbers, platform):
    """`Deactivated` is not a SimStatus the API sets, but a SIM recorded so (by the operator) is refused too."""
    source = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    async with platform.db.write() as session:
        await session.execute(update(PhoneNumber).where(PhoneNumber.number == source).values(sim_status="deactivated"))
    response = await _send(api, source, Body="x")
    assert response.status_code == 400
    assert response.json()["Message"] == f"The From number {source} cannot send messages: its SIM is Deactivated."


async def test_a2p_send_needs_a_campaign(api, numbers, platform):
    source = (await provision(api, await make_message_route(api), MessageType="a2p"))["PhoneNumberAssigned"]
    for extra in ({}, {"CampaignId": ""}, {"CampaignId": None}):
        response = await _send(api, source, Body="x", **extra)
        assert response.status_code == 400
        assert response.json()["Message"] == (
            f"The CampaignId field is required for a2p messages: the From number {source} is an a2p number, "
            "and a2p traffic must name its 10DLC campaign."
        )
    assert await _stored(platform) == 0
    sent = await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={"From": source, "To": [{"Number": "+18015737111"}], "Body": "x", "CampaignId": "JCID-dsuhofh3882"},
    )
    assert (sent["Type"], sent["CampaignId"]) == ("a2p", "JCID-dsuhofh3882")


async def test_p2p_send_needs_no_campaign(api, numbers):
    source = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    assert (await _send(api, source, Body="x")).status_code == 200
