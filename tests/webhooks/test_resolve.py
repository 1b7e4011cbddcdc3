"""Where a message's status callback goes (webhooks/delivery.py resolve_all): the message, its route and its
account's signing secrets in one read, and the route as it is when the attempt runs (disabled or gone: nowhere)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, update

from mpaas.models import Message, MessageRoute
from mpaas.webhooks.delivery import resolve_all
from support.api import make_message_route, provision

pytestmark = pytest.mark.no_workers


async def _resolve(platform, message_id: str) -> tuple[list, int]:
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = platform.db.quick_read_engine.sync_engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        async with platform.db.quick_read() as session:
            payloads = [{"target": "callback", "message_id": message_id, "event_id": "EVT-1"}]
            found = await resolve_all(session, payloads, platform.clock.now())
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return found, len([s for s in statements if s.lstrip().upper().startswith("SELECT")])


async def test_a_status_callback_is_resolved_in_one_read_and_honours_the_route_as_it_is_now(api, numbers, platform):
    route = await make_message_route(api, CallbackMessageUrl="https://hooks.example.com/cb")
    source = (await provision(api, route))["PhoneNumberAssigned"]
    sent = await api.ok(
        "POST", "/v1.0/message/outbound", json={"From": source, "To": [{"Number": "+18015737111"}], "Body": "hi"}
    )
    message_id = sent["MessageId"]
    [destination], selects = await _resolve(platform, message_id)
    assert selects == 1
    assert destination.target.url == "https://hooks.example.com/cb" and destination.account_id == api.account_id
    assert destination.message.id == message_id and destination.message.to_number == "+18015737111"
    assert destination.signing_secret and all(destination.signing_secret)

    async with platform.db.write() as session:
        await session.execute(update(MessageRoute).where(MessageRoute.id == route).values(message_route_enabled=False))
    assert (await _resolve(platform, message_id))[0] == [None]
    async with platform.db.write() as session:
        await session.execute(update(Message).where(Message.id == message_id).values(message_route_id="MRID-gone"))
    assert (await _resolve(platform, message_id))[0] == [None]
