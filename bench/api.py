#!/usr/bin/env python
"""HTTP API benchmark for mpaas: one run starts a fresh server, measures, prints a table and a JSON line.

    .venv/bin/python bench/api.py            # full run (< ~3 minutes)
    .venv/bin/python bench/api.py --quick    # ~30 s smoke run

What it does, in order:
  1. starts `python -m mpaas.cli.main serve` on a free port with a fresh temporary data dir (SQLite),
     MPAAS_RATE_LIMIT_PER_MINUTE=0 and a short sandbox receipt delay, and waits for GET /healthz;
  2. creates an unlimited credential with `mpaas admin create-distributor --rate-limit 0`, a message
     route whose webhooks point at a tiny asyncio HTTP receiver inside this process, and a handful of
     numbers;
  3. for each phase runs N concurrent keep-alive workers (httpx2.AsyncClient) for warm-up + a fixed
     window and counts responses completed inside the window: GET /healthz (baseline),
     POST /v1.0/numbers/availability with an AreaCode, the same with blank AreaCode/ZipCode (random
     areas, up to 10,000 in the response);
  4. measures POST /v1.0/numbers/provision latency, sequentially and with a small concurrency;
  5. POST /v1.0/message/outbound last (it leaves work queued in the pipeline), then waits for the
     pipeline to drain and reports the end-to-end rate (messages reaching Delivered/Failed, and the
     webhook callbacks the receiver got);
  6. prints a table and, as the last line, one JSON object with every figure; always stops the server.

The load generator and the server share the machine (and its cores): every phase reports the CPU the
server process and this process used during the window, in cores, so you can see which side saturated.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2

CLK_TCK = os.sysconf("SC_CLK_TCK")
DEFAULT_AREA_CODE = "801"
OUTBOUND_TO_PREFIX = "+1801573"  # valid Utah numbers; the last four digits vary per request


# --------------------------------------------------------------------------------------- helpers


def free_port() -> int:
    """A loopback port nothing listens on, and one this process has not handed out before: the servers a bench
    starts bind theirs later, so two calls could otherwise name the same port (a filters round once found the
    webhook receiver where its API should be)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


_HANDED_OUT: set[int] = set()


