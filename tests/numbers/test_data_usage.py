"""Data usage: limits, settings, info, ops usage ingestion (idempotent), policy, RADIUS accounting over
loopback with pyrad's client, and renewal across month ends with an injected clock."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime

import pytest
from pyrad import packet
from pyrad.client import Client

from mpaas.core.clock import FrozenClock
from mpaas.numbers.usage import radius
from support.api import OPERATOR_TOKEN, make_message_route, provision

MB = 1024 * 1024
OPS = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 1, 30, 12, 0, tzinfo=UTC))


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def settings(settings):
    settings.radius_addr = f"127.0.0.1:{_free_udp_port()}"
    settings.radius_secret = "s3cret"
    return settings


async def _number(api) -> str:
    return (await provision(api, await make_message_route(api), DataEnabled=True))["PhoneNumberAssigned"]


async def _limits(api, number, **kw):
    body = {
        "ValueUnit": "MB",
        "NotifyValue": 10,
        "ThrottleValue": 15,
        "ThrottleSpeed": "1-mbps",
        "LimitValue": 20,
        "PhoneNumbers": [{"Number": number}],
        **kw,
    }
    return await api.post("/v1.0/numbers/data-usage", body)


async def _info(api, number) -> dict:
    return (await api.ok("POST", "/v1.0/numbers/data-usage/info", json={"PhoneNumbers": [{"Number": number}]}))[
        "PhoneNumbers"
    ][0]


async def _usage(http, *records):
    r = await http.post("/ops/v1/usage", json={"Records": list(records)}, headers=OPS)
    assert r.status_code == 200, r.text
    return r.json()


async def test_limits_settings_and_info(api, numbers):
    number = await _number(api)
    assert await _info(api, number) == {
        "Number": number,
        "Status": "ACTIVE",
        "StatusMessage": "",
        "Used": "0 B",
        "Remaining": "20 MB",
        "CurrentBehavior": "Active",
    }
    r = await _limits(api, number)
    assert r.status_code == 200 and r.json()["Status"] == "Complete" and r.json()["LimitValue"] == 20
    s = await api.ok("POST", "/v1.0/numbers/data-usage/settings", json={"PhoneNumbers": [{"Number": number}]})
    item = s["PhoneNumbers"][0]
    assert (item["NotifyValue"], item["ThrottleValue"], item["LimitValue"]) == (10, 15, 20)
    assert item["ThrottleSpeed"] == "thr1024kbps" and s["Status"] == "Complete"


async def test_limit_validation(api, other_api, numbers):
    number = await _number(api)
    r = await _limits(api, number, NotifyValue=15)
    assert r.json() == {"StatusCode": 400, "Message": "NotifyValue must be less than ThrottleValue"}
    r = await _limits(api, number, ThrottleValue=25)
    assert r.json()["Message"] == "ThrottleValue must be less than LimitValue"
    r = await _limits(api, number, ThrottleSpeed="7-mbps")
    assert r.status_code == 400
    r = await _limits(api, number, LimitValue=None, NotifyValue=None, ThrottleValue=None)
    assert r.status_code == 200 and r.json()["LimitValue"] == 20  # the default
    assert (await _limits(other_api, number)).status_code == 404


async def test_usage_throttles_then_blocks_idempotently(api, http, numbers):
    number = await _number(api)
    await _limits(api, number)
    rec = {"RecordId": "r1", "PhoneNumber": number, "Bytes": 12 * MB, "Timestamp": "2026-01-30T12:00:00Z"}
    assert (await _usage(http, rec))["Accepted"] == 1
    assert (await _usage(http, rec, rec))["Duplicates"] == 1
    info = await _info(api, number)
    assert info["Used"] == "12 MB" and info["CurrentBehavior"] == "Active"
    await _usage(http, {"RecordId": "r2", "PhoneNumber": number, "Bytes": 4 * MB})
    info = await _info(api, number)
    assert info["CurrentBehavior"] == "Throttled" and info["Remaining"] == "4 MB"
    policy = (await http.get("/ops/v1/policy", params={"PhoneNumber": number}, headers=OPS)).json()
    assert policy["Behavior"] == "Throttled" and policy["ThrottleKbps"] == 1024
    await _usage(http, {"RecordId": "r3", "PhoneNumber": number, "Bytes": 5 * MB})
    assert (await _info(api, number))["CurrentBehavior"] == "Blocked"
    policy = (await http.get("/ops/v1/policy", params={"PhoneNumber": number}, headers=OPS)).json()
    assert policy["Behavior"] == "Blocked"
    # raising the limit lifts the block
    await _limits(api, number, LimitValue=100)
    assert (await _info(api, number))["CurrentBehavior"] == "Throttled"


async def test_ops_endpoints_need_operator_token(api, http, numbers):
    assert (await http.post("/ops/v1/usage", json={"Records": []})).status_code == 401
    assert (await http.get("/ops/v1/policy", params={"PhoneNumber": "+18015550000"})).status_code == 401
    r = await http.get("/ops/v1/policy", params={"PhoneNumber": "+18015550000"}, headers=OPS)
    assert r.status_code == 404


def _send(
    port: int,
    number: str,
    session_id: str,
    status: str,
    in_octets: int,
    out_octets: int = 0,
    gigawords: int = 0,
    secret: bytes = b"s3cret",
) -> int:
    client = Client(server="127.0.0.1", acctport=port, secret=secret, dict=radius.dictionary())
    client.timeout, client.retries = (2 if secret == b"s3cret" else 0.5), 1
    req = client.CreateAcctPacket()
    req["Acct-Status-Type"] = status
    req["Acct-Session-Id"] = session_id
    req["Calling-Station-Id"] = number
    req["Acct-Input-Octets"] = in_octets
    req["Acct-Output-Octets"] = out_octets
    req["Acct-Input-Gigawords"] = gigawords
    req["3GPP-IMEISV"] = "3569140712345601"
    return client.SendPacket(req).code


async def test_radius_accounting(app, api, numbers, platform):
    port = int(platform.settings.radius_addr.rsplit(":", 1)[1])
    number = await _number(api)
    await _limits(api, number, LimitValue=10000, ThrottleValue=5000, NotifyValue=100)
    send = lambda *a, **k: asyncio.to_thread(_send, port, number, *a, **k)  # noqa: E731
    assert await send("S1", "Start", 0) == packet.AccountingResponse
    assert await send("S1", "Interim-Update", 1 * MB, 1 * MB) == packet.AccountingResponse
    assert await send("S1", "Interim-Update", 1 * MB, 1 * MB) == packet.AccountingResponse  # duplicate
    assert await send("S1", "Interim-Update", 3 * MB, 1 * MB) == packet.AccountingResponse
    assert await send("S1", "Interim-Update", 2 * MB, 1 * MB) == packet.AccountingResponse  # late, out of order
    assert (await _info(api, number))["Used"] == "4 MB"
    assert await send("S1", "Stop", 1, 0, gigawords=1) == packet.AccountingResponse  # 4 GiB + 1 byte in total
    info = await _info(api, number)
    assert info["Used"].endswith("GB") and info["CurrentBehavior"] == "Active"
    device = await api.ok("POST", "/v1.0/numbers/device-details", json={"PhoneNumber": number})
    assert device["IMEI"] == "3569140712345601" and device["TAC"] == "35691407"


async def test_radius_wrong_secret_gets_no_answer(app, api, numbers, platform):
    port = int(platform.settings.radius_addr.rsplit(":", 1)[1])
    number = await _number(api)
    from pyrad.client import Timeout

    with pytest.raises(Timeout):
        await asyncio.to_thread(_send, port, number, "S9", "Start", 5 * MB, 0, 0, b"wrong")


async def test_renewal_on_the_31st_across_february(api, http, numbers, clock, platform):
    number = await _number(api)
    await _usage(http, {"RecordId": "a", "PhoneNumber": number, "Bytes": 3 * MB})
    data = await api.ok(
        "POST",
        "/v1.0/numbers/data-usage/update-renewal-info",
        json={
            "PhoneNumbers": [{"Number": number}],
            "ResetUsage": False,
            "AutoRenew": True,
            "PeriodType": "M",
            "PeriodValue": 1,
            "RenewalDay": 31,
            "TimeZone": "America/Denver",
        },
    )
    assert data["PhoneNumbers"][0]["Status"] == "Success"
    settings = await api.ok("POST", "/v1.0/numbers/data-usage/settings", json={"PhoneNumbers": [{"Number": number}]})
    # Jan 31 00:00 in Denver is 07:00 UTC
    assert settings["PhoneNumbers"][0]["NextRenewalDate"] == "2026-01-31T07:00:00+00:00"
    clock.advance(days=1)
    api.tokens.clear()
    platform.jobs.notify()
    assert await _eventually(lambda: _used(api, number, "0 B"))
    settings = await api.ok("POST", "/v1.0/numbers/data-usage/settings", json={"PhoneNumbers": [{"Number": number}]})
    assert settings["PhoneNumbers"][0]["NextRenewalDate"] == "2026-02-28T07:00:00+00:00"
    await _usage(http, {"RecordId": "b", "PhoneNumber": number, "Bytes": 1 * MB})
    clock.advance(days=29)
    api.tokens.clear()
    platform.jobs.notify()
    assert await _eventually(lambda: _used(api, number, "0 B"))
    settings = await api.ok("POST", "/v1.0/numbers/data-usage/settings", json={"PhoneNumbers": [{"Number": number}]})
    assert settings["PhoneNumbers"][0]["NextRenewalDate"] == "2026-03-31T06:00:00+00:00"  # MDT from March 8


async def test_renewal_validation(api, numbers):
    number = await _number(api)
    r = await api.post(
        "/v1.0/numbers/data-usage/update-renewal-info",
        {"PhoneNumbers": [{"Number": number}], "AutoRenew": True, "PeriodType": "W", "RenewalDay": 8},
    )
    assert r.status_code == 400 and "between 1 and 7" in r.json()["Message"]
    r = await api.post(
        "/v1.0/numbers/data-usage/update-renewal-info",
        {
            "PhoneNumbers": [{"Number": number}],
            "AutoRenew": True,
            "PeriodType": "M",
            "RenewalDay": 1,
            "TimeZone": "Mars/Olympus",
        },
    )
    assert r.status_code == 400


async def _used(api, number, expected) -> bool:
    return (await _info(api, number))["Used"] == expected


async def _eventually(predicate, seconds=3.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if await predicate():
            return True
        await asyncio.sleep(0.05)
    return False


# -- the number's stored fields act on its data (issue 17) -------------------------------------------------------


async def _policy(http, number) -> dict:
    r = await http.get("/ops/v1/policy", params={"PhoneNumber": number}, headers=OPS)
    assert r.status_code == 200, r.text
    return r.json()


async def _stored_behavior(platform, number) -> str:
    from sqlalchemy import select

    from mpaas.models import DataPlan

    async with platform.db.read() as session:
        return (await session.execute(select(DataPlan.behavior).where(DataPlan.number == number))).scalar_one()


async def test_an_sms_only_number_has_no_data_allowance(api, http, numbers, platform):
    """Its policy answers Blocked with no usage at all, its info says so, and usage reported for it anyway (the
    usage records and the RADIUS path share apply_usage) leaves its stored behaviour Blocked."""
    number = (await provision(api, await make_message_route(api), ProductType="Sms-Only"))["PhoneNumberAssigned"]
    policy = await _policy(http, number)
    assert (policy["Behavior"], policy["UsedBytes"], policy["NumberStatus"]) == ("Blocked", 0, "Active")
    assert (await _info(api, number))["CurrentBehavior"] == "Blocked"
    await _usage(http, {"RecordId": "sms-only-1", "PhoneNumber": number, "Bytes": 1 * MB})
    assert await _stored_behavior(platform, number) == "Blocked"
    # a product with data lifts it
    await api.ok("POST", "/v1.0/numbers/update", json={"Number": number, "ProductType": "Sms+Data"})
    assert (await _policy(http, number))["Behavior"] == "Active"


async def test_radius_usage_of_an_sms_only_number_is_counted_and_stays_blocked(app, api, numbers, platform, http):
    port = int(platform.settings.radius_addr.rsplit(":", 1)[1])
    number = (await provision(api, await make_message_route(api), ProductType="Sms-Only"))["PhoneNumberAssigned"]
    assert await asyncio.to_thread(_send, port, number, "S2", "Interim-Update", 2 * MB) == packet.AccountingResponse
    policy = await _policy(http, number)
    assert (policy["Behavior"], policy["UsedBytes"]) == ("Blocked", 2 * MB)
    assert await _stored_behavior(platform, number) == "Blocked"


@pytest.mark.parametrize("sim_status", ["Suspended", "Deactivated"])
async def test_a_suspended_or_deactivated_sim_gets_blocked(api, http, numbers, platform, sim_status):
    from sqlalchemy import update

    from mpaas.models import PhoneNumber

    iccid = "8901240397190195850"
    number = (await provision(api, await make_message_route(api), DataEnabled=True, ICCID=iccid))["PhoneNumberAssigned"]
    assert (await _policy(http, number))["Behavior"] == "Active"
    if sim_status == "Suspended":  # through the API; Deactivated is no SimStatus of the contract: the operator's
        await api.ok("POST", "/v1.0/sims/update-status", json={"ICCID": iccid, "SimStatus": "Suspended"})
    else:
        async with platform.db.write() as session:
            await session.execute(update(PhoneNumber).where(PhoneNumber.number == number).values(sim_status=sim_status))
    assert (await _policy(http, number))["Behavior"] == "Blocked"
    assert (await _info(api, number))["CurrentBehavior"] == "Blocked"
    await api.ok("POST", "/v1.0/sims/update-status", json={"ICCID": iccid, "SimStatus": "Active"})
    assert (await _policy(http, number))["Behavior"] == "Active"
