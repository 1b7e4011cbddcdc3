#!/usr/bin/env python
"""The one-recipient send's accept path under wrk, against a bare ASGI app measured in the same run (issue #20).

    .venv/bin/python bench/send_path.py                  # mpaas serve, 32 connections, 10 s windows
    .venv/bin/python bench/send_path.py --role api       # `mpaas api` alone (no workers in the process)
    .venv/bin/python bench/send_path.py --rounds 3       # interleaved rounds: bare, mpaas, bare, mpaas ...
    .venv/bin/python bench/send_path.py --before-src /tmp/before/src   # and an older tree, in the same run
    .venv/bin/python bench/send_path.py --role api --database-url postgresql+psycopg://postgres@127.0.0.1:5432/mpaas_send_bench
                                                         # `mpaas api` on PostgreSQL (the database dropped and created)

One run:
  1. starts a bare ASGI app (answers every request 200 with a short JSON body, reading the body first) on the same
     uvicorn as `mpaas serve` (uvicorn.run's defaults: uvloop and httptools when installed), and `mpaas serve` (or
     `mpaas api`) on a fresh SQLite data dir, each on a free loopback port; with `--database-url`, on that
     PostgreSQL database instead (dropped and created; `--before-src`'s server gets one of its own, `_before`);
  2. creates an unlimited credential, a message route, `--numbers` sender numbers, and mints the send's token;
  3. runs wrk (`/usr/bin/wrk`, one thread, `--connections`, `--latency`) with a Lua script posting
     `POST /v1.0/message/outbound` with one recipient (the To number varies per request, the From alternates among
     the senders), against the bare app and against mpaas, `--rounds` times, alternating;
  4. prints, per round and as medians: accepted req/s (2xx answers), p99 latency, non-2xx/socket errors, the
     server's CPU in cores, and the ratio of mpaas's accepted rate to the bare app's. The last line is one JSON
     object with every figure. Both servers are stopped by the pids this bench started.

wrk and the servers share the machine (2 cores here): the bare app's figure is bounded by wrk's own core as much as
by uvicorn, so the ratio is a lower bound of mpaas against the server stack alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))
import api
from api import free_port, log, proc_cpu_seconds
from cryptography.fernet import Fernet
from inventory import pg_database_name, recreate_pg_database

BARE_APP = """
import uvicorn

BODY = b'{"MessageId":"TMID-00000000-0000-0000-0000-000000000000","Status":"Queued"}'
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


uvicorn.run(app, host="127.0.0.1", port={port}, log_level="warning", access_log=False)
"""

LUA = """
local senders = {{{senders}}}
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"

