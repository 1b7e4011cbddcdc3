"""MPAAS_MAX_BODY_BYTES (issue 16): a body over the cap is refused with 413 in the vendor envelope, before
authentication and without being read (Content-Length) or buffered past the cap (chunked), in process and
against a real `mpaas serve`, whose resident memory a 100 MB body must not move."""

from __future__ import annotations

import base64
import json
import select
import socket
import time
from pathlib import Path

import httpx2
import pytest

from mpaas.config import Settings
from mpaas.core.http.limits import DEFAULT_MAX_BODY_BYTES
from mpaas.core.http.server import HttpEdge
from support.processes import env, free_port, mpaas, stop, wait_healthy

TOKENS = "/v1.0/oauth2/tokens"
MiB = 1024 * 1024


def _assert_413(response) -> None:
    assert response.status_code == 413, response.text
    assert response.json() == {
        "StatusCode": 413,
        "Message": f"Payload too large: the request body exceeds the limit of {DEFAULT_MAX_BODY_BYTES} bytes.",
    }


def test_default_cap_is_one_mib():
    assert Settings().max_body_bytes == DEFAULT_MAX_BODY_BYTES == MiB


@pytest.mark.no_workers
async def test_content_length_over_the_cap_is_refused_unauthenticated(http):
    response = await http.post(TOKENS, content=b"x" * (MiB + 1), headers={"Content-Type": "application/json"})
    _assert_413(response)
    assert response.headers["connection"] == "close"
    # Before authentication: an authenticated endpoint answers 413, not 401.
    _assert_413(await http.post("/v1.0/message/routes", content=b"{" + b" " * MiB + b"}"))


@pytest.mark.no_workers
async def test_chunked_body_over_the_cap_is_refused_while_read(http):
    sent = []

    async def chunks():
        for _ in range(64):  # 4 MiB offered; the app stops asking after the cap
            sent.append(1)
            yield b" " * (64 * 1024)

    response = await http.post(TOKENS, content=chunks(), headers={"Content-Type": "application/json"})
    _assert_413(response)
    _assert_413(await http.post("/v1.0/message/routes", content=chunks()))


@pytest.mark.no_workers
@pytest.mark.parametrize("path", ["/v1.0/message/outbound", "/v1.0/numbers/availability"])
async def test_chunked_body_over_the_cap_is_413_on_the_lean_routes(http, path):
    """The routes that read their own bodies (core/http/lean.py) let the edge's 413 through, not FastAPI's 400
    "There was an error parsing the body"."""

    async def chunks():
        for _ in range(64):
            yield b" " * (64 * 1024)

    _assert_413(await http.post(path, content=chunks(), headers={"Content-Type": "application/json"}))


@pytest.mark.no_workers
async def test_a_body_at_the_cap_is_read(http, api):
    """Exactly the cap still reaches the app (here: the token endpoint's own 400 for a bad credential)."""
    body = b'{"AccountKey": "DID-x", "AccountSecret": "y", "ApiEndpoint": "z"}'
    padded = body[:-1] + b" " * (DEFAULT_MAX_BODY_BYTES - len(body)) + b"}"
    assert len(padded) == DEFAULT_MAX_BODY_BYTES
    response = await http.post(TOKENS, content=padded, headers={"Content-Type": "application/json"})
    assert response.status_code != 413


@pytest.mark.no_workers
async def test_the_largest_legitimate_send_fits_under_the_cap(api, settings):
    """The contract's largest body: a send to 100 recipients with MmsBase64 media at the per-send media cap
    (MPAAS_MMS_MAX_SEND_BYTES, items at most MPAAS_MMS_MAX_ITEM_BYTES) and a ten-segment Body."""
    media, left = [], settings.mms_max_send_bytes
    while left > 0:
        size = min(left, settings.mms_max_item_bytes)
        media.append({"Base64": base64.b64encode(b"\xff" * size).decode(), "BaseType": "image/png"})
        left -= size
    body = {
        "CampaignId": "JCID-dsuhofh3882",
        "To": [{"Number": f"+1801555{i:04d}"} for i in range(100)],
        "From": "+18018018011",
        "Owner": "+18018018011",
        "Body": "x" * 1530,
        "MmsBase64": media,
    }
    raw = json.dumps(body).encode()
    assert len(raw) <= settings.max_body_bytes == DEFAULT_MAX_BODY_BYTES
    response = await api.call(
        "POST", "/v1.0/message/outbound", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code != 413, response.text  # read and judged (here: the From is not the caller's)


async def test_the_cap_can_be_turned_off():
    seen = {}

    async def app(scope, receive, send):
        message = await receive()
        seen["body"] = len(message["body"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    transport = httpx2.ASGITransport(app=HttpEdge(app, max_body_bytes=0))
    async with httpx2.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.post("/", content=b"x" * (2 * MiB))).status_code == 204
    assert seen["body"] == 2 * MiB


# ------------------------------------------------------------------------------ a real server's memory


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _read_response(sock: socket.socket) -> tuple[int, bytes]:
    data = b""
    sock.settimeout(10)
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        data += chunk
        head, sep, rest = data.partition(b"\r\n\r\n")
        if sep:
            lengths = [line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
            if lengths and len(rest) >= int(lengths[0].split(b":")[1]):
                break
    head, _, body = data.partition(b"\r\n\r\n")
    assert head, "no response"
    return int(head.split(b" ")[1]), body


def _stream(port: int, path: str, total: int, *, chunked: bool) -> tuple[int, bytes, int]:
    """Offer a `total`-byte body in 64 KiB writes until the server answers; (status, body, bytes written)."""
    framing = b"Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}".encode()
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n".encode()
    block = b" " * 65536
    piece = (b"10000\r\n" + block + b"\r\n") if chunked else block
    written = 0
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(head + framing + b"\r\n\r\n")
        while written < total:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            written += len(block)
        status, body = _read_response(sock)
    return status, body, written


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("bodycap")
    port = free_port()
    environ = env(MPAAS_SEED_INVENTORY_COUNT="0", MPAAS_OPERATOR_TOKEN="bodycap-operator")
    proc = mpaas(
        "serve", "--port", str(port), "--data-dir", str(workdir), environ=environ, cwd=workdir, log_name="s.log"
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc, workdir / "s.log")
        yield port, proc
    finally:
        stop(proc)


@pytest.mark.process
@pytest.mark.slow
@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_100_mb_unauthenticated_post_does_not_move_the_servers_memory(served, chunked):
    port, proc = served
    total = 100 * MiB
    for _ in range(2):  # warm up: the first requests import and allocate what any request does
        httpx2.post(f"http://127.0.0.1:{port}{TOKENS}", json={"AccountKey": "DID-x"}, timeout=10)
    before = _rss_kib(proc.pid)
    for path in (TOKENS, "/v1.0/message/routes"):
        status, body, written = _stream(port, path, total, chunked=chunked)
        assert status == 413, body
        assert httpx2.Response(413, content=body).json()["StatusCode"] == 413
        assert written < total  # the server answered long before the body was done
    time.sleep(0.2)
    grown_kib = _rss_kib(proc.pid) - before
    assert grown_kib < 5 * 1024, f"RSS grew by {grown_kib} KiB"
    assert proc.poll() is None
