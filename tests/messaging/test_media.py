"""MMS media is stored once per send (content-addressed), capped per item and per send, and still seen by the
carrier and by message reads."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import uuid

import pytest
from sqlalchemy import func, select

from mpaas.carriers.base import MediaItem, OutboundSms, SubmitResult
from mpaas.models import Message, MessageMedia
from support.api import make_message_route, provision


def _item(seed: int, size: int) -> str:
    """Base64 text of `size` characters (no padding when size % 4 == 0), different per seed."""
    raw = hashlib.sha256(str(seed).encode()).digest() * (size // 32 + 1)
    return base64.b64encode(raw)[:size].decode()


async def _source(api) -> str:
    return (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]


async def _stored_bytes(platform) -> tuple[int, int]:
    """(bytes of stored media items, bytes of every message's media column)."""
    async with platform.db.read() as session:
        items = (await session.execute(select(func.sum(func.length(MessageMedia.base64))))).scalar_one() or 0
        rows = (await session.execute(select(Message.media))).scalars().all()
    return items, sum(len(str(media)) for media in rows)


@pytest.mark.no_workers
async def test_a_hundred_recipients_store_the_media_once(api, numbers, platform):
    """Issue 16: 100 recipients x 10 items used to store 100 copies; now one copy, and references."""
    items = [{"Base64": _item(i, 90_000), "BaseType": "image/png"} for i in range(10)]
    recipients = [{"Number": f"+1801555{2000 + i:04d}"} for i in range(100)]
    sent = await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={"From": await _source(api), "To": recipients, "Body": "pics", "MmsBase64": items},
    )
    assert len(sent["Messages"]) == 100
    assert sent["MmsBase64"] == items  # the answer shows the media as sent
    one_copy = sum(len(item["Base64"]) for item in items)
    stored_items, message_columns = await _stored_bytes(platform)
    assert stored_items == one_copy
    # 100 x 10 references of about a hundred bytes each: about one copy in all (it was a hundred).
    assert stored_items + message_columns < 1.2 * one_copy
    # The same item sent again is not stored again.
    await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={"From": sent["From"], "To": recipients[:2], "Body": "again", "MmsBase64": items[:1]},
    )
    assert (await _stored_bytes(platform))[0] == one_copy


@pytest.mark.no_workers
async def test_search_shows_the_stored_media(api, numbers):
    source = await _source(api)
    item = {"Base64": "aGVsbG8=", "BaseType": "image/png"}
    link = {"MediaUrl": "https://example.com/a.png"}
    await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={
            "From": source,
            "To": [{"Number": "+18015737111"}, {"Number": "+18015737112"}],
            "Body": "pic",
            "MmsMedia": [link],
            "MmsBase64": [item, item],
        },
    )
    found = await api.ok("GET", "/v1.0/message/search", params={"PhoneNumber": source})
    assert len(found["Results"]) == 2
    for result in found["Results"]:
        assert result["MmsBase64"] == [item, item]
        assert result["MmsMedia"] == [link]
        assert result["MessageType"] == "mms"


@pytest.mark.no_workers
async def test_media_is_capped_per_item_and_per_send(api, numbers, platform):
    source = await _source(api)
    platform.settings.mms_max_item_bytes = 300
    platform.settings.mms_max_send_bytes = 500
    to = [{"Number": "+18015737111"}]
    small, large = _item(1, 400), _item(2, 404)  # 300 and 303 bytes decoded
    response = await api.post(
        "/v1.0/message/outbound",
        {
            "From": source,
            "To": to,
            "Body": "x",
            "MmsBase64": [{"Base64": small, "BaseType": "image/png"}] * 1
            + [{"Base64": large, "BaseType": "image/png"}],
        },
    )
    assert response.status_code == 400
    assert response.json()["Message"] == (
        "The MmsBase64[1].Base64 field must hold at most 300 bytes of media (this item has 303)."
    )
    response = await api.post(
        "/v1.0/message/outbound",
        {"From": source, "To": to, "Body": "x", "MmsBase64": [{"Base64": small, "BaseType": "image/png"}] * 2},
    )
    assert response.status_code == 400
    assert response.json()["Message"] == (
        "The MmsBase64 field must hold at most 500 bytes of media in one send (its items have 600)."
    )
    assert (await _stored_bytes(platform))[0] == 0
    ok = await api.post(
        "/v1.0/message/outbound",
        {"From": source, "To": to, "Body": "x", "MmsBase64": [{"Base64": small, "BaseType": "image/png"}]},
    )
    assert ok.status_code == 200


class RecordingCarrier:
    """A carrier that carries media: it keeps what it was handed and reports delivery."""

    name = "recording"

    def __init__(self):
        self.submitted: list[OutboundSms] = []

    async def start(self, events) -> None:
        return None

    async def stop(self) -> None:
        return None

    def state(self) -> dict:
        return {"name": self.name, "kind": "test", "bound": True}

    async def submit(self, sms: OutboundSms) -> SubmitResult:
        self.submitted.append(sms)
        return SubmitResult(uuid.uuid4().hex[:20], receipt_state="DELIVRD", receipt_delay_seconds=0.01)


@pytest.fixture
def carrier(platform) -> RecordingCarrier:
    platform.connector = RecordingCarrier()
    return platform.connector


async def test_the_carrier_is_handed_every_recipients_media(carrier, api, numbers):
    """`carrier` first: in place before the app starts the gateway."""
    item = {"Base64": _item(7, 1000), "BaseType": "audio/wav"}
    sent = await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={
            "From": await _source(api),
            "To": [{"Number": "+18015737111"}, {"Number": "+18015737112"}],
            "Body": "listen",
            "MmsMedia": [{"MediaUrl": "https://example.com/a.wav"}],
            "MmsBase64": [item],
        },
    )
    deadline = asyncio.get_running_loop().time() + 10
    while len(carrier.submitted) < 2 and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    assert sorted(sms.destination for sms in carrier.submitted) == ["+18015737111", "+18015737112"]
    for sms in carrier.submitted:
        assert sms.media == (
            MediaItem(url="https://example.com/a.wav"),
            MediaItem(content_type="audio/wav", base64=item["Base64"]),
        )
    assert {m["MessageId"] for m in sent["Messages"]} == {sms.message_id for sms in carrier.submitted}
