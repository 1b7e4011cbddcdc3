"""Message search, filter and device delivery."""

from __future__ import annotations

import asyncio

from support.api import make_message_route, provision


async def _setup(api, http):
    source = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    ids = []
    for i in range(3):
        sent = await api.ok(
            "POST",
            "/v1.0/message/outbound",
            json={"From": source, "To": [{"Number": "+18015737111"}], "Body": f"m{i}", "CampaignId": "JCID-1"},
        )
        ids.append(sent["MessageId"])
    inbound = await api.post("/sandbox/v1/inbound", {"From": "+18015737111", "To": source, "Body": "in"})
    ids.append(inbound.json()["MessageId"])
    return source, ids


async def test_search_pages(api, numbers, http):
    source, ids = await _setup(api, http)
    page1 = await api.ok("GET", "/v1.0/message/search", params={"phoneNumber": source, "Page": 1, "Results": 3})
    assert page1["PhoneNumber"] == source
    assert page1["ResultsTotalRecords"] == 4 and page1["ResultsPages"] == 2
    page2 = await api.ok("GET", "/v1.0/message/search", params={"PhoneNumber": source, "Page": 2, "Results": 3})
    got = [m["MessageID"] for m in page1["Results"] + page2["Results"]]
    assert sorted(got) == sorted(ids)
    item = next(m for m in page1["Results"] + page2["Results"] if m["MessageID"] == ids[0])
    assert item["Cost"] == "$0.0045" and item["CampaignID"] == "JCID-1"
    assert item["To"] == [{"Number": "+18015737111"}]
    inbound = await api.ok("GET", "/v1.0/message/search", params={"PhoneNumber": source, "Direction": "inbound"})
    assert [m["MessageID"] for m in inbound["Results"]] == [ids[3]]


async def test_search_errors_and_tenancy(api, other_api, numbers, http):
    source, _ids = await _setup(api, http)
    assert (await api.get("/v1.0/message/search")).json()["Message"] == "The PhoneNumber field is required."
    assert (await api.get("/v1.0/message/search", PhoneNumber="123")).status_code == 400
    assert (await api.get("/v1.0/message/search", PhoneNumber=source, Results=0)).status_code == 400
    assert (await api.get("/v1.0/message/search", PhoneNumber=source, StartDate="yesterday")).status_code == 400
    other = await other_api.ok("GET", "/v1.0/message/search", params={"PhoneNumber": source})
    assert other["ResultsTotalRecords"] == 0


async def test_filter_shape(api, numbers, http):
    source, ids = await _setup(api, http)
    data = await api.ok("GET", "/v1.0/message/filter", params={"PhoneNumber": source, "Page": 1, "Results": 2})
    assert data["Total"] == 4 and data["Page"] == 1 and data["Results"] == 2
    assert len(data["Messages"]) == 2
    first = data["Messages"][0]
    assert set(first) == {"MessageId", "From", "To", "Body", "Direction", "Status", "CreatedAt"}
    assert first["Direction"] in ("outbound", "inbound") and first["CreatedAt"].endswith("Z")


async def test_device_delivery(api, numbers, http):
    source, ids = await _setup(api, http)
    first = await api.ok("POST", "/v1.0/message/device-delivery", json={"MessageId": ids[0]})
    assert first["DeviceDeliveryStatus"] == "Delivered" and first["DeviceType"] == "mobile"
    await asyncio.sleep(0.01)
    again = await api.ok("POST", "/v1.0/message/device-delivery", json={"MessageId": ids[0]})
    assert again["DeliveredOn"] == first["DeliveredOn"]
    inbound = await api.post("/v1.0/message/device-delivery", {"MessageId": ids[3]})
    assert inbound.status_code == 400
    assert (await api.post("/v1.0/message/device-delivery", {"MessageId": "TMID-x"})).status_code == 404


async def test_details_finds_a_message_by_its_id_in_any_casing_through_the_primary_key(
    api, other_api, numbers, http, platform
):
    from sqlalchemy import event

    _source, ids = await _setup(api, http)
    prefix, _, rest = ids[0].partition("-")
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "FROM messages" in statement:
            statements.append((statement, parameters))

    event.listen(platform.db.read_engine.sync_engine, "before_cursor_execute", capture)
    try:
        for given in (ids[0], f"{prefix.lower()}-{rest.upper()}"):
            assert (await api.ok("GET", "/v1.0/message/details", params={"MessageId": given}))["MessageId"] == ids[0]
    finally:
        event.remove(platform.db.read_engine.sync_engine, "before_cursor_execute", capture)
    assert (await other_api.get("/v1.0/message/details", MessageId=ids[0])).status_code == 404  # tenancy
    if platform.db.is_sqlite:  # the lookup is a key search, not a walk over the account's messages
        statement, parameters = next(s for s in reversed(statements) if "messages.id = " in s[0])
        async with platform.db.read() as session:
            raw = await session.connection()
            plan = [row[-1] for row in (await raw.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)).all()]
        assert any("USING INDEX sqlite_autoindex_messages" in step or "PRIMARY KEY" in step for step in plan), plan
        # The details of a send's id list its messages through the account/creation-time index (no batch_id one).
        statement, parameters = next(s for s in reversed(statements) if "messages.batch_id = " in s[0])
        async with platform.db.read() as session:
            raw = await session.connection()
            plan = [row[-1] for row in (await raw.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)).all()]
        assert any("ix_messages_account_created (account_id=? AND created_at=?)" in step for step in plan), plan