def proc_cpu_seconds(pid: int) -> float | None:
    """utime + stime of every thread of the process, from /proc/<pid>/stat."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()  # the command name may contain spaces
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_status_kib(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def pct(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    idx = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[idx]


def ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 2)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------- server


def server_env(inventory: int, receipt_delay: float, *, drop: tuple[str, ...]) -> dict[str, str]:
    """This process's environment without `drop`, plus what every benchmarked mpaas process runs with:
    the inventory to seed, unlimited credentials, the sandbox receipt delay, webhooks to loopback allowed."""
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        {
            "MPAAS_SEED_INVENTORY_COUNT": str(inventory),
            "MPAAS_RATE_LIMIT_PER_MINUTE": "0",
            "MPAAS_SANDBOX_RECEIPT_DELAY_SECONDS": str(receipt_delay),
            "MPAAS_EGRESS_ALLOW": "loopback",  # the benches' receivers are on 127.0.0.1
            "PYTHONUNBUFFERED": "1",
            "COLUMNS": "200",
        }
    )
    return env


class Server:
    """`mpaas serve` as a child process in its own session; stop() always kills it (by pid).

    Also the deployment interface the phases use: start/stop, wait_healthy, and the probes below
    (CPU by process, RSS, pipeline state). bench/scale.py passes other layouts with the same methods."""

    label = "mpaas serve"

    def __init__(self, data_dir: Path, port: int, inventory: int, receipt_delay: float):
        self.data_dir = data_dir
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = data_dir.parent / "serve.log"
        # Always a fresh SQLite file in the temp dir.
        self.env = server_env(inventory, receipt_delay, drop=("MPAAS_DATABASE_URL", "MPAAS_DATA_DIR"))
        self.wrap: list[str] = []  # a command the server runs under (bench/pipeline.py --callgrind: valgrind)
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log_path, "wb") as log_file:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [
                    *self.wrap,
                    sys.executable,
                    "-m",
                    "mpaas.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--data-dir",
                    str(self.data_dir),
                ],
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def cpu_seconds_by_process(self) -> dict[str, float]:
        """CPU seconds so far of each server process, by label; one process here."""
        cpu = proc_cpu_seconds(self.pid) if self.proc is not None else None
        return {"serve": cpu} if cpu is not None else {}

    def cpu_seconds(self) -> float | None:
        by_process = self.cpu_seconds_by_process()
        return sum(by_process.values()) if by_process else None

    def rss_kib(self) -> int | None:
        return proc_status_kib(self.pid, "VmRSS") if self.proc is not None else None

    def peak_rss_kib(self) -> int | None:
        return proc_status_kib(self.pid, "VmHWM") if self.proc is not None else None

    def pipeline_state(self) -> dict:
        return pipeline_state(self.data_dir / "mpaas.db")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def printed_credential(self) -> dict[str, str]:
        found = {}
        for line in self.log_path.read_text(errors="replace").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] in ("AccountKey", "AccountSecret", "AccountId"):
                found[parts[0]] = parts[1]
        return found

    async def wait_healthy(self, timeout: float) -> float:
        start = time.perf_counter()
        async with httpx2.AsyncClient(timeout=2.0) as client:
            while time.perf_counter() - start < timeout:
                if not self.alive():
                    raise RuntimeError(f"mpaas serve exited with {self.proc.returncode}:\n{self.log_tail()}")
                try:
                    r = await client.get(self.base + "/healthz")
                    if r.status_code == 200:
                        return time.perf_counter() - start
                except httpx2.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        raise RuntimeError(f"/healthz not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=5)
            except ProcessLookupError:
                pass


# --------------------------------------------------------------------------------------- webhook receiver


class Receiver:
    """A minimal HTTP/1.1 keep-alive server on this event loop: reads each request, answers 200 `{}`."""

    def __init__(self) -> None:
        self.counts: collections.Counter[str] = collections.Counter()
        self.last_at: dict[str, float] = {}  # path -> time.perf_counter() of its latest request
        self.total = 0
        self.server: asyncio.AbstractServer | None = None
        self.port = 0
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.split(b"\r\n")
                request_line = lines[0].split(b" ")
                headers = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(b":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                if b"content-length" in headers:
                    await reader.readexactly(int(headers[b"content-length"]))
                elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
                    while True:
                        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                        await reader.readexactly(size + 2)
                        if size == 0:
                            break
                path = request_line[1].split(b"?")[0].decode() if len(request_line) > 1 else "?"
                self.counts[path] += 1
                self.last_at[path] = time.perf_counter()
                self.total += 1
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                if headers.get(b"connection", b"").lower() == b"close":
                    break
                await writer.drain()
        except (
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ConnectionError,
            ValueError,
            asyncio.CancelledError,
        ):
            pass  # the peer went away, or the bench is shutting down
        finally:
            self._writers.discard(writer)
            writer.close()

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
        for writer in list(self._writers):
            writer.close()
        await asyncio.sleep(0)


# --------------------------------------------------------------------------------------- API client


class LeanConnection:
    """One keep-alive HTTP/1.1 connection that POSTs JSON and reads the status and body: the load generator's
    sends. httpx cost this process about 0.3 ms of CPU per request (LeanConnection about a tenth of that,
    `bench/load_client.py`), and on a two-core machine the load generator's CPU is taken from the server
    under test. Only what the benches send: Content-Length bodies, no redirects, no TLS."""

    def __init__(self, base: str) -> None:
        netloc = base.split("://", 1)[1].split("/", 1)[0]
        self.host, _, port = netloc.partition(":")
        self.port = int(port or 80)
        self.netloc = netloc.encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        for attempt in (1, 2):  # once more on a fresh connection if the server closed the kept-alive one
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
                sock = self.writer.get_extra_info("socket")
                if sock is not None:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            assert self.reader is not None
            head = b"".join(f"{name}: {value}\r\n".encode() for name, value in headers.items())
            self.writer.write(
                b"POST "
                + path.encode()
                + b" HTTP/1.1\r\nHost: "
                + self.netloc
                + b"\r\n"
                + head
                + b"Content-Length: "
                + str(len(body)).encode()
                + b"\r\n\r\n"
                + body
            )
            try:
                response = await self.reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
                continue
            lines = response.split(b"\r\n")
            status = int(lines[0].split(b" ", 2)[1])
            length, closing = 0, False
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection" and value.strip().lower() == b"close":
                    closing = True
            content = await self.reader.readexactly(length) if length else b""
            if closing:
                self.close()
            return status, content
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Api:
    """Mints one endpoint-scoped token per path and reuses it (tokens live 15 minutes)."""

    def __init__(self, client: httpx2.AsyncClient, base: str, credential: dict[str, str]):
        self.client = client
        self.base = base
        self.credential = credential
        self.tokens: dict[str, str] = {}

    async def headers(self, path: str) -> dict[str, str]:
        if path not in self.tokens:
            r = await self.client.post(
                self.base + "/v1.0/OAuth2/tokens",
                json={
                    "AccountKey": self.credential["AccountKey"],
                    "AccountSecret": self.credential["AccountSecret"],
                    "ApiEndpoint": self.base + path,
                },
            )
            if r.status_code != 200:
                raise RuntimeError(f"token for {path}: {r.status_code} {r.text[:300]}")
            self.tokens[path] = r.json()["token"]
        return {"Authorization": f"Bearer {self.tokens[path]}", "Content-Type": "application/json"}

    async def post(self, path: str, body: dict) -> httpx2.Response:
        return await self.client.post(
            self.base + path, content=json.dumps(body).encode(), headers=await self.headers(path)
        )

    async def ok(self, path: str, body: dict) -> dict:
        r = await self.post(path, body)
        if r.status_code != 200:
            raise RuntimeError(f"POST {path}: {r.status_code} {r.text[:300]}")
        return r.json()


# --------------------------------------------------------------------------------------- load phases


@dataclass
class PhaseResult:
    name: str
    rps: float
    ok: int
    errors: int
    window_s: float
    p50_ms: float | None
    p99_ms: float | None
    server_cpu_cores: float | None
    bench_cpu_cores: float
    mean_response_bytes: float | None
    error_samples: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    server_cpu_cores_by_process: dict[str, float] | None = None  # only when the server is several processes

    def as_json(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k not in ("name",)}
        if d["server_cpu_cores_by_process"] is None:
            del d["server_cpu_cores_by_process"]
        d["rps"] = round(self.rps, 1)
        d["window_s"] = round(self.window_s, 2)
        return d


async def load_phase(
    name: str,
    request,
    *,
    concurrency: int,
    warmup: float,
    duration: float,
    cpu_probe,
    request_timeout: float,
    profiler=None,
) -> PhaseResult:
    """Runs `concurrency` workers, each awaiting `request(i)` back to back, for warmup + duration seconds.
    Counts the responses that complete inside the measurement window. Workers stop issuing at the end
    of the window; requests still in flight then are awaited (bounded) but not counted.
    `cpu_probe()` gives the server's CPU seconds so far by process (Server.cpu_seconds_by_process)."""
    loop_start = time.perf_counter()
    win_start = loop_start + warmup
    win_end = win_start + duration
    latencies: list[float] = []
    ok = errors = 0
    size_total = size_n = 0
    error_samples: list[str] = []
    samples: dict[str, tuple[float, dict[str, float], float]] = {}

    async def sampler() -> None:
        for label, at in (("start", win_start), ("end", win_end)):
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            samples[label] = (time.perf_counter(), cpu_probe(), time.process_time())
            if label == "start" and profiler is not None:
                profiler.start(name, duration)

    async def worker(wid: int) -> None:
        nonlocal ok, errors, size_total, size_n
        i = wid
        while time.perf_counter() < win_end:
            sent = time.perf_counter()
            try:
                response = await request(i)
                good = 200 <= response.status_code < 300
                detail = f"{response.status_code} {response.text[:200]}" if not good else ""
                nbytes = len(response.content)
            except Exception as exc:
                good, detail, nbytes = False, f"{type(exc).__name__}: {exc}"[:200], 0
            done = time.perf_counter()
            if win_start <= done <= win_end:
                if good:
                    ok += 1
                    latencies.append(done - sent)
                    size_total += nbytes
                    size_n += 1
                else:
                    errors += 1
            if not good and len(error_samples) < 5:
                error_samples.append(detail)
            i += concurrency

    sampler_task = asyncio.create_task(sampler())
    tasks = [asyncio.create_task(worker(w)) for w in range(concurrency)]
    done, pending = await asyncio.wait(tasks, timeout=warmup + duration + request_timeout + 5)
    for t in pending:
        t.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    await sampler_task
    t0, s0, b0 = samples["start"]
    t1, s1, b1 = samples["end"]
    window = t1 - t0
    latencies.sort()
    by_process = cores_between(s0, s1, window)
    return PhaseResult(
        name=name,
        rps=ok / window if window > 0 else 0.0,
        ok=ok,
        errors=errors,
        window_s=window,
        p50_ms=ms(pct(latencies, 0.50)),
        p99_ms=ms(pct(latencies, 0.99)),
        server_cpu_cores=round(sum(by_process.values()), 2) if by_process else None,
        bench_cpu_cores=round((b1 - b0) / window, 2),
        mean_response_bytes=round(size_total / size_n) if size_n else None,
        error_samples=error_samples,
        server_cpu_cores_by_process={k: round(v, 2) for k, v in by_process.items()} if len(by_process) > 1 else None,
    )


