"""The SIP test helpers themselves: a customer trunk is listening when sipp_uas returns, and one a test left
behind is ended by the reaper (tests/conftest.py runs it after every test)."""

from __future__ import annotations

from support.sip import _STARTED, free_udp_port, reap_sipp, sipp_or_skip, sipp_uas


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
