#!/usr/bin/env python
"""The API and pipeline benchmarks on three deployments in one run, side by side:

    .venv/bin/python bench/scale.py            # full run (about 5-6 minutes)
    .venv/bin/python bench/scale.py --quick    # smoke run (about 2-3 minutes)

  sqlite   `mpaas serve` on a fresh SQLite data dir (the embedded default; bench/api.py's Server);
  sqlite-roles  `mpaas api` + `mpaas worker` + `mpaas gateway` on one SQLite file (docs/deploy.md),
           MPAAS_WORKER_POLL_SECONDS=0.05;
  pg-1api  PostgreSQL: `mpaas api --workers 1` + `mpaas worker` + `mpaas gateway`, MPAAS_REDIS_URL set;
  pg-2api  the same with `mpaas api --workers 2`.

Each deployment runs bench/api.py's phases (healthz baseline, availability with AreaCode and blank,
provisioning latency at c=1 and c=8, outbound), then bench/pipeline.py's SMPP run (API -> SMPP connector
-> `mpaas smsc-sim` -> receipts -> status callbacks, against a bare SMPP submit loop measured in the same
run). Every run starts from a fresh database (a new temp data dir; the PostgreSQL database dropped and
created again) with the same inventory. It records the CPU of every server process (uvicorn's worker
processes included) and their summed peak RSS. It prints one table (rows: figures; columns: deployments)
and, last, one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
import api
import pipeline
from api import free_port, log, proc_cpu_seconds, proc_status_kib

DEPLOYMENTS = ("sqlite", "sqlite-roles", "pg-1api", "pg-2api")
# SQLite has no cross-process wake-up (PostgreSQL's LISTEN/NOTIFY): split roles on SQLite poll this often.
SQLITE_ROLES_POLL_SECONDS = 0.05
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/mpaas_scale_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# This bench drops and recreates its database: never one that others (or the server itself) use.
FORBIDDEN_PG_DATABASES = {"test", "helper_a_test", "mpaas_bench", "postgres", "template0", "template1"}
# `mpaas serve` seeds with this seed (mpaas.seed.ensure_inventory): same numbers on every deployment.
INVENTORY_SEED = 2026
STOP_GRACE_SECONDS = 5.0
ROLE_READY_TIMEOUT = 120.0


# --------------------------------------------------------------------------------------- processes


def children_by_parent() -> dict[int, list[int]]:
    """ppid -> child pids over every process, from /proc/<pid>/stat. (/proc/<pid>/task/*/children needs
    CONFIG_PROC_CHILDREN, which this kernel lacks, and psutil is not a dependency.)"""
    table: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue  # exited meanwhile
        ppid = int(raw[raw.rindex(")") + 2 :].split()[1])
        table.setdefault(ppid, []).append(int(stat.parent.name))
    return table


def descendants_of(pid: int) -> list[int]:
    """Children, grandchildren, ...: uvicorn's workers and multiprocessing's resource tracker."""
    table = children_by_parent()
    result, todo = [], list(table.get(pid, []))
    while todo:
        child = todo.pop()
        result.append(child)
        todo += table.get(child, [])
    return result


def start_ticks(pid: int) -> int | None:
    """The process start time (field 22 of /proc/<pid>/stat): tells a pid apart from a later reuse."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(raw[raw.rindex(")") + 2 :].split()[19])


def sum_status_kib(pids: list[int], key: str) -> int | None:
    values = [v for v in (proc_status_kib(pid, key) for pid in pids) if v is not None]
    return sum(values) if values else None


class RoleProcess:
    """One `python -m mpaas.cli.main <role> ...` in its own session (so its process group holds its children)."""

    def __init__(self, role: str, argv: list[str], log_path: Path):
        self.role = role
        self.argv = argv
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.known: dict[int, int | None] = {}  # every pid seen in its tree -> start ticks, for the kill

    def start(self, env: dict[str, str]) -> None:
        with open(self.log_path, "wb") as log_file:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "mpaas.cli", *self.argv],
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def pids(self) -> list[int]:
        """The process and its live descendants (remembered for stop())."""
        if not self.alive():
            return []
        tree = [self.proc.pid] + descendants_of(self.proc.pid)
        for pid in tree:
            self.known.setdefault(pid, start_ticks(pid))
        return tree

    def cpu_seconds_by_process(self) -> dict[str, float]:
        """`role` for the process itself, `role:<pid>` for each descendant (uvicorn workers)."""
        by_process = {}
        for pid in self.pids():
            cpu = proc_cpu_seconds(pid)
            if cpu is not None:
                by_process[self.role if pid == self.proc.pid else f"{self.role}:{pid}"] = cpu
        return by_process

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def signal_stop(self) -> None:
        """SIGTERM to the process (uvicorn's master then stops its workers itself)."""
        self.pids()  # remember the current children before they can be orphaned
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)

    def kill_leftovers(self, deadline: float) -> None:
        """Wait for the SIGTERM until `deadline`, then SIGKILL its process group and any remembered
        descendant that is still the same process (same start time)."""
        if self.proc is None:
            return
        try:
            self.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log(f"{self.role} (pid {self.proc.pid}) ignored SIGTERM for {STOP_GRACE_SECONDS:g} s: SIGKILL")
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: only this role's processes
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=5)
        for pid, ticks in self.known.items():
            if pid != self.proc.pid and ticks is not None and start_ticks(pid) == ticks:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


# --------------------------------------------------------------------------------------- PostgreSQL


def pg_database_name(url: str) -> str:
    name = make_url(url).database
    if not name or name in FORBIDDEN_PG_DATABASES:
        raise SystemExit(f"--pg-url must name a database of its own to drop and create, not {name!r}")
    return name


def libpq_url(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def recreate_pg_database(url: str) -> None:
    import psycopg

    name = pg_database_name(url)
    with psycopg.connect(libpq_url(url, "postgres"), autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')


def drop_pg_database(url: str) -> None:
    import psycopg

    with psycopg.connect(libpq_url(url, "postgres"), autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{pg_database_name(url)}" WITH (FORCE)')


class PgBackends:
    """The PostgreSQL backends serving one database, found in pg_stat_activity over one connection to the
    maintenance database (so the probe is not one of them). On SQLite the database work is CPU of the
    server process itself; here it is theirs, so it belongs in the deployment's CPU."""

    def __init__(self, url: str):
        self.url = url
        self.database = pg_database_name(url)
        self._con = None

    def pids(self) -> list[int]:
        import psycopg

        try:
            if self._con is None or self._con.closed:
                self._con = psycopg.connect(libpq_url(self.url, "postgres"), autocommit=True, connect_timeout=5)
            rows = self._con.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.database,))
            return [pid for (pid,) in rows.fetchall()]
        except psycopg.Error:
            self.close()
            return []

    def cpu_seconds_by_process(self) -> dict[str, float]:
        by_process = {}
        for pid in self.pids():
            cpu = proc_cpu_seconds(pid)
            if cpu is not None:
                by_process[f"postgres:{pid}"] = cpu
        return by_process

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


def pg_pipeline_state(url: str) -> dict:
    """Message statuses and job backlog, as api.pipeline_state reads them from SQLite."""
    import psycopg

    try:
        with psycopg.connect(libpq_url(url), connect_timeout=5) as con:
            statuses = dict(con.execute("SELECT status, count(*) FROM messages GROUP BY status").fetchall())
            jobs = dict(con.execute("SELECT status, count(*) FROM jobs GROUP BY status").fetchall())
        return {"messages": statuses, "jobs": jobs}
    except psycopg.Error as exc:
        return {"error": str(exc)}


# --------------------------------------------------------------------------------------- deployments


class SqliteServe(api.Server):
    """bench/api.py's `mpaas serve`, also remembering its CPU when healthy and its CPU/RSS just before stop."""

    name = "sqlite"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cpu_at_healthy: dict[str, float] = {}
        self.final: dict = {}

    async def wait_healthy(self, timeout: float) -> float:
        seconds = await super().wait_healthy(timeout)
        self.cpu_at_healthy = self.cpu_seconds_by_process()
        return seconds

    def stop(self) -> None:
        if self.alive() and not self.final:
            self.final = final_figures(self)
        super().stop()


class PgDeployment:
    """`mpaas api --workers N` + `mpaas worker` + `mpaas gateway` on a PostgreSQL database that start()
    drops, recreates and seeds; the same interface as api.Server (what api.run and pipeline.run use)."""

    def __init__(
        self,
        data_dir: Path,
        port: int,
        inventory: int,
        receipt_delay: float,
        *,
        pg_url: str,
        redis_url: str,
        api_workers: int,
    ):
        self.name = f"pg-{api_workers}api"
        self.label = f"mpaas api --workers {api_workers} + worker + gateway (PostgreSQL)"
        self.data_dir = data_dir
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.inventory = inventory
        self.pg_url = pg_url
        self.env = server_env(inventory, receipt_delay)
        self.env.update({"MPAAS_DATABASE_URL": pg_url, "MPAAS_DATA_DIR": str(data_dir), "MPAAS_REDIS_URL": redis_url})
        logs = data_dir.parent
        self.roles = [
            RoleProcess(
                "api",
                ["api", "--host", "127.0.0.1", "--port", str(port), "--workers", str(api_workers)],
                logs / "api.log",
            ),
            RoleProcess("worker", ["worker"], logs / "worker.log"),
            RoleProcess("gateway", ["gateway"], logs / "gateway.log"),
        ]
        self.backends = PgBackends(pg_url)
        self.seed_s: float | None = None
        self.cpu_at_healthy: dict[str, float] = {}
        self.final: dict = {}

    # -- lifecycle

    def start(self) -> None:
        """A fresh database with the inventory (as `serve` seeds it), then the three roles at once
        (the database is migrated already, so they do not wait on each other's migration lock)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        recreate_pg_database(self.pg_url)
        self.seed_s = self._seed_inventory()
        for role in self.roles:
            role.start(self.env)

    def _seed_inventory(self) -> float:
        started = time.perf_counter()
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "mpaas.cli",
                "inventory",
                "generate",
                "--count",
                str(self.inventory),
                "--seed",
                str(INVENTORY_SEED),
            ],
            check=False,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if out.returncode != 0:
            raise RuntimeError(f"inventory generate failed ({out.returncode}): {(out.stderr or out.stdout)[-600:]}")
        return round(time.perf_counter() - started, 2)

    async def wait_healthy(self, timeout: float) -> float:
        """Until GET /healthz answers and the worker and the gateway say they are running (the gateway
        says so once it holds the binds), so no phase starts before jobs can run."""
        started = time.perf_counter()
        async with httpx2.AsyncClient(timeout=2.0) as client:
            while time.perf_counter() - started < timeout:
                self._raise_if_a_role_died()
                if await self._healthz_ok(client) and self._roles_running():
                    self.cpu_at_healthy = self.cpu_seconds_by_process()
                    return time.perf_counter() - started
                await asyncio.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s:\n{self.log_tail()}")

    async def _healthz_ok(self, client: httpx2.AsyncClient) -> bool:
        try:
            return (await client.get(self.base + "/healthz")).status_code == 200
        except httpx2.HTTPError:
            return False

    def _roles_running(self) -> bool:
        return all(f"mpaas {role.role} running" in role.log_tail(200) for role in self.roles if role.role != "api")

    def _raise_if_a_role_died(self) -> None:
        for role in self.roles:
            if role.proc is not None and not role.alive():
                raise RuntimeError(f"mpaas {role.role} exited with {role.proc.returncode}:\n{role.log_tail()}")

    def alive(self) -> bool:
        return all(role.alive() for role in self.roles)

    def stop(self) -> None:
        """SIGTERM to every role at once, SIGKILL what is left after 5 s (children included)."""
        if not self.final and any(role.alive() for role in self.roles):
            self.final = final_figures(self)
        for role in self.roles:
            role.signal_stop()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for role in self.roles:
            role.kill_leftovers(deadline)
        self.backends.close()

    # -- probes (the api.Server interface)

    @property
    def pid(self) -> int | None:
        api_role = self.roles[0]
        return api_role.proc.pid if api_role.proc is not None else None

    def cpu_seconds_by_process(self) -> dict[str, float]:
        """Every mpaas process, and the PostgreSQL backends serving this database (`postgres:<pid>`)."""
        by_process: dict[str, float] = {}
        for role in self.roles:
            by_process.update(role.cpu_seconds_by_process())
        by_process.update(self.backends.cpu_seconds_by_process())
        return by_process

    def cpu_seconds(self) -> float | None:
        by_process = self.cpu_seconds_by_process()
        return sum(by_process.values()) if by_process else None

    def all_pids(self) -> list[int]:
        """The mpaas processes (not the PostgreSQL backends: their RSS is mostly shared buffers)."""
        return [pid for role in self.roles for pid in role.pids()]

    def rss_kib(self) -> int | None:
        return sum_status_kib(self.all_pids(), "VmRSS")

    def peak_rss_kib(self) -> int | None:
        return sum_status_kib(self.all_pids(), "VmHWM")

    def pipeline_state(self) -> dict:
        return pg_pipeline_state(self.pg_url)

    def printed_credential(self) -> dict[str, str]:
        return {}  # the roles print no demo credential; api.create_credential uses the admin CLI

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(f"--- {role.role}.log\n{role.log_tail(lines)}" for role in self.roles)


class SqliteRolesDeployment(PgDeployment):
    """The three roles as separate processes on one SQLite file: the same layout as pg-1api without
    PostgreSQL and Redis (rate limits stay per process, which this bench does not exercise)."""

    def __init__(self, data_dir: Path, port: int, inventory: int, receipt_delay: float):
        super().__init__(
            data_dir,
            port,
            inventory,
            receipt_delay,
            pg_url=f"sqlite+aiosqlite:///{data_dir / 'mpaas.db'}",
            redis_url="",
            api_workers=1,
        )
        self.name = "sqlite-roles"
        self.label = "mpaas api + worker + gateway (SQLite)"
        self.env.pop("MPAAS_REDIS_URL", None)
        self.env["MPAAS_WORKER_POLL_SECONDS"] = str(SQLITE_ROLES_POLL_SECONDS)
        self.backends = NoBackends()

    def start(self) -> None:
        """Migrate and seed the file, then start the three roles."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        out = subprocess.run(
            [sys.executable, "-m", "mpaas.cli", "admin", "migrate"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if out.returncode != 0:
            raise RuntimeError(f"admin migrate failed ({out.returncode}): {(out.stderr or out.stdout)[-600:]}")
        self.seed_s = self._seed_inventory()
        for role in self.roles:
            role.start(self.env)

    def pipeline_state(self) -> dict:
        return api.pipeline_state(self.data_dir / "mpaas.db")


class NoBackends:
    """SQLite: the database work is CPU of the mpaas processes themselves."""

    def pids(self) -> list[int]:
        return []

    def cpu_seconds_by_process(self) -> dict[str, float]:
        return {}

    def close(self) -> None:
        pass


def server_env(inventory: int, receipt_delay: float) -> dict[str, str]:
    """The environment bench/api.py's Server gives `mpaas serve`, for the roles; none of the deployment's
    own settings leak in from the bench's environment."""
    return api.server_env(
        inventory, receipt_delay, drop=("MPAAS_DATABASE_URL", "MPAAS_DATA_DIR", "MPAAS_REDIS_URL", "MPAAS_SMPP_URL")
    )


def final_figures(deployment) -> dict:
    """Read just before stopping: CPU seconds since healthy and peak RSS, of every process."""
    cpu = deployment.cpu_seconds_by_process()
    since_healthy = api.cores_between(deployment.cpu_at_healthy, cpu, 1.0)  # 1 s: plain differences
    return {
        "cpu_s_since_healthy_by_process": {k: round(v, 2) for k, v in since_healthy.items()},
        "cpu_s_since_healthy": round(sum(since_healthy.values()), 2),
        "peak_rss_kib_sum": deployment.peak_rss_kib(),
    }


def deployment_factory(name: str, args: argparse.Namespace):
    """(data_dir, port, inventory, receipt_delay) -> a deployment of that name, not started."""
    if name == "sqlite":
        return lambda data_dir, port, inventory, receipt_delay: SqliteServe(data_dir, port, inventory, receipt_delay)
    if name == "sqlite-roles":
        return SqliteRolesDeployment
    workers = {"pg-1api": 1, "pg-2api": 2}[name]
    return lambda data_dir, port, inventory, receipt_delay: PgDeployment(
        data_dir, port, inventory, receipt_delay, pg_url=args.pg_url, redis_url=args.redis_url, api_workers=workers
    )


# --------------------------------------------------------------------------------------- runs


def api_args(args: argparse.Namespace) -> argparse.Namespace:
    argv = ["--inventory", str(args.inventory)]
    if args.quick:  # shorter than api.py --quick: three deployments must fit in about 2-3 minutes
        argv += ["--quick", "--duration", "2", "--warmup", "0.5", "--provision-count", "20"]
    return api.parse_args(argv)


def pipeline_args(args: argparse.Namespace) -> argparse.Namespace:
    return pipeline.parse_args(["--carrier", "smpp", "--messages", str(args.messages)])


async def run_api_phases(name: str, args: argparse.Namespace) -> dict:
    """bench/api.py's phases against a fresh deployment; its result dict plus the process figures."""
    a = api_args(args)
    make = deployment_factory(name, args)
    result: dict = {
        "inventory": a.inventory,
        "duration_s": a.duration,
        "warmup_s": a.warmup,
        "concurrency": a.concurrency,
    }
    tmp = Path(tempfile.mkdtemp(prefix=f"mpaas-scale-{name}-"))
    deployment = make(tmp / "data", free_port(), a.inventory, a.receipt_delay)
    try:
        await api.run(a, deployment, result)
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
        log(f"{name}: API phases FAILED: {result['error']}")
    finally:
        await asyncio.to_thread(deployment.stop)
        shutil.rmtree(tmp, ignore_errors=True)
    result["seed_s"] = getattr(deployment, "seed_s", None)  # PG only: serve seeds inside startup_s
    result["processes"] = deployment.final
    return result


async def run_pipeline(name: str, args: argparse.Namespace) -> dict:
    """bench/pipeline.py's SMPP run against a fresh deployment (its own inventory: 1,000, as pipeline.py)."""
    made: list = []

    def make(data_dir: Path, port: int):
        made.append(deployment_factory(name, args)(data_dir, port, 1000, 0.05))
        return made[-1]

    try:
        result = await pipeline.main(pipeline_args(args), make_server=make, record_cpu=True)
    except Exception as exc:
        result = {"error": f"{type(exc).__name__}: {exc}"}
        log(f"{name}: pipeline FAILED: {result['error']}")
    result["processes"] = made[-1].final if made else {}
    return result


# --------------------------------------------------------------------------------------- report


def by_role(cores: dict[str, float] | None) -> dict[str, float]:
    """Per-process figures summed by role: `api:1234` (a uvicorn worker) counts as api."""
    roles: dict[str, float] = {}
    for label, value in (cores or {}).items():
        role = label.split(":")[0]
        roles[role] = roles.get(role, 0.0) + value
    return roles


ROLE_SHORT = {
    "serve": "serve",
    "api": "api",
    "worker": "wk",
    "gateway": "gw",
    "postgres": "pg",
    "smsc-sim": "smsc",
    "bench": "bench",
}


def cores_cell(cores: dict[str, float] | None, total: float | None = None) -> str:
    """`total (role value, ...)`; the total is the deployment's processes, PostgreSQL's backends included,
    but not the SMSC simulator (it stands in for the carrier) nor the bench (load generator and receiver)."""
    roles = by_role(cores)
    if not roles:
        return "-"
    if total is None:
        total = sum(v for k, v in roles.items() if k not in ("smsc-sim", "bench"))
    parts = ", ".join(f"{ROLE_SHORT.get(k, k)} {v:.2f}" for k, v in roles.items())
    return f"{total:.2f} ({parts})" if len(roles) > 1 else f"{total:.2f}"


def rate_cell(rate: float | None, ratio: float | None, unit: str = "") -> str:
    if rate is None:
        return "-"
    return f"{rate:,.1f}{unit} ({ratio:.2f}x)" if ratio is not None else f"{rate:,.1f}{unit}"


def mib(kib: int | None) -> str:
    return f"{kib / 1024:,.0f}" if kib else "-"


def phase_of(api_result: dict, prefix: str) -> dict:
    return next((p for n, p in api_result.get("phases", {}).items() if n.startswith(prefix)), {})


def api_rows(r: dict) -> dict[str, str]:
    """The table rows of one deployment's API run."""
    rows = {
        "API: startup s (seed + until healthy)": "-"
        if "startup_s" not in r
        else f"{(r.get('seed_s') or 0) + r['startup_s']:.1f}"
    }
    phases = [
        ("healthz", "healthz"),
        ("avail AreaCode", "availability AreaCode"),
        ("avail blank", "availability blank"),
        ("outbound accept", "message/outbound"),
    ]
    for label, prefix in phases:
        p = phase_of(r, prefix)
        if label == "healthz":
            rows["healthz req/s (the baseline)"] = rate_cell(p.get("rps"), None)
        else:
            rows[f"{label} req/s (vs healthz)"] = rate_cell(p.get("rps"), p.get("vs_healthz"))
        if p:
            rows[f"  {label}: p50 / p99 ms"] = f"{p['p50_ms']} / {p['p99_ms']}"
            rows[f"  {label}: server CPU cores"] = cores_cell(
                p.get("server_cpu_cores_by_process") or {"serve": p.get("server_cpu_cores") or 0.0},
                p.get("server_cpu_cores"),
            )
            rows[f"  {label}: bench CPU cores"] = f"{p['bench_cpu_cores']:.2f}"
    for p in r.get("provisioning", []):
        rows[f"{p['name']} p50 / p99 ms"] = f"{p['p50_ms']} / {p['p99_ms']} ({p['errors']} err)"
    extra = phase_of(r, "message/outbound").get("extra") or {}
    if extra:
        rows["outbound end to end msg/s (sandbox)"] = f"{extra['end_to_end_msgs_per_s']:,.1f}"
        statuses = extra.get("messages_by_status_after_drain") or {}
        rows["  outbound final / accepted"] = (
            f"{statuses.get('Delivered', 0) + statuses.get('Failed', 0)} / "
            f"{extra.get('messages_accepted_total')}"
            f"{'' if extra.get('drained') else ' (not drained)'}"
        )
    return process_rows(rows, r, "API run", "API run: ERROR")


def pipeline_rows(r: dict) -> dict[str, str]:
    """The table rows of one deployment's SMPP pipeline run."""
    statuses = (r.get("state") or {}).get("messages") or {}
    rows = {
        "pipeline: bare SMPP loop msg/s (baseline)": rate_cell(r.get("baseline_msgs_per_s"), None),
        "pipeline: accept msg/s (vs baseline)": rate_cell(r.get("accept_msgs_per_s"), r.get("accept_vs_baseline")),
        "pipeline: end to end msg/s (vs baseline)": rate_cell(
            r.get("end_to_end_msgs_per_s"), r.get("end_to_end_vs_baseline")
        ),
        "  Delivered / messages": f"{statuses.get('Delivered', 0)} / {r.get('messages', '-')}",
        "  callbacks / expected": f"{r.get('callbacks', '-')} / {2 * r['messages'] if 'messages' in r else '-'}",
        "  send errors": str(r.get("errors", "-")),
        "  accept: CPU cores": cores_cell(r.get("cpu_cores_accept")),
        "  end to end: CPU cores": cores_cell(r.get("cpu_cores_end_to_end")),
    }
    return process_rows(rows, r, "pipeline run", "pipeline: ERROR")


def process_rows(rows: dict[str, str], r: dict, run: str, error_row: str) -> dict[str, str]:
    """`rows` plus a run's process figures (CPU since healthy, summed peak RSS) and its error, if any."""
    procs = r.get("processes") or {}
    rows[f"{run}: server CPU s since healthy"] = cores_cell(procs.get("cpu_s_since_healthy_by_process"))
    rows[f"{run}: peak RSS MiB (sum)"] = mib(procs.get("peak_rss_kib_sum"))
    if "error" in r:
        rows[error_row] = r["error"][:60]
    return rows


def print_table(args: argparse.Namespace, figures: dict) -> None:
    columns = list(figures["deployments"])
    cells: dict[str, dict[str, str]] = {}
    for name in columns:
        d = figures["deployments"][name]
        rows = {
            **(api_rows(d["api"]) if "api" in d else {}),
            **(pipeline_rows(d["pipeline"]) if "pipeline" in d else {}),
        }
        for row, value in rows.items():
            cells.setdefault(row, {})[name] = value
    label_width = max([len(r) for r in cells] + [10])
    width = max([len(v) for row in cells.values() for v in row.values()] + [12])
    print()
    print(
        f"mpaas scale benchmark ({time.strftime('%Y-%m-%d %H:%M:%S')}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs; inventory {args.inventory:,}; pipeline {args.messages:,} messages via smsc-sim)"
    )
    print(
        "sqlite = mpaas serve on SQLite; sqlite-roles = mpaas api + worker + gateway on one SQLite file; pg-Napi = mpaas api --workers N + mpaas worker + mpaas gateway on "
        "PostgreSQL (Redis rate limits)."
    )
    print(
        "CPU cells: cores (or seconds) of the deployment, by role: wk = worker, gw = gateway, pg = the PostgreSQL "
        "backends of its database (in the total: SQLite does that work inside serve), smsc = the SMSC simulator "
        "and bench = the load generator with the webhook receiver (neither in the total). RSS: mpaas processes only."
    )
    header = f"{'figure':{label_width}}  " + "  ".join(f"{c:>{width}}" for c in columns)
    print(header)
    print("-" * len(header))
    for row, values in cells.items():
        print(f"{row:{label_width}}  " + "  ".join(f"{values.get(c, '-'):>{width}}" for c in columns))
    print(
        f"load average at start {figures['loadavg_at_start']}, at end {figures['loadavg_at_end']}; "
        f"total {figures['total_s']} s"
    )


# --------------------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--quick", action="store_true", help="Smoke run: 5,000 numbers, 2 s phases, 1,000 messages.")
    p.add_argument("--messages", type=int, default=None, help="Pipeline messages (default 10,000; quick 1,000).")
    p.add_argument("--inventory", type=int, default=None, help="Seeded numbers (default 100,000; quick 5,000).")
    p.add_argument("--skip-api", action="store_true", help="Leave out the bench/api.py phases.")
    p.add_argument("--skip-pipeline", action="store_true", help="Leave out the bench/pipeline.py SMPP run.")
    p.add_argument(
        "--deployments",
        default=",".join(DEPLOYMENTS),
        help=f"Comma-separated subset of {', '.join(DEPLOYMENTS)} (default all, in that order).",
    )
    p.add_argument(
        "--pg-url",
        default=DEFAULT_PG_URL,
        help="PostgreSQL database this bench DROPS and recreates (default mpaas_scale_bench).",
    )
    p.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="MPAAS_REDIS_URL of the PostgreSQL layouts.")
    a = p.parse_args(argv)
    a.messages = a.messages if a.messages is not None else (1_000 if a.quick else 10_000)
    a.inventory = a.inventory if a.inventory is not None else (5_000 if a.quick else 100_000)
    a.deployments = [d.strip() for d in a.deployments.split(",") if d.strip()]
    unknown = set(a.deployments) - set(DEPLOYMENTS)
    if unknown:
        p.error(f"unknown deployments: {', '.join(sorted(unknown))}")
    if any(d.startswith("pg-") for d in a.deployments):
        pg_database_name(a.pg_url)  # refuse a shared database before anything starts
    return a


async def run_all(args: argparse.Namespace, figures: dict) -> None:
    # SIGTERM cancels this task: the cancellation unwinds through every finally, which stops the processes.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)
    for name in args.deployments:
        log(f"=== deployment {name}")
        entry = figures["deployments"].setdefault(name, {})
        if not args.skip_api:
            entry["api"] = await run_api_phases(name, args)
        if not args.skip_pipeline:
            entry["pipeline"] = await run_pipeline(name, args)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    figures: dict = {
        "bench": "mpaas-scale",
        "quick": args.quick,
        "inventory": args.inventory,
        "messages": args.messages,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "deployments": {},
    }
    code = 0
    try:
        asyncio.run(run_all(args, figures))
    except KeyboardInterrupt:
        code, figures["error"] = 130, "interrupted"
    except asyncio.CancelledError:  # SIGTERM: the processes are stopped by now; print what was measured
        code, figures["error"] = 128 + signal.SIGTERM, "terminated"
    finally:
        if any(d.startswith("pg-") for d in args.deployments):
            try:
                drop_pg_database(args.pg_url)
            except Exception as exc:
                log(f"could not drop the PostgreSQL database: {exc}")
        figures["total_s"] = round(time.perf_counter() - started, 1)
        figures["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    failed = [f"{n}/{part}" for n, d in figures["deployments"].items() for part, r in d.items() if "error" in r]
    print_table(args, figures)
    print(json.dumps(figures, separators=(",", ":"), default=str))
    return code or (1 if failed else 0)


if __name__ == "__main__":
    sys.exit(main())
