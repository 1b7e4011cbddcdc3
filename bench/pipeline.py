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

Filters (`--filters`, issue 19): the same run twice in one invocation, without and then with an AI Guardian
message filter on every sending number (each held by a subscriber with Guardian messages on; ACTIVE, both
directions, 50 custom keywords, every system category, BlockLinks), and `--inbound N` inbound messages to those
numbers (with `--carrier smpp` from the SMSC simulator as MO deliver_sm, through its control API; with the sandbox
carrier through the sandbox's inbound endpoint), so the filter screens both directions. Prints both end-to-end
rates, their ratio, and the filter decision's time per message (p50/p99, microseconds): guardian's `screen()` on
the run's own database, batch by batch as the submit handler calls it, after the run.

`--matrix` (issue 20): every layout of `--layouts` (default `serve,pg`: `mpaas serve` on SQLite, and `mpaas api` +
`mpaas worker` + `mpaas gateway` on PostgreSQL with Redis, bench/scale.py's PgDeployment, on a database of its own
that it drops: `--pg-url`) with every shape of `--shapes` (default 1 and 20 recipients a request), one after the
other in one invocation, SMPP carrier. Prints a table: end-to-end msg/s against the issue's target, accepted msg/s,
server CPU per message from /proc (every server process, PostgreSQL's backends included; by role, and after
acceptance alone: worker + gateway), PostgreSQL transactions per message (pg_stat_database: independent of how busy
the machine is), and the ratios between layouts and shapes; then one JSON line:

    .venv/bin/python bench/pipeline.py --matrix --messages 10000

`--profile DIR` records py-spy (raw collapsed stacks) of every server process while the messages run.

Messages go out `--recipients` per request (the API takes up to 100 recipients per send), from
`--concurrency` concurrent clients. Everything runs on this machine: the load generator, the server, the
SMSC simulator and the webhook receiver share its cores. So the sends go through one raw keep-alive
connection per client (bench/api.py LeanConnection, 0.03 ms of CPU a request); `--client httpx` sends them
with httpx as before 2026-12-04, which cost 0.5-0.6 ms a request (bench/load_client.py) taken from the server's
cores: the one-recipient rates of that date and earlier are the server's with that load beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import (
    Api,
    LeanConnection,
    Receiver,
    Server,
    cores_between,
    create_credential,
    free_port,
    log,
    pct,
    proc_cpu_seconds,
)

