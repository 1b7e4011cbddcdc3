#!/usr/bin/env python
"""POST /v1.0/numbers/availability by AreaCode under wrk, against GET /healthz on the same server, with a large
inventory, on SQLite and PostgreSQL.

    .venv/bin/python bench/availability.py                          # 10,000,000 numbers, both databases
    .venv/bin/python bench/availability.py --databases sqlite --keep /tmp/avail   # keep the seeded databases
    .venv/bin/python bench/availability.py --databases sqlite --keep /tmp/avail   # again: reuses them, no seeding

For each database:
  1. seeds `--numbers` numbers with bench/seed_inventory.py (SQLite: a file under the work dir; PostgreSQL: the
     database of `--pg-url`, dropped and created). With `--keep DIR` the SQLite file lives in DIR and the PostgreSQL
     database is kept; a later run with the same `--keep` reuses a database that already holds exactly
     `--numbers` inventory numbers, after migrating it (so a new migration's index is built once, there);
  2. starts `mpaas serve` on it (bench/api.py's Server: no rate limit, no inventory seeding of its own; on PostgreSQL
     `mpaas api` unless `--pg-role serve`; `--src DIR` runs another source tree), and mints an endpoint-scoped
     token for the availability path (bench/api.py's Api);
  3. runs `/usr/bin/wrk` (one thread, keep-alive) for `--rounds` rounds, each round: GET /healthz at c=32, the
     availability search at c=32, GET /healthz at c=1, the search at c=1, `--duration` seconds each after a 1 s
     warm-up of the same kind. The search body is {"NumberType": "mobile", "MessageType": "p2p",
     "MessageEnabled": true, "VoiceEnabled": false, "AreaCode": `--area-code`, "ZipCode": ""};
  4. prints, per phase, the median over the rounds of req/s, of wrk's p50/p99 and of the server's CPU per request
     (/proc, all its threads), and the search's req/s as a share of /healthz's at the same concurrency, measured in
     the same round (the median of the rounds' ratios); then one JSON line with every round's figures. Any non-2xx
     answer or socket error is counted and printed.

wrk and the server share the machine's cores (wrk uses a small part of one at these rates).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import Api, Server, create_credential, free_port, log, proc_cpu_seconds
from inventory import FORBIDDEN_PG_DATABASES, drop_pg_database, pg_database_name, recreate_pg_database
from scale import descendants_of
from seed_inventory import seed

from mpaas.core.db import migrate

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/mpaas_availability_bench"
PATH = "/v1.0/numbers/availability"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
PHASES = (("healthz", 32), ("availability", 32), ("healthz", 1), ("availability", 1))

# wrk's script: the request, and a `done` hook printing one JSON line with the figures this bench reads.
LUA = """
wrk.method = "{method}"
{body}
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK-JSON {{\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, \\"p99_us\\": %d, \\"max_us\\": %d, "
    .. "\\"connect\\": %d, \\"read\\": %d, \\"write\\": %d, \\"status\\": %d, \\"timeout\\": %d}}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def lua_script(method: str, body: str | None, headers: dict[str, str]) -> str:
    def quoted(s: str) -> str:
        return json.dumps(s)  # a JSON string is a valid Lua string literal for this ASCII text

    return LUA.format(
        method=method,
        body=f"wrk.body = {quoted(body)}" if body is not None else "",
        headers="\n".join(f"wrk.headers[{quoted(k)}] = {quoted(v)}" for k, v in headers.items()),
    )


def run_wrk(url: str, script: Path, connections: int, seconds: float) -> dict:
    out = subprocess.run(
        [WRK, "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(script), url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    for line in out.stdout.splitlines():
        if line.startswith("WRK-JSON "):
            figures = json.loads(line[len("WRK-JSON ") :])
            break
    else:
        raise RuntimeError(f"wrk printed no figures ({out.returncode}): {out.stdout[-500:]} {out.stderr[-500:]}")
    seconds_run = figures["duration_us"] / 1e6
    errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "rps": round(figures["requests"] / seconds_run, 1) if seconds_run else 0.0,
        "p50_ms": round(figures["p50_us"] / 1000, 2),
        "p99_ms": round(figures["p99_us"] / 1000, 2),
        "max_ms": round(figures["max_us"] / 1000, 2),
        "requests": figures["requests"],
        "errors": errors,
    }


# --------------------------------------------------------------------------------------- databases


def inventory_count(kind: str, url: str) -> int | None:
    """Rows in the inventory of an existing database, or None when there is no such database or table."""
    if kind == "sqlite":
        import sqlite3

        path = Path(make_url(url).database)
        if not path.exists():
            return None
        con = sqlite3.connect(path)
        try:
            return con.execute("SELECT count(*) FROM inventory_numbers").fetchone()[0]
        except sqlite3.Error:
            return None
        finally:
            con.close()
    import psycopg

    try:
        with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)) as con:
            return con.execute("SELECT count(*) FROM inventory_numbers").fetchone()[0]
    except psycopg.Error:
        return None


def prepare(kind: str, url: str, count: int, reuse: bool, progress: bool) -> dict:
    """A database holding `count` numbers: reused (migrated to head) when allowed and it has exactly that many,
    else seeded afresh."""
    if reuse and inventory_count(kind, url) == count:
        started = time.perf_counter()
        migrate.upgrade(url)  # a new migration's indexes are built here, once
        log(f"{kind}: reusing {count:,} numbers (migrated in {time.perf_counter() - started:.1f} s)")
        return {"seeded": False}
    if kind == "postgresql":
        recreate_pg_database(url)
    else:
        path = Path(make_url(url).database)
        for stale in path.parent.glob(path.name + "*"):
            stale.unlink()
    log(f"{kind}: seeding {count:,} numbers")
    report = seed(url, count, progress)
    log(f"{kind}: seeded in {report.seconds} s ({report.stock_rows:,} stock rows)")
    return {"seeded": True, "seed_s": report.seconds, "stock_rows": report.stock_rows}


# --------------------------------------------------------------------------------------- measurement


async def token_headers(server: Server) -> dict[str, str]:
    credential, _ = await asyncio.to_thread(create_credential, server)
    async with httpx2.AsyncClient(timeout=60.0) as client:
        api = Api(client, server.base, credential)
        headers = await api.headers(PATH)
        check = await api.post(PATH, SEARCH_BODY)
        if check.status_code != 200:
            raise RuntimeError(f"the search answers {check.status_code}: {check.text[:300]}")
        found = check.json()
        log(
            f"search: ResultsTotal {found['ResultsTotal']:,}, {len(found['AvailableNumberAreas'])} areas, "
            f"{len(found['NumbersAvailable'])} numbers, {len(check.content):,} bytes"
        )
        return headers


SEARCH_BODY: dict = {}


class ApiServer(Server):
    """`mpaas api` (the HTTP API alone, as a scaled-out deployment runs it; no jobs or carrier) on the same
    database; what the availability search meets on PostgreSQL is the same with or without the other roles."""

    label = "mpaas api"
    workers = 1  # `--api-workers`: `mpaas api --workers N`, N processes on one SO_REUSEPORT port

    def start(self) -> None:
        with open(self.log_path, "wb") as log_file:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "mpaas.cli", "api", "--host", "127.0.0.1", "--port", str(self.port)]
                + ["--data-dir", str(self.data_dir), "--workers", str(self.workers)],
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                start_new_session=True,
            )

    def cpu_seconds_by_process(self) -> dict[str, float]:
        """Every process of the tree (the workers are children of the first), so CPU per request counts them all."""
        if self.proc is None:
            return {}
        pids = [self.pid, *descendants_of(self.pid)]
        return {f"api {pid}": cpu for pid in pids if (cpu := proc_cpu_seconds(pid)) is not None}


