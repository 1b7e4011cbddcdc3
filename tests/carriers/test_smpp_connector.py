"""The SMPP connector against the real simulator over loopback: happy path, MO, and every fault personality."""

import asyncio
import socket
import time
from dataclasses import replace

import pytest

from mpaas.carriers import pdu
from mpaas.carriers.base import (
    CarrierBindError,
    CarrierRejected,
    CarrierThrottled,
    CarrierUnavailable,
    InboundRefused,
    OutboundSms,
    QueryResult,
)
from mpaas.carriers.config import SmppSettings
from mpaas.carriers.dispatch import CarrierDispatcher
from mpaas.carriers.smpp import SmppConnector
from mpaas.carriers.smsc_sim import SimConfig, SmscSim
from support.smpp import sim_smpp_settings


class Events:
    def __init__(self):
        self.receipts: list[tuple] = []
        self.inbound: list[tuple] = []
        self.fail_inbound = 0

    async def on_receipt(self, carrier, carrier_message_id, state, error_code):
        self.receipts.append((carrier, carrier_message_id, state, error_code))

    async def on_inbound(self, carrier, source, destination, body):
        if self.fail_inbound:
            self.fail_inbound -= 1
            raise RuntimeError("database down")
        self.inbound.append((carrier, source, destination, body))


async def until(predicate, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met in time")


def settings_for(port: int, **overrides) -> SmppSettings:
    """The simulator's settings with this file's tighter response and bind waits (its tests time them out)."""
    return sim_smpp_settings(port, **{"response_timeout_seconds": 0.5, "bind_wait_seconds": 1.0, **overrides})


@pytest.fixture
async def sim():
    s = SmscSim(SimConfig(port=0, receipt_delay_seconds=0.01, outcomes={"+1500555": "UNDELIV", "+1500": "EXPIRED"}))
    await s.start()
    yield s
    await s.stop()


@pytest.fixture
async def connect(sim):
    made = []

    async def make(**overrides):
        events = Events()
        connector = SmppConnector(settings_for(sim.port, **overrides))
        await connector.start(events)
        made.append(connector)
        return connector, events

    yield make
    for connector in made:
        await connector.stop()


def sms(i=0, body="hello", dest="+18015550100", src="+12125550100"):
    return OutboundSms(f"msg{i}", src, dest, body)


async def test_happy_path_single_multipart_and_receipts(sim, connect):
    conn, events = await connect()
    state = conn.state()
    assert state["bound"] and state["window"] == 10 and state["name"] == "sim"
    one = await conn.submit(sms(body="hello €"))
    assert one.carrier_id and one.part_ids == () and one.all_ids == (one.carrier_id,)
    long = await conn.submit(sms(1, body="x" * 140 + "😀"))  # UCS-2, 3 parts
    assert len(long.part_ids) == 3 and long.carrier_id == long.part_ids[0]
    failed = await conn.submit(sms(2, dest="+15005550001"))
    expired = await conn.submit(sms(3, dest="+15001230000"))
    await until(lambda: len(events.receipts) == 6)
    by_id = {r[1]: r for r in events.receipts}
    assert by_id[one.carrier_id] == ("sim", one.carrier_id, "DELIVRD", None)
    assert all(by_id[i][2] == "DELIVRD" for i in long.part_ids)
    assert by_id[failed.carrier_id][2:] == ("UNDELIV", "1")
    assert by_id[expired.carrier_id][2:] == ("EXPIRED", "27")
    # what the SMSC saw: TON 1 / NPI 1 without '+', receipts requested, GSM-7 then UCS-2 with UDH
    first = sim.accepted[0]
    assert (first.source, first.destination) == ("12125550100", "18015550100")
    assert (first.source_ton, first.source_npi, first.dest_ton, first.dest_npi) == (1, 1, 1, 1)
    assert first.registered_delivery == 1 and first.data_coding == 0 and first.text == "hello €"
    parts = sim.accepted[1:4]
    assert [p.concat.seq for p in parts] == [1, 2, 3] and {p.data_coding for p in parts} == {8}
    assert "".join(p.text for p in parts) == "x" * 140 + "😀"
    assert sim.duplicates() == {}


async def test_window_sends_without_waiting_and_caps_outstanding(sim, connect):
    sim.set_personality("no_response")
    conn, _ = await connect(window=3, response_timeout_seconds=0.4)
    tasks = [asyncio.create_task(conn.submit(sms(i))) for i in range(5)]
    await until(lambda: sim.submits_received == 3)
    await asyncio.sleep(0.1)
    assert sim.submits_received == 3 and conn.state()["in_flight"] == 3  # window full, nothing more sent
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, CarrierUnavailable) for r in results)  # no response -> retry later
    assert "no submit_sm_resp" in str(results[0])
    assert sim.submits_received == 5


