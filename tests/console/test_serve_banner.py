"""`make serve` (`mpaas serve`, Makefile) prints the console's URL and the demo distributor's sign-in, and that
sign-in opens the console of the real process (issue 21)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx2
import pytest
from consolekit import csrf_of

from support.processes import env, free_port, mpaas, stop, wait_healthy

pytestmark = [pytest.mark.process, pytest.mark.slow]

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def test_make_serve_runs_mpaas_serve():
    recipe = MAKEFILE.read_text().split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert re.search(r"\n\t\$\(BIN\)/mpaas serve\b", recipe), recipe


def test_serve_prints_the_console_and_a_demo_sign_in_that_opens_it(tmp_path):
    port = free_port()
    proc = mpaas(
        "serve",
        "--port",
        str(port),
        "--data-dir",
        str(tmp_path),
        environ=env(MPAAS_SEED_INVENTORY_COUNT="0"),
        cwd=tmp_path,
        log_name="serve.log",
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc, tmp_path / "serve.log")
        banner = (tmp_path / "serve.log").read_text(errors="replace")
        line = next((x for x in banner.splitlines() if x.strip().startswith("console")), "")
        assert f"{base}/console" in line and "Distributor" in line and "AccountKey and AccountSecret" in line, banner
        key = re.search(r"AccountKey\s+(DID-\S+)", banner)
        secret = re.search(r"AccountSecret\s+(\S+)", banner)
        assert key and secret, banner
        with httpx2.Client(base_url=base, timeout=15) as browser:
            login = browser.get("/console/login")
            assert login.status_code == 200
            signed_in = browser.post(
                "/console/login",
                data={
                    "csrf_token": csrf_of(login.text),
                    "kind": "distributor",
                    "account_key": key.group(1),
                    "account_secret": secret.group(1),
                },
            )
            assert signed_in.status_code == 303, signed_in.text
            numbers = browser.get("/console/numbers")
            assert numbers.status_code == 200 and "<h1>Numbers</h1>" in numbers.text
    finally:
        stop(proc)