def measure(server: Server, headers: dict[str, str], args: argparse.Namespace, work: Path) -> list[dict]:
    scripts = {
        "healthz": work / "healthz.lua",
        "availability": work / "availability.lua",
    }
    scripts["healthz"].write_text(lua_script("GET", None, {}))
    scripts["availability"].write_text(lua_script("POST", json.dumps(SEARCH_BODY), headers))
    urls = {"healthz": server.base + "/healthz", "availability": server.base + PATH}
    rounds = []
    for r in range(args.rounds):
        figures = {}
        for name, connections in PHASES:
            run_wrk(urls[name], scripts[name], connections, 1)  # warm-up
            cpu_before = server.cpu_seconds()
            result = run_wrk(urls[name], scripts[name], connections, args.duration)
            cpu_after = server.cpu_seconds()
            if cpu_before is not None and cpu_after is not None and result["requests"]:
                # The server's CPU (all its threads) per request answered, from /proc: less moved by other jobs
                # on the machine than req/s is. Includes wrk's last in-flight requests, a rounding error here.
                result["server_cpu_ms"] = round((cpu_after - cpu_before) * 1000 / result["requests"], 3)
            figures[f"{name} c={connections}"] = result
            log(
                f"round {r + 1}: {name} c={connections}: {result['rps']:,} req/s, p50 {result['p50_ms']} ms, "
                f"p99 {result['p99_ms']} ms, server CPU {result.get('server_cpu_ms')} ms/request, "
                f"errors {result['errors']}"
            )
        rounds.append(figures)
    return rounds


