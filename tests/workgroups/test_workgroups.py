"""The contract's workgroup operations and GET /v1.0/account/workgroups (mpaas/workgroups; docs/voice.md,
"Workgroups and schedules"; choices in docs/compatibility.md, Workgroups)."""

from __future__ import annotations

import pytest

from support.api import make_message_route, make_voice_route, provision

pytestmark = pytest.mark.no_workers

PSTN = "+12125550123"


async def own_number(api) -> str:
    route = await make_voice_route(api)
    data = await provision(
        api,
        await make_message_route(api),
        AreaCode="801",
        VoiceEnabled=True,
        ProductType="Sms+Data+Voice",
        VoiceRouteId=route,
    )
    return data["PhoneNumberAssigned"]


async def workgroup(api, **fields) -> dict:
    return await api.ok("POST", "/v1.0/workgroups", json={"Name": "Support Team", "Type": "simultaneous", **fields})


async def member(api, workgroup_id: str, **fields) -> str:
    body = {"WorkgroupId": workgroup_id, "Type": "User", "PhoneNumber": PSTN, **fields}
    answer = await api.ok("POST", "/v1.0/workgroups/activity", json=body)
    assert answer["WorkgroupActivityStatus"] == "Created" and answer["WorkgroupActivityId"].startswith("WAID-")
    return answer["WorkgroupActivityId"]


async def test_create_get_update_and_list(api, numbers):
    number = await own_number(api)
    schedule = await api.ok(
        "POST", "/ext/v1/schedules", json={"Name": "Hours", "MondayStartTime": "8:00 AM", "MondayEndTime": "5:00 PM"}
    )
    created = await workgroup(
        api,
        TelegentPhone=number,
        CallOrder="1",
        WaitBetween="15",
        ScheduleId=schedule["ScheduleId"],
        TimeZone="America/New_York",
        RecordCalls=True,
        AnnouncementText="Hello",
    )
    wid = created["WorkgroupId"]
    assert wid.startswith("WID-") and created["AccountId"] == api.account_id
    assert created["TelegentPhone"] == number and created["WaitBetween"] == "15" and created["RecordCalls"] is True
    assert created["ScheduleId"] == schedule["ScheduleId"] and created["Active"] is True
    # WG- names the same workgroup (the contract's samples use both)
    got = await api.ok("GET", "/v1.0/workgroups", params={"WorkgroupId": "WG-" + wid.split("-", 1)[1]})
    assert got["WorkgroupId"] == wid and got["Name"] == "Support Team"
    updated = await api.ok(
        "POST", "/v1.0/workgroups/update", json={"WorkgroupId": wid, "Name": "Sales", "Type": "round-robin"}
    )
    assert (updated["Name"], updated["Type"], updated["TelegentPhone"]) == ("Sales", "round-robin", number)
    listed = await api.ok("GET", "/v1.0/account/workgroups")
    assert listed == {
        "Workgroups": [
            {
                "WorkgroupId": wid,
                "Name": "Sales",
                "Type": "round-robin",
                "Active": True,
                "TelegentPhone": number,
                "AccountId": api.account_id,
            }
        ]
    }
    assert [w["WorkgroupId"] for w in await api.ok("GET", "/v1.0/workgroups")] == [wid]


async def test_ring_is_read_as_simultaneous_and_bad_values_name_the_field(api, numbers):
    assert (await workgroup(api, Type="ring"))["Type"] == "simultaneous"
    for field, value in (
        ("Type", "carousel"),
        ("WaitBetween", "0"),
        ("WaitBetween", "abc"),
        ("TimeZone", "Mars/Base"),
        ("TelegentPhone", "12"),
        ("ScheduleId", "SID-nope"),
        ("OnHoursType", "Voicemail"),
    ):
        response = await api.post("/v1.0/workgroups", {"Name": "x", "Type": "IVR", field: value})
        assert response.status_code == 400, (field, response.text)
        assert field in response.json()["Message"], (field, response.text)
    response = await api.post("/v1.0/workgroups", {"Type": "IVR"})
    assert response.status_code == 400 and "Name" in response.json()["Message"]
    response = await api.post("/v1.0/workgroups", {"Name": "x", "Type": "IVR", "OnHoursType": "User"})
    assert response.status_code == 400 and "OnHoursId" in response.json()["Message"]