# The pg layout's database: dropped and created again by every run (bench/scale.py PgDeployment), so never the
# tests' `test` database nor one another bench uses.
MATRIX_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/mpaas_pipeline_bench"
# Issue 20's end-to-end targets, messages/s, by recipients per request.
TARGETS = {1: 1000.0, 20: 3000.0}
LAYOUT_LABELS = {
    "serve": "mpaas serve (SQLite)",
    "roles": "api + worker + gateway (SQLite)",
    "pg": "api + worker + gateway (PostgreSQL, Redis)",
}


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--messages", type=int, default=10_000)
    p.add_argument("--recipients", type=int, default=20, help="Recipients per send request (1-100).")
    p.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="Requests in flight: 8, or 32 with --matrix (issue 20 measured with 32 in flight).",
    )
    p.add_argument("--carrier", choices=("sandbox", "smpp"), default="sandbox")
    p.add_argument(
        "--layout",
        choices=("serve", "roles"),
        default="serve",
        help="`mpaas serve` in one process, or the api, worker and gateway roles as three.",
    )
    p.add_argument("--cpu", action="store_true", help="Also record the cores each process used.")
    p.add_argument(
        "--client",
        choices=("lean", "httpx"),
        default="lean",
        help="The load generator's sends: one raw keep-alive connection per sender (lean, about 0.03 ms of CPU "
        "a request here) or httpx (about 0.5 ms, which a two-core machine takes from the server).",
    )
    p.add_argument("--senders", type=int, default=10)
    p.add_argument("--window", type=int, default=50, help="SMPP window (outstanding submits) for --carrier smpp.")
    p.add_argument("--timeout", type=float, default=300.0, help="Give up waiting for the pipeline after this.")
    p.add_argument("--quick", action="store_true", help="2,000 messages.")
    p.add_argument(
        "--matrix",
        action="store_true",
        help="Every layout of --layouts with 1 and then 20 recipients a request (SMPP), side by side: msg/s, "
        "server CPU per message, against the issue's targets, ratios.",
    )
    p.add_argument("--layouts", default="serve,pg", help="With --matrix: of serve, roles, pg (comma-separated).")
    p.add_argument("--shapes", default="1,20", help="With --matrix: recipients per request, comma-separated.")
    p.add_argument("--pg-url", default=MATRIX_PG_URL, help="With --matrix, layout pg: a database this bench may drop.")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/0", help="With --matrix, layout pg.")
    p.add_argument(
        "--src",
        metavar="DIR",
        help="Run the server processes from this source tree (its `mpaas` package first on PYTHONPATH), e.g. "
        "`git archive <commit> src | tar -x -C /tmp/before` then `--src /tmp/before/src`: a before/after in one run "
        "of the same bench (the SMSC simulator and the load stay this tree's).",
    )
    p.add_argument("--profile", metavar="DIR", help="py-spy every server process while the messages run (raw stacks).")
    p.add_argument(
        "--callgrind",
        metavar="DIR",
        help="Run `mpaas serve` under valgrind's callgrind, counting only while the messages run, and print the "
        "server's instructions per message: slow (about 30 msg/s) but the same to about 2%% run to run, where rates "
        "and CPU time on a shared machine vary by a fifth. The counts are user-space (no kernel time).",
    )
    p.add_argument(
        "--filters",
        action="store_true",
        help="Run twice, without and with a Guardian message filter on every number; print the ratio (issue 19).",
    )
    p.add_argument("--inbound", type=int, default=0, help="Inbound messages to the senders (sandbox inbound endpoint).")
    p.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="With --filters: plain/filtered pairs, order alternating. With --matrix: every layout and shape this "
        "many times, interleaved; each row is the round with the median end-to-end rate.",
    )
    p.add_argument(
        "--inventory",
        type=int,
        default=1000,
        help="Numbers in the server's inventory; above 100,000 they are loaded before the server "
        "starts with bench/seed_inventory.py (e.g. 10000000 for the RSS-at-scale figure).",
    )
    a = p.parse_args(argv)
    if a.concurrency is None:
        a.concurrency = 32 if a.matrix else 8
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


