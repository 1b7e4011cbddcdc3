"""The supervisor keeps Kamailio running: a Kamailio that dies is started again, its log lines reach our
logging at their level, and stop leaves no Kamailio process behind."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time

import pytest

from mpaas.voice.kamailio_process import KamailioError, forward_log_line, options_ping
from mpaas.voice.supervisor import KamailioSupervisor
from support.processes import env, wait_for_line
from support.processes import mpaas as run_mpaas
from support.processes import stop as stop_process
from support.sip import (
    SECRET,
    FakeMpaas,
    free_udp_port,
    kamailio_or_skip,
    route_to,
    running_kamailio,
    sip_port,
    sip_settings,
    sipp_or_skip,
    sipp_uac,
    sipp_uas,
    wait_exit,
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped) is not running
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.process
def test_a_killed_kamailio_is_restarted_and_stop_leaves_none(tmp_path, caplog) -> None:
    kamailio_or_skip()
    caplog.set_level(logging.INFO, logger="mpaas.sip")
    with FakeMpaas(route_to(1)) as mpaas, running_kamailio(sip_settings(tmp_path), mpaas.url) as supervisor:
        first = supervisor.process
        assert first is not None and supervisor.starts == 1
        os.kill(first.pid, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while supervisor.starts < 2 or supervisor.process is first:
            assert time.monotonic() < deadline, "Kamailio was not restarted"
            time.sleep(0.05)
        second = supervisor.process
        assert second is not None
        asyncio.run(supervisor.wait_ready())  # the new Kamailio answers SIP
    assert not _alive(second.pid)
    messages = [r.getMessage() for r in caplog.records]
    assert any("restarting in" in m for m in messages)
    assert any(r.name == "mpaas.sip.kamailio" for r in caplog.records)  # Kamailio's own lines came through


def test_kamailio_lines_are_logged_at_their_level(caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="mpaas.sip.kamailio")
    forward_log_line(" 8(11763) WARNING: http_client [functions.c:294]: failed to connect()\n")
    forward_log_line(" 0(1) ERROR: <core> [core/cfg.y:3400]: yyerror(): parse error\n")
    forward_log_line(" 3(5) INFO: <script>: hello\n")
    forward_log_line("   \n")
    forward_log_line("no prefix at all")
    assert [(r.levelno, r.getMessage()[:6]) for r in caplog.records] == [
        (logging.WARNING, "8(1176"),
        (logging.ERROR, "0(1) E"),
        (logging.INFO, "3(5) I"),
        (logging.INFO, "no pre"),
    ]


async def test_a_kamailio_that_cannot_be_started_is_an_error_not_a_hang(tmp_path, monkeypatch) -> None:
    kamailio_or_skip()
    supervisor = KamailioSupervisor(sip_settings(tmp_path), api_url="http://127.0.0.1:9", secret=SECRET)
    await supervisor.check()  # the configuration is fine; then the binary goes away before it runs

    async def checked() -> None:
        supervisor._binary = str(tmp_path / "gone" / "kamailio")

    monkeypatch.setattr(supervisor, "check", checked)
    with pytest.raises(KamailioError, match="could not be started"):
        await asyncio.wait_for(supervisor.start(), timeout=10)


@pytest.mark.process
def test_a_stop_first_lets_kamailio_send_its_queued_call_events(tmp_path) -> None:
    """mpaas refuses events during a call; the supervisor is told to stop (a planned restart) and mpaas comes
    back meanwhile: Kamailio is stopped only once its queue is empty, so the call's events arrive."""
    kamailio_or_skip()
    sipp_or_skip()
    trunk = free_udp_port()
    with FakeMpaas(route_to(trunk, crid="CALL-DRAIN")) as mpaas:
        mpaas.events_down = True
        settings = sip_settings(tmp_path)
        with running_kamailio(settings, mpaas.url) as supervisor:
            uas = sipp_uas(trunk, tmp_path)
            done = sipp_uac(sip_port(settings), tmp_path, to="18015557000")
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert wait_exit(uas) == 0
            deadline = time.monotonic() + 10
            while mpaas.refused_batches == 0:
                assert time.monotonic() < deadline
                time.sleep(0.05)
            threading.Timer(1.0, lambda: setattr(mpaas, "events_down", False)).start()
            # leaving the block stops the supervisor: it waits for the queue (up to its drain time) first
        assert supervisor.process is not None and supervisor.process.returncode is not None
    assert [e["Event"] for e in mpaas.events] == ["ringing", "answered", "ended"]