async def test_one_workgroup_per_number(api, numbers):
    number = await own_number(api)
    await workgroup(api, TelegentPhone=number)
    response = await api.post("/v1.0/workgroups", {"Name": "x", "Type": "IVR", "TelegentPhone": number})
    assert response.status_code == 400 and "answered by workgroup" in response.json()["Message"]


async def test_members_numbers_and_nested_workgroups_without_cycles(api, numbers):
    top, middle, leaf = [(await workgroup(api, Name=n))["WorkgroupId"] for n in ("top", "middle", "leaf")]
    user = await member(api, top, DigitOrder=2, ReferenceUserId="USER-abc-123", SmsNotification=True)
    nested = await member(api, top, Type="Workgroup", ReferenceWorkgroupId=middle, DigitOrder=1, PhoneNumber="")
    await member(api, middle, Type="Workgroup", ReferenceWorkgroupId=leaf)
    got = await api.ok("GET", "/v1.0/workgroups", params={"WorkgroupId": top})
    activities = got["WorkgroupActivities"]
    assert [a["WorkgroupActivityId"] for a in activities] == [nested, user]  # DigitOrder
    assert activities[1]["PhoneNumber"] == PSTN and activities[1]["ReferenceUserId"] == "USER-abc-123"
    # cycles: leaf -> top, and a workgroup in itself
    for parent, reference in ((leaf, top), (middle, middle)):
        response = await api.post(
            "/v1.0/workgroups/activity", {"WorkgroupId": parent, "Type": "Workgroup", "ReferenceWorkgroupId": reference}
        )
        assert response.status_code == 400 and "cycle" in response.json()["Message"], response.text
    response = await api.post("/v1.0/workgroups/activity", {"WorkgroupId": top, "Type": "User"})
    assert response.status_code == 400 and "PhoneNumber" in response.json()["Message"]
    response = await api.post("/v1.0/workgroups/activity", {"WorkgroupId": top, "Type": "Workgroup"})
    assert response.status_code == 400 and "ReferenceWorkgroupId" in response.json()["Message"]
    answer = await api.ok(
        "POST", "/v1.0/workgroups/activity/update", json={"WorkgroupActivityId": user, "PhoneNumber": "+12125550199"}
    )
    assert answer == {"WorkgroupActivityStatus": "Updated", "WorkgroupActivityId": user}
    answer = await api.ok("POST", "/v1.0/workgroups/activity/delete", json={"WorkgroupActivityId": user})
    assert answer == {"WorkgroupActivityStatus": "Deleted", "WorkgroupActivityId": user}
    missing = await api.post("/v1.0/workgroups/activity/delete", {"WorkgroupActivityId": user})
    assert missing.status_code == 404


async def test_delete_takes_the_id_in_the_query_and_refuses_a_workgroup_in_use(api, numbers):
    number = await own_number(api)
    parent = (await workgroup(api, Name="parent"))["WorkgroupId"]
    child = (await workgroup(api, Name="child", TelegentPhone=number))["WorkgroupId"]
    await member(api, parent, Type="Workgroup", ReferenceWorkgroupId=child)
    response = await api.call("POST", "/v1.0/workgroups/delete", params={"WorkgroupId": child})
    assert response.status_code == 400 and "used by 1 other workgroup" in response.json()["Message"]
    assert (await api.ok("POST", "/v1.0/workgroups/delete", params={"WorkgroupId": parent})) == {
        "WorkgroupId": parent,
        "Successful": True,
    }
    response = await api.call("POST", "/v1.0/workgroups/delete", params={"WorkgroupId": child})
    assert response.status_code == 400 and "active number" in response.json()["Message"]
    await api.ok("POST", "/v1.0/workgroups/update", json={"WorkgroupId": child, "TelegentPhone": ""})
    assert (await api.ok("POST", "/v1.0/workgroups/delete", params={"WorkgroupId": "WG-" + child[4:]}))[
        "Successful"
    ] is True
    assert (await api.call("GET", "/v1.0/workgroups", params={"WorkgroupId": child})).status_code == 404
    response = await api.call("POST", "/v1.0/workgroups/delete")
    assert response.status_code == 400 and "WorkgroupId" in response.json()["Message"]


