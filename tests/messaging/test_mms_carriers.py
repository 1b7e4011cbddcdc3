"""A message with media is never reported Delivered by a carrier that cannot carry media: the send is refused
when its carrier (by the carriers' settings) cannot carry it, and an SMPP connector handed one anyway refuses it
instead of sending its text alone. A carrier set to `media = "link"` sends MmsMedia links in the text."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from mpaas.carriers.smpp import SmppConnector
from mpaas.carriers.smsc_sim import SimConfig, SmscSim
from mpaas.models import Message, MessageMedia
from support.api import make_message_route, provision
from support.smpp import sim_smpp_settings

CARRIERS = """
[[carriers]]
name = "us"
url = "smpp://us:pw@127.0.0.1:9"
prefixes = ["+1"]

[[carriers]]
name = "uk"
url = "smpp://uk:pw@127.0.0.1:9"
prefixes = ["+44"]
media = "link"
"""
LINK = {"MediaUrl": "https://example.com/a.png"}
ITEM = {"Base64": "aGVsbG8=", "BaseType": "image/png"}


async def _source(api) -> str:
    return (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]


async def _count(platform, model) -> int:
    async with platform.db.read() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


@pytest.mark.no_workers
async def test_media_to_a_carrier_without_media_is_refused_at_send_time(api, numbers, platform, tmp_path):
    (tmp_path / "carriers.toml").write_text(CARRIERS)
    platform.settings.carriers_file = tmp_path / "carriers.toml"
    source = await _source(api)

    async def send(to: list[str], **media):
        return await api.post(
            "/v1.0/message/outbound", {"From": source, "To": [{"Number": n} for n in to], "Body": "pic", **media}
        )

    for media in ({"MmsMedia": [LINK]}, {"MmsBase64": [ITEM]}):
        refused = await send(["+18015737112", "+18015737111"], **media)
        assert refused.status_code == 400
        assert refused.json()["Message"] == (
            "The To[0].Number field names +18015737112, which goes through carrier us: it cannot carry media "
            "(MmsMedia, MmsBase64). Send the message without media."
        )
    refused = await send(["+442071234567", "+442071234567", "+18015737111"], MmsMedia=[LINK])
    assert refused.status_code == 400
    assert refused.json()["Message"] == (
        "The To[2].Number field names +18015737111, which goes through carrier us: it cannot carry media "
        "(MmsMedia, MmsBase64). Send the message without media."
    )
    refused = await send(["+442071234567"], MmsMedia=[LINK], MmsBase64=[ITEM])
    assert refused.status_code == 400
    assert refused.json()["Message"] == (
        "The MmsBase64 field cannot be sent to +442071234567: carrier uk sends media as links, and MmsBase64 items "
        "have none. Send the media as MmsMedia links."
    )
    assert (await _count(platform, Message), await _count(platform, MessageMedia)) == (0, 0)
    assert (await send(["+18015737111"])).status_code == 200  # text alone goes anywhere
    assert (await send(["+442071234567"], MmsMedia=[LINK])).status_code == 200  # links to the link carrier


@pytest.mark.no_workers
async def test_an_unreadable_carriers_file_refuses_media_not_text(api, numbers, platform, tmp_path):
    (tmp_path / "carriers.toml").write_text("[[carriers]]\nname = 'x'\n")
    platform.settings.carriers_file = tmp_path / "carriers.toml"
    source = await _source(api)
    body = {"From": source, "To": [{"Number": "+18015737111"}], "Body": "pic"}
    refused = await api.post("/v1.0/message/outbound", {**body, "MmsMedia": [LINK]})
    assert refused.status_code == 503
    assert refused.json()["Message"] == (
        "A message with media cannot be accepted now: this server's carriers configuration cannot be read."
    )
    assert (await api.post("/v1.0/message/outbound", body)).status_code == 200


def _smpp(port: int, **overrides):
    return sim_smpp_settings(port, name="smsc", **overrides)


@pytest.fixture
async def sim():
    sim = SmscSim(SimConfig(port=0, receipt_delay_seconds=0.01))
    await sim.start()
    yield sim
    await sim.stop()


async def _final(api, message_id: str, timeout: float = 10.0) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        details = await api.ok("GET", "/v1.0/message/details", params={"MessageId": message_id})
        if details["Status"] in ("Delivered", "Failed") or asyncio.get_running_loop().time() > deadline:
            return details
        await asyncio.sleep(0.05)


@pytest.fixture
def text_only(platform, sim):
    """An SMPP carrier put in place while the settings still describe the sandbox (so the send is accepted):
    what the connector does when a message with media reaches it anyway."""
    platform.connector = SmppConnector(_smpp(sim.port))


async def test_an_smpp_carrier_refuses_media_it_cannot_carry(text_only, api, numbers, sim):
    source = await _source(api)
    mms = await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={"From": source, "To": [{"Number": "+18015737111"}], "Body": "pic", "MmsMedia": [LINK]},
    )
    details = await _final(api, mms["MessageId"])
    assert (details["Status"], details["ErrorCode"]) == ("Failed", "MEDIA_UNSUPPORTED")
    assert sim.accepted == []  # its text alone was not sent
    sms = await api.ok(
        "POST", "/v1.0/message/outbound", json={"From": source, "To": [{"Number": "+18015737111"}], "Body": "hi"}
    )
    assert (await _final(api, sms["MessageId"]))["Status"] == "Delivered"


@pytest.fixture
def links(platform, sim):
    platform.connector = SmppConnector(_smpp(sim.port, media="link"))


async def test_a_link_carrier_sends_the_links_in_the_text(links, api, numbers, sim):
    sent = await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={
            "From": await _source(api),
            "To": [{"Number": "+18015737111"}],
            "Body": "pic",
            "MmsMedia": [LINK, {"MediaUrl": "https://example.com/b.png"}],
        },
    )
    assert (await _final(api, sent["MessageId"]))["Status"] == "Delivered"
    assert [s.text for s in sim.accepted] == ["pic\nhttps://example.com/a.png\nhttps://example.com/b.png"]
