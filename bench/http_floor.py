#!/usr/bin/env python
"""The framework floor (issue 20): `GET /healthz` on `mpaas serve` against a bare ASGI app on the same
uvicorn + uvloop + httptools stack, measured with wrk in the same run.

    .venv/bin/python bench/http_floor.py                      # 3 rounds x 5 s each, c=64, 1 wrk thread
    .venv/bin/python bench/http_floor.py --rounds 5 --seconds 10 --connections 64 --threads 2
    .venv/bin/python bench/http_floor.py --path /v1.0/account              # any other GET path as well
    .venv/bin/python bench/http_floor.py --baseline-src /tmp/old/src         # and another mpaas tree's /healthz

One run starts two servers on free loopback ports, each in its own process:

- (a) the bare app: a plain ASGI callable answering every request with a fixed JSON body, served by
  `uvicorn.run(app, host, port, log_level="warning", access_log=False)`, the call `mpaas serve` makes;
- (b) `python -m mpaas.cli serve` on a new temporary SQLite data dir, no inventory seeded
  (MPAAS_SEED_INVENTORY_COUNT=0): the all-in-one process, its job workers idling beside the API.

With `--baseline-src DIR` (a `src` directory of another checkout, e.g. `git archive <commit> src | tar -x -C
/tmp/old`), a third server runs that tree's `mpaas serve` the same way (PYTHONPATH=DIR), so a change is
measured against its parent in one run.

Then `--rounds` rounds, each running wrk for `--seconds` against the bare app and against every measured path
of mpaas (`/healthz`, each `--path`, the baseline's `/healthz`), the order alternating from round to round so
neither side always goes first on a warm or a cold machine. Each run reports req/s, p50/p99 (wrk --latency), non-2xx answers, and
the server's CPU (utime+stime from /proc) in cores and per request: on a busy machine, where the servers get
less than a core, CPU per request is the steadier figure. The ratio path/bare is taken within each round (the
two measured seconds apart) and the median of the rounds is printed, then one JSON line with every figure. Every
server is stopped by its pid.

wrk and the servers share the machine's cores: compare ratios from one run, never figures across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import free_port, log, proc_cpu_seconds

BARE_BODY = b'{"Status":"ok"}'


async def bare_app(scope, receive, send):
    """The floor: no routing, no middleware, one fixed JSON answer."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(BARE_BODY)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": BARE_BODY})


