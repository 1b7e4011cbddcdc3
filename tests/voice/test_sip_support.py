"""The SIP test helpers themselves: a customer trunk is listening when sipp_uas returns, one a test left behind is
ended by the reaper (tests/conftest.py runs it after every test), and the callers' scenarios ignore a 180 that
arrives after the 200."""

from __future__ import annotations

import subprocess

from support.sip import _STARTED, SCENARIOS, free_udp_port, reap_sipp, sipp_or_skip, sipp_uas, wait_exit


def test_a_trunk_listens_when_started_and_the_reaper_ends_one_left_behind(tmp_path) -> None:
    sipp_or_skip()
    port = free_udp_port()
    trunk = sipp_uas(port, tmp_path)
    wanted = f":{port:04X}"
    with open("/proc/net/udp") as table:
        assert any(line.split()[1].endswith(wanted) for line in table.readlines()[1:])
    assert trunk.poll() is None and trunk in _STARTED
    reap_sipp()
    assert trunk.poll() is not None
    assert not _STARTED


def test_a_caller_ignores_a_180_that_arrives_after_the_200(tmp_path) -> None:
    """Kamailio's workers relay a trunk's 180 and 200 in parallel, so the 180 can come second; a UA ignores it
    (RFC 3261 17.1.1.2). sipp aborted the call on it as an unexpected message, failing a CI run."""
    sipp_or_skip()
    port = free_udp_port()
    trunk = sipp_uas(port, tmp_path, "uas_answer_late_180.xml")
    caller = subprocess.run(
        ["sipp", f"127.0.0.1:{port}", "-sf", str(SCENARIOS / "uac_call_from.xml"), "-key", "caller", "18015550100"]
        + ["-i", "127.0.0.1", "-p", str(free_udp_port()), "-s", "18015550199", "-m", "1", "-nostdin"]
        + ["-timeout", "10s", "-timeout_error", "-trace_msg"],
        capture_output=True,
        cwd=tmp_path,
        timeout=30,
    )
    assert caller.returncode == 0, caller.stdout.decode(errors="replace")[-2000:]
    assert wait_exit(trunk) == 0
