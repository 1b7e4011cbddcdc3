"""POST /v1.0/message/outbound through the sandbox carrier, and GET /v1.0/message/details."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from support.api import make_message_route, provision


async def _number(api, **route) -> str:
    return (await provision(api, await make_message_route(api, **route)))["PhoneNumberAssigned"]


async def wait_status(api, message_id: str, wanted: str, timeout: float = 10.0) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        details = await api.ok("GET", "/v1.0/message/details", params={"MessageId": message_id})
        if details["Status"] == wanted or asyncio.get_running_loop().time() > deadline:
            return details
        await asyncio.sleep(0.05)


async def test_send_is_queued_then_delivered(api, numbers):
    source = await _number(api)
    data = await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={"From": source, "To": [{"Number": "+18015737111"}], "Body": "Hello there!!!", "CampaignId": "JCID-1"},
    )
    assert data["MessageId"].startswith("TMID-")
    assert data["Status"] == "Queued"
    assert data["Direction"] == "Outbound"
    assert data["Type"] == "p2p"
    assert data["MessageType"] == "sms"
    assert data["Cost"] == 0.0045
    assert data["To"] == [{"Number": "+18015737111"}]
    details = await wait_status(api, data["MessageId"], "Delivered")
    assert details["Status"] == "Delivered"
    assert details["To"] == "+18015737111"
    assert details["From"] == source
    assert details["Direction"] == "OUTBOUND"
    assert details["Region"] == "United States"
    assert details["CampaignId"] == "JCID-1"


async def test_configured_destinations_fail(api, numbers):
    source = await _number(api)
    data = await api.ok(
        "POST", "/v1.0/message/outbound", json={"From": source, "To": [{"Number": "+15005550006"}], "Body": "x"}
    )
    details = await wait_status(api, data["MessageId"], "Failed")
    assert details["Status"] == "Failed"
    assert details["ErrorCode"] == "UNDELIV"


async def test_one_message_per_recipient(api, numbers):
    source = await _number(api)
    data = await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={
            "From": source,
            "To": [{"Number": "+18015737111"}, {"Number": "+15005550006"}, {"Number": "+18015737111"}],
            "Body": "hi",
        },
    )
    assert [m["To"] for m in data["Messages"]] == ["+18015737111", "+15005550006"]
    assert len({m["MessageId"] for m in data["Messages"]}) == 2
    # One message's cost, as the contract's example (two recipients, Cost 0.0045); each message has its own.
    assert data["Cost"] == 0.0045
    assert [m["Cost"] for m in data["Messages"]] == [0.0045, 0.0045]
    first, second = data["Messages"]
    assert (await wait_status(api, first["MessageId"], "Delivered"))["Status"] == "Delivered"
    assert (await wait_status(api, second["MessageId"], "Failed"))["Status"] == "Failed"


async def test_cost_counts_segments(api, numbers):
    source = await _number(api)
    long_gsm = await api.ok(
        "POST", "/v1.0/message/outbound", json={"From": source, "To": [{"Number": "+18015737111"}], "Body": "a" * 161}
    )
    assert Decimal(str(long_gsm["Cost"])) == Decimal("0.0090")
    unicode = await api.ok(
        "POST", "/v1.0/message/outbound", json={"From": source, "To": [{"Number": "+18015737111"}], "Body": "é€😀" * 30}
    )
    assert unicode["Segment"] == 2


async def test_mms_is_stored(api, numbers):
    source = await _number(api)
    data = await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={
            "From": source,
            "To": [{"Number": "+18015737111"}],
            "Body": "pic",
            "MmsMedia": [{"MediaUrl": "https://example.com/a.png"}],
            "MmsBase64": [{"Base64": "aGVsbG8=", "BaseType": "image/png"}],
        },
    )
    assert data["MessageType"] == "mms"
    assert data["MmsMedia"] == [{"MediaUrl": "https://example.com/a.png"}]
    assert data["MmsBase64"] == [{"Base64": "aGVsbG8=", "BaseType": "image/png"}]


async def test_from_must_be_own_number(api, other_api, numbers):
    foreign = await _number(other_api)
    response = await api.post(
        "/v1.0/message/outbound", {"From": foreign, "To": [{"Number": "+18015737111"}], "Body": "x"}
    )
    assert response.status_code == 400
    assert response.json()["Message"] == "Phone number does not belong to account"


async def test_from_must_be_messaging_enabled(api, numbers):
    route = await make_message_route(api)
    source = (await provision(api, route, MessageEnabled=False, ProductType="Data-Only"))["PhoneNumberAssigned"]
    response = await api.post(
        "/v1.0/message/outbound", {"From": source, "To": [{"Number": "+18015737111"}], "Body": "x"}
    )
    assert response.status_code == 400
    assert "not enabled for messaging" in response.json()["Message"]


async def test_to_validated_per_recipient(api, numbers):
    source = await _number(api)
    response = await api.post(
        "/v1.0/message/outbound", {"From": source, "To": [{"Number": "+18015737111"}, {"Number": "+1234"}], "Body": "x"}
    )
    assert response.status_code == 400
    assert response.json()["Message"].startswith("The To[1].Number field must be a valid E.164 number")
    response = await api.post("/v1.0/message/outbound", {"From": source, "To": [], "Body": "x"})
    assert response.status_code == 400
    assert "To" in response.json()["Message"]


async def test_required_fields(api):
    response = await api.post("/v1.0/message/outbound", {"To": [{"Number": "+18015737111"}], "Body": "x"})
    assert response.json()["Message"] == "The From field is required."


async def test_rejected_send_stores_nothing(api, numbers, platform):
    from sqlalchemy import func, select

    from mpaas.models import Job, Message

    source = await _number(api)
    await api.post(
        "/v1.0/message/outbound", {"From": source, "To": [{"Number": "+18015737111"}, {"Number": "bad"}], "Body": "x"}
    )
    async with platform.db.read() as session:
        assert (await session.execute(select(func.count()).select_from(Message))).scalar_one() == 0
        kinds = (await session.execute(select(Job.kind))).scalars().all()
    assert "message.submit" not in kinds


async def test_details_errors(api):
    assert (await api.get("/v1.0/message/details")).json()["Message"] == "The MessageId field is required."
    assert (await api.get("/v1.0/message/details", MessageId="TMID-x")).status_code == 404


async def test_many_recipients_settle_together(api, numbers, platform):
    """Fifty receipts fall due at once and are applied as one batch."""
    from sqlalchemy import func, select

    from mpaas.models import Message

    source = await _number(api)
    recipients = [{"Number": f"+1801555{1000 + i:04d}"} for i in range(50)]
    data = await api.ok("POST", "/v1.0/message/outbound", json={"From": source, "To": recipients, "Body": "hi all"})
    assert len(data["Messages"]) == 50
    deadline = asyncio.get_running_loop().time() + 15
    while True:
        async with platform.db.read() as session:
            delivered = (
                await session.execute(select(func.count()).select_from(Message).where(Message.status == "Delivered"))
            ).scalar_one()
        if delivered == 50 or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.1)
    assert delivered == 50
