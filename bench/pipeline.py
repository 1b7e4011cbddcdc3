"""Message pipeline benchmark: N messages through the API, the carrier connector, receipts and status
callbacks to a local receiver. Prints accept-only and end-to-end messages/s, each against a baseline
measured in the same run.

Carriers:
- `--carrier sandbox` (default): the built-in sandbox carrier; the baseline is the rate of `GET /healthz`
  on the same server (the stack's ceiling for one request per message).
- `--carrier smpp`: `mpaas smsc-sim` on loopback behind the SMPP connector; the baseline is a bare submit
  loop from this process to the same SMSC (see `smpp_baseline`).

Layouts (`--layout`), both on SQLite:
- `serve` (default): `mpaas serve`, one process (API, worker and gateway on one event loop, one core).
- `roles`: `mpaas api` + `mpaas worker` + `mpaas gateway` on one SQLite file (docs/deploy.md, "The same
  roles on SQLite"), as bench/scale.py's `sqlite-roles`: the layout that uses more than one core.

Messages go out `--recipients` per request (the API takes up to 100 recipients per send), from
`--concurrency` concurrent clients. Everything runs on this machine: the load generator, the server, the
SMSC simulator and the webhook receiver share its cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import (
    Api,
    Receiver,
    Server,
    cores_between,
    create_credential,
    free_port,
    log,
    proc_cpu_seconds,
)


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--messages", type=int, default=10_000)
    p.add_argument("--recipients", type=int, default=20, help="Recipients per send request (1-100).")
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--carrier", choices=("sandbox", "smpp"), default="sandbox")
    p.add_argument(
        "--layout",
        choices=("serve", "roles"),
        default="serve",
        help="`mpaas serve` in one process, or the api, worker and gateway roles as three.",
    )
    p.add_argument("--cpu", action="store_true", help="Also record the cores each process used.")
    p.add_argument("--senders", type=int, default=10)
    p.add_argument("--window", type=int, default=50, help="SMPP window (outstanding submits) for --carrier smpp.")
    p.add_argument("--timeout", type=float, default=300.0, help="Give up waiting for the pipeline after this.")
    p.add_argument("--quick", action="store_true", help="2,000 messages.")
    p.add_argument(
        "--inventory",
        type=int,
        default=1000,
        help="Numbers in the server's inventory; above 100,000 they are loaded before the server "
        "starts with bench/seed_inventory.py (e.g. 10000000 for the RSS-at-scale figure).",
    )
    a = p.parse_args(argv)
    if a.quick:
        a.messages = 2_000
    return a


async def healthz_rate(base: str, seconds: float = 3.0, concurrency: int = 8) -> float:
    count = 0
    deadline = time.perf_counter() + seconds
    async with httpx2.AsyncClient() as client:

        async def worker():
            nonlocal count
            while time.perf_counter() < deadline:
                await client.get(base + "/healthz")
                count += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / seconds


def handsets(n: int) -> list[str]:
    return [f"+1801555{1000 + i % 9000:04d}" for i in range(n)]


async def run(args, server: Server, receiver: Receiver, result: dict, cpu_probe=None) -> None:
    """`server` is a deployment (api.Server or one of bench/scale.py's). With `cpu_probe` (CPU seconds by
    process, as Server.cpu_seconds_by_process), the cores each process used while accepting and end to end
    go into the result too."""
    server.start()
    await server.wait_healthy(120)
    await asyncio.sleep(1.0)  # let start-up settle before reading the idle footprint
    result["server_peak_rss_mib_idle"] = _mib(server.peak_rss_kib())
    credential, _ = await asyncio.to_thread(create_credential, server)
    async with httpx2.AsyncClient(timeout=60, limits=httpx2.Limits(max_connections=args.concurrency + 4)) as client:
        api = Api(client, server.base, credential)
        route = (
            await api.ok(
                "/v1.0/message/routes",
                {
                    "RouteName": "Pipeline",
                    "MessageUrl": receiver.base + "/in",
                    "MessageUrlMethod": "POST",
                    "CallbackMessageUrl": receiver.base + "/cb",
                    "CallbackMessageUrlMethod": "POST",
                },
            )
        )["MessageRouteId"]
        senders = [
            (
                await api.ok(
                    "/v1.0/numbers/provision",
                    {
                        "NumberType": "mvno",
                        "MessageType": "p2p",
                        "MessageEnabled": True,
                        "VoiceEnabled": False,
                        "MessageRouteId": route,
                        "ProductType": "Sms-Only",
                    },
                )
            )["PhoneNumberAssigned"]
            for _ in range(args.senders)
        ]
        result["baseline_healthz_rps"] = round(await healthz_rate(server.base), 1)

        requests = [handsets(args.messages)[i : i + args.recipients] for i in range(0, args.messages, args.recipients)]
        queue: asyncio.Queue = asyncio.Queue()
        for i, to in enumerate(requests):
            queue.put_nowait((senders[i % len(senders)], to))
        await api.headers("/v1.0/message/outbound")
        errors = 0

        async def sender():
            nonlocal errors
            while not queue.empty():
                source, to = queue.get_nowait()
                response = await api.post(
                    "/v1.0/message/outbound",
                    {"From": source, "To": [{"Number": n} for n in to], "Body": "Pipeline benchmark message"},
                )
                errors += response.status_code != 200

        cpu_at_start = cpu_probe() if cpu_probe else None
        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(args.concurrency)))
        accepted_s = time.perf_counter() - started
        if cpu_probe:
            result["cpu_cores_accept"] = rounded(cores_between(cpu_at_start, cpu_probe(), accepted_s))
        result["accept_seconds"] = round(accepted_s, 2)
        result["accept_msgs_per_s"] = round(args.messages / accepted_s, 1)
        result["errors"] = errors

        wanted_callbacks = 2 * args.messages  # Sent and Delivered for each message
        while receiver.counts["/cb"] < wanted_callbacks and time.perf_counter() - started < args.timeout:
            await asyncio.sleep(0.1)
        total_s = time.perf_counter() - started
        if cpu_probe:
            result["cpu_cores_end_to_end"] = rounded(cores_between(cpu_at_start, cpu_probe(), total_s))
        result["end_to_end_seconds"] = round(total_s, 2)
        result["end_to_end_msgs_per_s"] = round(args.messages / total_s, 1)
        result["callbacks"] = receiver.counts["/cb"]
        result["state"] = server.pipeline_state()
        result["server_peak_rss_mib_after"] = _mib(server.peak_rss_kib())


def _mib(kib: int | None) -> float | None:
    """Peak RSS (VmHWM, summed over the deployment's processes) in MiB."""
    return round(kib / 1024, 1) if kib is not None else None


def rounded(values: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 2) for k, v in values.items()}