def cores_between(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
    """Cores each process used between two cpu_probe() samples. A process that appeared in between
    counts from zero (all its CPU fell inside); one that exited in between is lost (unmeasurable)."""
    if seconds <= 0:
        return {}
    return {label: (cpu - before.get(label, 0.0)) / seconds for label, cpu in after.items()}


async def latency_run(name: str, request, *, count: int, concurrency: int, time_cap: float) -> dict:
    """`count` requests with at most `concurrency` in flight; latency percentiles; stops early at time_cap."""
    latencies: list[float] = []
    errors = 0
    error_samples: list[str] = []
    next_index = 0
    deadline = time.perf_counter() + time_cap
    start = time.perf_counter()

    async def worker() -> None:
        nonlocal next_index, errors
        while next_index < count and time.perf_counter() < deadline:
            i = next_index
            next_index += 1
            sent = time.perf_counter()
            try:
                r = await request(i)
                good = r.status_code == 200
                detail = "" if good else f"{r.status_code} {r.text[:200]}"
            except Exception as exc:
                good, detail = False, f"{type(exc).__name__}: {exc}"[:200]
            if good:
                latencies.append(time.perf_counter() - sent)
            else:
                errors += 1
                if len(error_samples) < 5:
                    error_samples.append(detail)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "name": name,
        "requested": count,
        "ok": len(latencies),
        "errors": errors,
        "concurrency": concurrency,
        "elapsed_s": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1) if elapsed else None,
        "p50_ms": ms(pct(latencies, 0.50)),
        "p90_ms": ms(pct(latencies, 0.90)),
        "p99_ms": ms(pct(latencies, 0.99)),
        "max_ms": ms(latencies[-1] if latencies else None),
        "error_samples": error_samples,
        "stopped_at_time_cap": len(latencies) + errors < count,
    }


