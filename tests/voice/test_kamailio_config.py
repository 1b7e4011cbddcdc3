"""The rendered Kamailio configuration (src/mpaas/voice/kamailio.py) and what the supervisor decides before
running it; `kamailio -c` must accept what we render."""

from __future__ import annotations

import subprocess

import pytest

from mpaas.config import Settings
from mpaas.voice.kamailio import KamailioConfigError, KamailioParams, render, write_config
from mpaas.voice.supervisor import ensure_sip_secret, voice_off_reason
from support.sip import (
    SECRET,
    FakeMpaas,
    kamailio_or_skip,
    running_kamailio,
    sip_port,
    sip_settings,
    sipp_or_skip,
    sipp_uac,
)


def _params(tmp_path, listen: str = "udp:127.0.0.1:5999", api: str = "http://127.0.0.1:8080", secret: str = SECRET):
    settings = Settings(data_dir=tmp_path, sip_listen=listen, sip_children=3)
    return KamailioParams.from_settings(settings, api_url=api, secret=secret)


def test_the_rendered_config_carries_the_settings(tmp_path) -> None:
    text = render(_params(tmp_path, api="http://127.0.0.1:9000/prefix/"))
    assert "listen=udp:127.0.0.1:5999\n" in text and "children=3\n" in text and "disable_tcp=yes" in text
    assert '"mpaas=>http://127.0.0.1:9000"' in text and '"/prefix/sip/v1/route"' in text
    assert '"/prefix/sip/v1/events"' in text
    assert f"X-Mpaas-Sip-Secret: {SECRET}" in text
    assert "disable_tcp=no" in render(_params(tmp_path, listen="tcp:127.0.0.1:5999"))


def test_kamailio_accepts_the_rendered_config(tmp_path) -> None:
    binary = kamailio_or_skip()
    path = write_config(_params(tmp_path))
    assert path.stat().st_mode & 0o077 == 0  # it holds the shared secret
    done = subprocess.run([binary, "-c", "-f", str(path)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("secret", ["short", 'with"quote-and-more', "dollar$var(x)-long", "white space here"])
def test_a_secret_that_cannot_go_into_the_config_is_refused(tmp_path, secret) -> None:
    with pytest.raises(KamailioConfigError, match="MPAAS_SIP_SHARED_SECRET"):
        _params(tmp_path, secret=secret)


@pytest.mark.parametrize("api", ["ftp://x", "http://h/a?b=1", 'http://h/"x'])
def test_an_api_url_that_cannot_go_into_the_config_is_refused(tmp_path, api) -> None:
    with pytest.raises(KamailioConfigError, match="MPAAS_SIP_API_URL"):
        _params(tmp_path, api=api)


@pytest.mark.parametrize("listen", ["127.0.0.1:5060", "udp:127.0.0.1", 'udp:127.0.0.1:5060"\nlisten=x'])
def test_a_listen_kamailio_could_not_read_is_refused_at_start(listen) -> None:
    with pytest.raises(ValueError, match="MPAAS_SIP_LISTEN"):
        Settings(sip_listen=listen)


def test_voice_is_off_without_listen_or_kamailio(tmp_path) -> None:
    assert voice_off_reason(Settings(data_dir=tmp_path)) == "MPAAS_SIP_LISTEN is not set"
    missing = Settings(data_dir=tmp_path, sip_listen="udp:127.0.0.1:5060", sip_kamailio_bin="/nonexistent/kamailio")
    assert "is not installed: make voice-deps" in (voice_off_reason(missing) or "")


def test_serve_generates_the_sip_secret_once_into_the_data_dir(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path)
    secret, path = ensure_sip_secret(settings)
    assert path == tmp_path / "sip-secret" and path.stat().st_mode & 0o077 == 0
    assert ensure_sip_secret(settings) == (secret, path)
    assert ensure_sip_secret(Settings(data_dir=tmp_path, sip_shared_secret=SECRET)) == (SECRET, None)


@pytest.mark.process
def test_a_rejection_carries_a_reason_header_to_the_caller(tmp_path) -> None:
    """RFC 3326: `Reason: SIP;cause=403;text="Route Disabled"` beside the reply's own reason phrase (the billing
    side's Pause relies on it); sipp's scenario fails the call when the header is not there."""
    kamailio_or_skip()
    sipp_or_skip()

    def reject(_request: dict) -> dict:
        return {"reject": {"code": 403, "reason": "Route Disabled"}, "call": {"CallRecordId": "CALL-403"}}

    with FakeMpaas(reject) as mpaas:
        settings = sip_settings(tmp_path)
        with running_kamailio(settings, mpaas.url):
            done = sipp_uac(sip_port(settings), tmp_path, to="18015559999", scenario="uac_rejected_403_reason.xml")
    assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
    (trace,) = tmp_path.glob("uac_rejected_403_reason_*_messages.log")
    assert 'Reason: SIP;cause=403;text="Route Disabled"' in trace.read_text(errors="replace")