async def run(
    args, server: Server, receiver: Receiver, result: dict, cpu_probe=None, mo_url: str | None = None
) -> None:
    """`server` is a deployment (api.Server or one of bench/scale.py's). With `cpu_probe` (CPU seconds by
    process, as Server.cpu_seconds_by_process), the cores each process used while accepting and end to end
    go into the result too. `mo_url`: the SMSC simulator's control API; inbound messages (`--inbound`) then
    come from the carrier as MO deliver_sm, as they do in production, instead of the sandbox endpoint (which
    exists only while the sandbox carrier is active)."""
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
        if getattr(args, "filters", False):  # both sides of the comparison: the same setup, filters or not
            await add_filters(api, senders, with_filter=getattr(args, "with_filters", False))
        result["baseline_healthz_rps"] = round(await healthz_rate(server.base), 1)

        requests = [handsets(args.messages)[i : i + args.recipients] for i in range(0, args.messages, args.recipients)]
        queue: asyncio.Queue = asyncio.Queue()
        inbound = getattr(args, "inbound", 0)
        every = max(1, len(requests) // inbound) if inbound else 0
        handset = handsets(max(inbound, 1))
        sent_in = 0
        for i, to in enumerate(requests):
            queue.put_nowait((senders[i % len(senders)], to))
            if every and i % every == 0 and sent_in < inbound:
                queue.put_nowait((None, (handset[sent_in], senders[sent_in % len(senders)])))
                sent_in += 1
        while sent_in < inbound:
            queue.put_nowait((None, (handset[sent_in], senders[sent_in % len(senders)])))
            sent_in += 1
        await api.headers("/v1.0/message/outbound")
        if inbound and not mo_url:
            await api.headers(INBOUND_PATH)
        errors = 0

        lean = getattr(args, "client", "lean") == "lean"
        result["load_client"] = "LeanConnection" if lean else "httpx2"
        sends = {
            path: await api.headers(path) for path in ("/v1.0/message/outbound", INBOUND_PATH) if path in api.tokens
        }

        async def sender():
            nonlocal errors
            # The sends through one keep-alive connection of its own (bench/api.py LeanConnection), unless
            # --client httpx: httpx's CPU per request was most of this process's, taken from the server's cores.
            connection = LeanConnection(server.base) if lean else None
            try:
                while not queue.empty():
                    source, to = queue.get_nowait()
                    if source is None and mo_url:  # an inbound message, from a handset through the carrier
                        response = await client.post(mo_url, json={"from": to[0], "to": to[1], "body": BODY})
                        errors += response.status_code != 200
                        continue
                    if source is None:  # the same through the sandbox carrier's inbound endpoint
                        path, body = INBOUND_PATH, {"From": to[0], "To": to[1], "Body": BODY}
                    else:
                        path = "/v1.0/message/outbound"
                        body = {"From": source, "To": [{"Number": n} for n in to], "Body": BODY}
                    if connection is None:
                        errors += (await api.post(path, body)).status_code != 200
                    else:
                        status, _ = await connection.post(path, json.dumps(body).encode(), sends[path])
                        errors += status != 200
            finally:
                if connection is not None:
                    connection.close()

        profilers = start_profilers(server, args.profile) if getattr(args, "profile", None) else []
        commits_at_start = await asyncio.to_thread(pg_commits, server)
        cpu_at_start = cpu_probe() if cpu_probe else None
        counting = getattr(args, "callgrind", None)
        if counting:
            await asyncio.to_thread(callgrind_control, server, "-i", "on")
        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(args.concurrency)))
        accepted_s = time.perf_counter() - started
        if cpu_probe:
            result["cpu_cores_accept"] = rounded(cores_between(cpu_at_start, cpu_probe(), accepted_s))
        result["accept_seconds"] = round(accepted_s, 2)
        result["accept_msgs_per_s"] = round(args.messages / accepted_s, 1)
        result["errors"] = errors

        wanted_callbacks = 2 * args.messages  # Sent and Delivered for each message
        while (
            receiver.counts["/cb"] < wanted_callbacks or receiver.counts["/in"] < inbound
        ) and time.perf_counter() - started < args.timeout:
            await asyncio.sleep(0.1)
        probed_s = time.perf_counter() - started
        if counting:
            await asyncio.to_thread(callgrind_control, server, "-i", "off")
            result["server_instructions_per_msg"] = round(
                await asyncio.to_thread(callgrind_total, server) / args.messages
            )
        arrived = receiver.counts["/cb"] >= wanted_callbacks and receiver.counts["/in"] >= inbound
        # To the last callback's arrival, not to the poll that saw it: polling every 0.1 s added 0-100 ms to a
        # run that lasts 0.7 s with 2,000 messages.
        paths = ("/cb", "/in") if inbound else ("/cb",)
        total_s = max(receiver.last_at[p] for p in paths) - started if arrived else probed_s
        stop_profilers(profilers)
        commits = await asyncio.to_thread(pg_commits, server)
        if commits is not None and commits_at_start is not None:
            # Machine-independent, unlike rates and CPU on a shared machine: what batching saves shows here.
            result["pg_transactions_per_msg"] = round((commits - commits_at_start) / args.messages, 3)
        if cpu_probe:
            # CPU counted until the probe, so cores over that time; CPU per message from cores * cpu_seconds_window.
            result["cpu_cores_end_to_end"] = rounded(cores_between(cpu_at_start, cpu_probe(), probed_s))
            result["cpu_seconds_window"] = round(probed_s, 3)
        result["end_to_end_seconds"] = round(total_s, 3)
        result["end_to_end_msgs_per_s"] = round((args.messages + inbound) / total_s, 1)
        result["callbacks"] = receiver.counts["/cb"]
        result["inbound"] = inbound
        result["inbound_posted"] = receiver.counts["/in"]
        result["state"] = server.pipeline_state()
        result["server_peak_rss_mib_after"] = _mib(server.peak_rss_kib())
        if getattr(args, "with_filters", False) and hasattr(server, "data_dir"):
            result["filter_decision_us"] = await decision_times(
                server.data_dir / "mpaas.db", senders, handsets(args.messages), args.recipients, handset[:inbound]
            )


