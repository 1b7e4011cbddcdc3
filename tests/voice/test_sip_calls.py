"""Real calls through Kamailio run by the `mpaas sip` supervisor: sipp as the carrier (UAC) and as customer
trunks (UAS), the routing decisions and call events over HTTP (docs/voice.md)."""

from __future__ import annotations

import time

import pytest

from support.sip import (
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

pytestmark = pytest.mark.process


@pytest.fixture(autouse=True)
def _tools() -> None:
    kamailio_or_skip()
    sipp_or_skip()


# The order a call goes through its events. Kamailio reports replies from parallel workers, so a 180 and the 200
# right after it can reach mpaas in either order; mpaas orders them itself (voice/events.py), and so do the tests.
_CALL_ORDER = {"ringing": 0, "answered": 1, "hold": 2, "resume": 3, "ended": 4, "failed": 4}


def _in_call_order(events: list[dict]) -> list[dict]:
    return sorted(events, key=lambda e: _CALL_ORDER.get(e["Event"], 9))


def _names(events: list[dict]) -> list[str]:
    return [e["Event"] for e in _in_call_order(events)]


def test_a_routed_call_is_relayed_to_the_trunk_completed_and_reported(tmp_path) -> None:
    trunk = free_udp_port()
    with FakeMpaas(route_to(trunk, crid="CALL-ONE")) as mpaas:
        settings = sip_settings(tmp_path)
        with running_kamailio(settings, mpaas.url):
            uas = sipp_uas(trunk, tmp_path)
            done = sipp_uac(sip_port(settings), tmp_path, to="18015557000")
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert wait_exit(uas) == 0
            events = mpaas.wait_events(lambda evs: "ended" in _names(evs))
    (request,) = mpaas.route_requests
    assert request["To"] == "18015557000" and request["SourceIp"] == "127.0.0.1" and request["Transport"] == "udp"
    assert _names(events) == ["ringing", "answered", "ended"]
    events = _in_call_order(events)
    assert all(e["CallRecordId"] == "CALL-ONE" and e["CallId"] == request["CallId"] for e in events)
    assert events[1]["Code"] == 200 and events[1]["Branch"] == f"sip:18015557000@127.0.0.1:{trunk};transport=udp"
    assert events[0]["Timestamp"].endswith("Z") and len(events[0]["Timestamp"]) == len("2026-12-03T22:00:00.123Z")
    assert events[0]["To"] == "18015557000"


def test_call_events_can_go_to_another_mpaas_process_than_the_route_queries(tmp_path) -> None:
    """KamailioParams.events_url (bench/voice.py --events-process): the route query goes to one mpaas, the call's
    events to the other, all of them."""
    trunk = free_udp_port()
    with FakeMpaas(route_to(trunk, crid="CALL-TWO")) as deciding, FakeMpaas(route_to(trunk)) as recording:
        settings = sip_settings(tmp_path)
        with running_kamailio(settings, deciding.url, events_url=recording.url):
            uas = sipp_uas(trunk, tmp_path)
            done = sipp_uac(sip_port(settings), tmp_path, to="18015557000")
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert wait_exit(uas) == 0
            events = recording.wait_events(lambda evs: "ended" in _names(evs))
    assert len(deciding.route_requests) == 1 and not recording.route_requests
    assert _names(events) == ["ringing", "answered", "ended"] and not deciding.events
    assert all(e["CallRecordId"] == "CALL-TWO" for e in events)


def test_a_rejection_reaches_the_caller_with_its_code(tmp_path) -> None:
    def reject(_request: dict) -> dict:
        return {"reject": {"code": 404, "reason": "Not Found"}, "call": {"CallRecordId": "CALL-404"}}

    with FakeMpaas(reject) as mpaas:
        settings = sip_settings(tmp_path)
        with running_kamailio(settings, mpaas.url):
            done = sipp_uac(sip_port(settings), tmp_path, to="18015559999", scenario="uac_rejected_404.xml")
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            time.sleep(0.5)  # the events process looks at its queue every 100 ms
    assert len(mpaas.route_requests) == 1
    assert mpaas.events == []  # mpaas recorded the rejection it decided: Kamailio reports nothing more


def test_a_trunk_answering_503_fails_over_to_the_next(tmp_path) -> None:
    broken, healthy = free_udp_port(), free_udp_port()
    with FakeMpaas(route_to(broken, healthy, crid="CALL-FO")) as mpaas:
        settings = sip_settings(tmp_path)
        with running_kamailio(settings, mpaas.url):
            first = sipp_uas(broken, tmp_path, scenario="uas_503.xml")
            second = sipp_uas(healthy, tmp_path)
            done = sipp_uac(sip_port(settings), tmp_path, to="18015557000")
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert wait_exit(first) == 0  # it did get the INVITE (and the ACK of its 503)
            assert wait_exit(second) == 0
            events = mpaas.wait_events(lambda evs: "ended" in _names(evs))
    answered = next(e for e in events if e["Event"] == "answered")
    assert answered["Branch"] == f"sip:18015557000@127.0.0.1:{healthy};transport=udp"
    assert "failed" not in _names(events)


def test_mpaas_unreachable_is_503(tmp_path) -> None:
    settings = sip_settings(tmp_path)
    with running_kamailio(settings, f"http://127.0.0.1:{free_udp_port()}"):
        done = sipp_uac(sip_port(settings), tmp_path, to="18015557000")
    assert done.returncode != 0
    assert b"503" in done.stdout + done.stderr or any(b"503" in p.read_bytes() for p in tmp_path.glob("*errors.log"))


def test_a_slow_events_endpoint_never_holds_a_call(tmp_path) -> None:
    # Each POST /sip/v1/events takes 1.5 s (under Kamailio's 2 s HTTP timeout, past which the batch is sent again).
    # Sent from the SIP worker, the ringing and answered events alone would hold the call 3 s; queued for the
    # events process, the call takes its usual fraction of a second.
    trunk = free_udp_port()
    with FakeMpaas(route_to(trunk), events_delay=1.5) as mpaas:
        settings = sip_settings(tmp_path)
        with running_kamailio(settings, mpaas.url):
            uas = sipp_uas(trunk, tmp_path)
            began = time.monotonic()
            done = sipp_uac(sip_port(settings), tmp_path, to="18015557000")
            took = time.monotonic() - began
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert wait_exit(uas) == 0
            events = mpaas.wait_events(lambda evs: "ended" in _names(evs), timeout=10)
    assert took < 1.5, f"the call took {took:.2f} s"
    assert _names(events) == ["ringing", "answered", "ended"]


def test_a_call_put_on_hold_and_resumed_is_reported(tmp_path) -> None:
    trunk = free_udp_port()
    with FakeMpaas(route_to(trunk, crid="CALL-HOLD")) as mpaas:
        settings = sip_settings(tmp_path)
        with running_kamailio(settings, mpaas.url):
            uas = sipp_uas(trunk, tmp_path, scenario="uas_answer_hold.xml")
            done = sipp_uac(sip_port(settings), tmp_path, to="18015557000", scenario="uac_call_hold.xml")
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert wait_exit(uas) == 0
            events = mpaas.wait_events(lambda evs: "ended" in _names(evs))
    assert _names(events) == ["ringing", "answered", "hold", "resume", "ended"]
    events = _in_call_order(events)
    assert {e["CallRecordId"] for e in events} == {"CALL-HOLD"}
    assert events[2]["From"] == "18015550100" and events[2]["To"] == "18015557000"


def test_a_trunk_that_never_answers_fails_over_after_its_fr_timer(tmp_path) -> None:
    silent, healthy = free_udp_port(), free_udp_port()  # nothing listens on `silent`
    with FakeMpaas(route_to(silent, healthy, crid="CALL-TO")) as mpaas:
        settings = sip_settings(tmp_path)
        with running_kamailio(settings, mpaas.url):
            uas = sipp_uas(healthy, tmp_path)
            began = time.monotonic()
            done = sipp_uac(sip_port(settings), tmp_path, to="18015557000")
            took = time.monotonic() - began
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert wait_exit(uas) == 0
            events = mpaas.wait_events(lambda evs: "ended" in _names(evs))
    assert 1.8 < took < 6, took  # the route's fr_timer is 2 s
    answered = next(e for e in events if e["Event"] == "answered")
    assert answered["Branch"] == f"sip:18015557000@127.0.0.1:{healthy};transport=udp"


def test_a_call_no_trunk_takes_is_reported_failed_with_the_final_code(tmp_path) -> None:
    broken = free_udp_port()
    with FakeMpaas(route_to(broken, crid="CALL-503")) as mpaas:
        settings = sip_settings(tmp_path)
        with running_kamailio(settings, mpaas.url):
            trunk = sipp_uas(broken, tmp_path, scenario="uas_503.xml")
            done = sipp_uac(sip_port(settings), tmp_path, to="18015557000")
            assert done.returncode != 0  # the caller got the 503
            assert wait_exit(trunk) == 0
            events = mpaas.wait_events(lambda evs: "failed" in _names(evs))
    (failed,) = events
    assert (failed["Code"], failed["CallRecordId"]) == (503, "CALL-503")
    assert failed["Branch"] == f"sip:18015557000@127.0.0.1:{broken};transport=udp"


def test_parallel_routes_ring_every_trunk_at_once(tmp_path) -> None:
    busy, answering = free_udp_port(), free_udp_port()
    with FakeMpaas(route_to(busy, answering, routing="parallel", crid="CALL-PAR")) as mpaas:
        settings = sip_settings(tmp_path)
        with running_kamailio(settings, mpaas.url):
            first = sipp_uas(busy, tmp_path, scenario="uas_503.xml")
            second = sipp_uas(answering, tmp_path)
            done = sipp_uac(sip_port(settings), tmp_path, to="18015557000")
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert wait_exit(first) == 0 and wait_exit(second) == 0  # both got the INVITE
            events = mpaas.wait_events(lambda evs: "ended" in _names(evs))
    assert "answered" in _names(events) and "failed" not in _names(events)


def test_a_caller_hanging_up_while_it_rings_is_reported_failed_487(tmp_path) -> None:
    trunk = free_udp_port()
    with FakeMpaas(route_to(trunk, crid="CALL-CXL")) as mpaas:
        settings = sip_settings(tmp_path)
        with running_kamailio(settings, mpaas.url):
            uas = sipp_uas(trunk, tmp_path, scenario="uas_ring_until_cancel.xml")
            done = sipp_uac(sip_port(settings), tmp_path, to="18015557000", scenario="uac_cancel.xml")
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert wait_exit(uas) == 0
            events = mpaas.wait_events(lambda evs: "failed" in _names(evs))
    assert _names(events) == ["ringing", "failed"]
    assert _in_call_order(events)[1]["Code"] == 487


def test_events_mpaas_refused_are_sent_again_once_it_takes_them(tmp_path) -> None:
    trunk = free_udp_port()
    with FakeMpaas(route_to(trunk, crid="CALL-LATER")) as mpaas:
        mpaas.events_down = True
        settings = sip_settings(tmp_path)
        with running_kamailio(settings, mpaas.url):
            uas = sipp_uas(trunk, tmp_path)
            done = sipp_uac(sip_port(settings), tmp_path, to="18015557000")
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]  # calls go on meanwhile
            assert wait_exit(uas) == 0
            deadline = time.monotonic() + 5
            while mpaas.refused_batches < 3:
                assert time.monotonic() < deadline, "Kamailio did not try again"
                time.sleep(0.05)
            assert mpaas.events == []
            mpaas.events_down = False
            events = mpaas.wait_events(lambda evs: "ended" in _names(evs))
    assert _names(events) == ["ringing", "answered", "ended"]  # none lost