@pytest.mark.process
def test_a_kamailio_left_by_a_killed_mpaas_sip_is_stopped_and_its_calls_reported_lost(tmp_path) -> None:
    """`mpaas sip` killed (SIGKILL) leaves its Kamailio running (a session of its own), holding the SIP address: the
    next supervisor of the data dir stops it, starts its own, and reports its dialogs as lost at that moment."""
    kamailio_or_skip()
    settings = sip_settings(tmp_path)
    port = sip_port(settings)
    with FakeMpaas(route_to(1)) as mpaas:
        environ = env(MPAAS_SIP_LISTEN=settings.sip_listen, MPAAS_SIP_SHARED_SECRET=SECRET, MPAAS_SIP_CHILDREN="2")
        environ["MPAAS_SIP_SHARED_MEMORY_MB"] = "64"
        role = run_mpaas(
            "sip",
            "--api-url",
            mpaas.url,
            "--data-dir",
            str(tmp_path),
            environ=environ,
            cwd=tmp_path,
            log_name="sip.log",
        )
        try:
            wait_for_line(tmp_path / "sip.log", "mpaas sip running", role)
            deadline = time.monotonic() + 15
            while not options_ping("127.0.0.1", port):
                assert time.monotonic() < deadline, (tmp_path / "sip.log").read_text()
                time.sleep(0.1)
            orphan = int((tmp_path / "kamailio.pid").read_text().split()[0])
            role.send_signal(signal.SIGKILL)
            role.wait(timeout=10)
        finally:
            stop_process(role)
        assert _alive(orphan) and options_ping("127.0.0.1", port)  # Kamailio outlived its supervisor
        with running_kamailio(settings, mpaas.url) as supervisor:
            assert supervisor.starts == 1 and supervisor.process is not None
            assert supervisor.process.pid != orphan and not _alive(orphan)
            deadline = time.monotonic() + 15
            while not mpaas.dialogs:
                assert time.monotonic() < deadline, "no reconciliation after the start"
                time.sleep(0.05)
    assert mpaas.dialogs[0]["LostAt"] is not None and mpaas.dialogs[0]["CallIds"] == []


@pytest.mark.process
def test_events_a_killed_kamailio_had_not_sent_are_sent_from_its_spool_after_the_restart(tmp_path) -> None:
    """mpaas refuses events during a call, so they wait in Kamailio's queue; Kamailio is killed (the queue is gone).
    Kamailio had also written them to its spool files: after the restart the supervisor sends them again."""
    kamailio_or_skip()
    sipp_or_skip()
    trunk = free_udp_port()
    with FakeMpaas(route_to(trunk, crid="CALL-SPOOL")) as mpaas:
        mpaas.events_down = True
        settings = sip_settings(tmp_path)
        with running_kamailio(settings, mpaas.url) as supervisor:
            uas = sipp_uas(trunk, tmp_path)
            done = sipp_uac(sip_port(settings), tmp_path, to="18015557000")
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert wait_exit(uas) == 0
            deadline = time.monotonic() + 10
            while mpaas.refused_batches == 0:
                assert time.monotonic() < deadline
                time.sleep(0.05)
            first = supervisor.process
            assert first is not None
            os.kill(first.pid, signal.SIGKILL)
            while supervisor.starts < 2:
                assert time.monotonic() < deadline + 15, "Kamailio was not restarted"
                time.sleep(0.05)
            assert mpaas.events == []  # nothing was taken before the crash
            mpaas.events_down = False  # mpaas is back
            events = mpaas.wait_events(lambda evs: len(evs) >= 3, timeout=30)
            deadline = time.monotonic() + 10
            while supervisor.replayed < 3:  # counted once mpaas has taken them all
                assert time.monotonic() < deadline, supervisor.replayed
                time.sleep(0.05)
            assert supervisor.replayed == 3
    # in time order (a 180 and a 200 taken by two workers may carry the same millisecond, in either order)
    assert sorted(e["Event"] for e in events) == ["answered", "ended", "ringing"]
    assert events[-1]["Event"] == "ended" and {e["CallRecordId"] for e in events} == {"CALL-SPOOL"}


@pytest.mark.process
def test_a_reconciliation_rotates_the_spool_and_kamailio_keeps_writing_it(tmp_path) -> None:
    """Once the queue is sent, the spooled events are not needed: a reconciliation renames the files aside, has
    Kamailio open new ones and deletes the old; the next call's events are all in the new files."""
    kamailio_or_skip()
    sipp_or_skip()
    trunk = free_udp_port()
    with FakeMpaas(route_to(trunk, crid="CALL-ROTATE")) as mpaas:
        settings = sip_settings(tmp_path)
        spool = tmp_path / "kamailio-spool"

        def spooled() -> int:
            return sum(len(p.read_bytes().splitlines()) for p in spool.iterdir() if p.is_file())

        def one_call() -> None:
            uas = sipp_uas(trunk, tmp_path)
            done = sipp_uac(sip_port(settings), tmp_path, to="18015557000")
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert wait_exit(uas) == 0

        with running_kamailio(settings, mpaas.url) as supervisor:
            loop = supervisor._task.get_loop() if supervisor._task else None
            assert loop is not None
            deadline = time.monotonic() + 20
            while not supervisor.reconciliations:  # the start's own (the next one is a minute away)
                assert time.monotonic() < deadline, "no reconciliation after the start"
                time.sleep(0.05)
            one_call()
            mpaas.wait_events(lambda evs: len(evs) >= 3)
            assert spooled() == 3
            answer = asyncio.run_coroutine_threadsafe(supervisor.reconcile(), loop).result(30)
            assert answer is not None
            assert spooled() == 0
            one_call()
            mpaas.wait_events(lambda evs: len(evs) >= 6)
            assert spooled() == 3  # written to the new files, none to the deleted ones
