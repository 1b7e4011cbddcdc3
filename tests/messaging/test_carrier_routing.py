"""Several carriers behind one router, each a real SMPP peer: every message's receipt comes back under its own
carrier's name and settles it."""

from __future__ import annotations

import asyncio

import pytest

from mpaas.carriers.dispatch import CarrierDispatcher
from mpaas.carriers.smpp import SmppConnector
from mpaas.carriers.smsc_sim import SimConfig, SmscSim
from support.api import make_message_route, provision
from support.smpp import sim_smpp_settings


def _settings(name: str, port: int):
    return sim_smpp_settings(port, name=name)


@pytest.fixture
async def sims():
    started = [SmscSim(SimConfig(port=0, receipt_delay_seconds=0.01)) for _ in range(2)]
    for sim in started:
        await sim.start()
    yield started
    for sim in started:
        await sim.stop()


@pytest.fixture(autouse=True)
def router(platform, sims):
    """Autouse, so it is in place before the app starts the gateway."""
    us, uk = (SmppConnector(_settings(name, sim.port)) for name, sim in zip(("us", "uk"), sims, strict=True))
    platform.connector = CarrierDispatcher([(us, ("+1",)), (uk, ("+44",))])
    return platform.connector


async def _status(api, message_id: str, timeout: float = 10.0) -> str:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        status = (await api.ok("GET", "/v1.0/message/details", params={"MessageId": message_id}))["Status"]
        if status in ("Delivered", "Failed") or asyncio.get_running_loop().time() > deadline:
            return status
        await asyncio.sleep(0.05)


async def test_each_carriers_receipts_settle_its_messages(api, numbers, sims):
    source = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    sent = await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={"From": source, "To": [{"Number": "+18015737111"}, {"Number": "+442071234567"}], "Body": "hello"},
    )
    by_recipient = {m["To"]: m["MessageId"] for m in sent["Messages"]}
    assert [await _status(api, by_recipient[to]) for to in ("+18015737111", "+442071234567")] == [
        "Delivered",
        "Delivered",
    ]
    assert [len(sim.accepted) for sim in sims] == [1, 1]  # one message through each carrier