def summarize(rounds: list[dict]) -> dict:
    out = {}
    for name, connections in PHASES:
        key = f"{name} c={connections}"
        runs = [r[key] for r in rounds]
        out[key] = {
            "rps": round(statistics.median(x["rps"] for x in runs), 1),
            "p50_ms": round(statistics.median(x["p50_ms"] for x in runs), 2),
            "p99_ms": round(statistics.median(x["p99_ms"] for x in runs), 2),
            "errors": sum(x["errors"] for x in runs),
        }
        cpu = [x["server_cpu_ms"] for x in runs if x.get("server_cpu_ms") is not None]
        out[key]["server_cpu_ms"] = round(statistics.median(cpu), 3) if cpu else None
        if name == "availability":
            ratios = [r[key]["rps"] / r[f"healthz c={connections}"]["rps"] for r in rounds]
            out[key]["vs_healthz"] = round(statistics.median(ratios), 3)
    return out


async def run_one(kind: str, url: str, args: argparse.Namespace, work: Path) -> dict:
    figures = await asyncio.to_thread(prepare, kind, url, args.numbers, args.keep is not None, not args.no_progress)
    data_dir = Path(make_url(url).database).parent if kind == "sqlite" else work / f"{kind}-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    role = ApiServer if kind == "postgresql" and args.pg_role == "api" else Server
    server = role(data_dir, free_port(), inventory=0, receipt_delay=0.05)
    if isinstance(server, ApiServer):
        server.workers = args.api_workers
    server.log_path = work / f"{kind}-serve.log"
    if kind == "postgresql":
        server.env["MPAAS_DATABASE_URL"] = url
        if role is ApiServer and not server.env.get("MPAAS_SECRETS_KEY"):  # the production roles need one
            from cryptography.fernet import Fernet

            server.env["MPAAS_SECRETS_KEY"] = Fernet.generate_key().decode()
    if args.src is not None:  # another source tree (e.g. an older commit's, for a before/after on one database)
        server.env["PYTHONPATH"] = str(args.src.resolve())
    workers = f" --workers {server.workers}" if isinstance(server, ApiServer) and server.workers > 1 else ""
    figures["server"] = f"{server.label}{workers}{f' from {args.src}' if args.src else ''}"
    try:
        server.start()
        figures["startup_s"] = round(await server.wait_healthy(args.startup_timeout), 2)
        log(f"{kind}: server pid {server.pid} healthy after {figures['startup_s']} s")
        headers = await token_headers(server)
        if args.hold:
            log(f"{kind}: holding {args.hold} s (server pid {server.pid})")
            await asyncio.sleep(args.hold)
        figures["rounds"] = await asyncio.to_thread(measure, server, headers, args, work)
        figures["summary"] = summarize(figures["rounds"])
    finally:
        await asyncio.to_thread(server.stop)
    return figures


