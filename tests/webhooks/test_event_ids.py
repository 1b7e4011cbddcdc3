"""Account webhook event ids: random per delivery by default; derived from the event and the webhook when the
emitter names the event (`emit(event_key=...)`, as call events do), so the same event has the same id."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mpaas.models import Job
from mpaas.webhooks.jobs import DELIVER_JOB
from mpaas.webhooks.service import emit

pytestmark = pytest.mark.no_workers


async def _event_ids(platform, account_id: str, **kwargs) -> list[str]:
    async with platform.db.write() as session:
        before = set((await session.execute(select(Job.id))).scalars())
        await emit(session, account_id, "Call_Ringing", {"X": 1}, platform.clock.now(), **kwargs)
        await session.flush()
        jobs = (await session.execute(select(Job).where(Job.kind == DELIVER_JOB).order_by(Job.id))).scalars()
        return [j.payload["event_id"] for j in jobs if j.id not in before]


async def test_a_named_event_has_the_same_id_each_time_and_one_per_webhook(api, platform):
    for path in ("/a", "/b"):
        await api.ok(
            "POST",
            "/v1.0/webhook/create",
            json={"WebhookUrl": f"https://hooks.example.com{path}", "SubscribedEvents": "Call_Ringing"},
        )
    first = await _event_ids(platform, api.account_id, event_key="CALL-1|ringing|t")
    again = await _event_ids(platform, api.account_id, event_key="CALL-1|ringing|t")
    other = await _event_ids(platform, api.account_id, event_key="CALL-1|ringing|t2")
    assert len(first) == 2 and first[0] != first[1] and all(i.startswith("EVT-") for i in first)
    assert again == first and not set(other) & set(first)
    unnamed = await _event_ids(platform, api.account_id)
    assert len(unnamed) == 2 and unnamed != await _event_ids(platform, api.account_id)
