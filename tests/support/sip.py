"""Real SIP for the voice tests: Kamailio run by mpaas's supervisor (in a thread's event loop), sipp as the
carrier (UAC) and as customer trunks (UAS), and a small HTTP stand-in for mpaas's /sip/v1 endpoints when a test
wants to decide routes itself. Every address is loopback; every port one the OS handed out."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mpaas.config import Settings
from mpaas.voice.supervisor import KamailioSupervisor

SCENARIOS = Path(__file__).resolve().parent.parent / "voice" / "scenarios"
SECRET = "test-sip-secret-0123456789"


def kamailio_or_skip() -> str:
    path = shutil.which("kamailio")
    if path is None:
        pytest.skip("Kamailio is not installed (make voice-deps)")
    return path


def sipp_or_skip() -> str:
    path = shutil.which("sipp")
    if path is None:
        pytest.skip("sipp is not installed (make voice-deps)")
    return path


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_tcp_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeMpaas:
    """POST /sip/v1/route answers `decide(request)`; POST /sip/v1/events records the events."""

    def __init__(self, decide: Callable[[dict], dict], secret: str = SECRET, events_delay: float = 0.0) -> None:
        self.decide = decide
        self.secret = secret
        self.events_delay = events_delay  # seconds each POST /sip/v1/events takes (a slow mpaas)
        self.events_down = False  # True: POST /sip/v1/events answers 503 and keeps nothing (mpaas restarting)
        self.refused_batches = 0
        self.route_requests: list[dict] = []
        self.events: list[dict] = []
        self.dialogs: list[dict] = []  # the supervisor's reports of Kamailio's dialogs (POST /sip/v1/dialogs)
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if self.headers.get("X-Mpaas-Sip-Secret") != owner.secret:
                    status, answer = 401, {"StatusCode": 401, "Message": "Unauthorized"}
                elif self.path == "/sip/v1/route":
                    owner.route_requests.append(body)
                    status, answer = 200, owner.decide(body)
                elif self.path == "/sip/v1/events" and owner.events_down:
                    owner.refused_batches += 1
                    status, answer = 503, {"StatusCode": 503, "Message": "restarting"}
                elif self.path == "/sip/v1/events":
                    time.sleep(owner.events_delay)
                    events = body.get("Events", [body])
                    owner.events.extend(events)
                    status, answer = 200, {"Accepted": len(events)}
                elif self.path == "/sip/v1/dialogs":
                    owner.dialogs.append(body)
                    status, answer = 200, {"Open": 0, "Closed": []}
                else:
                    status, answer = 404, {"StatusCode": 404, "Message": "Not Found"}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeMpaas:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_events(self, predicate: Callable[[list[dict]], bool], timeout: float = 5.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while not predicate(self.events):
            assert time.monotonic() < deadline, f"events not as expected: {self.events}"
            time.sleep(0.05)
        return self.events


def route_to(*ports: int, routing: str = "serial", crid: str = "CALL-TEST") -> Callable[[dict], dict]:
    """A decision that relays to sipp trunks on these loopback UDP ports, in this order."""

    def decide(request: dict) -> dict:
        routes = [
            {
                "uri": f"sip:{request['To']}@127.0.0.1:{port};transport=udp",
                "headers": {"extra": f"X-Mpaas-Call-Id: {crid}\r\n"},
                "fr_timer": 2000,
            }
            for port in ports
        ]
        return {"version": "1.0", "routing": routing, "routes": routes, "call": {"CallRecordId": crid}}

    return decide


def sip_settings(data_dir: Path, api_url: str | None = None) -> Settings:
    return Settings(
        data_dir=data_dir,
        sip_listen=f"udp:127.0.0.1:{free_udp_port()}",
        sip_children=2,
        sip_shared_memory_mb=64,
        sip_shared_secret=SECRET,
        sip_api_url=api_url,
    )


@contextmanager
def running_kamailio(settings: Settings, api_url: str, events_url: str | None = None) -> Iterator[KamailioSupervisor]:
    """Kamailio under the supervisor, in an event loop of its own thread, ready to take calls; its call events go to
    `events_url` when given (KamailioParams.events_url), else to `api_url`."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def call(coro, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout)

    async def build() -> KamailioSupervisor:
        return KamailioSupervisor(settings, api_url=api_url, secret=SECRET, min_backoff=0.2)

    supervisor = call(build())
    if events_url is not None:
        supervisor.params = dataclasses.replace(supervisor.params, events_url=events_url)
    try:
        call(supervisor.start())
        call(supervisor.wait_ready())
        yield supervisor
    finally:
        # stop() may take its drain (5 s, each kamcmd up to 10 s), SIGTERM's grace (10 s) and the log reader's 2 s:
        # on a machine loaded well past its cores that passed 30 s once (test_sip_supervisor, under stress).
        try:
            call(supervisor.stop(), timeout=60)
        finally:  # a stop that failed or timed out must not leave Kamailio holding its port for the next tests
            proc = supervisor.process
            if proc is not None and proc.returncode is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)


