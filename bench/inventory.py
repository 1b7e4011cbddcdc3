#!/usr/bin/env python
"""Availability search and provisioning with a large number inventory, on SQLite and PostgreSQL.

    .venv/bin/python bench/inventory.py              # 10,000,000 numbers on each database
    .venv/bin/python bench/inventory.py --quick      # 1,000,000 numbers, fewer requests

For each database, and for each of two inventory sizes (the small `--base`, 100,000 by default, then
`--numbers`), one run:
  1. creates a fresh database (SQLite: a file in a temporary dir; PostgreSQL: drops and creates the
     database of `--pg-url`) and bulk-loads the inventory with bench/seed_inventory.py;
  2. starts the real server, `python -m mpaas.cli.main serve` (bench/api.py's Server), on it, with
     MPAAS_RATE_LIMIT_PER_MINUTE=0 and MPAAS_SEED_INVENTORY_COUNT=0 (serve seeds only an empty inventory
     anyway), and reads its peak RSS (VmHWM) once it is healthy;
  3. over HTTP, one request at a time (latency): POST /v1.0/numbers/availability with a random AreaCode,
     with a random ZipCode, and with both blank (random areas, up to 10,000 in the response); then
     POST /v1.0/numbers/provision by random AreaCode and with no AreaCode/ZipCode (any number),
     sequentially, and by AreaCode at `--provision-concurrency`;
  4. reads the server's peak RSS again and stops it.
It prints a table with p50/p99 of each, the ratio of the large inventory's p50 to the small one's measured
in the same run, and, last, one JSON line with every figure.

`--assigned-share 0.3` loads 30% of each inventory as already assigned: the lowest numbers, which are the
first rows in the table's physical order, as a stream of unfiltered claims leaves an inventory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx2
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import Api, Server, create_credential, free_port, latency_run, log, proc_status_kib
from seed_inventory import seed

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/mpaas_bench"
# Databases this bench drops and recreates must be its own: never a shared or system one.
FORBIDDEN_PG_DATABASES = {"test", "postgres", "template0", "template1"}
SEARCH = {"NumberType": "mobile", "MessageType": "p2p", "MessageEnabled": True, "VoiceEnabled": False}
WARMUP_REQUESTS = 10  # per phase, not measured: first-use costs (connections, statement caches)
LATENCY_TIME_CAP_S = 300.0


# --------------------------------------------------------------------------------------- databases


def pg_database_name(url: str) -> str:
    name = make_url(url).database
    if not name or name in FORBIDDEN_PG_DATABASES:
        raise SystemExit(f"--pg-url must name a database of its own to drop and create, not {name!r}")
    return name


def _maintenance_conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)


def recreate_pg_database(url: str) -> None:
    import psycopg

    name = pg_database_name(url)
    with psycopg.connect(_maintenance_conninfo(url), autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')


def drop_pg_database(url: str) -> None:
    import psycopg

    with psycopg.connect(_maintenance_conninfo(url), autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{pg_database_name(url)}" WITH (FORCE)')


def database_bytes(kind: str, url: str) -> int | None:
    if kind == "sqlite":
        path = Path(make_url(url).database)
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))  # with -wal / -shm
    import psycopg

    with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)) as con:
        return con.execute("SELECT pg_database_size(current_database())").fetchone()[0]


# --------------------------------------------------------------------------------------- measurements


async def measure(server: Server, args: argparse.Namespace, rng: random.Random) -> dict:
    """Availability and provisioning latencies against a running server, one phase after another."""
    credential, _ = await asyncio.to_thread(create_credential, server)
    limits = httpx2.Limits(max_connections=args.provision_concurrency + 4)
    async with httpx2.AsyncClient(limits=limits, timeout=60.0) as client:
        api = Api(client, server.base, credential)
        route = (
            await api.ok(
                "/v1.0/message/routes",
                {"RouteName": "Inventory bench", "MessageUrl": "http://127.0.0.1:9/in", "MessageUrlMethod": "POST"},
            )
        )["MessageRouteId"]
        # The areas to search: a blank search returns a random sample of every area with stock.
        blank = await api.ok("/v1.0/numbers/availability", {**SEARCH, "AreaCode": "", "ZipCode": ""})
        places = blank["AvailableNumberAreas"]
        area_codes = sorted({str(p["AreaCode"]) for p in places})
        zipcodes = sorted({p["Zipcode"] for p in places})

        def availability(search):
            """A request of the phase: `search(i)` gives the AreaCode / ZipCode fields of request i."""
            return lambda i: api.post("/v1.0/numbers/availability", {**SEARCH, **search(i)})

        def provision(search):
            """A request of the phase: `search(i)` gives the AreaCode field of request i."""
            return lambda i: api.post(
                "/v1.0/numbers/provision",
                {
                    "NumberType": "mvno",
                    "MessageType": "p2p",
                    "MessageEnabled": True,
                    "VoiceEnabled": False,
                    "MessageRouteId": route,
                    "ProductType": "Sms+Data",
                    **search(i),
                },
            )

        by_area = provision(lambda i: {"AreaCode": rng.choice(area_codes)})
        blank_search = {"AreaCode": "", "ZipCode": ""}

        phases = {  # name: (request, count, concurrency)
            "availability AreaCode": (availability(lambda i: {"AreaCode": rng.choice(area_codes)}), args.requests, 1),
            "availability ZipCode": (availability(lambda i: {"ZipCode": rng.choice(zipcodes)}), args.requests, 1),
            "availability blank": (availability(lambda i: blank_search), args.blank_requests, 1),
            "provision AreaCode c=1": (by_area, args.provisions, 1),
            # No AreaCode/ZipCode: the claim takes any available number (service._claim's last search).
            "provision blank c=1": (provision(lambda i: {}), args.provisions, 1),
            f"provision AreaCode c={args.provision_concurrency}": (
                by_area,
                args.concurrent_provisions,
                args.provision_concurrency,
            ),
        }
        results = {"areas_in_blank_search": len(places), "area_codes": len(area_codes)}
        for name, (request, count, concurrency) in phases.items():
            if count <= 0 or concurrency <= 0:
                continue
            await latency_run(
                f"{name} warm-up", request, count=WARMUP_REQUESTS, concurrency=1, time_cap=LATENCY_TIME_CAP_S
            )
            result = await latency_run(name, request, count=count, concurrency=concurrency, time_cap=LATENCY_TIME_CAP_S)
            log(
                f"  {name}: p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, {result['rps']}/s, "
                f"errors {result['errors']} {result['error_samples'][:1]}"
            )
            results[name] = result
        return results


async def run_one(kind: str, url: str, count: int, args: argparse.Namespace, work_dir: Path) -> dict:
    """Seed a fresh database with `count` numbers, serve it, measure, stop. Always stops the server."""
    if kind == "postgresql":
        recreate_pg_database(url)
    log(f"{kind}, {count:,} numbers: seeding")
    assigned = round(count * args.assigned_share)
    report = await asyncio.to_thread(seed, url, count, not args.no_progress, 0, assigned)
    figures: dict = {
        "numbers": count,
        "assigned": assigned,
        "seed_s": report.seconds,
        "stock_rows": report.stock_rows,
        "database_bytes": database_bytes(kind, url),
    }
    server = Server(work_dir / "data", free_port(), inventory=0, receipt_delay=0.05)
    if kind == "postgresql":
        server.env["MPAAS_DATABASE_URL"] = url  # Server() always clears it (its default is SQLite)
    try:
        server.start()
        figures["startup_s"] = round(await server.wait_healthy(args.startup_timeout), 2)
        figures["rss_peak_kib_idle"] = proc_status_kib(server.pid, "VmHWM")
        log(f"{kind}, {count:,} numbers: server pid {server.pid} healthy after {figures['startup_s']} s")
        figures["phases"] = await measure(server, args, random.Random(2026))
        figures["rss_peak_kib_after"] = proc_status_kib(server.pid, "VmHWM")
    finally:
        await asyncio.to_thread(server.stop)
    return figures


# --------------------------------------------------------------------------------------- report


def ratios(base: dict, large: dict) -> dict:
    """p50 of the large inventory over the small one's, per phase."""
    out = {}
    for name, phase in large.get("phases", {}).items():
        small = base.get("phases", {}).get(name)
        if isinstance(phase, dict) and isinstance(small, dict) and phase.get("p50_ms") and small.get("p50_ms"):
            out[name] = round(phase["p50_ms"] / small["p50_ms"], 2)
    return out