async def test_another_accounts_workgroups_members_and_numbers_are_out_of_reach(api, other_api, numbers):
    mine = await workgroup(api, Name="mine")
    mid = await member(api, mine["WorkgroupId"])
    theirs = await own_number(other_api)
    wid = mine["WorkgroupId"]
    assert (await other_api.call("GET", "/v1.0/workgroups", params={"WorkgroupId": wid})).status_code == 404
    assert (await other_api.post("/v1.0/workgroups/update", {"WorkgroupId": wid, "Name": "x"})).status_code == 404
    assert (await other_api.call("POST", "/v1.0/workgroups/delete", params={"WorkgroupId": wid})).status_code == 404
    assert (
        await other_api.post("/v1.0/workgroups/activity", {"WorkgroupId": wid, "Type": "User", "PhoneNumber": PSTN})
    ).status_code == 404
    for path in ("/v1.0/workgroups/activity/update", "/v1.0/workgroups/activity/delete"):
        assert (await other_api.post(path, {"WorkgroupActivityId": mid})).status_code == 404
    assert (await other_api.ok("GET", "/v1.0/account/workgroups")) == {"Workgroups": []}
    assert (await other_api.ok("GET", "/v1.0/workgroups")) == []
    # their workgroup cannot be nested in mine, nor their number rung by mine or answered by mine
    other_wg = (await workgroup(other_api, Name="theirs"))["WorkgroupId"]
    response = await api.post(
        "/v1.0/workgroups/activity", {"WorkgroupId": wid, "Type": "Workgroup", "ReferenceWorkgroupId": other_wg}
    )
    assert response.status_code == 400 and "ReferenceWorkgroupId" in response.json()["Message"]
    for body in ({"WorkgroupId": wid, "Type": "User", "PhoneNumber": theirs},):
        response = await api.post("/v1.0/workgroups/activity", body)
        assert response.status_code == 400 and "outside this platform" in response.json()["Message"]
    response = await api.post("/v1.0/workgroups", {"Name": "x", "Type": "IVR", "TelegentPhone": theirs})
    assert response.status_code == 400 and "TelegentPhone" in response.json()["Message"]
    response = await api.post(
        "/v1.0/workgroups", {"Name": "x", "Type": "IVR", "OffHoursType": "Workgroup", "OffHoursId": other_wg}
    )
    assert response.status_code == 400 and "OffHoursId" in response.json()["Message"]


async def test_a_member_that_is_an_hours_target_is_not_deleted(api, numbers):
    wid = (await workgroup(api))["WorkgroupId"]
    mid = await member(api, wid)
    await api.ok("POST", "/v1.0/workgroups/update", json={"WorkgroupId": wid, "OnHoursType": "User", "OnHoursId": mid})
    response = await api.post("/v1.0/workgroups/activity/delete", {"WorkgroupActivityId": mid})
    assert response.status_code == 400 and "OnHoursId" in response.json()["Message"]
    await api.ok("POST", "/v1.0/workgroups/update", json={"WorkgroupId": wid, "OnHoursType": "", "OnHoursId": ""})
    await api.ok("POST", "/v1.0/workgroups/activity/delete", json={"WorkgroupActivityId": mid})