# --------------------------------------------------------------------------------------- profiler


class Profiler:
    """Optional: `py-spy record` of the server during each measured window (raw collapsed stacks), plus a
    summary of the top functions by own and inclusive samples. Needs py-spy (not a project dependency)."""

    def __init__(self, out_dir: Path, pid: int, gil_only: bool):
        self.out_dir = out_dir
        self.pid = pid
        self.gil_only = gil_only
        exe = Path(sys.executable).with_name("py-spy")
        self.exe = str(exe) if exe.exists() else shutil.which("py-spy")
        if self.exe is None:
            raise RuntimeError("--profile needs py-spy (pip install py-spy into the venv)")
        out_dir.mkdir(parents=True, exist_ok=True)
        self.running: list[tuple[subprocess.Popen, Path]] = []

    @staticmethod
    def slug(name: str) -> str:
        return "".join(c if c.isalnum() else "_" for c in name).strip("_")

    def start(self, name: str, duration: float) -> None:
        out = self.out_dir / f"{self.slug(name)}.txt"
        cmd = [
            self.exe,
            "record",
            "-p",
            str(self.pid),
            "-d",
            str(max(1, int(duration))),
            "-r",
            "200",
            "--format",
            "raw",
            "-o",
            str(out),
            "--nonblocking",
        ]
        if self.gil_only:
            cmd.append("--gil")
        self.running.append((subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), out))

    async def finish(self) -> None:
        for proc, out in self.running:
            try:
                await asyncio.wait_for(asyncio.to_thread(proc.wait), timeout=15)
            except TimeoutError:
                proc.kill()
            if out.exists():
                out.with_suffix(".top.txt").write_text(summarize_collapsed(out))
                log(f"  profile: {out} (summary {out.with_suffix('.top.txt')})")
        self.running.clear()


def summarize_collapsed(path: Path, top: int = 30) -> str:
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [f.rsplit(":", 1)[0] + ")" if f.endswith(")") and ":" in f else f for f in stack.split(";")]
        own[frames[-1]] += n
        for f in set(frames):
            inclusive[f] += n
    lines = [f"{total} samples", "--- own"]
    lines += [f"{100 * n / total:5.1f}% {f}" for f, n in own.most_common(top)] if total else []
    lines.append("--- inclusive")
    lines += [f"{100 * n / total:5.1f}% {f}" for f, n in inclusive.most_common(top * 2)] if total else []
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------- pipeline state


def pipeline_state(db_path: Path) -> dict:
    """Read-only look at the server's (temporary) SQLite file: message statuses and job backlog."""
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
        try:
            statuses = dict(con.execute("SELECT status, count(*) FROM messages GROUP BY status").fetchall())
            jobs = dict(con.execute("SELECT status, count(*) FROM jobs GROUP BY status").fetchall())
        finally:
            con.close()
        return {"messages": statuses, "jobs": jobs}
    except sqlite3.Error as exc:
        return {"error": str(exc)}