def print_report(args: argparse.Namespace, result: dict) -> None:
    print()
    print(
        f"mpaas availability benchmark ({time.strftime('%Y-%m-%d %H:%M:%S')}, {args.numbers:,} numbers, "
        f"AreaCode {args.area_code}, wrk -t1, {args.rounds} rounds of {args.duration} s per phase, medians; "
        f"{os.cpu_count()} CPUs shared by the server, the database and wrk)"
    )
    header = (
        f"{'database':11} {'phase':18} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs healthz':>11} "
        f"{'CPU ms/req':>11} {'errors':>7}"
    )
    print(header)
    print("-" * len(header))
    for kind, figures in result["databases"].items():
        if figures.get("server"):
            print(f"{kind:11} {figures['server']}")
        for name, phase in figures.get("summary", {}).items():
            ratio = f"{phase['vs_healthz'] * 100:.1f}%" if "vs_healthz" in phase else ""
            print(
                f"{kind:11} {name:18} {phase['rps']:>9,.0f} {phase['p50_ms']:>8} {phase['p99_ms']:>8} "
                f"{ratio:>11} {phase.get('server_cpu_ms') or '-':>11} {phase['errors']:>7}"
            )
    print(
        f"\nload average at start {result['loadavg_at_start']}, at end {result.get('loadavg_at_end')}; "
        f"total {result.get('total_s')} s"
    )
    if result.get("error"):
        print(f"ERROR: {result['error']}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--numbers", type=int, default=10_000_000, help="Inventory size (default 10,000,000).")
    p.add_argument("--databases", default="sqlite,postgresql", help="Comma-separated: sqlite, postgresql.")
    p.add_argument(
        "--pg-url", default=DEFAULT_PG_URL, help="PostgreSQL database this bench drops and creates (its own)."
    )
    p.add_argument("--area-code", default="801")
    p.add_argument("--duration", type=float, default=5.0, help="Seconds per measured wrk run (default 5).")
    p.add_argument("--rounds", type=int, default=3, help="Rounds of the four phases (default 3).")
    p.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="Directory for the SQLite file; keeps it and the PostgreSQL database, and reuses both when they "
        "already hold --numbers numbers.",
    )
    p.add_argument(
        "--pg-role",
        choices=("api", "serve"),
        default="api",
        help="On PostgreSQL, run `mpaas api` (default) or `mpaas serve` (every role in one process).",
    )
    p.add_argument(
        "--api-workers",
        type=int,
        default=1,
        help="Processes of `mpaas api` on PostgreSQL (its --workers; default 1). Its CPU per request sums them all.",
    )
    p.add_argument(
        "--src",
        type=Path,
        default=None,
        help="Run the server from this source tree (PYTHONPATH), e.g. `git archive <commit> src` unpacked, for a "
        "before/after on the same databases. The bench itself and the databases' migrations are this checkout's.",
    )
    p.add_argument("--hold", type=float, default=0.0, help="Seconds to pause before measuring (to attach py-spy).")
    p.add_argument("--startup-timeout", type=float, default=180.0)
    p.add_argument("--no-progress", action="store_true", help="No seeding progress bar.")
    a = p.parse_args(argv)
    a.databases = [d.strip() for d in a.databases.split(",") if d.strip()]
    if unknown := set(a.databases) - {"sqlite", "postgresql"}:
        p.error(f"unknown --databases {sorted(unknown)}")
    if "postgresql" in a.databases and pg_database_name(a.pg_url) in FORBIDDEN_PG_DATABASES:
        p.error("--pg-url must name a database of its own")
    if not Path(WRK).exists():
        p.error(f"needs wrk ({WRK})")
    return a


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    SEARCH_BODY.update(
        {
            "NumberType": "mobile",
            "MessageType": "p2p",
            "MessageEnabled": True,
            "VoiceEnabled": False,
            "AreaCode": args.area_code,
            "ZipCode": "",
        }
    )
    started = time.perf_counter()
    result: dict = {
        "bench": "mpaas-availability",
        "numbers": args.numbers,
        "area_code": args.area_code,
        "databases": {},
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    work = Path(tempfile.mkdtemp(prefix="mpaas-availability-bench-"))
    code = 0
    try:
        for kind in args.databases:
            if kind == "sqlite":
                base = args.keep if args.keep is not None else work
                url = f"sqlite+aiosqlite:///{(base / 'sqlite' / 'mpaas.db').resolve()}"
                (base / "sqlite").mkdir(parents=True, exist_ok=True)
            else:
                url = args.pg_url
            try:
                result["databases"][kind] = asyncio.run(run_one(kind, url, args, work))
            finally:
                if kind == "postgresql" and args.keep is None:
                    drop_pg_database(url)
    except KeyboardInterrupt:
        code, result["error"] = 130, "interrupted"
    except Exception as exc:
        code, result["error"] = 1, f"{type(exc).__name__}: {exc}"
        log(f"FAILED: {result['error']}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        result["total_s"] = round(time.perf_counter() - started, 1)
        result["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print_report(args, result)
    print(json.dumps(result, separators=(",", ":"), default=str))
    return code


if __name__ == "__main__":
    sys.exit(main())
