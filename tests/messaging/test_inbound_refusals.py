"""Inbound messages the platform refuses at the carrier edge (issue 17): to a Parked or Cancelled number, or to a
Data-Only one. The SMPP connector answers the SMSC's deliver_sm ESME_RINVDSTADR (a permanent refusal, not a
retry), the sandbox's inbound endpoint a 400 (asked with the caller's token, as it will need); nothing reaches the number's old route. Status changes act on the
next message (the inbound lookup reads the number's row, nothing is cached)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from mpaas.carriers import pdu
from mpaas.carriers.smpp import SmppConnector
from mpaas.carriers.smsc_sim import SimConfig, SmscSim
from mpaas.models import Message
from support.api import make_message_route, provision
from support.smpp import sim_smpp_settings

HANDSET = "+18015737111"


@pytest.fixture
async def sim():
    s = SmscSim(SimConfig(port=0, receipt_delay_seconds=0.01, redeliver_seconds=0.05))
    await s.start()
    yield s
    await s.stop()


@pytest.fixture
def smpp(platform, sim):
    """The gateway binds to the simulator (asked for before `api`, so in place before the gateway starts)."""
    platform.connector = SmppConnector(sim_smpp_settings(sim.port))
    return platform.connector


async def _number(api) -> str:
    return (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]


async def _status_change(api, number: str, change: str) -> None:
    body = {"StatusChange": change, "EffectiveDate": "01/02/2026", "PhoneNumbers": [{"Number": number}]}
    await api.ok("POST", "/v1.0/numbers/status", json=body)


async def _inbound_count(platform) -> int:
    async with platform.db.read() as session:
        return (
            await session.execute(select(func.count()).select_from(Message).where(Message.direction == "Inbound"))
        ).scalar_one()


async def _until(predicate, timeout=5.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


@pytest.mark.parametrize("change, status", [("park", "Parked"), ("cancel", "Cancelled")])
async def test_sandbox_inbound_to_a_parked_or_cancelled_number_is_400(api, numbers, platform, change, status):
    number = await _number(api)
    await _status_change(api, number, change)
    response = await api.post("/sandbox/v1/inbound", {"From": HANDSET, "To": number, "Body": "hi"})
    assert response.status_code == 400
    assert response.json()["Message"] == (
        f"The To number {number} is {status} and cannot receive messages; "
        "reactivate it first (POST /v1.0/numbers/reactivate or status change activate)."
    )
    assert await _inbound_count(platform) == 0


async def test_sandbox_inbound_follows_the_status_change_at_once(api, numbers):
    number = await _number(api)
    await _status_change(api, number, "park")
    assert (await api.post("/sandbox/v1/inbound", {"From": HANDSET, "To": number, "Body": "x"})).status_code == 400
    await _status_change(api, number, "activate")
    assert (await api.post("/sandbox/v1/inbound", {"From": HANDSET, "To": number, "Body": "x"})).status_code == 200


async def test_sandbox_inbound_to_a_data_only_number_is_400(api, numbers):
    number = await _number(api)
    await api.ok("POST", "/v1.0/numbers/update", json={"Number": number, "ProductType": "Data-Only"})
    response = await api.post("/sandbox/v1/inbound", {"From": HANDSET, "To": number, "Body": "hi"})
    assert response.json() == {
        "StatusCode": 400,
        "Message": f"The To number {number} is a Data-Only number (ProductType) and cannot receive SMS.",
    }


async def test_smpp_inbound_to_a_parked_number_is_refused_with_esme_rinvdstadr(smpp, api, numbers, sim, platform):
    number = await _number(api)
    await _status_change(api, number, "park")
    await sim.inject_mo(HANDSET, number, "to the old route?", wait=False)
    await _until(lambda: sim.deliver_refusals)
    await asyncio.sleep(0.2)  # several redelivery intervals: refused once, for good
    assert sim.deliver_refusals == [("mo", pdu.ESME_RINVDSTADR)] and sim.deliver_nacks == 0
    assert await _inbound_count(platform) == 0
    await _status_change(api, number, "activate")  # acts on the next message
    await sim.inject_mo(HANDSET, number, "back in service", wait=False)
    await _until(lambda: sim.mo_acked == 1)
    assert await _inbound_count(platform) == 1


async def test_smpp_inbound_to_a_data_only_or_unknown_number_is_refused(smpp, api, numbers, sim, platform):
    """Neither can ever take it: refused for good, where the carrier used to be asked to retry forever."""
    data_only = await _number(api)
    await api.ok("POST", "/v1.0/numbers/update", json={"Number": data_only, "ProductType": "Data-Only"})
    await sim.inject_mo(HANDSET, data_only, "sms to a data sim", wait=False)
    await sim.inject_mo(HANDSET, "+12125550199", "nobody's number", wait=False)
    await _until(lambda: len(sim.deliver_refusals) == 2)
    assert sim.deliver_refusals == [("mo", pdu.ESME_RINVDSTADR)] * 2 and sim.deliver_nacks == 0
    assert await _inbound_count(platform) == 0