def print_report(args: argparse.Namespace, result: dict) -> None:
    print()
    print(
        f"mpaas inventory benchmark ({time.strftime('%Y-%m-%d %H:%M:%S')}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs shared by the server, the database and this client; sequential requests "
        f"unless c>1)"
    )
    for kind, sizes in result["databases"].items():
        print()
        header = (
            f"{kind:10} {'phase':28} "
            + " ".join(f"{f'{int(n):,} p50/p99 ms':>26}" for n in sizes["runs"])
            + f" {'p50 ratio':>10}"
        )
        print(header)
        print("-" * len(header))
        runs = list(sizes["runs"].values())
        phase_names = [n for n in runs[-1].get("phases", {}) if isinstance(runs[-1]["phases"][n], dict)]
        for name in phase_names:
            cells = []
            for run in runs:
                p = run.get("phases", {}).get(name) or {}
                errors = f" ({p['errors']} err)" if p.get("errors") else ""
                cell = f"{p.get('p50_ms')} / {p.get('p99_ms')}{errors}"
                cells.append(f"{cell:>26}")
            ratio = sizes["ratio_p50"].get(name)
            print(f"{'':10} {name:28} {' '.join(cells)} {f'{ratio}x' if ratio else '-':>10}")
        for label, key in (
            ("numbers assigned at start", "assigned"),
            ("seed s", "seed_s"),
            ("server startup s", "startup_s"),
            ("peak RSS idle MiB", "rss_peak_kib_idle"),
            ("peak RSS after MiB", "rss_peak_kib_after"),
            ("database MiB", "database_bytes"),
            ("stock rows", "stock_rows"),
        ):
            values = []
            for run in runs:
                v = run.get(key)
                if v is not None and key.startswith("rss"):
                    v = round(v / 1024, 1)
                elif v is not None and key == "database_bytes":
                    v = round(v / 1024 / 1024)
                values.append(f"{v if v is not None else '-':>26}")
            print(f"{'':10} {label:28} {' '.join(values)}")
    print(
        f"\ntotal {result.get('total_s')} s; load average at start {result['loadavg_at_start']}, "
        f"at end {result.get('loadavg_at_end')}"
    )
    if result.get("error"):
        print(f"ERROR: {result['error']}")