def sip_port(settings: Settings) -> int:
    assert settings.sip_listen
    return int(settings.sip_listen.rsplit(":", 1)[1])


def sipp_uas(port: int, cwd: Path, scenario: str | None = None) -> subprocess.Popen:
    """A customer trunk taking one call: scenarios/uas_answer.xml (180, 200, BYE answered) or another scenario."""
    which = ["-sf", str(SCENARIOS / (scenario or "uas_answer.xml"))]
    log = open(cwd / f"uas-{port}.log", "wb")  # noqa: SIM115 (the child keeps its own descriptor)
    with log:
        proc = subprocess.Popen(
            [
                "sipp",
                *which,
                "-i",
                "127.0.0.1",
                "-p",
                str(port),
                "-m",
                "1",
                "-nostdin",
                "-timeout",
                "20s",
                "-trace_msg",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
        )
    _STARTED.append(proc)
    _wait_bound_udp(port, proc)
    return proc


# Customer trunks started by sipp_uas. A test that fails before waiting for its trunk leaves it running, and sipp's
# own -timeout did not end one that never got its call (seen alive 45 minutes later, spinning a little CPU): the
# autouse fixture in tests/conftest.py ends what is left after every test.
_STARTED: list[subprocess.Popen] = []


def reap_sipp() -> None:
    """Kill every sipp_uas process still running, and forget them all."""
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _wait_bound_udp(port: int, proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """Return once something listens on UDP `port`: a call placed before sipp has bound its socket meets an ICMP
    port-unreachable, which Kamailio turns into an immediate failure (a CI run under load lost a call that way)."""
    wanted = f":{port:04X}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        with open("/proc/net/udp") as table:
            if any(line.split()[1].endswith(wanted) for line in table.readlines()[1:]):
                return
        time.sleep(0.02)


def sipp_uac(target_port: int, cwd: Path, *, to: str, scenario: str | None = None) -> subprocess.CompletedProcess:
    """The carrier placing one call to `to` through Kamailio (scenarios/uac_call.xml unless another is named);
    returncode 0 = the scenario ran to its end."""
    which = ["-sf", str(SCENARIOS / (scenario or "uac_call.xml"))]
    return subprocess.run(
        [
            "sipp",
            f"127.0.0.1:{target_port}",
            *which,
            "-i",
            "127.0.0.1",
            "-p",
            str(free_udp_port()),
            "-s",
            to,
            "-m",
            "1",
            "-nostdin",
            "-timeout",
            "15s",
            "-timeout_error",
            "-trace_msg",
        ],
        capture_output=True,
        cwd=cwd,
        timeout=30,
    )


def wait_exit(proc: subprocess.Popen, timeout: float = 10) -> int:
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
