"""The rendered Kamailio configuration (src/mpaas/voice/kamailio.py) and what the supervisor decides before
running it; `kamailio -c` must accept what we render."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import pytest

from mpaas.config import Settings
from mpaas.voice.kamailio import KamailioConfigError, KamailioParams, render, render_tls, write_config
from mpaas.voice.kamailio_process import ensure_sip_secret, voice_off_reason
from support.sip import (
    SECRET,
    FakeMpaas,
    free_tcp_port,
    kamailio_or_skip,
    route_to,
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


def test_call_events_may_go_to_another_url_than_the_route_queries(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, sip_listen="udp:127.0.0.1:5999", sip_events_url="http://127.0.0.1:9100/ev/")
    params = KamailioParams.from_settings(settings, api_url="http://127.0.0.1:9000/prefix", secret=SECRET)
    text = render(params)
    assert '"mpaas=>http://127.0.0.1:9000"' in text and 'http_connect("mpaas", "/prefix/sip/v1/route"' in text
    assert '"events=>http://127.0.0.1:9100"' in text and 'http_connect("events", "/ev/sip/v1/events"' in text
    default = render(_params(tmp_path))
    assert 'http_connect("mpaas", "/sip/v1/events"' in default and "events=>" not in default
    with pytest.raises(KamailioConfigError, match="MPAAS_SIP_EVENTS_URL"):
        KamailioParams.from_settings(
            settings.model_copy(update={"sip_events_url": 'http://h/"x'}), api_url="http://h", secret=SECRET
        )
    binary = kamailio_or_skip()
    done = subprocess.run([binary, "-c", "-f", str(write_config(params))], capture_output=True, text=True, timeout=30)
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


def _tls_or_skip() -> None:
    kamailio_or_skip()
    if not Path("/usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so").exists() and not list(
        Path("/usr/lib").glob("*/kamailio/modules/tls.so")
    ):
        pytest.skip("Kamailio's tls module is not installed (kamailio-tls-modules: make voice-deps)")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")


def _certificate(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def test_tls_needs_a_certificate_and_its_key(tmp_path) -> None:
    with pytest.raises(KamailioConfigError, match="needs MPAAS_SIP_TLS_CERTIFICATE"):
        _params(tmp_path, listen="tls:127.0.0.1:5999")
    cert = tmp_path / "cert.pem"
    cert.write_text("x")
    settings = Settings(data_dir=tmp_path, sip_listen="udp:127.0.0.1:5999", sip_tls_certificate=cert)
    with pytest.raises(KamailioConfigError, match="go together"):
        KamailioParams.from_settings(settings, api_url="http://127.0.0.1:8080", secret=SECRET)


@pytest.mark.process
def test_kamailio_listens_on_tls_with_the_configured_certificate(tmp_path) -> None:
    """`MPAAS_SIP_LISTEN=tls:...`: Kamailio loads the tls module with our certificate and answers SIP over TLS
    (an OPTIONS over Python's ssl: this machine's sipp is built without TLS; openssl makes the certificate)."""
    _tls_or_skip()
    cert, key = _certificate(tmp_path)
    port = free_tcp_port()
    settings = Settings(
        data_dir=tmp_path,
        sip_listen=f"tls:127.0.0.1:{port}",
        sip_children=2,
        sip_shared_memory_mb=64,
        sip_shared_secret=SECRET,
        sip_tls_certificate=cert,
        sip_tls_private_key=key,
    )
    options = (
        f"OPTIONS sip:127.0.0.1:{port};transport=tls SIP/2.0\r\n"
        "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKtls1\r\nFrom: <sip:ping@127.0.0.1>;tag=1\r\n"
        f"To: <sip:127.0.0.1:{port}>\r\nCall-ID: tls-1@mpaas\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
        "Content-Length: 0\r\n\r\n"
    )
    with FakeMpaas(route_to(1)) as mpaas, running_kamailio(settings, mpaas.url):
        answer = _tls_exchange(port, options)
    assert answer.startswith("SIP/2.0 200"), answer


def _tls_exchange(port: int, message: str) -> str:
    """Send one SIP message over TLS (the certificate is ours, self-signed: not verified) and read the reply."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, context.wrap_socket(raw) as tls:
        tls.sendall(message.encode())
        return tls.recv(4096).decode(errors="replace")