BODY = "Pipeline benchmark message"
INBOUND_PATH = "/sandbox/v1/inbound"
# 50 custom keywords (none in BODY), as a parent might list them.
CUSTOM_KEYWORDS = [
    "banned",
    "inappropriate",
    "secret",
    "meetup",
    "alone",
    "address",
    "password",
    "webcam",
    "selfie",
    "gift",
    "vape",
    "party",
    "skip",
    "cash",
    "venmo",
    "snapchat",
    "hotel",
    "ride",
    "dare",
    "bet",
    "casino",
    "lottery",
    "crypto",
    "bitcoin",
    "prize",
    "winner",
    "loan",
    "debt",
    "pills",
    "pharmacy",
    "knife",
    "fight",
    "hate",
    "stupid",
    "loser",
    "ugly",
    "fat",
    "dumb",
    "idiot",
    "shut up",
    "dont tell",
    "our secret",
    "come over",
    "sneak out",
    "home alone",
    "send pics",
    "how old",
    "where do you live",
    "meet me",
    "delete this",
]
SYSTEM_CATEGORIES = ["Profanity", "Violence", "SelfHarm", "Drugs", "Sexual", "Scam"]


def keyword_filter() -> str:
    return json.dumps(
        {
            "CustomKeywords": CUSTOM_KEYWORDS,
            "SystemKeywords": {category: [] for category in SYSTEM_CATEGORIES},
            "SeverityMap": {"banned": "HIGH", "inappropriate": "MEDIUM"},
        }
    )


async def add_filters(api: Api, numbers: list[str], *, with_filter: bool = True) -> None:
    """Each number held by its own subscriber, Guardian messages on, and (`with_filter`) an ACTIVE message
    filter on it. The run without filters makes the same subscribers and turns Guardian on too, so that the two
    runs differ by the filters alone."""
    for i, number in enumerate(numbers):
        subscriber = (
            await api.ok(
                "/v1.0/subscribers/create",
                {
                    "Name": f"Bench {i}",
                    "Email": f"bench{i}-{number[1:]}@example.com",
                    "PhoneNumbers": [number],
                    "Role": "Subscriber",
                    "Password": "bench-password",
                },
            )
        )["SubscriberId"]
        await api.ok(
            "/v1.0/subscribers/guardian-features",
            {
                "SubscriberId": subscriber,
                "EnableIntelligentGuardianMessages": True,
                "EnableIntelligentGuardianCalls": False,
            },
        )
        if not with_filter:
            continue
        await api.ok(
            "/v1.0/subscribers/message-filter",
            {
                "SubscriberId": subscriber,
                "Phone": number,
                "FilterMode": "ACTIVE",
                "KeywordFilter": keyword_filter(),
                "NotificationPhones": ["+18015550123"],
                "ApplyToOutbound": True,
                "ApplyToInbound": True,
                "BlockLinks": True,
            },
        )


async def decision_times(
    db_path: Path, senders: list[str], to: list[str], per_batch: int, inbound_from: list[str]
) -> dict[str, float | int | None]:
    """The filter decision per message (microseconds): guardian.message_screening.screen on the run's database,
    over the run's messages in batches of `per_batch` (outbound: each send's recipients, as the submit handler
    screens a claimed batch; inbound: one message per call, as receive_inbound does). Cold: the first batch of
    each number compiles its filter; the figures are the warm ones, as the pipeline runs once its filters are
    cached (the cold ones are printed too)."""
    from mpaas.core.db.database import Database
    from mpaas.guardian import message_screening as screening

    db = Database(f"sqlite+aiosqlite:///{db_path}")  # its sessions, as the pipeline's, know their Database
    screening.clear_cache()
    screening.timings.enabled = True
    screening.timings.per_message_us.clear()
    outbound = [
        [
            screening.Item(f"o{i}-{j}", screening.OUTBOUND, senders[i % len(senders)], n, BODY)
            for j, n in enumerate(to[k : k + per_batch])
        ]
        for i, k in enumerate(range(0, len(to), per_batch))
    ]
    inbound = [
        [screening.Item(f"i{i}", screening.INBOUND, senders[i % len(senders)], n, BODY)]
        for i, n in enumerate(inbound_from)
    ]
    caught = 0
    try:
        async with db.quick_read() as session:  # the submit handler's kind of session
            for batch in outbound[: len(senders)]:  # cold: compiles
                await screening.screen(session, batch)
            cold = sorted(screening.timings.per_message_us)
            screening.timings.per_message_us.clear()
            for batch in outbound:
                caught += len(await screening.screen(session, batch))
            out_us = sorted(screening.timings.per_message_us)
            screening.timings.per_message_us.clear()
            for batch in inbound:
                caught += len(await screening.screen(session, batch))
            in_us = sorted(screening.timings.per_message_us)
    finally:
        screening.timings.enabled = False
        await db.dispose()
    # The check alone (no read): a compiled filter's rules over each message, as screen() runs them (every
    # number's filter is the same here, so one stands for all).
    filters = list(screening._cache.values())
    checks = []
    if filters:
        for batch in outbound + inbound:
            for item in batch:
                started = time.perf_counter()
                filters[0].check(item)
                checks.append((time.perf_counter() - started) * 1e6)
    checks.sort()

    def figures(values: list[float]) -> dict[str, float | int | None]:
        return {
            "messages": len(values),
            "p50": round(pct(values, 0.50) or 0, 1),
            "p99": round(pct(values, 0.99) or 0, 1),
            "max": round(values[-1], 1) if values else None,
        }

    every = sorted(out_us + in_us)
    return {
        **figures(every),
        "caught": caught,
        "outbound_batched": figures(out_us),
        "inbound_one_by_one": figures(in_us),
        "check_only": figures(checks),
        "cold_first_batches": figures(cold),
    }