request = function()
  counter = counter + 1
  local body = string.format(
    '{{"From":"%s","To":[{{"Number":"{prefix}%04d"}}],"Body":"Hello from the bench"}}',
    senders[(counter % #senders) + 1], counter % 10000)
  return wrk.format(nil, "/v1.0/message/outbound", nil, body)
end
"""


class BareServer:
    def __init__(self, work: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.script = work / "bare_asgi.py"
        self.script.write_text(BARE_APP.replace("{port}", str(self.port)))
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(self.script)], stdin=subprocess.DEVNULL, start_new_session=True
        )

    async def wait_healthy(self, timeout: float = 30) -> None:
        start = time.perf_counter()
        async with httpx2.AsyncClient(timeout=2.0) as client:
            while time.perf_counter() - start < timeout:
                try:
                    if (await client.get(self.base + "/")).status_code == 200:
                        return
                except httpx2.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError("the bare ASGI app did not start")

    def cpu_seconds(self) -> float | None:
        return proc_cpu_seconds(self.proc.pid) if self.proc else None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


class ApiRole(api.Server):
    """`mpaas api` (no workers, no carrier) on the data dir `mpaas serve` would use; set up by a short serve first."""

    label = "mpaas api"

    def start(self) -> None:
        with open(self.log_path, "ab") as log_file:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "mpaas.cli", "api", "--host", "127.0.0.1", "--port", str(self.port)]
                + ["--data-dir", str(self.data_dir)],
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                start_new_session=True,
            )


def parse_wrk(out: str) -> dict:
    """Requests/sec, the 99% latency of --latency's distribution, and the non-2xx and socket error counts."""

    def seconds(text: str) -> float:
        value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
        return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]

    total = int(re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", out).group(1))
    elapsed_match = re.search(r"\d+ requests in ([\d.]+(?:ms|s|m))", out)
    elapsed = seconds(elapsed_match.group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    latency = {q: seconds(v) for q, v in re.findall(r"^\s+(50|90|99)%\s+([\d.]+\w+)\s*$", out, re.M)}
    bad = int(non2xx.group(1)) if non2xx else 0
    return {
        "requests": total,
        "elapsed_s": elapsed,
        "accepted": total - bad,
        "accepted_per_s": (total - bad) / elapsed,
        "non_2xx": bad,
        "socket_errors": sum(int(g) for g in errors.groups()) if errors else 0,
        "p50_ms": round(latency["50"] * 1000, 2) if "50" in latency else None,
        "p99_ms": round(latency["99"] * 1000, 2) if "99" in latency else None,
    }


def run_wrk(base: str, script: Path, connections: int, duration: float, cpu_probe) -> dict:
    cpu0, t0 = cpu_probe(), time.perf_counter()
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration:g}s", "--latency", "-s", str(script), base],
        capture_output=True,
        text=True,
        timeout=duration + 60,
    )
    cpu1, t1 = cpu_probe(), time.perf_counter()
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed: {out.stderr or out.stdout}")
    result = parse_wrk(out.stdout)
    if cpu0 is not None and cpu1 is not None:
        result["server_cpu_cores"] = round((cpu1 - cpu0) / (t1 - t0), 2)
        result["server_cpu_ms_per_accepted"] = (
            round((cpu1 - cpu0) * 1000 / result["accepted"], 3) if result["accepted"] else None
        )
    return result


async def setup(server: api.Server, numbers: int) -> tuple[str, list[str]]:
    credential, _ = await asyncio.to_thread(api.create_credential, server)
    async with httpx2.AsyncClient(timeout=30) as client:
        client_api = api.Api(client, server.base, credential)
        route = await client_api.ok(
            "/v1.0/message/routes",
            {"RouteName": "Bench", "MessageUrl": "http://127.0.0.1:9/in", "MessageUrlMethod": "POST"},
        )
        senders = []
        for _ in range(numbers):
            provisioned = await client_api.ok(
                "/v1.0/numbers/provision",
                {
                    "NumberType": "mvno",
                    "MessageType": "p2p",
                    "MessageEnabled": True,
                    "VoiceEnabled": False,
                    "MessageRouteId": route["MessageRouteId"],
                    "ProductType": "Sms+Data",
                    "AreaCode": "",
                },
            )
            senders.append(provisioned["PhoneNumberAssigned"])
        headers = await client_api.headers("/v1.0/message/outbound")
        probe = await client.post(
            server.base + "/v1.0/message/outbound",
            content=json.dumps({"From": senders[0], "To": [{"Number": "+18015730000"}], "Body": "probe"}),
            headers=headers,
        )
        if probe.status_code != 200:
            raise RuntimeError(f"the probe send failed: {probe.status_code} {probe.text[:300]}")
        return headers["Authorization"].split(" ", 1)[1], senders


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--role", choices=("serve", "api"), default="serve", help="The mpaas process measured.")
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--duration", type=float, default=10.0, help="Seconds per wrk window.")
    p.add_argument("--warmup", type=float, default=2.0, help="Seconds of wrk before the first window of each server.")
    p.add_argument("--rounds", type=int, default=1, help="Interleaved rounds (bare, mpaas) per run.")
    p.add_argument("--numbers", type=int, default=4, help="Sender numbers.")
    p.add_argument("--inventory", type=int, default=5000, help="Numbers seeded into the inventory.")
    p.add_argument("--hold", type=float, default=0.0, help="Pause after setup, printing the pid (for py-spy).")
    p.add_argument("--keep", action="store_true", help="Keep the temporary directory.")
    p.add_argument(
        "--database-url",
        default=None,
        help="A PostgreSQL database of the bench's own (dropped and created), instead of a fresh SQLite file.",
    )
    p.add_argument(
        "--before-src",
        type=Path,
        default=None,
        help="Also measure mpaas run from this source tree (its src/ directory, on PYTHONPATH), in the same run: "
        "e.g. `git archive <commit> src | tar -x -C /tmp/before` then --before-src /tmp/before/src.",
    )
    return p.parse_args(argv)


async def start_mpaas(args: argparse.Namespace, work: Path, name: str, src: Path | None) -> tuple[api.Server, Path]:
    """An mpaas server set up for the send (credential, senders, token); `src`: run that source tree instead of
    this checkout's (PYTHONPATH), e.g. an exported older commit for a before/after in one run. -> (server, lua)"""
    data_dir = work / name / "data"
    data_dir.mkdir(parents=True)
    port = free_port()
    server = api.Server(data_dir, port, args.inventory, 0.05)
    if src is not None:
        server.env["PYTHONPATH"] = str(src)
    if args.database_url:
        url = args.database_url if name == "mpaas" else f"{args.database_url}_{name}"
        await asyncio.to_thread(recreate_pg_database, url)
        server.env["MPAAS_DATABASE_URL"] = url
        server.env.setdefault("MPAAS_SECRETS_KEY", Fernet.generate_key().decode())  # the production roles need one
    server.start()
    try:
        await server.wait_healthy(180)
        token, senders = await setup(server, args.numbers)
        if args.role == "api":
            await asyncio.to_thread(server.stop)
            role = ApiRole(data_dir, port, args.inventory, 0.05)
            role.env = server.env
            server = role
            server.start()
            await server.wait_healthy(60)
    except BaseException:
        await asyncio.to_thread(server.stop)
        raise
    script = work / name / "send.lua"
    script.write_text(
        LUA.format(senders=", ".join(f'"{s}"' for s in senders), token=token, prefix=api.OUTBOUND_TO_PREFIX)
    )
    where = " on PostgreSQL" if args.database_url else ""
    log(f"{name}: {server.label}{where} pid {server.pid}{f' from {src}' if src else ''}, senders {senders}")
    return server, script


async def main_async(args: argparse.Namespace, work: Path, result: dict) -> None:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    bare = BareServer(work)
    servers: list[tuple[str, object, Path]] = []
    try:
        bare.start()
        await bare.wait_healthy()
        if args.before_src is not None:
            before, before_script = await start_mpaas(args, work, "before", args.before_src)
            servers.append(("before", before, before_script))
        server, script = await start_mpaas(args, work, "mpaas", None)
        servers.append(("mpaas", server, script))
        targets = [("bare", bare, script), *servers]
        if args.hold:
            log(f"holding {args.hold} s")
            await asyncio.sleep(args.hold)
        database = "PostgreSQL" if args.database_url else "SQLite"
        result.update(
            role=f"{server.label} on {database}", connections=args.connections, duration_s=args.duration, rounds=[]
        )
        for _, target, lua in targets:
            if args.warmup > 0:
                await asyncio.to_thread(run_wrk, target.base, lua, args.connections, args.warmup, lambda: None)
        for n in range(args.rounds):
            row = {}
            for name, target, lua in targets:
                row[name] = await asyncio.to_thread(
                    run_wrk, target.base, lua, args.connections, args.duration, target.cpu_seconds
                )
                r = row[name]
                log(
                    f"round {n + 1} {name}: {r['accepted_per_s']:.0f} accepted/s, p99 {r['p99_ms']} ms, "
                    f"non-2xx {r['non_2xx']}, socket errors {r['socket_errors']}, "
                    f"server CPU {r.get('server_cpu_cores')} cores ({r.get('server_cpu_ms_per_accepted')} ms/accepted)"
                )
            for name, _, _ in servers:
                row[f"{name}_ratio"] = row[name]["accepted_per_s"] / row["bare"]["accepted_per_s"]
            result["rounds"].append(row)
        rounds = result["rounds"]
        result["median"] = {"bare_per_s": round(statistics.median(r["bare"]["accepted_per_s"] for r in rounds), 1)}
        for name, _, _ in servers:
            result["median"][name] = {
                "accepted_per_s": round(statistics.median(r[name]["accepted_per_s"] for r in rounds), 1),
                "p99_ms": statistics.median(r[name]["p99_ms"] or float("inf") for r in rounds),
                "cpu_ms_per_accepted": statistics.median(
                    r[name].get("server_cpu_ms_per_accepted") or float("inf") for r in rounds
                ),
                "ratio": round(statistics.median(r[f"{name}_ratio"] for r in rounds), 4),
                "non_2xx": sum(r[name]["non_2xx"] for r in rounds),
            }
    finally:
        for _, target, _ in servers:
            await asyncio.to_thread(target.stop)
        await asyncio.to_thread(bare.stop)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.database_url:
        pg_database_name(args.database_url)  # refuses `test`, `postgres` and the templates
    work = Path(tempfile.mkdtemp(prefix="mpaas-send-bench-"))
    result: dict = {"load_before": os.getloadavg()}
    try:
        asyncio.run(main_async(args, work, result))
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    result["load_after"] = os.getloadavg()
    m = result["median"]
    print()
    print(
        f"POST /v1.0/message/outbound, 1 recipient, {result['role']}, wrk -t1 -c{args.connections}, "
        f"{args.duration:g} s x {args.rounds} round(s), medians"
    )
    print(f"  {'bare ASGI app (same uvicorn)':<34} {m['bare_per_s']:>9,.0f} req/s")
    for name in ("before", "mpaas"):
        if name in m:
            r = m[name]
            label = "mpaas accepted" + (f" (before: {args.before_src})" if name == "before" else "")
            print(
                f"  {label:<34} {r['accepted_per_s']:>9,.0f} req/s  {r['ratio']:>7.2%} of bare  p99 {r['p99_ms']} ms  "
                f"{r['cpu_ms_per_accepted']} ms CPU/accepted  non-2xx {r['non_2xx']}"
            )
    print("  target: >= 10% of bare, p99 <= 50 ms")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