def serve_bare(port: int) -> None:
    import uvicorn

    # The same call as `mpaas serve` (cli/main.py): uvicorn's defaults pick uvloop and httptools.
    uvicorn.run(bare_app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


class Child:
    """A server in its own session, stopped by its pid (SIGTERM, then SIGKILL after 5 s)."""

    def __init__(self, label: str, cmd: list[str], env: dict[str, str], log_path: Path, port: int):
        self.label = label
        self.port = port
        self.log_path = log_path
        with open(log_path, "wb") as out:
            self.proc = subprocess.Popen(
                cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True
            )

    def wait_ready(self, path: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{self.label} exited with {self.proc.returncode}:\n{tail}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.label} not ready after {timeout:.0f} s")

    def cpu(self) -> float | None:
        return proc_cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return round(float(value) * _UNITS[unit], 3)


def parse_wrk(out: str) -> dict:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    if rps is None or "50" not in latency or "99" not in latency:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:(.*)$", out, re.M)
    return {
        "rps": round(float(rps.group(1)), 1),
        "p50_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def run_wrk(args, server: Child, path: str) -> dict:
    url = f"http://127.0.0.1:{server.port}{path}"
    cmd = [args.wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", url]
    cpu0, t0 = server.cpu(), time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    cpu1, t1 = server.cpu(), time.monotonic()
    result = parse_wrk(out)
    if cpu0 is not None and cpu1 is not None:
        result["server_cores"] = round((cpu1 - cpu0) / (t1 - t0), 2)
        requests = result["rps"] * (t1 - t0)
        result["cpu_us_per_request"] = round((cpu1 - cpu0) / requests * 1e6, 1) if requests else None
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration of each run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of wrk against each target before round 1")
    parser.add_argument("--path", action="append", default=[], help="another GET path of mpaas to measure")
    parser.add_argument("--baseline-src", type=Path, help="another tree's src dir, served and measured alike")
    parser.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    parser.add_argument("--bare-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        serve_bare(args.bare_server)
        return 0
    if not Path(args.wrk).exists():
        print(f"wrk not found ({args.wrk}): install it (apt-get install wrk) or pass --wrk", file=sys.stderr)
        return 2

    tmp = Path(tempfile.mkdtemp(prefix="mpaas-http-floor-"))
    env = {k: v for k, v in os.environ.items() if k not in ("MPAAS_DATABASE_URL", "MPAAS_DATA_DIR")}
    env.update({"MPAAS_SEED_INVENTORY_COUNT": "0", "PYTHONUNBUFFERED": "1", "COLUMNS": "200"})
    bare_port, mpaas_port = free_port(), free_port()
    servers: list[Child] = []
    try:
        bare = Child(
            "bare ASGI app",
            [sys.executable, str(Path(__file__).resolve()), "--bare-server", str(bare_port)],
            env,
            tmp / "bare.log",
            bare_port,
        )
        servers.append(bare)
        mpaas = Child(
            "mpaas serve",
            [sys.executable, "-m", "mpaas.cli", "serve", "--host", "127.0.0.1", "--port", str(mpaas_port)]
            + ["--data-dir", str(tmp / "data")],
            env,
            tmp / "serve.log",
            mpaas_port,
        )
        servers.append(mpaas)
        baseline = None
        if args.baseline_src is not None:
            baseline_port = free_port()
            baseline_env = {**env, "PYTHONPATH": str(args.baseline_src.resolve())}
            baseline = Child(
                "baseline mpaas serve",
                [sys.executable, "-m", "mpaas.cli", "serve", "--host", "127.0.0.1", "--port", str(baseline_port)]
                + ["--data-dir", str(tmp / "baseline-data")],
                baseline_env,
                tmp / "baseline.log",
                baseline_port,
            )
            servers.append(baseline)
        bare.wait_ready("/", 30)
        mpaas.wait_ready("/healthz", 120)
        paths = ["/healthz", *args.path]
        targets = [("bare", bare, "/")] + [(path, mpaas, path) for path in paths]
        if baseline is not None:
            baseline.wait_ready("/healthz", 120)
            targets.append(("baseline /healthz", baseline, "/healthz"))
        log(f"load average {os.getloadavg()[0]:.2f}; warm-up {args.warmup} s each")
        if args.warmup > 0:
            for _name, server, path in targets:
                subprocess.run(
                    [
                        args.wrk,
                        "-t1",
                        f"-c{args.connections}",
                        f"-d{args.warmup}s",
                        f"http://127.0.0.1:{server.port}{path}",
                    ],
                    capture_output=True,
                    check=True,
                )
        rounds: list[dict[str, dict]] = []
        for r in range(args.rounds):
            order = targets if r % 2 == 0 else targets[::-1]
            results = {}
            for name, server, path in order:
                results[name] = run_wrk(args, server, path)
                log(f"round {r + 1} {name}: {results[name]}")
            rounds.append(results)
        log(f"load average {os.getloadavg()[0]:.2f}")
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    print(
        f"\nwrk -t{args.threads} -c{args.connections} -d{args.seconds}s, {args.rounds} interleaved rounds "
        f"(median of rounds; ratio = path req/s / bare req/s within each round)\n"
    )
    print(f"{'target':<40} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'cores':>6} {'CPU us/req':>10} {'vs bare':>8}")
    summary: dict[str, dict] = {}
    for name, _server, _path in targets:
        runs = [rnd[name] for rnd in rounds]
        row = {
            "rps": round(statistics.median(x["rps"] for x in runs), 1),
            "p50_ms": round(statistics.median(x["p50_ms"] for x in runs), 3),
            "p99_ms": round(statistics.median(x["p99_ms"] for x in runs), 3),
            "server_cores": round(statistics.median(x.get("server_cores", 0.0) for x in runs), 2),
            "cpu_us_per_request": round(statistics.median(x.get("cpu_us_per_request") or 0.0 for x in runs), 1),
            "non_2xx": sum(x["non_2xx"] for x in runs),
            "rounds": runs,
        }
        if name != "bare":
            row["ratio_per_round"] = [round(rnd[name]["rps"] / rnd["bare"]["rps"], 3) for rnd in rounds]
            row["ratio"] = round(statistics.median(row["ratio_per_round"]), 3)
        summary[name] = row
        label = "bare ASGI app" if name == "bare" else name if name.startswith("baseline") else f"mpaas GET {name}"
        ratio = f"{row['ratio']:.1%}" if "ratio" in row else "-"
        print(
            f"{label:<40} {row['rps']:>10,.0f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} "
            f"{row['server_cores']:>6.2f} {row['cpu_us_per_request']:>10.1f} {ratio:>8}"
        )
    print(
        json.dumps(
            {
                "bench": "http_floor",
                "threads": args.threads,
                "connections": args.connections,
                "seconds": args.seconds,
                "results": summary,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
