"""`mpaas smsc-sim` as a real process (SMPP + control HTTP on loopback) and `mpaas carriers list`."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from typer.testing import CliRunner

from mpaas.cli.main import app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"port {port} never opened")


@pytest.fixture
def sim_process():
    port, ctl = free_port(), free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mpaas.cli",
            "smsc-sim",
            "--port",
            str(port),
            "--control-port",
            str(ctl),
            "--outcome",
            "+1500555=UNDELIV",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_port(port)
        wait_port(ctl)
        yield port, ctl
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def control(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def run(args, env):
    return CliRunner().invoke(app, args, env=env)


@pytest.mark.process
def test_carriers_list_binds_to_the_sim(sim_process, tmp_path):
    port, ctl = sim_process
    result = run(
        ["carriers", "list", "--json", "--data-dir", str(tmp_path)],
        {"MPAAS_SMPP_URL": f"smpp://mpaas:secret@127.0.0.1:{port}?window=7&throughput=25"},
    )
    assert result.exit_code == 0, result.output
    [state] = json.loads(result.output)
    assert state["bound"] is True and state["window"] == 7 and state["throughput"] == 25
    assert state["host"] == f"127.0.0.1:{port}"
    result = run(
        ["carriers", "list", "--json", "--data-dir", str(tmp_path)],
        {"MPAAS_SMPP_URL": f"smpp://mpaas:wrong@127.0.0.1:{port}"},
    )
    [state] = json.loads(result.output)
    assert result.exit_code == 0 and state["bound"] is False and "ESME_RINVPASWD" in state["last_error"]
    result = run(
        ["carriers", "list", "--data-dir", str(tmp_path)], {"MPAAS_SMPP_URL": f"smpp://mpaas:secret@127.0.0.1:{port}"}
    )
    assert result.exit_code == 0 and "yes" in result.output
    status, stats = control(ctl, "GET", "/stats")
    assert status == 200 and stats["binds"] == 2 and stats["bind_refusals"] == 1
    assert control(ctl, "POST", "/personality", {"personality": "throttled", "throttle_per_second": 3}) == (
        200,
        {"personality": "throttled"},
    )
    assert control(ctl, "POST", "/personality", {"personality": "bogus"})[0] == 400
    assert control(ctl, "POST", "/mo", {"from": "+1", "to": "+2", "body": "queued"}) == (200, {"parts": 1})


def test_carriers_list_refuses_bad_config(tmp_path):
    result = run(["carriers", "list", "--data-dir", str(tmp_path)], {"MPAAS_SMPP_URL": "smpp://a:b@h:2775?window=0"})
    assert result.exit_code == 2 and "window must be between 1 and 1000" in result.output
    bad = tmp_path / "c.toml"
    bad.write_text("[[carriers]]\nname='x'\nurl='smpp://a:b@h'\nprefixes=['1']\n")
    result = run(["carriers", "list", "--data-dir", str(tmp_path)], {"MPAAS_CARRIERS_FILE": str(bad)})
    assert result.exit_code == 2 and "prefix '1' is not '+' followed by digits" in result.output


def test_carriers_list_sandbox(tmp_path):
    result = run(["carriers", "list", "--json", "--data-dir", str(tmp_path)], {})
    assert result.exit_code == 0
    assert json.loads(result.output)[0]["name"] == "sandbox"


def test_smsc_sim_rejects_bad_options():
    result = CliRunner().invoke(app, ["smsc-sim", "--outcome", "nonsense"])
    assert result.exit_code == 2 and "PREFIX=STAT" in result.output
    result = CliRunner().invoke(app, ["smsc-sim", "--personality", "grumpy"])
    assert result.exit_code == 2 and "unknown personality" in result.output