# --------------------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--quick", action="store_true", help="1,000,000 numbers and fewer requests.")
    p.add_argument("--numbers", type=int, default=None, help="Large inventory (default 10,000,000; quick 1,000,000).")
    p.add_argument("--base", type=int, default=100_000, help="Small inventory the ratios are against (100,000).")
    p.add_argument("--databases", default="sqlite,postgresql", help="Comma-separated: sqlite, postgresql.")
    p.add_argument(
        "--pg-url",
        default=DEFAULT_PG_URL,
        help="PostgreSQL database this bench DROPS and recreates (default mpaas_bench).",
    )
    p.add_argument("--requests", type=int, default=None, help="AreaCode and ZipCode searches each (300; quick 100).")
    p.add_argument("--blank-requests", type=int, default=None, help="Blank searches (200; quick 50).")
    p.add_argument("--provisions", type=int, default=None, help="Sequential provisions (300; quick 100).")
    p.add_argument("--concurrent-provisions", type=int, default=None, help="Provisions at concurrency (200; quick 80).")
    p.add_argument("--provision-concurrency", type=int, default=8)
    p.add_argument(
        "--assigned-share",
        type=float,
        default=0.0,
        help="Share of each inventory loaded as already assigned: the lowest numbers, first in the "
        "table's physical order, as unfiltered claims leave it (default 0: all available).",
    )
    p.add_argument("--startup-timeout", type=float, default=180.0)
    p.add_argument("--keep", action="store_true", help="Keep the SQLite files and the PostgreSQL database.")
    p.add_argument("--no-progress", action="store_true", help="No seeding progress bar.")
    a = p.parse_args(argv)
    quick = a.quick

    def default(value, full, small):
        return value if value is not None else (small if quick else full)

    a.numbers = default(a.numbers, 10_000_000, 1_000_000)
    a.requests = default(a.requests, 300, 100)
    a.blank_requests = default(a.blank_requests, 200, 50)
    a.provisions = default(a.provisions, 300, 100)
    a.concurrent_provisions = default(a.concurrent_provisions, 200, 80)
    a.databases = [d.strip() for d in a.databases.split(",") if d.strip()]
    if unknown := set(a.databases) - {"sqlite", "postgresql"}:
        p.error(f"unknown --databases {sorted(unknown)}")
    if "postgresql" in a.databases:
        pg_database_name(a.pg_url)
    return a


async def run(args: argparse.Namespace, tmp: Path, result: dict) -> None:
    for kind in args.databases:
        runs: dict[str, dict] = {}
        result["databases"][kind] = {"runs": runs, "ratio_p50": {}}
        for count in (args.base, args.numbers):
            work_dir = tmp / f"{kind}-{count}"
            url = f"sqlite+aiosqlite:///{work_dir / 'data' / 'mpaas.db'}" if kind == "sqlite" else args.pg_url
            (work_dir / "data").mkdir(parents=True)
            try:
                runs[str(count)] = await run_one(kind, url, count, args, work_dir)
            finally:
                if not args.keep:
                    shutil.rmtree(work_dir, ignore_errors=True)  # 10M rows is gigabytes: free it before the next
                    if kind == "postgresql":
                        drop_pg_database(url)
        result["databases"][kind]["ratio_p50"] = ratios(runs[str(args.base)], runs[str(args.numbers)])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    result: dict = {
        "bench": "mpaas-inventory",
        "numbers": args.numbers,
        "base": args.base,
        "quick": args.quick,
        "assigned_share": args.assigned_share,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "databases": {},
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    tmp = Path(tempfile.mkdtemp(prefix="mpaas-inventory-bench-"))
    code = 0
    try:
        asyncio.run(run(args, tmp, result))
    except KeyboardInterrupt:
        code, result["error"] = 130, "interrupted"
    except Exception as exc:
        code, result["error"] = 1, f"{type(exc).__name__}: {exc}"
        log(f"FAILED: {result['error']}")
    finally:
        if args.keep:
            result["kept"] = str(tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
        result["total_s"] = round(time.perf_counter() - started, 1)
        result["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print_report(args, result)
    print(json.dumps(result, separators=(",", ":"), default=str))
    return code


if __name__ == "__main__":
    sys.exit(main())