def pg_commits(server) -> int | None:
    """Committed transactions of a PostgreSQL deployment's database so far (pg_stat_database); None on SQLite."""
    url = getattr(server, "pg_url", "")
    if not url.startswith("postgresql"):
        return None
    import psycopg
    from scale import libpq_url, pg_database_name

    with psycopg.connect(libpq_url(url, "postgres"), autocommit=True, connect_timeout=5) as con:
        con.execute("SELECT pg_stat_clear_snapshot()")
        row = con.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = %s", (pg_database_name(url),))
        found = row.fetchone()
    return int(found[0]) if found else None


def server_pids(server) -> dict[str, int]:
    """The deployment's mpaas processes by role (`serve`, or `api`, `worker`, `gateway`)."""
    if hasattr(server, "roles"):
        return {role.role: role.proc.pid for role in server.roles if role.proc is not None}
    return {"serve": server.pid}


def callgrind_control(server, *flags: str) -> None:
    subprocess.run(["callgrind_control", *flags, str(server.pid)], check=True, capture_output=True, timeout=120)


def callgrind_total(server) -> int:
    """The instructions callgrind counted in the server since `-i on` (a dump now, read back)."""
    callgrind_control(server, "-d")
    directory = Path(server.wrap[-1].split("=", 1)[1]).parent
    dumps = sorted(directory.glob(f"serve.{server.pid}.*"), key=lambda path: path.stat().st_mtime)
    for line in dumps[-1].read_text().splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1])
    raise RuntimeError(f"no totals in {dumps[-1]}")


def start_profilers(server, directory: str) -> list[tuple[subprocess.Popen, Path]]:
    """py-spy (from this interpreter's environment or PATH) on every server process from the start of the
    accept phase to the last callback; raw collapsed stacks, one file per process, in `directory`."""
    spy = Path(sys.executable).with_name("py-spy")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    started = []
    for role, pid in server_pids(server).items():
        target = out / f"{role}-{pid}.txt"
        command = [str(spy) if spy.exists() else "py-spy", "record", "--pid", str(pid), "--rate", "250"]
        command += ["--format", "raw", "--nonblocking", "--output", str(target)]
        started.append((subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), target))
    return started


def stop_profilers(profilers: list[tuple[subprocess.Popen, Path]]) -> None:
    for proc, target in profilers:
        proc.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log(f"profile: {target}")


def _mib(kib: int | None) -> float | None:
    """Peak RSS (VmHWM, summed over the deployment's processes) in MiB."""
    return round(kib / 1024, 1) if kib is not None else None


def rounded(values: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 2) for k, v in values.items()}