# --------------------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--quick", action="store_true", help="~30 s smoke run: smaller inventory, short phases.")
    p.add_argument("--inventory", type=int, default=None, help="Seeded numbers (default 100000; --quick 20000).")
    p.add_argument("--concurrency", type=int, default=16, help="Concurrent workers per load phase (default 16).")
    p.add_argument("--duration", type=float, default=None, help="Measured seconds per phase (default 10; quick 3).")
    p.add_argument("--warmup", type=float, default=None, help="Warm-up seconds per phase (default 2; quick 1).")
    p.add_argument("--numbers", type=int, default=4, help="Numbers provisioned as outbound senders (default 4).")
    p.add_argument(
        "--provision-count", type=int, default=None, help="Provision calls per latency run (default 200; quick 40)."
    )
    p.add_argument(
        "--provision-concurrency",
        type=int,
        default=8,
        help="Concurrency of the second provisioning run; 0 skips it (default 8).",
    )
    p.add_argument(
        "--area-code",
        default=None,
        help="AreaCode for availability (default 801 if seeded, else the most common area in a blank search).",
    )
    p.add_argument(
        "--recipients",
        type=int,
        default=1,
        help="Recipients per POST /v1.0/message/outbound (1-100; default 1). req/s counts requests.",
    )
    p.add_argument("--receipt-delay", type=float, default=0.05, help="MPAAS_SANDBOX_RECEIPT_DELAY_SECONDS.")
    p.add_argument(
        "--drain-timeout",
        type=float,
        default=None,
        help="Max seconds to wait for the outbound pipeline to drain (default 40; quick 5).",
    )
    p.add_argument("--request-timeout", type=float, default=30.0, help="Per-request timeout, seconds.")
    p.add_argument("--startup-timeout", type=float, default=120.0, help="Seconds to wait for /healthz.")
    p.add_argument(
        "--skip",
        default="",
        help="Comma-separated phases to skip: healthz is never skipped; avail_area, avail_blank, outbound, provision.",
    )
    p.add_argument("--keep", action="store_true", help="Keep the temporary data dir (and serve.log).")
    p.add_argument(
        "--hold",
        type=float,
        default=0.0,
        help="Seconds to pause after setup before the phases, printing the server pid "
        "(to attach a profiler such as py-spy).",
    )
    p.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="Record each measured window of the server with py-spy into this directory.",
    )
    p.add_argument("--profile-gil", action="store_true", help="With --profile: only samples holding the GIL.")
    a = p.parse_args(argv)
    a.inventory = a.inventory if a.inventory is not None else (20_000 if a.quick else 100_000)
    a.duration = a.duration if a.duration is not None else (3.0 if a.quick else 10.0)
    a.warmup = a.warmup if a.warmup is not None else (1.0 if a.quick else 2.0)
    a.provision_count = a.provision_count if a.provision_count is not None else (40 if a.quick else 200)
    a.drain_timeout = a.drain_timeout if a.drain_timeout is not None else (5.0 if a.quick else 40.0)
    a.skip = {s.strip() for s in a.skip.split(",") if s.strip()}
    return a


