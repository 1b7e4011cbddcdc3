"""Interop with smpp34 (an independent, Rust-backed SMPP 3.4 implementation):
our connector against smpp34's Server, and smpp34's Client against our simulator."""

import asyncio
import socket

import pytest

smpp34 = pytest.importorskip("smpp34")

from test_smpp_connector import Events, settings_for, until  # noqa: E402

from mpaas.carriers.base import OutboundSms  # noqa: E402
from mpaas.carriers.encoding import ucs2_decode  # noqa: E402
from mpaas.carriers.receipts import TLV_MESSAGE_STATE, TLV_RECEIPTED_MESSAGE_ID, format_receipt  # noqa: E402
from mpaas.carriers.smpp import SmppConnector  # noqa: E402
from mpaas.carriers.smsc_sim import SimConfig, SmscSim  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_connector_against_smpp34_server():
    port = free_port()
    server = smpp34.Server("127.0.0.1", port, system_id="smpp34")
    await server.start()
    seen = []

    async def smsc():
        esmes = {}
        n = 0
        while True:
            event = await server.next()
            if isinstance(event, smpp34.Esme):
                esmes[event.session_id] = event
            elif isinstance(event, smpp34.SubmitSmEvent):
                n += 1
                message_id = f"S{n}"
                seen.append(
                    (
                        event.source_addr,
                        event.source_addr_ton,
                        event.destination_addr,
                        event.dest_addr_ton,
                        event.data_coding,
                        event.esm_class,
                        event.registered_delivery,
                        bytes(event.short_message),
                    )
                )
                event.accept(message_id)
                esme = esmes.get(event.session_id) or next(iter(esmes.values()))
                text = format_receipt(message_id, "DELIVRD").encode("ascii")
                await esme.deliver_sm(
                    event.source_addr,
                    text,
                    source_addr=event.destination_addr,
                    source_addr_ton=1,
                    source_addr_npi=1,
                    dest_addr_ton=1,
                    dest_addr_npi=1,
                    esm_class=0x04,
                    tlvs=[
                        smpp34.Tlv(TLV_RECEIPTED_MESSAGE_ID, message_id.encode() + b"\x00"),
                        smpp34.Tlv(TLV_MESSAGE_STATE, bytes([2])),
                    ],
                )
                if n == 1:  # and one MO message
                    await esme.deliver_sm(
                        "18015550100",
                        "héllo".encode("latin-1"),
                        source_addr="447700900123",
                        source_addr_ton=1,
                        source_addr_npi=1,
                        dest_addr_ton=1,
                        dest_addr_npi=1,
                        data_coding=3,
                    )

    task = asyncio.create_task(smsc())
    connector = SmppConnector(settings_for(port, enquire_link_seconds=0.2))
    events = Events()
    try:
        await connector.start(events)
        assert connector.state()["bound"]
        one = await connector.submit(OutboundSms("m1", "+12125550100", "+18015550100", "hello from mpaas"))
        many = await asyncio.gather(
            *(connector.submit(OutboundSms(f"m{i}", "+12125550100", "+18015550100", f"n{i} 😀")) for i in range(20))
        )
        assert one.carrier_id == "S1" and len({r.carrier_id for r in many}) == 20
        await until(lambda: len(events.receipts) == 21 and events.inbound, timeout=5)
        assert {r[1] for r in events.receipts} == {"S1"} | {r.carrier_id for r in many}
        assert all(r[2] == "DELIVRD" for r in events.receipts)
        assert events.inbound == [("sim", "+447700900123", "+18015550100", "héllo")]
        first = seen[0]
        assert first[:7] == ("12125550100", 1, "18015550100", 1, 0, 0, 1)
        assert first[7] == b"hello from mpaas"
        assert any(s[4] == 8 and ucs2_decode(s[7]).endswith("😀") for s in seen[1:])
        await asyncio.sleep(0.5)  # a few enquire_links go through
        assert connector.state()["bound"]
    finally:
        await connector.stop()
        task.cancel()
        await server.stop()


async def test_smpp34_client_against_our_simulator():
    sim = SmscSim(SimConfig(port=0, receipt_delay_seconds=0.01))
    await sim.start()
    try:
        client = smpp34.Client("127.0.0.1", sim.port, "mpaas", "secret", bind_type="TRX")
        session = await client.connect()
        resp = await session.submit_sm(
            "18015550100",
            b"hi sim",
            source_addr="12125550100",
            source_addr_ton=1,
            source_addr_npi=1,
            dest_addr_ton=1,
            dest_addr_npi=1,
            registered_delivery=1,
        )
        assert resp.is_success and resp.message_id == sim.accepted[0].message_id
        event = await asyncio.wait_for(session.next(), 3)
        assert isinstance(event, smpp34.DeliverSmEvent) and event.esm_class == 0x04
        assert f"id:{resp.message_id}" in bytes(event.short_message).decode()
        await sim.inject_mo("+447700900123", "+18015550100", "mo text", wait=False)
        event = await asyncio.wait_for(session.next(), 3)
        assert bytes(event.short_message) == b"mo text" and event.source_addr == "447700900123"
        await session.unbind()
        # smpp34 1.5.0 closes on the refusal but reports it only as "bind timed out" after connect_timeout
        bad = smpp34.Client("127.0.0.1", sim.port, "mpaas", "nope", bind_type="TRX", connect_timeout_ms=500)
        with pytest.raises(smpp34.SmppError):
            await bad.connect()
        assert sim.bind_refusals == 1
        await client.stop()
    finally:
        await sim.stop()