def start_smsc(port: int, control_port: int | None = None) -> subprocess.Popen:
    control = ["--control-port", str(control_port)] if control_port else []
    return subprocess.Popen(
        [sys.executable, "-m", "mpaas.cli", "smsc-sim", "--port", str(port), "--receipt-delay", "0", *control],
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
    smsc = mo_url = None
    # Listening before any port is chosen for the others: it binds one of the OS's choosing, which could
    # otherwise be the port free_port() named for the server, not yet bound (a filters round met it there).
    receiver = Receiver()
    await receiver.start()
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
        if getattr(args, "src", None):
            server.env["PYTHONPATH"] = str(Path(args.src).resolve())
        if getattr(args, "callgrind", None):
            out = Path(args.callgrind).resolve()
            out.mkdir(parents=True, exist_ok=True)
            server.wrap = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}/serve.%p"]
        try:
            if args.carrier == "smpp":
                port = free_port()
                control = free_port()
                smsc = start_smsc(port, control)
                mo_url = f"http://127.0.0.1:{control}/mo"
                url = f"smpp://mpaas:secret@127.0.0.1:{port}?window={args.window}&throughput=0"
                server.env["MPAAS_SMPP_URL"] = url
                await wait_for_port(port, smsc)
                result["baseline"] = "bare SMPP submit loop, submit to last receipt"
                result["baseline_msgs_per_s"] = round(await smpp_baseline(url, min(args.messages, 5000)), 1)
            probe = cpu_probe_of(server, smsc) if record_cpu else None
            await run(args, server, receiver, result, cpu_probe=probe, mo_url=mo_url)
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


def server_cpu_ms_per_msg(figures: dict) -> dict[str, float]:
    """CPU milliseconds per message end to end, by role (`postgres` sums the database's backends), and `total`
    (every server process; not the SMSC simulator nor this bench)."""
    by_role: dict[str, float] = {}
    for label, cores in figures.get("cpu_cores_end_to_end", {}).items():
        role = label.split(":")[0]
        if role in ("smsc-sim", "bench"):
            continue
        window = figures.get("cpu_seconds_window", figures["end_to_end_seconds"])
        by_role[role] = by_role.get(role, 0.0) + 1000 * cores * window / figures["messages"]
    by_role["total"] = sum(by_role.values())
    if "worker" in by_role or "gateway" in by_role:  # after acceptance: the worker and the gateway alone
        by_role["after_accept"] = by_role.get("worker", 0.0) + by_role.get("gateway", 0.0)
    return {k: round(v, 3) for k, v in by_role.items()}


def matrix_server(layout: str, args):
    """(data_dir, port) -> the deployment of `layout`, not started."""
    import scale  # scale imports this module: import it late

    if layout == "serve":
        return lambda data_dir, port: default_server(data_dir, port, args.inventory)
    if layout == "roles":
        return lambda data_dir, port: scale.SqliteRolesDeployment(data_dir, port, args.inventory, 0.05)
    return lambda data_dir, port: scale.PgDeployment(
        data_dir, port, args.inventory, 0.05, pg_url=args.pg_url, redis_url=args.redis_url, api_workers=1
    )


async def run_matrix(args) -> dict:
    """Each layout with each request shape, one after the other in this invocation (the same machine, the
    same load around it), so that the ratios between them are fair; with `--rounds N`, the whole sequence N
    times (interleaved: a machine growing busier weighs on every row alike), each row the median round."""
    layouts = [name.strip() for name in args.layouts.split(",") if name.strip()]
    shapes = [int(n) for n in args.shapes.split(",") if n.strip()]
    args.carrier = "smpp"
    rounds: dict[str, dict[int, list[dict]]] = {}
    for r in range(max(1, args.rounds)):
        for layout in layouts:
            for recipients in shapes:
                args.recipients = recipients
                figures = await _matrix_run(args, layout, recipients, r)
                rounds.setdefault(layout, {}).setdefault(recipients, []).append(figures)
    runs = {layout: {n: _median_round(tries) for n, tries in by_shape.items()} for layout, by_shape in rounds.items()}
    return {
        "bench": "mpaas-pipeline-matrix",
        "messages": args.messages,
        "concurrency": args.concurrency,
        "rounds": max(1, args.rounds),
        "runs": runs,
        "ratios": matrix_ratios(runs),
    }


async def _matrix_run(args, layout: str, recipients: int, round_index: int) -> dict:
    try:
        figures = await main(args, make_server=matrix_server(layout, args), record_cpu=True)
    except Exception as exc:  # one layout failing (no PostgreSQL) still reports the others
        log(f"{layout}, {recipients}/request: FAILED: {type(exc).__name__}: {exc}")
        figures = {"error": f"{type(exc).__name__}: {exc}"}
    figures["layout"] = layout
    if "error" not in figures:
        figures["server_cpu_ms_per_msg"] = server_cpu_ms_per_msg(figures)
        target = TARGETS.get(recipients)
        figures["target_msgs_per_s"] = target
        figures["vs_target"] = round(figures["end_to_end_msgs_per_s"] / target, 3) if target else None
        log(
            f"round {round_index + 1}, {layout}, {recipients}/request: end to end "
            f"{figures['end_to_end_msgs_per_s']} msg/s (accepted {figures['accept_msgs_per_s']}), "
            f"server CPU {figures['server_cpu_ms_per_msg']} ms/msg"
        )
    return figures