@pytest.mark.process
def test_a_call_to_a_tls_trunk_is_relayed_over_tls(tmp_path) -> None:
    """With a certificate configured, a branch with `;transport=tls` (a trunk whose TrunkTransport is TLS) is
    relayed over TLS: the trunk here is a TLS server of this test that receives the INVITE (sipp, the carrier,
    calls over UDP)."""
    _tls_or_skip()
    sipp_or_skip()
    cert, key = _certificate(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(15)
    trunk_port = listener.getsockname()[1]
    received: list[str] = []

    def trunk() -> None:
        try:
            conn, _ = listener.accept()
            with server_context.wrap_socket(conn, server_side=True) as tls:
                tls.settimeout(10)
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                received.append(data.decode(errors="replace"))
        except OSError as error:
            received.append(f"error: {error!r}")

    def decide(request: dict) -> dict:
        uri = f"sip:{request['To']}@127.0.0.1:{trunk_port};transport=tls"
        return {"version": "1.0", "routing": "serial", "routes": [{"uri": uri, "fr_timer": 2000}], "call": {}}

    thread = threading.Thread(target=trunk, daemon=True)
    thread.start()
    settings = sip_settings(tmp_path).model_copy(update={"sip_tls_certificate": cert, "sip_tls_private_key": key})
    with FakeMpaas(decide) as mpaas, running_kamailio(settings, mpaas.url):
        sipp_uac(sip_port(settings), tmp_path, to="18015557000")  # the trunk never answers: the call fails
        thread.join(timeout=15)
    listener.close()
    assert received and received[0].startswith("INVITE sip:18015557000@127.0.0.1:"), received
    assert "Via: SIP/2.0/TLS" in received[0]


def _certificate_named(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """Another self-signed certificate, in its own directory (`_certificate` writes fixed names)."""
    directory = tmp_path / name
    directory.mkdir()
    return _certificate(directory)


def test_a_tls_ca_makes_kamailio_verify_the_trunks_certificates(tmp_path) -> None:
    cert, key = _certificate(tmp_path)
    settings = Settings(
        data_dir=tmp_path, sip_listen="udp:127.0.0.1:5999", sip_tls_certificate=cert, sip_tls_private_key=key
    )
    params = KamailioParams.from_settings(settings, api_url="http://127.0.0.1:8080", secret=SECRET)
    client = render_tls(params).split("[client:default]", 1)[1]
    assert "verify_certificate = no" in client and "ca_list" not in client  # unset: nothing verified
    verified = KamailioParams.from_settings(
        settings.model_copy(update={"sip_tls_ca": cert}), api_url="http://127.0.0.1:8080", secret=SECRET
    )
    client = render_tls(verified).split("[client:default]", 1)[1]
    assert "verify_certificate = yes" in client and "require_certificate = yes" in client
    assert f"ca_list = {cert.resolve()}" in client
    with pytest.raises(KamailioConfigError, match="MPAAS_SIP_TLS_CA"):
        KamailioParams.from_settings(
            settings.model_copy(update={"sip_tls_ca": tmp_path / "missing.pem"}), api_url="http://h", secret=SECRET
        )
    with pytest.raises(KamailioConfigError, match="MPAAS_SIP_TLS_CA needs"):
        KamailioParams.from_settings(
            Settings(data_dir=tmp_path, sip_listen="udp:127.0.0.1:5999", sip_tls_ca=cert),
            api_url="http://h",
            secret=SECRET,
        )


def _invite_over_tls(tmp_path: Path, trunk_cert: Path, trunk_key: Path, **update) -> list[str]:
    """A call relayed by Kamailio (configured with `update`) to a TLS trunk of this test presenting `trunk_cert`:
    what the trunk received (the INVITE's head), or the trunk's TLS error."""
    tmp_path.mkdir(exist_ok=True)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(trunk_cert, trunk_key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(15)
    trunk_port = listener.getsockname()[1]
    received: list[str] = []

    def trunk() -> None:
        try:
            conn, _ = listener.accept()
            with server_context.wrap_socket(conn, server_side=True) as tls:
                tls.settimeout(10)
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                received.append(data.decode(errors="replace"))
        except OSError as error:
            received.append(f"error: {error!r}")

    def decide(request: dict) -> dict:
        uri = f"sip:{request['To']}@127.0.0.1:{trunk_port};transport=tls"
        return {"version": "1.0", "routing": "serial", "routes": [{"uri": uri, "fr_timer": 2000}], "call": {}}

    thread = threading.Thread(target=trunk, daemon=True)
    thread.start()
    settings = sip_settings(tmp_path).model_copy(update=update)
    with FakeMpaas(decide) as mpaas, running_kamailio(settings, mpaas.url):
        sipp_uac(sip_port(settings), tmp_path, to="18015557000")  # the trunk never answers: the call fails
        thread.join(timeout=15)
    listener.close()
    return received


@pytest.mark.process
def test_with_a_tls_ca_only_a_trunk_whose_certificate_it_signed_gets_the_call(tmp_path) -> None:
    """MPAAS_SIP_TLS_CA: the trunk's certificate (self-signed: its own CA) admits the trunk; another CA's
    certificate refuses it, so Kamailio sends it nothing."""
    _tls_or_skip()
    sipp_or_skip()
    cert, key = _certificate(tmp_path)
    trunk_cert, trunk_key = _certificate_named(tmp_path, "trunk")
    tls = {"sip_tls_certificate": cert, "sip_tls_private_key": key}
    trusted = _invite_over_tls(tmp_path / "trusted", trunk_cert, trunk_key, **tls, sip_tls_ca=trunk_cert)
    assert trusted and trusted[0].startswith("INVITE sip:18015557000@127.0.0.1:"), trusted
    untrusted = _invite_over_tls(tmp_path / "untrusted", trunk_cert, trunk_key, **tls, sip_tls_ca=cert)
    assert not any(r.startswith("INVITE") for r in untrusted), untrusted