async def test_pipelined_throughput(sim, connect):
    conn, events = await connect(window=10)
    start = time.perf_counter()
    results = await asyncio.gather(*(conn.submit(sms(i, body=f"n{i}")) for i in range(300)))
    elapsed = time.perf_counter() - start
    assert len({r.carrier_id for r in results}) == 300
    assert elapsed < 5
    await until(lambda: len(events.receipts) == 300)


async def test_generic_nack_is_transient(sim, connect):
    sim.set_personality("generic_nack")
    conn, _ = await connect()
    with pytest.raises(CarrierUnavailable, match="generic_nack"):
        await conn.submit(sms())


@pytest.mark.parametrize(
    "status,kind",
    [
        (pdu.ESME_RINVDSTADR, CarrierRejected),
        (pdu.ESME_RINVMSGLEN, CarrierRejected),
        (0x401, CarrierRejected),
        (pdu.ESME_RSYSERR, CarrierUnavailable),
        (pdu.ESME_RMSGQFUL, CarrierThrottled),
        (pdu.ESME_RTHROTTLED, CarrierThrottled),
    ],
)
async def test_error_on_submit(sim, connect, status, kind):
    sim.set_personality("error_on_submit", error_status=status)
    conn, _ = await connect(throttle_retry_seconds=2.5)
    with pytest.raises(kind) as info:
        await conn.submit(sms())
    if kind is CarrierRejected:
        assert info.value.code == pdu.status_name(status)
    if kind is CarrierThrottled:
        assert info.value.retry_after_seconds == 2.5
    assert conn.state()["bound"]  # an error answer does not break the bind


async def test_unbind_on_submit_then_rebind(sim, connect):
    conn, _ = await connect()
    sim.set_personality("unbind_on_submit")
    with pytest.raises(CarrierUnavailable):
        await conn.submit(sms())
    sim.set_personality("normal")
    await until(lambda: conn.state()["binds"] >= 2)
    assert (await conn.submit(sms(1))).carrier_id


async def test_bad_password_refused_at_start(sim):
    conn = SmppConnector(settings_for(sim.port, password="wrong"))
    with pytest.raises(CarrierBindError) as info:
        await conn.start(Events())
    assert "ESME_RINVPASWD" in str(info.value) and "password" in str(info.value)
    assert sim.bind_refusals == 1 and not conn.state()["bound"]
    conn = SmppConnector(settings_for(sim.port, system_id="nobody"))
    with pytest.raises(CarrierBindError, match="ESME_RINVSYSID"):
        await conn.start(Events())


async def test_throttled_personality_and_token_bucket(sim, connect):
    sim.set_personality("throttled", throttle_per_second=5)
    conn, _ = await connect(throttle_retry_seconds=1.0)
    results = await asyncio.gather(*(conn.submit(sms(i)) for i in range(12)), return_exceptions=True)
    throttled = [r for r in results if isinstance(r, CarrierThrottled)]
    assert len(throttled) == 7 and throttled[0].retry_after_seconds == 1.0
    # paced below the SMSC's limit, nothing is throttled
    sim.set_personality("throttled", throttle_per_second=40)
    await asyncio.sleep(1.0)
    paced, _ = await connect(throughput=30)
    start = time.perf_counter()
    results = await asyncio.gather(*(paced.submit(sms(i)) for i in range(45)), return_exceptions=True)
    assert not [r for r in results if isinstance(r, Exception)]
    assert time.perf_counter() - start >= 1.2  # 45 messages at 30/s
    assert paced.state()["throughput"] == 30