def _median_round(tries: list[dict]) -> dict:
    """The round with the median end-to-end rate (the lower middle of an even count), with every round's rate
    and CPU per message beside it; a failed round only when all failed."""
    ok = sorted((f for f in tries if "error" not in f), key=lambda f: f["end_to_end_msgs_per_s"])
    if not ok:
        return tries[0]
    chosen = dict(ok[(len(ok) - 1) // 2])
    chosen["rounds_end_to_end_msgs_per_s"] = [f.get("end_to_end_msgs_per_s") for f in tries]
    chosen["rounds_server_cpu_ms_per_msg"] = [f.get("server_cpu_ms_per_msg", {}).get("total") for f in tries]
    return chosen


def matrix_ratios(runs: dict[str, dict[int, dict]]) -> dict[str, float]:
    """End-to-end rate and CPU per message of every layout against `serve`, shape by shape, and of every shape
    against the first, layout by layout."""
    ratios: dict[str, float] = {}

    def ok(f: dict | None) -> bool:
        return bool(f) and "error" not in f

    base = runs.get("serve", {})
    for layout, shapes in runs.items():
        first = next(iter(shapes.values()), None)
        for recipients, f in shapes.items():
            b = base.get(recipients)
            if layout != "serve" and ok(f) and ok(b):
                ratios[f"{layout}/serve rate, {recipients}/request"] = round(
                    f["end_to_end_msgs_per_s"] / b["end_to_end_msgs_per_s"], 3
                )
                ratios[f"{layout}/serve CPU per message, {recipients}/request"] = round(
                    f["server_cpu_ms_per_msg"]["total"] / b["server_cpu_ms_per_msg"]["total"], 3
                )
            if f is not first and ok(f) and ok(first):
                ratios[f"{layout}: rate {recipients}/request vs {first['recipients_per_request']}/request"] = round(
                    f["end_to_end_msgs_per_s"] / first["end_to_end_msgs_per_s"], 3
                )
    return ratios


def print_matrix(summary: dict) -> None:
    """One row per layout and shape, to stderr (the JSON line goes to stdout)."""
    head = f"{'layout':<44} {'rcpt':>4} {'e2e msg/s':>10} {'target':>7} {'vs':>6} {'accepted':>9} {'CPU ms/msg':>10}  by role"
    lines = [f"{summary['concurrency']} requests in flight, {summary['rounds']} round(s)", head, "-" * len(head)]
    for layout, shapes in summary["runs"].items():
        for recipients, f in shapes.items():
            label = LAYOUT_LABELS.get(layout, layout)
            if "error" in f:
                lines.append(f"{label:<44} {recipients:>4} FAILED: {f['error'][:80]}")
                continue
            cpu = f["server_cpu_ms_per_msg"]
            roles = ", ".join(f"{k} {v:.3f}" for k, v in cpu.items() if k != "total")
            if "pg_transactions_per_msg" in f:
                roles += f"; PostgreSQL transactions/msg {f['pg_transactions_per_msg']}"
            if len(f.get("rounds_end_to_end_msgs_per_s", ())) > 1:
                roles += "; rounds " + " / ".join(f"{r or 0:,.0f}" for r in f["rounds_end_to_end_msgs_per_s"])
            lines.append(
                f"{label:<44} {recipients:>4} {f['end_to_end_msgs_per_s']:>10,.1f} {f['target_msgs_per_s'] or 0:>7,.0f} "
                f"{f['vs_target'] or 0:>6.2f} {f['accept_msgs_per_s']:>9,.1f} {cpu['total']:>10.3f}  {roles}"
            )
    lines += [f"{k}: {v}" for k, v in summary["ratios"].items()]
    print("\n".join(lines), file=sys.stderr, flush=True)


async def compare_filters(args) -> dict:
    """The same run without and with filters, `--rounds` pairs, the order alternating (plain first, then
    filtered first, ...) so that a machine growing busier does not favour one side."""
    runs: dict[str, list[dict]] = {"plain": [], "filters": []}
    for r in range(args.rounds):
        order = ("plain", "filters") if r % 2 == 0 else ("filters", "plain")
        for kind in order:
            args.with_filters = kind == "filters"
            figures = await main(args, record_cpu=True)
            cores = figures.get("cpu_cores_end_to_end", {})
            server_cores = sum(v for k, v in cores.items() if k not in ("bench", "smsc-sim"))
            # The server's CPU per message: less exposed than the rate to what else the machine runs.
            figures["server_cpu_ms_per_msg"] = round(
                1000 * server_cores * figures["cpu_seconds_window"] / (figures["messages"] + figures["inbound"]), 3
            )
            runs[kind].append(figures)
            log(
                f"{kind}: end to end {figures['end_to_end_msgs_per_s']} msg/s ({figures['messages']} out + "
                f"{figures['inbound']} in), callbacks {figures['callbacks']}, inbound posted "
                f"{figures['inbound_posted']}, errors {figures['errors']}, server CPU "
                f"{figures['server_cpu_ms_per_msg']} ms/msg"
            )
    plain = statistics.median(f["end_to_end_msgs_per_s"] for f in runs["plain"])
    filtered = statistics.median(f["end_to_end_msgs_per_s"] for f in runs["filters"])
    # Each round's pair ran back to back: its ratio is the least exposed to the machine's load changing.
    pairs = [
        round(f["end_to_end_msgs_per_s"] / p["end_to_end_msgs_per_s"], 3)
        for p, f in zip(runs["plain"], runs["filters"], strict=True)
    ]
    decision = runs["filters"][-1].get("filter_decision_us", {})
    cpu_plain = statistics.median(f["server_cpu_ms_per_msg"] for f in runs["plain"])
    cpu_filters = statistics.median(f["server_cpu_ms_per_msg"] for f in runs["filters"])
    return {
        "bench": "mpaas-pipeline-filters",
        "rounds": args.rounds,
        "plain_end_to_end_msgs_per_s": plain,
        "filters_end_to_end_msgs_per_s": filtered,
        "filters_vs_plain": round(filtered / plain, 3),
        "filters_vs_plain_by_round": pairs,
        "filters_vs_plain_median_of_rounds": statistics.median(pairs),
        "server_cpu_ms_per_msg_plain": cpu_plain,
        "server_cpu_ms_per_msg_filters": cpu_filters,
        "server_cpu_filters_vs_plain": round(cpu_filters / cpu_plain, 3) if cpu_plain else None,
        "filter_decision_us": decision,
        "runs": runs,
    }


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.matrix:
        summary = asyncio.run(run_matrix(arguments))
        print_matrix(summary)
        print(json.dumps(summary))
        sys.exit(0)
    if arguments.filters:
        summary = asyncio.run(compare_filters(arguments))
        d = summary["filter_decision_us"]
        log(
            f"filters: end to end {summary['filters_end_to_end_msgs_per_s']} msg/s with a filter on every number vs "
            f"{summary['plain_end_to_end_msgs_per_s']} msg/s without (medians, {summary['filters_vs_plain']}x; by "
            f"round {summary['filters_vs_plain_by_round']}); server CPU per message "
            f"{summary['server_cpu_ms_per_msg_filters']} vs {summary['server_cpu_ms_per_msg_plain']} ms; filter "
            f"decision per message p50 {d.get('p50')} us, p99 {d.get('p99')} us over {d.get('messages')} messages"
        )
        print(json.dumps(summary))
        sys.exit(0)
    figures = asyncio.run(main(arguments, record_cpu=arguments.cpu))
    log(
        f"{arguments.layout}, carrier {figures['carrier']}: accept-only {figures['accept_msgs_per_s']} msg/s "
        f"({figures['accept_vs_baseline']}x), end to end {figures['end_to_end_msgs_per_s']} msg/s "
        f"({figures['end_to_end_vs_baseline']}x) against {figures['baseline']} at "
        f"{figures['baseline_msgs_per_s']}/s; callbacks {figures['callbacks']}; errors {figures['errors']}"
    )
    if "server_instructions_per_msg" in figures:
        log(f"server instructions per message (callgrind, user space): {figures['server_instructions_per_msg']:,}")
    print(json.dumps(figures))
