#!/usr/bin/env python
"""Calls per second and call setup latency through Kamailio + mpaas (the routing decision, call records and call
events all on) against the same Kamailio relaying the same calls by a static rule, in the same run (issue 18:
goal >= 50% of the static rate with zero failed calls).

    make voice-deps                                       # Kamailio and sipp, once
    .venv/bin/python bench/voice.py                       # rates 25,50,100,200 calls/s, 10 s each
    .venv/bin/python bench/voice.py --rates 50,100 --seconds 5
    .venv/bin/python bench/voice.py --restart             # mpaas stopped and started again mid-run
    .venv/bin/python bench/voice.py --api-processes 2     # mpaas as `mpaas api --workers 2` (SO_REUSEPORT)
    .venv/bin/python bench/voice.py --async-workers 8     # Kamailio's async workers (route queries), default 2 per SIP worker
    .venv/bin/python bench/voice.py --events-process      # call events to a second mpaas process on the same database
    .venv/bin/python bench/voice.py --api-processes 2 --database-url postgresql+psycopg://postgres@127.0.0.1/mpaas_voice_bench

One process runs mpaas (this app under uvicorn on loopback, SQLite in a fresh data dir, no job workers) and two
Kamailio instances under mpaas's supervisor (the same rendered configuration; one with its INVITE route replaced by
a static relay, `KamailioParams.static_target`); sipp is the carrier (UAC, new Call-ID per call, the called number
taken in turn from the account's `--numbers` voice numbers) and one sipp UAS is the customer trunk for both (180,
200, then the BYE). Per rate, static first, then mpaas: `rate x seconds` calls. A configuration stops climbing at
its first rate with a failed call. A call is failed when sipp's scenario did not run to its end (any reply but
the 200, or no reply). Setup latency: INVITE sent to 200 received, at the carrier (sipp's rtd). The decision's
time is mpaas's own: an ASGI wrapper timing each POST /sip/v1/route from request to response start (the
commit included). After the mpaas runs: every call made has exactly one call record, completed (checked in the
database once Kamailio's event batches have arrived). The `cpu ms` column: CPU of mpaas's process(es) per call
offered in that run (decision, events, HTTP; in process it includes the bench's own small bookkeeping).

`--api-processes N`: mpaas runs as `mpaas api --workers N` does (roles/api_processes.py: a SO_REUSEPORT socket per
process, so the kernel spreads Kamailio's kept-open http_client connections, one per async worker and one for the
events process, over them), each process timing its decisions into a file. On SQLite the processes share one
writer (the file lock); `--database-url` runs them on PostgreSQL (the URL's database is dropped, created, and
dropped at the end; never `test` or `postgres`).

`--events-process`: Kamailio POSTs its call events to a second mpaas process (`mpaas api` on another port, the same
database; KamailioParams.events_url) while route queries go to the first, so an event batch never holds the process
that decides (on SQLite the two still share the one writer, the file lock). Its CPU is counted in `cpu ms`.

`--restart`: one mpaas run at `--restart-rate` for `--seconds`; after a third of it uvicorn is stopped for
`--down` seconds and started again on the same port. Calls that arrive meanwhile get 503 with Retry-After
(sipp counts them apart); the check is the same: one record per call, each final.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import dataclasses
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx2
import uvicorn
from sqlalchemy import func, select
from voice_route import free_port, percentiles, setup

from mpaas.app import api_only_app, create_app
from mpaas.config import Settings
from mpaas.core.db import migrate
from mpaas.models.calls import Call
from mpaas.roles.platform import Platform
from mpaas.voice.kamailio import ASYNC_WORKERS_PER_CHILD
from mpaas.voice.supervisor import KamailioSupervisor

SECRET = "bench-sip-secret"
ROOT = Path(__file__).resolve().parents[1]

# The carrier's call: INVITE to the number in the injection file's row, answered, ACK and BYE along the
# Record-Route. A 503 (mpaas not answering Kamailio) is acknowledged and logged: the call ends there.
UAC_SCENARIO = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="bench call">
  <send retrans="500">
    <![CDATA[
      INVITE sip:[field0]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:18015550100@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field0]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: sip:18015550100@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0
      a=rtpmap:0 PCMU/8000

    ]]>
  </send>
  <recv response="100" optional="true" />
  <recv response="180" optional="true" />
  <recv response="183" optional="true" />
  <recv response="503" optional="true" next="refused" />
  <recv response="200" rtd="true" rrs="true" />
  <send>
    <![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:18015550100@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field0]@[remote_ip]:[remote_port]>[peer_tag_param]
      [routes]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Contact: sip:18015550100@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <!-- the call lasts 100 ms; a 180 that arrives after the 200 (the proxy's workers relay replies in
       parallel) is ignored, as a UA's transaction layer does, instead of aborting the call -->
  <label id="talk" />
  <recv response="180" timeout="100" ontimeout="bye" next="talk" />
  <label id="bye" />
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:18015550100@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field0]@[remote_ip]:[remote_port]>[peer_tag_param]
      [routes]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Contact: sip:18015550100@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" crlf="true" next="done" />
  <label id="refused" />
  <send>
    <![CDATA[
      ACK sip:[field0]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:18015550100@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field0]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <nop><action><log message="refused [call_id]" /></action></nop>
  <label id="done" />
</scenario>
"""