async def test_receipt_before_submit_response(sim, connect):
    sim.set_personality("receipt_before_response")
    conn, events = await connect()
    result = await conn.submit(sms())
    await until(lambda: events.receipts)
    assert events.receipts[0][1] == result.carrier_id and events.receipts[0][2] == "DELIVRD"


async def test_drop_mid_stream_then_reconnect(sim, connect):
    sim.set_personality("drop_mid_stream", drop_after=3)
    conn, _ = await connect()
    for i in range(3):
        await conn.submit(sms(i))
    with pytest.raises(CarrierUnavailable, match="connection lost"):
        await conn.submit(sms(3))
    await until(lambda: conn.state()["bound"] and conn.state()["binds"] == 2)
    assert (await conn.submit(sms(4))).carrier_id


async def test_connection_reset_fails_all_outstanding(sim, connect):
    sim.set_personality("no_response")
    conn, _ = await connect(response_timeout_seconds=5)
    tasks = [asyncio.create_task(conn.submit(sms(i))) for i in range(4)]
    await until(lambda: sim.submits_received == 4)
    sim.drop_connections()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, CarrierUnavailable) for r in results)


@pytest.mark.parametrize("concat", ["udh8", "udh16", "sar"])
@pytest.mark.parametrize("plus", [False, True])
async def test_mo_reassembled_and_e164(sim, connect, concat, plus):
    conn, events = await connect()
    body = "Grüße 😀 " * 30  # UCS-2, several parts
    parts = await sim.inject_mo("+447700900123", "+18015550100", body, concat=concat, plus=plus)
    assert parts > 1
    await until(lambda: events.inbound)
    assert events.inbound == [("sim", "+447700900123", "+18015550100", body)]
    await sim.inject_mo("+447700900123", "+18015550100", "short one", plus=plus)
    await until(lambda: len(events.inbound) == 2)
    assert events.inbound[1][3] == "short one"


async def test_failed_callback_gets_redelivered(sim, connect):
    conn, events = await connect()
    events.fail_inbound = 1
    await sim.inject_mo("+447700900123", "+18015550100", "retry me")
    await until(lambda: events.inbound)
    assert events.inbound == [("sim", "+447700900123", "+18015550100", "retry me")]
    assert sim.deliver_nacks == 1


async def test_hex_receipt_ids_normalized(sim, connect):
    sim.config.receipt_id_hex = True
    sim.config.receipt_tlvs = False
    conn, events = await connect(dlr_id="hex2dec")
    result = await conn.submit(sms())
    await until(lambda: events.receipts)
    assert events.receipts[0][1] == result.carrier_id


async def test_receipts_wait_for_a_bind(sim, connect):
    sim.config.receipt_delay_seconds = 0.3
    conn, events = await connect()
    result = await conn.submit(sms())
    await conn.stop()
    await asyncio.sleep(0.4)
    assert not events.receipts and sim.stats()["queued"] == 1
    conn2, events2 = await connect()
    await until(lambda: events2.receipts)
    assert events2.receipts[0][1] == result.carrier_id


async def test_duplicates_counted(sim, connect):
    conn, _ = await connect()
    await conn.submit(sms(body="same"))
    await conn.submit(sms(body="same"))
    await conn.submit(sms(body="other"))
    assert sim.duplicates() == {("12125550100", "18015550100", "same"): 2}
    assert sim.stats()["duplicates"] == 1