def create_credential(server: Server) -> tuple[dict[str, str], str]:
    """An unlimited credential from the admin CLI; falls back to the demo one printed by serve."""
    try:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "mpaas.cli",
                "admin",
                "create-distributor",
                "--name",
                "bench",
                "--rate-limit",
                "0",
                "--json",
                "--data-dir",
                str(server.data_dir),
            ],
            env=server.env,
            capture_output=True,
            text=True,
            timeout=90,
        )
        if out.returncode == 0:
            lines = [ln for ln in out.stdout.splitlines() if ln.strip().startswith("{")]
            if lines:
                return json.loads(lines[-1]), "admin create-distributor --rate-limit 0"
        log(f"admin create-distributor failed ({out.returncode}): {(out.stderr or out.stdout)[-400:]}")
    except (subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        log(f"admin create-distributor failed: {exc}")
    cred = server.printed_credential()
    if len(cred) < 2:
        raise RuntimeError("no credential: the admin CLI failed and serve printed no AccountKey/AccountSecret")
    return cred, "demo credential printed by serve (MPAAS_RATE_LIMIT_PER_MINUTE=0)"


async def run(args: argparse.Namespace, server: Server, result: dict) -> None:
    receiver = Receiver()
    await receiver.start()
    result["receiver"] = receiver.base
    try:
        await _run(args, server, receiver, result)
    finally:
        await asyncio.to_thread(server.stop)  # before the receiver, so no webhook hits a closed port
        await receiver.stop()


async def _run(args: argparse.Namespace, server: Server, receiver: Receiver, result: dict) -> None:
    t_start = time.perf_counter()
    log(f"starting {server.label} on {server.base} (inventory {args.inventory}, data dir {server.data_dir})")
    server.start()
    result["server_pid"] = server.pid
    result["startup_s"] = round(await server.wait_healthy(args.startup_timeout), 2)
    log(f"server healthy after {result['startup_s']} s (pid {server.pid})")

    credential, how = await asyncio.to_thread(create_credential, server)
    result["credential"] = how

    limits = httpx2.Limits(
        max_connections=max(args.concurrency, args.provision_concurrency, 4) + 4,
        max_keepalive_connections=max(args.concurrency, args.provision_concurrency, 4) + 4,
    )
    async with httpx2.AsyncClient(limits=limits, timeout=args.request_timeout) as client:
        api = Api(client, server.base, credential)
        route = await api.ok(
            "/v1.0/message/routes",
            {
                "RouteName": "Bench",
                "MessageUrl": receiver.base + "/in",
                "MessageUrlMethod": "POST",
                "CallbackMessageUrl": receiver.base + "/cb",
                "CallbackMessageUrlMethod": "POST",
            },
        )
        route_id = route["MessageRouteId"]

        avail_base = {"NumberType": "mobile", "MessageType": "p2p", "MessageEnabled": True, "VoiceEnabled": False}
        blank = await api.ok("/v1.0/numbers/availability", {**avail_base, "AreaCode": "", "ZipCode": ""})
        area_counts = collections.Counter(str(a["AreaCode"]) for a in blank.get("AvailableNumberAreas", []))
        if args.area_code:
            area_code = args.area_code
        elif DEFAULT_AREA_CODE in area_counts:
            area_code = DEFAULT_AREA_CODE
        else:
            area_code = area_counts.most_common(1)[0][0]
        provision_areas = [a for a, _ in area_counts.most_common(20)] or [area_code]
        result["area_code"] = area_code
        result["blank_search_areas_returned"] = len(blank.get("AvailableNumberAreas", []))

        def provision_body(area: str) -> dict:
            return {
                "NumberType": "mvno",
                "MessageType": "p2p",
                "MessageEnabled": True,
                "VoiceEnabled": False,
                "MessageRouteId": route_id,
                "ProductType": "Sms+Data",
                "AreaCode": area,
            }

        senders = []
        for _ in range(args.numbers):
            provisioned = await api.ok("/v1.0/numbers/provision", provision_body(area_code))
            senders.append(provisioned["PhoneNumberAssigned"])
        result["senders"] = senders
        for path in ("/v1.0/numbers/availability", "/v1.0/message/outbound", "/v1.0/numbers/provision"):
            await api.headers(path)  # mint outside the measured windows
        log(f"setup done: credential via {how}; route {route_id}; senders {senders}; area code {area_code}")
        if args.hold > 0:
            log(f"holding {args.hold} s: server pid {server.pid}")
            await asyncio.sleep(args.hold)

        profiler = Profiler(args.profile, server.pid, args.profile_gil) if args.profile else None
        phase_kw = dict(
            concurrency=args.concurrency,
            warmup=args.warmup,
            duration=args.duration,
            cpu_probe=server.cpu_seconds_by_process,
            request_timeout=args.request_timeout,
            profiler=profiler,
        )
        phases: list[PhaseResult] = []
        rss_by_phase: dict[str, int | None] = {}

        async def phase(name: str, request) -> PhaseResult:
            log(f"phase {name}: {args.concurrency} workers, {args.warmup}+{args.duration} s")
            r = await load_phase(name, request, **phase_kw)
            rss_by_phase[name] = server.rss_kib()
            if profiler is not None:
                await profiler.finish()
            log(
                f"  {r.rps:.1f} req/s, p50 {r.p50_ms} ms, p99 {r.p99_ms} ms, errors {r.errors}, "
                f"server CPU {r.server_cpu_cores} cores, bench CPU {r.bench_cpu_cores} cores"
            )
            phases.append(r)
            return r

        health_url = server.base + "/healthz"
        await phase("healthz", lambda i: client.get(health_url))

        avail_url = server.base + "/v1.0/numbers/availability"
        avail_headers = await api.headers("/v1.0/numbers/availability")
        if "avail_area" not in args.skip:
            area_body = json.dumps({**avail_base, "AreaCode": area_code, "ZipCode": ""}).encode()
            await phase(
                f"availability AreaCode={area_code}",
                lambda i: client.post(avail_url, content=area_body, headers=avail_headers),
            )
        if "avail_blank" not in args.skip:
            blank_body = json.dumps({**avail_base, "AreaCode": "", "ZipCode": ""}).encode()
            await phase(
                "availability blank (random)",
                lambda i: client.post(avail_url, content=blank_body, headers=avail_headers),
            )

        provisioning = []
        if "provision" not in args.skip:
            prov_url = server.base + "/v1.0/numbers/provision"
            prov_headers = await api.headers("/v1.0/numbers/provision")

            def provision(i: int):
                body = provision_body(provision_areas[i % len(provision_areas)])
                return client.post(prov_url, content=json.dumps(body).encode(), headers=prov_headers)

            cap = 20.0 if args.quick else 40.0
            for conc in (1, args.provision_concurrency):
                if conc <= 0:
                    continue
                log(f"provisioning: {args.provision_count} calls, concurrency {conc}")
                p = await latency_run(
                    f"provision c={conc}", provision, count=args.provision_count, concurrency=conc, time_cap=cap
                )
                log(f"  p50 {p['p50_ms']} ms, p99 {p['p99_ms']} ms, {p['rps']} /s, errors {p['errors']}")
                provisioning.append(p)

        if "outbound" not in args.skip:
            out_url = server.base + "/v1.0/message/outbound"
            out_headers = await api.headers("/v1.0/message/outbound")

            def outbound(i: int):
                body = {
                    "From": senders[i % len(senders)],
                    "To": [
                        {"Number": f"{OUTBOUND_TO_PREFIX}{(i * args.recipients + k) % 10000:04d}"}
                        for k in range(args.recipients)
                    ],
                    "Body": "Hello from the bench",
                }
                return client.post(out_url, content=json.dumps(body).encode(), headers=out_headers)

            cb_before = receiver.total
            t_phase = time.perf_counter()
            r = await phase("message/outbound", outbound)
            at_window_end = server.pipeline_state()
            final_at_window_end = sum(
                v for k, v in at_window_end.get("messages", {}).items() if k in ("Delivered", "Failed")
            )
            # End to end: wait until the webhook receiver stops seeing new callbacks (each message
            # produces a Sent and a Delivered callback) or the pipeline has no pending jobs.
            accepted_total = None
            drain_start = time.perf_counter()
            drain_cpu0 = server.cpu_seconds()
            last_total, last_change = receiver.total, time.perf_counter()
            state = server.pipeline_state()
            while time.perf_counter() - drain_start < args.drain_timeout:
                await asyncio.sleep(0.5)
                state = server.pipeline_state()
                pending = sum(v for k, v in state.get("jobs", {}).items() if k in ("pending", "running"))
                if receiver.total != last_total:
                    last_total, last_change = receiver.total, time.perf_counter()
                if pending == 0 and "error" not in state:
                    break
                if time.perf_counter() - last_change > 3.0 and "error" in state:
                    break
            drained_at = time.perf_counter()
            drain_cpu1 = server.cpu_seconds()
            state = server.pipeline_state()
            if "messages" in state:
                accepted_total = sum(state["messages"].values())
            callbacks = receiver.total - cb_before
            pending = sum(v for k, v in state.get("jobs", {}).items() if k in ("pending", "running"))
            final = sum(v for k, v in state.get("messages", {}).items() if k in ("Delivered", "Failed"))
            r.extra = {
                "callbacks_received": callbacks,
                "callbacks_per_s_during_window_and_drain": round(callbacks / (drained_at - t_phase), 1),
                "messages_by_status_after_drain": state.get("messages"),
                "jobs_by_status_after_drain": state.get("jobs"),
                "jobs_still_pending": pending,
                "drain_s": round(drained_at - drain_start, 2),
                "drained": pending == 0,
                "end_to_end_msgs_per_s": round(final / (drained_at - t_phase), 1) if final else 0.0,
                "final_at_window_end": final_at_window_end,
                "server_cpu_cores_during_drain": round((drain_cpu1 - drain_cpu0) / (drained_at - drain_start), 2)
                if drain_cpu0 is not None and drain_cpu1 is not None and drained_at > drain_start
                else None,
                "pipeline_msgs_per_s_after_load": round((final - final_at_window_end) / (drained_at - drain_start), 1)
                if drained_at > drain_start
                else None,
                "messages_accepted_total": accepted_total,
            }
            log(
                f"  pipeline: {final} final of {accepted_total} accepted, {callbacks} callbacks, "
                f"drain {r.extra['drain_s']} s, pending jobs {pending}"
            )

    baseline = phases[0].rps if phases else 0.0
    result["phases"] = {}
    for r in phases:
        entry = r.as_json()
        entry["vs_healthz"] = round(r.rps / baseline, 3) if baseline else None
        entry["server_rss_kib_after"] = rss_by_phase.get(r.name)
        result["phases"][r.name] = entry
    result["provisioning"] = provisioning
    result["server_peak_rss_kib"] = server.peak_rss_kib()
    result["elapsed_s"] = round(time.perf_counter() - t_start, 1)


def print_report(args: argparse.Namespace, result: dict) -> None:
    cores = os.cpu_count()
    print()
    print(
        f"mpaas API benchmark  ({time.strftime('%Y-%m-%d %H:%M:%S')}, Python {sys.version.split()[0]}, "
        f"{cores} CPUs, inventory {args.inventory}, {args.concurrency} workers, "
        f"{args.warmup:g}+{args.duration:g} s per phase)"
    )
    print(
        f"NOTE: the load generator (this process, incl. the webhook receiver) and the server share this "
        f"{cores}-core machine; CPU columns are cores used during each window."
    )
    print(
        f"server: pid {result.get('server_pid')}, startup incl. seeding {result.get('startup_s')} s, "
        f"credential: {result.get('credential')}"
    )
    header = (
        f"{'phase':34} {'req/s':>9} {'vs healthz':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} "
        f"{'srv CPU':>7} {'bench CPU':>9} {'resp bytes':>10}"
    )
    print(header)
    print("-" * len(header))
    for name, p in result.get("phases", {}).items():
        vs = f"{p['vs_healthz']:.3f}" if p.get("vs_healthz") is not None else "-"
        print(
            f"{name:34} {p['rps']:>9.1f} {vs:>10} {p['p50_ms'] or '-':>8} {p['p99_ms'] or '-':>8} "
            f"{p['errors']:>6} {p['server_cpu_cores'] if p['server_cpu_cores'] is not None else '-':>7} "
            f"{p['bench_cpu_cores']:>9} {p['mean_response_bytes'] or '-':>10}"
        )
        for sample in p.get("error_samples", [])[:2]:
            print(f"    error: {sample}")
    client_bound = [n for n, p in result.get("phases", {}).items() if p["bench_cpu_cores"] >= 0.85]
    if client_bound:
        print(
            f"NOTE: the load generator used ~1 core (one event loop, saturated) in: {', '.join(client_bound)}; "
            f"those rates are limited by the client, so the healthz baseline is a lower bound and the "
            f"ratios against it are upper bounds."
        )
    out = result.get("phases", {}).get("message/outbound")
    if out and out.get("extra"):
        e = out["extra"]
        print(
            f"outbound pipeline: {e['messages_accepted_total']} messages accepted, "
            f"{e['callbacks_received']} webhook callbacks received, final statuses {e['messages_by_status_after_drain']}, "
            f"drain {e['drain_s']} s{'' if e['drained'] else ' (NOT drained: ' + str(e['jobs_still_pending']) + ' jobs pending)'}; "
            f"end to end {e['end_to_end_msgs_per_s']} msg/s (from the phase start until drained); "
            f"pipeline alone after the load stopped {e['pipeline_msgs_per_s_after_load']} msg/s "
            f"(server CPU {e['server_cpu_cores_during_drain']} cores)"
        )
    for p in result.get("provisioning", []):
        print(
            f"{p['name']:34} n={p['ok']}/{p['requested']}  p50 {p['p50_ms']} ms  p90 {p['p90_ms']} ms  "
            f"p99 {p['p99_ms']} ms  max {p['max_ms']} ms  {p['rps']} /s  errors {p['errors']}"
            f"{'  (stopped at time cap)' if p['stopped_at_time_cap'] else ''}"
        )
        for sample in p.get("error_samples", [])[:2]:
            print(f"    error: {sample}")
    rss = result.get("server_peak_rss_kib")
    print(f"server peak RSS (VmHWM): {rss / 1024:.1f} MiB" if rss else "server peak RSS: n/a")
    print(
        f"total bench time {result.get('total_s')} s; 1/5/15-min load average at start "
        f"{result.get('loadavg_at_start')}, at end {result.get('loadavg_at_end')} (other processes count too)"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    t0 = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="mpaas-bench-"))
    server = Server(tmp / "data", free_port(), args.inventory, args.receipt_delay)
    result: dict = {
        "bench": "mpaas-api",
        "quick": args.quick,
        "outbound_recipients": args.recipients,
        "inventory": args.inventory,
        "concurrency": args.concurrency,
        "warmup_s": args.warmup,
        "duration_s": args.duration,
        "cpus": os.cpu_count(),
        "shared_machine": True,
        "python": sys.version.split()[0],
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }

    def on_signal(signum, _frame):
        server.stop()
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    code = 0
    try:
        asyncio.run(run(args, server, result))
    except KeyboardInterrupt:
        code = 130
        result["error"] = "interrupted"
    except Exception as exc:
        code = 1
        result["error"] = f"{type(exc).__name__}: {exc}"
        log(f"FAILED: {result['error']}")
    finally:
        server.stop()
        result["total_s"] = round(time.perf_counter() - t0, 1)
        result["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
        if args.keep:
            result["data_dir"] = str(tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print_report(args, result)
    print(json.dumps(result, separators=(",", ":"), default=str))
    return code


if __name__ == "__main__":
    sys.exit(main())
