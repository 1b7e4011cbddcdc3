"""Calls Kamailio no longer knows are closed (voice/reconcile.py, POST /sip/v1/dialogs, voice/supervisor.py;
docs/voice.md, "Durability"): a Kamailio killed under an answered, held call loses its dialog and the events it
queued; after the supervisor restarts it, the call's record is closed as `lost` at the time of the crash, billed
and reported (Call_Completed) once. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta

import pytest
import uvicorn
from sqlalchemy import select, text

from mpaas.models import VoiceUsage
from mpaas.models.calls import Call, CallEvent
from mpaas.voice.reconcile import open_calls_made_before
from support.api import make_voice_route
from support.calls import T0, event, new_call, post_events
from support.sip import (
    SCENARIOS,
    SECRET,
    free_tcp_port,
    free_udp_port,
    kamailio_or_skip,
    running_kamailio,
    sip_port,
    sip_settings,
    sipp_or_skip,
)
from support.voice_billing import subscribed_voice_number


async def _events(http, *events):
    return await post_events(http, *events, secret=SECRET)


async def _dialogs(http, call_ids, listed_at, lost_at=None, secret=SECRET):
    body = {"CallIds": call_ids, "ListedAt": listed_at.isoformat(), "LostAt": lost_at and lost_at.isoformat()}
    return await http.post("/sip/v1/dialogs", json=body, headers={"X-Mpaas-Sip-Secret": secret})


async def _record(platform, call_id: str) -> Call:
    async with platform.db.read() as session:
        call = await session.get(Call, call_id)
        assert call is not None
        return call


async def _usage(platform, call_id: str) -> VoiceUsage | None:
    async with platform.db.read() as session:
        return await session.get(VoiceUsage, call_id)


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"sip_shared_secret": SECRET})


# ------------------------------------------------------------------------------------------ the endpoint


async def test_open_calls_kamailio_does_not_list_are_closed_lost_and_billed_once(api, platform, http, numbers):
    number, number_id, _ = await subscribed_voice_number(api)
    held = await new_call(platform, api.account_id, "held@pbx", number_id=number_id, to_number=number, now=T0)
    ringing = await new_call(platform, api.account_id, "ring@pbx", number_id=number_id, to_number=number, now=T0)
    live = await new_call(platform, api.account_id, "live@pbx", number_id=number_id, to_number=number, now=T0)
    answer = await _events(
        http,
        event("ringing", "held@pbx", 1, Code=180),
        event("answered", "held@pbx", 2, Code=200, Reason="OK"),
        event("hold", "held@pbx", 3),
        event("ringing", "ring@pbx", 1, Code=180),
        event("answered", "live@pbx", 2, Code=200),
    )
    assert answer.status_code == 200, answer.text
    crash = T0 + timedelta(seconds=90)
    for _ in range(2):  # a report made again (its answer lost) closes nothing more and bills nothing more
        answer = await _dialogs(http, ["live@pbx", "other@pbx"], listed_at=T0 + timedelta(seconds=120), lost_at=crash)
        assert answer.status_code == 200, answer.text
    assert answer.json() == {"Open": 1, "Closed": []}
    got = await _record(platform, held)
    assert (got.status, got.disposition, got.ended_at, got.duration_seconds, got.sip_code) == (
        "completed",
        "lost",
        crash,
        88,
        200,
    )
    gone = await _record(platform, ringing)
    assert (gone.status, gone.disposition, gone.ended_at, gone.duration_seconds) == ("completed", "lost", crash, None)
    assert (await _record(platform, live)).status == "in-progress"
    usage = await _usage(platform, held)
    assert usage is not None and (usage.seconds, usage.minutes) == (88, 2)
    assert await _usage(platform, ringing) is None
    async with platform.db.read() as session:
        lost = (await session.execute(select(CallEvent).where(CallEvent.event == "lost"))).scalars().all()
    assert sorted(e.call_id for e in lost) == sorted([held, ringing])
    assert {e.reason for e in lost} == {"Kamailio stopped unexpectedly; its dialogs were lost"}
    searched = await api.ok("GET", "/ext/v1/calls", params={"Disposition": "lost"})
    assert {r["CallRecordId"] for r in searched["Results"]} == {held, ringing}


async def test_without_a_crash_time_a_lost_call_ends_at_its_last_known_event(api, platform, http, numbers):
    number, number_id, _ = await subscribed_voice_number(api)
    call = await new_call(platform, api.account_id, "quiet@pbx", number_id=number_id, to_number=number, now=T0)
    await _events(http, event("answered", "quiet@pbx", 5, Code=200), event("hold", "quiet@pbx", 30))
    answer = await _dialogs(http, [], listed_at=T0 + timedelta(hours=1))
    assert answer.json() == {"Open": 1, "Closed": [call]}
    got = await _record(platform, call)
    assert (got.disposition, got.ended_at, got.duration_seconds) == ("lost", T0 + timedelta(seconds=30), 25)


async def test_calls_made_just_before_the_listing_are_left_for_the_next_one(api, platform, http, numbers):
    """Kamailio may not list a call decided a moment before the listing (two hosts' clocks): it is not closed."""
    listed = datetime.now(UTC)
    call = await new_call(platform, api.account_id, "new@pbx", now=listed - timedelta(seconds=1))
    answer = await _dialogs(http, [], listed_at=listed)
    assert answer.json() == {"Open": 0, "Closed": []}
    assert (await _record(platform, call)).status == "routing"


async def test_an_end_kamailio_reports_after_a_lost_wins_and_billing_follows(api, platform, http, numbers):
    """Closed in a race with its own `ended` (still in Kamailio's queue): the reported end supersedes the lost,
    Call_Completed is sent again with the real end, and usage is corrected by the difference, never counted twice."""
    number, number_id, _ = await subscribed_voice_number(api)
    call = await new_call(platform, api.account_id, "race@pbx", number_id=number_id, to_number=number, now=T0)
    await _events(http, event("answered", "race@pbx", 0, Code=200))
    await _dialogs(http, [], listed_at=T0 + timedelta(seconds=600), lost_at=T0 + timedelta(seconds=300))
    assert (await _usage(platform, call)).minutes == 5
    answer = await _events(http, event("ended", "race@pbx", 59, Reason="BYE"))
    assert answer.status_code == 200, answer.text
    got = await _record(platform, call)
    assert (got.status, got.disposition, got.ended_at, got.duration_seconds) == (
        "completed",
        "answered",
        T0 + timedelta(seconds=59),
        59,
    )
    usage = await _usage(platform, call)
    assert (usage.seconds, usage.minutes) == (59, 1)


@pytest.mark.no_workers
async def test_the_dialogs_report_needs_the_secret_and_a_valid_body(http):
    listed = datetime.now(UTC)
    assert (await _dialogs(http, [], listed, secret="wrong-secret-000")).status_code == 401
    for body in ({}, {"CallIds": "x", "ListedAt": listed.isoformat()}, {"CallIds": [], "ListedAt": "soon"}, []):
        answer = await http.post("/sip/v1/dialogs", json=body, headers={"X-Mpaas-Sip-Secret": SECRET})
        assert answer.status_code == 400, (body, answer.text)


# ------------------------------------------------------------------------------------------ a real crash


class _Served:
    """This app under uvicorn on a fixed port (its lifespan, the workers, runs in the `app` fixture)."""

    def __init__(self, app, port: int) -> None:
        self.app, self.port = app, port

    async def __aenter__(self) -> _Served:
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            await asyncio.sleep(0.02)
        return self

    async def __aexit__(self, *exc) -> None:
        self.server.should_exit = True
        await self.task


async def _until(check, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "not reached in time"
        await asyncio.sleep(0.1)


@pytest.mark.process
async def test_a_call_held_through_a_kamailio_crash_is_closed_after_the_restart(
    app, api, numbers, platform, settings, tmp_path, httpserver
):
    kamailio_or_skip()
    sipp_or_skip()
    httpserver.expect_request("/calls").respond_with_data("ok")
    await api.ok(
        "POST",
        "/v1.0/webhook/create",
        json={"WebhookUrl": httpserver.url_for("/calls"), "SubscribedEvents": "Call_In_Progress, Call_Completed"},
    )
    trunk, port = free_udp_port(), free_tcp_port()
    route_id = await make_voice_route(api, TrunkIp1="127.0.0.1", TrunkPort1=str(trunk))
    number, _, _ = await subscribed_voice_number(api, route_id)
    sip = sip_settings(tmp_path, f"http://127.0.0.1:{port}")
    uac = uas = None
    try:
        async with _Served(app, port):
            with running_kamailio(sip, f"http://127.0.0.1:{port}") as supervisor:

                async def reconciled() -> bool:
                    return bool(supervisor.reconciliations)

                await _until(reconciled)  # after the first start: nothing to close
                assert supervisor.reconciliations[0] == {"Open": 0, "Closed": []}
                uas = subprocess.Popen(
                    [
                        "sipp",
                        "-sf",
                        str(SCENARIOS / "uas_answer_held.xml"),
                        "-i",
                        "127.0.0.1",
                        "-p",
                        str(trunk),
                        "-m",
                        "1",
                    ]
                    + ["-nostdin", "-timeout", "90s"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    cwd=tmp_path,
                )
                uac = subprocess.Popen(
                    [
                        "sipp",
                        f"127.0.0.1:{sip_port(sip)}",
                        "-sf",
                        str(SCENARIOS / "uac_call_held.xml"),
                        "-s",
                        number[1:],
                    ]
                    + ["-i", "127.0.0.1", "-p", str(free_udp_port()), "-m", "1", "-nostdin", "-timeout", "90s"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    cwd=tmp_path,
                )

                async def records() -> list[Call]:
                    async with platform.db.read() as session:
                        return list((await session.execute(select(Call))).scalars().all())

                async def held() -> bool:
                    found = await records()
                    return len(found) == 1 and found[0].status == "on-hold"

                await _until(held)
                # past the margin for two hosts' clocks (voice/reconcile.py), so the restart's listing looks at it
                await asyncio.sleep(2.5)
                before = datetime.now(UTC)
                first = supervisor.process
                assert first is not None
                os.kill(first.pid, signal.SIGKILL)

                async def closed() -> bool:
                    found = await records()
                    return found[0].status == "completed"

                await _until(closed)
                assert supervisor.starts >= 2 and supervisor.process is not first
                call = (await records())[0]
                assert any(call.id in r["Closed"] for r in supervisor.reconciliations)

                async def delivered() -> bool:
                    bodies = [json.loads(r.get_data()) for r, _ in httpserver.log]
                    return any(b["EventType"] == "Call_Completed" for b in bodies)

                await _until(delivered)
    finally:
        for proc in (uac, uas):
            if proc is not None:
                proc.kill()
                proc.wait(timeout=10)
    assert (call.disposition, call.status) == ("lost", "completed")
    assert call.answered_at is not None and call.ended_at is not None
    # ended when the supervisor saw Kamailio die: after the kill, before the record was read
    assert before <= call.ended_at <= datetime.now(UTC)
    assert call.duration_seconds is not None and call.duration_seconds >= 2
    usage = await _usage(platform, call.id)
    assert usage is not None and usage.seconds == call.duration_seconds
    bodies = [json.loads(r.get_data()) for r, _ in httpserver.log]
    completed = [b for b in bodies if b["EventType"] == "Call_Completed"]
    assert len(completed) == 1
    assert (completed[0]["Data"]["Event"], completed[0]["Data"]["Disposition"]) == ("lost", "lost")
    assert completed[0]["Data"]["CallRecordId"] == call.id


async def test_the_reconciliation_reads_the_open_calls_through_their_partial_index(platform):
    """Every minute: the read must not scan every call ever made (migration 0028, models/calls.py)."""
    async with platform.db.read() as session:
        connection = await session.connection()
        statement = open_calls_made_before(T0).compile(
            dialect=connection.dialect, compile_kwargs={"literal_binds": True}
        )
        if connection.dialect.name == "postgresql":  # a small table is scanned anyway unless told otherwise
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = (await session.execute(text(f"EXPLAIN {statement}"))).scalars().all()
        else:
            plan = [row[-1] for row in await session.execute(text(f"EXPLAIN QUERY PLAN {statement}"))]
    assert any("ix_calls_open" in line for line in plan), plan