async def test_enquire_link_keeps_bind_and_detects_dead_peer():
    # A peer that binds us and then never answers anything: enquire_link times out and we reconnect.
    binds = []

    async def mute(reader, writer):
        command_id, _, seq, _ = await pdu.read_pdu(reader)
        binds.append(seq)
        writer.write(pdu.pack(command_id | pdu.RESP, 0, seq, b"mute\x00"))
        try:
            while await reader.read(1024):
                pass
        finally:
            writer.close()

    server = await asyncio.start_server(mute, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    conn = SmppConnector(settings_for(port, enquire_link_seconds=0.05, response_timeout_seconds=0.1))
    try:
        await conn.start(Events())
        assert conn.state()["bound"]
        await until(lambda: len(binds) >= 2)
        assert "enquire_link" in (conn.state()["last_error"] or "") or conn.state()["binds"] >= 2
    finally:
        await conn.stop()
        server.close()


async def test_reconnects_with_backoff_until_smsc_appears():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conn = SmppConnector(settings_for(port, bind_wait_seconds=0.05))
    await conn.start(Events())  # unreachable is not fatal
    try:
        assert not conn.state()["bound"] and conn.state()["last_error"]
        with pytest.raises(CarrierUnavailable, match="not bound"):
            await conn.submit(sms())
        sim = SmscSim(SimConfig(port=port))
        await sim.start()
        try:
            assert await conn.wait_bound(3)
            assert (await conn.submit(sms())).carrier_id
        finally:
            await conn.stop()
            await sim.stop()
    finally:
        await conn.stop()


async def test_router_routes_by_longest_prefix(sim):
    other = SmscSim(SimConfig(port=0))
    await other.start()
    a = SmppConnector(settings_for(sim.port, name="a"))
    b = SmppConnector(settings_for(other.port, name="b"))
    router = CarrierDispatcher([(a, ("+1",)), (b, ("+1801",))], default=None)
    events = Events()
    await router.start(events)
    try:
        await router.submit(sms(dest="+18015550100"))
        await router.submit(sms(dest="+12125550100"))
        with pytest.raises(CarrierRejected, match="no carrier routes"):
            await router.submit(sms(dest="+447700900123"))
        assert [s.destination for s in sim.accepted] == ["12125550100"]
        assert [s.destination for s in other.accepted] == ["18015550100"]
        state = router.state()
        assert state["bound"] and [c["name"] for c in state["carriers"]] == ["a", "b"]
        await until(lambda: len(events.receipts) == 2)
        assert {r[0] for r in events.receipts} == {"a", "b"}
    finally:
        await router.stop()
        await other.stop()


async def test_bind_refused_after_start_keeps_retrying(sim, connect):
    conn, _ = await connect()
    sim.config.password = "rotated"
    sim.drop_connections()
    await until(lambda: "ESME_RINVPASWD" in (conn.state()["last_error"] or ""))
    assert not conn.state()["bound"]
    with pytest.raises(CarrierUnavailable, match="not bound"):
        await conn.submit(sms())
    sim.config.password = "secret"
    assert await conn.wait_bound(3)
    assert (await conn.submit(sms(1))).carrier_id


@pytest.mark.parametrize(
    "number,expected",
    [
        ("+18015550100", ("18015550100", 1, 1)),
        ("18015550100", ("18015550100", 1, 1)),
        ("12345", ("12345", 3, 0)),  # short code
        ("MPAAS", ("MPAAS", 5, 0)),  # alphanumeric sender
    ],
)
def test_outbound_addresses(number, expected):
    address = pdu.address(number)
    assert (address.number, int(address.ton), int(address.npi)) == expected


@pytest.mark.parametrize(
    "number,ton,expected",
    [
        ("447700900123", 1, "+447700900123"),
        ("+447700900123", 1, "+447700900123"),
        ("+44 7700 900123", 0, "+447700900123"),
        ("00447700900123", 0, "+447700900123"),
        ("8015550100", 2, "+18015550100"),
        ("18015550100", 0, "+18015550100"),
        ("12345", 3, "12345"),
        ("MPAAS", 5, "MPAAS"),
    ],
)
def test_inbound_addresses_to_e164(number, ton, expected):
    assert pdu.to_e164(number, ton) == expected


# -- receipts that never come: validity_period and query_sm (issue 17) -----------------------------------------


async def test_submit_carries_the_validity_period(sim, connect):
    conn, _ = await connect()
    await conn.submit(replace(sms(), validity_seconds=48 * 3600))
    await conn.submit(sms(1))  # no validity given: the SMSC's default (empty)
    assert [s.validity_period for s in sim.accepted] == ["000002000000000R", ""]
    assert pdu.relative_time(90) == "000000000130000R"


async def test_query_sm_answers_what_became_of_a_message_whose_receipt_was_dropped(sim, connect):
    sim.set_personality("drop_receipts")
    conn, events = await connect()
    ok = await conn.submit(sms())
    failed = await conn.submit(sms(1, dest="+15005550001"))
    await asyncio.sleep(0.1)
    assert events.receipts == [] and sim.receipts_sent == 0  # dropped
    assert await conn.query("sim", ok.carrier_id, "+12125550100", "+18015550100") == QueryResult("DELIVRD")
    assert await conn.query("sim", failed.carrier_id, "+12125550100", "+15005550001") == QueryResult("UNDELIV", "001")
    # an id it never issued, and another carrier's part
    assert await conn.query("sim", "424242", "+12125550100", "+18015550100") == QueryResult(
        None, "ESME_RQUERYFAIL", known=False
    )
    assert await conn.query("other", ok.carrier_id, "+12125550100", "+18015550100") is None
    assert sim.queries == 3


async def test_query_sm_before_the_outcome_and_without_support(sim, connect):
    sim.set_personality("drop_receipts", receipt_delay_seconds=60)
    conn, _ = await connect()
    sent = await conn.submit(sms())
    answer = await conn.query("sim", sent.carrier_id, "+12125550100", "+18015550100")
    assert (answer.state, answer.known) == ("ENROUTE", True)
    sim.config.query_sm = False  # an SMSC that does not know query_sm: generic_nack, so "cannot be asked"
    assert await conn.query("sim", sent.carrier_id, "+12125550100", "+18015550100") is None
    assert conn.state()["bound"]


async def test_query_sm_through_the_dispatcher_goes_to_the_member_carrier(sim):
    sim.set_personality("drop_receipts")
    member = SmppConnector(settings_for(sim.port, name="us"))
    router = CarrierDispatcher([(member, ("+1",))])
    await router.start(Events())
    try:
        sent = await router.submit(sms())
        await asyncio.sleep(0.05)  # past the simulator's receipt delay: the outcome is known
        answer = await router.query(sent.carrier, sent.carrier_id, "+12125550100", "+18015550100")
        assert (sent.carrier, answer.state) == ("us", "DELIVRD")
        assert await router.query("nobody", sent.carrier_id, "+12125550100", "+18015550100") is None
    finally:
        await router.stop()


async def test_a_refused_inbound_message_is_refused_for_good_not_redelivered(sim, connect):
    """InboundRefused (a Parked, Cancelled or Data-Only number) is answered ESME_RINVDSTADR: the SMSC gives up
    instead of delivering it again, as it does after ESME_RX_T_APPN."""
    conn, events = await connect()
    refused = []

    async def refuse(carrier, source, destination, body):
        refused.append(destination)
        raise InboundRefused(f"{destination} is Parked")

    events.on_inbound = refuse
    await sim.inject_mo("+447700900123", "+18015550100", "to a parked number")
    await asyncio.sleep(0.5)  # several redelivery intervals
    assert refused == ["+18015550100"]
    assert sim.deliver_refusals == [("mo", pdu.ESME_RINVDSTADR)] and sim.deliver_nacks == 0