def start_smsc(port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mpaas.cli", "smsc-sim", "--port", str(port), "--receipt-delay", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


async def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """Until the SMSC accepts connections. (A fixed sleep is not enough on a busy machine, and the bare
    loop's clock starts before it binds: a reconnect inside it would halve the baseline.)"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"smsc-sim exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0):
                return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"smsc-sim not listening on port {port} after {timeout:.0f} s")


async def smpp_baseline(url: str, count: int) -> float:
    """A bare submit loop (the SMPP connector alone, no API, no database) to the same SMSC."""
    from mpaas.carriers.loadgen import bare_submit_loop

    result = await bare_submit_loop(url, count)
    return result.count / (result.receipt_seconds or result.submit_seconds)


def stop_process(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after 5 s; by the pid this bench started."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


PRESEED_ABOVE = 100_000  # serve's own seeding is fine for small inventories; bigger ones use the fast seeder


def default_server(data_dir: Path, port: int, inventory: int = 1000) -> Server:
    if inventory <= PRESEED_ABOVE:
        return Server(data_dir, port, inventory=inventory, receipt_delay=0.05)
    from seed_inventory import seed

    data_dir.mkdir(parents=True, exist_ok=True)
    seed(f"sqlite+aiosqlite:///{data_dir / 'mpaas.db'}", inventory)  # serve sees a full inventory, seeds nothing
    return Server(data_dir, port, inventory=0, receipt_delay=0.05)


async def main(args, make_server=default_server, record_cpu: bool = False) -> dict:
    """`make_server(data_dir, port)` builds the deployment under test (default: `mpaas serve` on SQLite).
    With `record_cpu`, the result also has the cores of every server process and of the SMSC simulator."""
    result: dict = {
        "bench": "mpaas-pipeline",
        "carrier": args.carrier,
        "messages": args.messages,
        "recipients_per_request": args.recipients,
        "concurrency": args.concurrency,
        "note": "load generator, server, SMSC simulator and receiver share this machine",
    }
    smsc = None
    with tempfile.TemporaryDirectory(prefix="mpaas-pipeline-") as tmp:
        if make_server is default_server and args.layout == "roles":
            from scale import SqliteRolesDeployment  # scale imports this module: import it late

            server = SqliteRolesDeployment(Path(tmp) / "data", free_port(), args.inventory, 0.05)
            result["layout"] = "roles"
            result["inventory"] = args.inventory
        elif make_server is default_server:
            server = default_server(Path(tmp) / "data", free_port(), args.inventory)
            result["layout"] = "serve"
            result["inventory"] = args.inventory
        else:
            server = make_server(Path(tmp) / "data", free_port())
        receiver = Receiver()
        try:
            if args.carrier == "smpp":
                port = free_port()
                smsc = start_smsc(port)
                url = f"smpp://mpaas:secret@127.0.0.1:{port}?window={args.window}&throughput=0"
                server.env["MPAAS_SMPP_URL"] = url
                await wait_for_port(port, smsc)
                result["baseline"] = "bare SMPP submit loop, submit to last receipt"
                result["baseline_msgs_per_s"] = round(await smpp_baseline(url, min(args.messages, 5000)), 1)
            await receiver.start()
            await run(args, server, receiver, result, cpu_probe=cpu_probe_of(server, smsc) if record_cpu else None)
        finally:
            await asyncio.to_thread(server.stop)
            await receiver.stop()
            if smsc is not None:
                await asyncio.to_thread(stop_process, smsc)
    if args.carrier == "sandbox":
        result["baseline"] = "GET /healthz on the same server (one request per message)"
        result["baseline_msgs_per_s"] = result["baseline_healthz_rps"]
    base = result["baseline_msgs_per_s"]
    result["accept_vs_baseline"] = round(result["accept_msgs_per_s"] / base, 3)
    result["end_to_end_vs_baseline"] = round(result["end_to_end_msgs_per_s"] / base, 3)
    return result


def cpu_probe_of(server: Server, smsc: subprocess.Popen | None):
    """The server's processes, the SMSC simulator and this bench (they share the machine, so their CPU
    matters too)."""

    def probe() -> dict[str, float]:
        cpu = server.cpu_seconds_by_process()
        smsc_cpu = proc_cpu_seconds(smsc.pid) if smsc is not None else None
        cpu = {**cpu, "smsc-sim": smsc_cpu} if smsc_cpu is not None else cpu
        return {**cpu, "bench": time.process_time()}  # this process: the load generator and the receiver

    return probe


if __name__ == "__main__":
    arguments = parse_args()
    figures = asyncio.run(main(arguments, record_cpu=arguments.cpu))
    log(
        f"{arguments.layout}, carrier {figures['carrier']}: accept-only {figures['accept_msgs_per_s']} msg/s "
        f"({figures['accept_vs_baseline']}x), end to end {figures['end_to_end_msgs_per_s']} msg/s "
        f"({figures['end_to_end_vs_baseline']}x) against {figures['baseline']} at "
        f"{figures['baseline_msgs_per_s']}/s; callbacks {figures['callbacks']}; errors {figures['errors']}"
    )
    print(json.dumps(figures))