UAS_SCENARIO = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<!-- The customer trunk: 180, 200 (copying the Record-Route), the ACK, the BYE. An INVITE retransmitted to it
     after its 200 (the proxy had not seen the 200 yet) gets the 200 again, as RFC 3261's UAS does; sipp's
     scenario would otherwise abort the call and leave its BYE unanswered (408). -->
<scenario name="trunk answering">
  <recv request="INVITE" crlf="true" />
  <send>
    <![CDATA[
      SIP/2.0 180 Ringing
      [last_Via:]
      [last_Record-Route:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]>
  </send>
  <label id="answer" />
  <send retrans="500">
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_Record-Route:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0
      a=rtpmap:0 PCMU/8000

    ]]>
  </send>
  <recv request="INVITE" optional="true" next="answer" />
  <recv request="ACK" crlf="true" />
  <recv request="BYE" />
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]>
  </send>
</scenario>
"""


class RouteTimer:
    """ASGI wrapper: the time of each POST /sip/v1/route, from the request to the response's start. In an API
    process of its own (`--api-processes`) each sample is also written, one line each, to `out`."""

    def __init__(self, app, out: Path | None = None) -> None:
        self.app = app
        self.samples: list[float] = []
        self.out = out.open("a", buffering=1) if out is not None else None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] != "/sip/v1/route":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def timed(message) -> None:
            if message["type"] == "http.response.start":
                elapsed = time.perf_counter() - start
                self.samples.append(elapsed)
                if self.out is not None:
                    self.out.write(f"{elapsed:.6f}\n")
            await send(message)

        await self.app(scope, receive, timed)


class Api:
    """The app under uvicorn on a fixed loopback port, stoppable and startable again (--restart)."""

    def __init__(self, app, port: int) -> None:
        self.app, self.port = app, port
        self.server: uvicorn.Server | None = None
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        assert self.server and self.task
        self.server.should_exit = True
        await self.task


# Seconds the API processes have to start (each imports mpaas anew; slow on a loaded machine).
START_TIMEOUT_SECONDS = 240
# The environment variable naming the directory where the API processes write their decision times.
ROUTE_TIMES_ENV = "MPAAS_BENCH_ROUTE_TIMES"


def timed_app():
    """uvicorn factory of the API processes (`--api-processes`): `mpaas api`'s app, settings from the
    environment, its decisions timed into $MPAAS_BENCH_ROUTE_TIMES/<pid>.txt."""
    return RouteTimer(api_only_app(), Path(os.environ[ROUTE_TIMES_ENV]) / f"{os.getpid()}.txt")


class ApiProcesses:
    """`mpaas api --workers N` in a subprocess (roles/api_processes.py: one SO_REUSEPORT socket per process, so the
    kernel spreads Kamailio's kept-open connections over them), each process's app wrapped in RouteTimer."""

    def __init__(self, settings: Settings, port: int, processes: int, times_dir: Path) -> None:
        self.port, self.processes, self.times_dir = port, processes, times_dir
        times_dir.mkdir(parents=True, exist_ok=True)
        self.env = os.environ | {
            "MPAAS_DATA_DIR": str(settings.data_dir),
            "MPAAS_SEED_INVENTORY_COUNT": "0",
            "MPAAS_RATE_LIMIT_PER_MINUTE": "0",
            "MPAAS_EGRESS_ALLOW": "loopback",
            "MPAAS_SIP_SHARED_SECRET": SECRET,
            ROUTE_TIMES_ENV: str(times_dir),
        }
        if settings.database_url:
            self.env["MPAAS_DATABASE_URL"] = settings.database_url
        self.proc: subprocess.Popen | None = None
        self.log = (times_dir.parent / "api.log").open("ab")

    async def start(self) -> None:
        argv = [sys.executable, __file__, "--serve-api", str(self.port), "--api-processes", str(self.processes)]
        self.proc = subprocess.Popen(argv, env=self.env, stdout=self.log, stderr=self.log, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        async with httpx2.AsyncClient(base_url=f"http://127.0.0.1:{self.port}", timeout=2) as client:
            while True:
                if self.proc.poll() is not None:
                    raise SystemExit(f"the API processes exited ({self.proc.returncode}); see {self.log.name}")
                try:
                    # every process answers before the run starts: as many healthy answers as processes, in a row
                    if all([(await client.get("/healthz")).status_code == 200 for _ in range(self.processes * 4)]):
                        return
                except httpx2.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(
                        f"the API processes did not answer in {START_TIMEOUT_SECONDS} s; see {self.log.name}"
                    )
                await asyncio.sleep(0.2)

    async def stop(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGTERM)
        await asyncio.to_thread(self.proc.wait)

    def samples(self) -> list[float]:
        return [float(line) for path in self.times_dir.glob("*.txt") for line in path.read_text().split()]

    def cpu_seconds(self) -> float:
        """CPU (user + system) of the API processes so far, from /proc (children included once they exited)."""
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                raw = stat.read_text()
                fields = raw[raw.rindex(")") + 2 :].split()
                if int(fields[3]) == self.proc.pid or int(stat.parent.name) == self.proc.pid:  # pgrp
                    total += (int(fields[11]) + int(fields[12])) / tick
            except (OSError, ValueError, AttributeError):
                continue
        return total


def serve_api(port: int, processes: int) -> None:
    """--serve-api: what `mpaas api --workers N` runs, with this module's timed app."""
    from mpaas.core.http.nodelay import HTTP_PROTOCOL
    from mpaas.roles import api_processes

    options = dict(factory=True, http=HTTP_PROTOCOL, log_level="warning", access_log=False)
    sys.exit(api_processes.serve("voice:timed_app", "127.0.0.1", port, processes, **options))


@dataclasses.dataclass
class Run:
    config: str
    rate: int
    calls: int
    successful: int
    failed: int
    refused: int
    wall_s: float
    setup_ms: dict
    failures: dict
    api_cpu_ms_per_call: float | None = None  # CPU of mpaas's process(es) per call offered (mpaas runs)

    @property
    def calls_per_s(self) -> float:
        return round(self.successful / self.wall_s, 1) if self.wall_s else 0.0

    @property
    def clean(self) -> bool:
        return self.failed == 0 and self.refused == 0 and self.successful == self.calls


async def sipp_uac(target: int, rate: int, calls: int, numbers_file: Path, cwd: Path, name: str) -> Run:
    """One sipp UAC run; its counts from sipp's statistics file, setup latency from its rtt file."""
    work = cwd / name
    work.mkdir()
    scenario = work / "bench_uac.xml"
    scenario.write_text(UAC_SCENARIO)
    args = ["sipp", f"127.0.0.1:{target}", "-sf", str(scenario), "-inf", str(numbers_file)]
    args += ["-i", "127.0.0.1", "-p", str(free_udp_port()), "-r", str(rate), "-rp", "1000", "-m", str(calls)]
    args += ["-l", str(max(100, rate * 10)), "-nostdin", "-recv_timeout", "15000", "-timeout", "600s"]
    args += ["-trace_stat", "-fd", "3600", "-trace_rtt", "-rtt_freq", "1", "-trace_err", "-trace_logs"]
    began = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        *args, cwd=work, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    await proc.wait()
    wall = time.perf_counter() - began
    stats = _last_stat_row(work)
    rtts = [float(row[1]) / 1000 for row in _rtt_rows(work)]
    refused = sum(1 for p in work.glob("*_logs.log") for line in p.read_text().splitlines() if "refused" in line)
    failures: dict[str, int] = {}
    for p in work.glob("*_errors.log"):
        for line in p.read_text(errors="replace").splitlines():
            if line.startswith("SIP/2.0 "):
                code = line.split()[1]
                failures[code] = failures.get(code, 0) + 1
            elif "timeout" in line.lower() and "aborting" in line.lower():
                failures["timeout"] = failures.get("timeout", 0) + 1
    successful = int(stats.get("SuccessfulCall(C)", 0)) - refused
    return Run(
        config=name.split("-")[0],
        rate=rate,
        calls=calls,
        successful=successful,
        failed=int(stats.get("FailedCall(C)", 0)),
        refused=refused,
        wall_s=round(wall, 2),
        setup_ms=percentiles(rtts) if rtts else {},
        failures=failures,
    )


def _last_stat_row(work: Path) -> dict:
    for path in work.glob("*_.csv"):
        rows = list(csv.reader(path.read_text().splitlines(), delimiter=";"))
        if len(rows) >= 2:
            return dict(zip(rows[0], rows[-1], strict=False))
    return {}


def _rtt_rows(work: Path) -> list[list[str]]:
    rows: list[list[str]] = []
    for path in work.glob("*_rtt.csv"):
        for row in csv.reader(path.read_text().splitlines()[1:], delimiter=";"):
            if len(row) >= 2:
                rows.append(row)
    return rows


def free_udp_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def records(platform: Platform) -> dict[str, int]:
    async with platform.db.read() as session:
        rows = await session.execute(select(Call.status, func.count()).group_by(Call.status))
        return {status: int(n) for status, n in rows.all()}


async def dispositions(platform: Platform) -> dict[str, int]:
    """The records by disposition (answered, busy, failed, rejected...): how each call ended, beside `records`'
    status, which says whether the record is complete."""
    async with platform.db.read() as session:
        rows = await session.execute(select(Call.disposition, func.count()).group_by(Call.disposition))
        return {str(disposition): int(n) for disposition, n in rows.all()}


async def wait_records(platform: Platform, expected: int, timeout: float = 60) -> dict[str, int]:
    """The records by status once `expected` are all completed (Kamailio's event batches come after the calls)."""
    deadline = time.monotonic() + timeout
    while True:
        counts = await records(platform)
        if counts.get("completed", 0) >= expected or time.monotonic() > deadline:
            return counts
        await asyncio.sleep(0.25)


def _row(run: Run) -> str:
    s = run.setup_ms
    lat = f"{s.get('p50_ms', 0):7.1f} {s.get('p99_ms', 0):7.1f}" if s else f"{'-':>7} {'-':>7}"
    fails = ",".join(f"{k}x{v}" for k, v in sorted(run.failures.items())) or "-"
    cpu = f"{run.api_cpu_ms_per_call:8.2f}" if run.api_cpu_ms_per_call is not None else f"{'-':>8}"
    return (
        f"{run.config:7} {run.rate:6} {run.calls:6} {run.successful:6} {run.failed:6} {run.refused:6} "
        f"{run.calls_per_s:8.1f} {lat} {cpu}  {fails}"
    )


HEADER = (
    f"{'config':7} {'rate':>6} {'calls':>6} {'ok':>6} {'failed':>6} {'503':>6} {'calls/s':>8} {'p50 ms':>7} "
    f"{'p99 ms':>7} {'cpu ms':>8}  failures"
)


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rates", default="25,50,100,200", help="offered calls/s, climbing (comma separated)")
    ap.add_argument("--seconds", type=float, default=10, help="seconds of calls per rate")
    ap.add_argument("--numbers", type=int, default=20, help="voice numbers the calls go to, in turn")
    ap.add_argument("--children", type=int, default=None, help="Kamailio SIP workers (default: the setting)")
    ap.add_argument(
        "--async-workers",
        type=int,
        default=None,
        help="Kamailio async workers (route queries; default: voice/kamailio.py ASYNC_WORKERS_PER_CHILD per SIP worker)",
    )
    ap.add_argument("--configs", default="static,mpaas", help="which to run (comma separated)")
    ap.add_argument("--verbose", action="store_true", help="show Kamailio's log lines (503s, retries) on stderr")
    ap.add_argument("--keep", action="store_true", help="keep the work dir (sipp's logs, kamailio.cfg) and say where")
    ap.add_argument("--restart", action="store_true", help="stop and restart mpaas mid-run instead")
    ap.add_argument("--restart-rate", type=int, default=25)
    ap.add_argument("--down", type=float, default=3.0, help="seconds mpaas is down in --restart")
    ap.add_argument(
        "--api-processes",
        type=int,
        default=0,
        help="run mpaas as `mpaas api --workers N` (N processes, SO_REUSEPORT) instead of in this process",
    )
    ap.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL URL (postgresql+asyncpg://...): its database is dropped, created and dropped again",
    )
    ap.add_argument(
        "--events-process",
        action="store_true",
        help="call events to a second mpaas process (same database) instead of the one answering route queries",
    )
    ap.add_argument("--serve-api", type=int, default=None, help=argparse.SUPPRESS)  # the API processes' entry
    args = ap.parse_args()
    if args.serve_api is not None:
        serve_api(args.serve_api, args.api_processes)
    if not args.verbose:  # the restart run's 503s and event retries are expected: one line each
        logging.getLogger("mpaas.sip").setLevel(logging.CRITICAL)
    for tool in ("kamailio", "sipp"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed: make voice-deps")
    tmp = Path(tempfile.mkdtemp(prefix="mpaas-bench-sip-"))
    try:
        await bench(args, tmp)
    finally:
        if args.keep:
            print(f"work dir kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


async def bench(args, tmp: Path) -> None:
    if args.database_url:
        recreate_pg_database(args.database_url)
    settings = Settings(
        data_dir=tmp / "mpaas",
        seed_inventory_count=0,
        rate_limit_per_minute=0,
        database_url=args.database_url,
        egress_allow="loopback",
        sip_shared_secret=SECRET,
        sip_listen=f"udp:127.0.0.1:{free_udp_port()}",
    )
    if args.children:
        settings = settings.model_copy(update={"sip_children": args.children})
    settings.data_dir.mkdir(parents=True)
    migrate.upgrade(settings.resolved_database_url())
    platform = Platform.build(settings)
    timer = RouteTimer(create_app(settings, platform, run_workers=False))
    lifespan = timer.app.router.lifespan_context(timer.app)
    api: Api | ApiProcesses
    if args.api_processes:  # this process only sets up and counts records, through `platform`
        api = ApiProcesses(settings, free_port(), args.api_processes, tmp / "route-times")
    else:
        await lifespan.__aenter__()
        api = Api(timer, free_port())
    await api.start()
    api_url = f"http://127.0.0.1:{api.port}"
    events_api: ApiProcesses | None = None
    if args.events_process:
        events_api = ApiProcesses(settings, free_port(), 1, tmp / "events-times")
        await events_api.start()
    trunk = free_udp_port()
    async with httpx2.AsyncClient(base_url=api_url, timeout=30) as client:
        numbers = await setup(
            platform, client, args.numbers, trunks={"TrunkIp1": "127.0.0.1", "TrunkPort1": str(trunk)}
        )
    numbers_file = tmp / "numbers.csv"
    numbers_file.write_text("SEQUENTIAL\n" + "".join(n.removeprefix("+") + "\n" for n in numbers))
    uas_scenario = tmp / "bench_uas.xml"
    uas_scenario.write_text(UAS_SCENARIO)
    uas_log = (tmp / "uas.log").open("wb")
    uas = await asyncio.create_subprocess_exec(
        *["sipp", "-sf", str(uas_scenario), "-i", "127.0.0.1", "-p", str(trunk), "-nostdin", "-trace_err"],
        cwd=tmp,
        stdout=uas_log,
        stderr=asyncio.subprocess.STDOUT,
        stdin=asyncio.subprocess.DEVNULL,
    )
    routed = KamailioSupervisor(settings, api_url=api_url, secret=SECRET)
    static_settings = settings.model_copy(
        update={"sip_listen": f"udp:127.0.0.1:{free_udp_port()}", "data_dir": tmp / "static"}
    )
    static = KamailioSupervisor(static_settings, api_url=api_url, secret=SECRET)
    static.params = dataclasses.replace(static.params, static_target=f"127.0.0.1:{trunk}")
    if args.async_workers:
        routed.params = dataclasses.replace(routed.params, async_workers=args.async_workers)
    if events_api is not None:
        routed.params = dataclasses.replace(routed.params, events_url=f"http://127.0.0.1:{events_api.port}")
    runs: list[Run] = []
    made = 0
    try:
        for supervisor in (static, routed):
            await supervisor.start()
            await supervisor.wait_ready()
        port = {name: int(s.params.listen.rsplit(":", 1)[1]) for name, s in (("static", static), ("mpaas", routed))}
        children = settings.sip_children
        async_workers = routed.params.async_workers or ASYNC_WORKERS_PER_CHILD * children
        database = "PostgreSQL" if args.database_url else "SQLite"
        where = f"{args.api_processes} API process(es)" if args.api_processes else "in the bench's process"
        print(
            f"Kamailio {children} SIP workers each, {async_workers} async workers (route queries); sipp UAC -> Kamailio -> sipp UAS; mpaas {where} on {database}, "
            + ("events on, to a second mpaas process" if events_api else "events on")
        )
        if args.restart:
            made, runs = await restart_run(args, api, port["mpaas"], numbers_file, tmp)
        else:
            print(HEADER)
            climbing = {name: name in args.configs.split(",") for name in ("static", "mpaas")}
            for rate in [int(r) for r in args.rates.split(",")]:
                for name in ("static", "mpaas"):
                    if not climbing[name]:
                        continue
                    calls = max(1, int(rate * args.seconds))
                    cpu = api_cpu_seconds(api, events_api)
                    run = await sipp_uac(port[name], rate, calls, numbers_file, tmp, f"{name}-{rate}")
                    if name == "mpaas" and cpu is not None:
                        used = api_cpu_seconds(api, events_api) - cpu
                        run.api_cpu_ms_per_call = round(used * 1000 / max(1, run.calls), 2)
                    runs.append(run)
                    print(_row(run), flush=True)
                    if name == "mpaas":
                        made += run.successful + run.failed + run.refused
                    climbing[name] = run.clean
        counts = await wait_records(platform, made)
        ended = await dispositions(platform)
    finally:
        for supervisor in (static, routed):
            await supervisor.stop()
        uas.terminate()
        await uas.wait()
        uas_log.close()
        if events_api is not None:
            await events_api.stop()
        await api.stop()
        if isinstance(api, Api):
            await lifespan.__aexit__(None, None, None)
        await platform.db.dispose()
        if args.database_url:
            drop_pg_database(args.database_url)
    report(args, runs, made, counts, ended, api.samples() if isinstance(api, ApiProcesses) else timer.samples)


def api_cpu_seconds(api, events_api: ApiProcesses | None = None) -> float | None:
    """CPU of the process(es) serving mpaas so far: the API processes, or this process (mpaas in process; it also
    runs the bench's own bookkeeping, which is small next to mpaas); and the events process, if any."""
    used = api.cpu_seconds() if isinstance(api, ApiProcesses) else time.process_time()
    return used + (events_api.cpu_seconds() if events_api is not None else 0.0)


def recreate_pg_database(url: str) -> None:
    from scale import recreate_pg_database as recreate

    recreate(url)


def drop_pg_database(url: str) -> None:
    from scale import drop_pg_database as drop

    drop(url)


async def restart_run(args, api: Api, port: int, numbers_file: Path, tmp: Path) -> tuple[int, list[Run]]:
    calls = int(args.restart_rate * args.seconds)
    print(f"--restart: {calls} calls at {args.restart_rate}/s; mpaas down for {args.down} s after a third of them")
    uac = asyncio.create_task(sipp_uac(port, args.restart_rate, calls, numbers_file, tmp, "mpaas-restart"))
    await asyncio.sleep(args.seconds / 3)
    await api.stop()
    await asyncio.sleep(args.down)
    await api.start()
    run = await uac
    print(HEADER)
    print(_row(run))
    return run.successful + run.failed + run.refused, [run]


def report(
    args, runs: list[Run], made: int, counts: dict[str, int], ended: dict[str, int], samples: list[float]
) -> None:
    total = sum(counts.values())
    print(f"call records: {total} for {made} calls made through mpaas; by status {counts}; by disposition {ended}")
    decision = percentiles(samples) if samples else {}
    print(f"routing decision (mpaas side, {len(samples)} decisions): {decision}")
    best = {}
    for name in ("static", "mpaas"):
        clean = [r for r in runs if r.config == name and r.clean]
        best[name] = max(clean, key=lambda r: r.calls_per_s) if clean else None
    summary = {
        "rates": args.rates,
        "seconds": args.seconds,
        "runs": [dataclasses.asdict(r) | {"calls_per_s": r.calls_per_s} for r in runs],
        "records": counts,
        "dispositions": ended,
        "calls_made_through_mpaas": made,
        "one_record_per_call": total == made and counts.get("completed", 0) == made,
        "decision_ms": decision,
    }
    if not args.restart and best["static"] and best["mpaas"]:
        ratio = best["mpaas"].calls_per_s / best["static"].calls_per_s
        summary["ratio_clean_calls_per_s"] = round(ratio, 2)
        print(
            f"best clean: static {best['static'].calls_per_s}/s at {best['static'].rate}/s offered, mpaas "
            f"{best['mpaas'].calls_per_s}/s at {best['mpaas'].rate}/s offered: mpaas/static x{ratio:.2f}"
        )
        if all(r.clean for r in runs if r.config == "static"):
            print("(static was clean at every rate tried: its limit is above the highest rate; add --rates)")
    print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main())
