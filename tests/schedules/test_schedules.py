"""Schedules: written through the /ext/v1/schedules extension, read through the contract's GET
/v1.0/account/schedules (mpaas/schedules; docs/voice.md, "Workgroups and schedules")."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.no_workers

WEEKDAYS = {
    f"{d}{e}Time": t
    for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    for e, t in (("Start", "8:00 AM"), ("End", "5:00 PM"))
}


async def test_the_contracts_shape_with_empty_days_closed(api):
    created = await api.ok(
        "POST",
        "/ext/v1/schedules",
        json={"Name": "Business Hours", **WEEKDAYS, "SaturdayStartTime": "", "SaturdayEndTime": ""},
    )
    sid = created["ScheduleId"]
    assert sid.startswith("SID-")
    listed = await api.ok("GET", "/v1.0/account/schedules")
    assert listed == {
        "AccountID": api.account_id,
        "TotalSchedules": 1,
        "Results": [
            {
                "ScheduleId": sid,
                "Name": "Business Hours",
                "AccountId": api.account_id,
                **WEEKDAYS,
                "SaturdayStartTime": "",
                "SaturdayEndTime": "",
                "SundayStartTime": "",
                "SundayEndTime": "",
            }
        ],
    }
    # SCH- names the same schedule; 24-hour input is written the contract's way
    changed = await api.ok(
        "POST",
        "/ext/v1/schedules/update",
        json={"ScheduleId": "SCH-" + sid[4:], "SundayStartTime": "13:30", "SundayEndTime": "6:00 pm"},
    )
    assert (changed["SundayStartTime"], changed["SundayEndTime"], changed["MondayStartTime"]) == (
        "1:30 PM",
        "6:00 PM",
        "8:00 AM",
    )
    assert (await api.ok("GET", "/ext/v1/schedules", params={"ScheduleId": sid}))["Name"] == "Business Hours"


async def test_bad_times_name_the_field(api):
    for body in (
        {"MondayStartTime": "25:00", "MondayEndTime": "5:00 PM"},
        {"MondayStartTime": "8 o'clock", "MondayEndTime": "5:00 PM"},
        {"MondayStartTime": "13:00 PM", "MondayEndTime": "5:00 PM"},
    ):
        response = await api.post("/ext/v1/schedules", {"Name": "x", **body})
        assert response.status_code == 400 and "MondayStartTime" in response.json()["Message"], response.text
    response = await api.post("/ext/v1/schedules", {"Name": "x", "MondayStartTime": "8:00 AM"})
    assert response.status_code == 400 and "MondayEndTime" in response.json()["Message"]
    response = await api.post("/ext/v1/schedules", {"MondayStartTime": "8:00 AM", "MondayEndTime": "9:00 AM"})
    assert response.status_code == 400 and "Name" in response.json()["Message"]


async def test_a_schedule_in_use_is_not_deleted(api):
    sid = (await api.ok("POST", "/ext/v1/schedules", json={"Name": "Hours", **WEEKDAYS}))["ScheduleId"]
    wid = (await api.ok("POST", "/v1.0/workgroups", json={"Name": "w", "Type": "simultaneous", "ScheduleId": sid}))[
        "WorkgroupId"
    ]
    response = await api.post("/ext/v1/schedules/delete", {"ScheduleId": sid})
    assert response.status_code == 400 and "used by 1 workgroup" in response.json()["Message"]
    await api.ok("POST", "/v1.0/workgroups/update", json={"WorkgroupId": wid, "ScheduleId": ""})
    assert await api.ok("POST", "/ext/v1/schedules/delete", json={"ScheduleId": sid}) == {
        "ScheduleId": sid,
        "Successful": True,
    }
    assert (await api.call("GET", "/ext/v1/schedules", params={"ScheduleId": sid})).status_code == 404


async def test_another_accounts_schedule_is_out_of_reach(api, other_api):
    sid = (await api.ok("POST", "/ext/v1/schedules", json={"Name": "Hours", **WEEKDAYS}))["ScheduleId"]
    assert (await other_api.call("GET", "/ext/v1/schedules", params={"ScheduleId": sid})).status_code == 404
    assert (await other_api.post("/ext/v1/schedules/update", {"ScheduleId": sid, "Name": "x"})).status_code == 404
    assert (await other_api.post("/ext/v1/schedules/delete", {"ScheduleId": sid})).status_code == 404
    assert (await other_api.ok("GET", "/v1.0/account/schedules"))["Results"] == []
    response = await other_api.post("/v1.0/workgroups", {"Name": "w", "Type": "IVR", "ScheduleId": sid})
    assert response.status_code == 400 and "ScheduleId" in response.json()["Message"]
