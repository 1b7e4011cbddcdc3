"""The supervisor keeps Kamailio running: a Kamailio that dies is started again, its log lines reach our
logging at their level, and stop leaves no Kamailio process behind."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time

import pytest

from mpaas.voice.supervisor import KamailioError, KamailioSupervisor, forward_log_line
from support.sip import SECRET, FakeMpaas, kamailio_or_skip, route_to, running_kamailio, sip_settings


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
