"""Scale-out roles: `mpaas api`, `mpaas worker`, `mpaas gateway` (docs/deploy.md), and `mpaas sip` (docs/voice.md).

Each runs the same code as `mpaas serve` with part of it switched on, against a shared database
(PostgreSQL in production; every process migrates first, serialized by a lock).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from pathlib import Path

import typer
import uvicorn
from rich.markup import escape

from mpaas.cli.common import _check_carriers, _display_url, _prepare, _settings, err
from mpaas.core import eventloop
from mpaas.core.http.heap import freeze_startup_heap
from mpaas.core.http.nodelay import HTTP_PROTOCOL
from mpaas.core.security.operator import ensure_operator_token
from mpaas.core.security.ratelimit import storage_for
from mpaas.core.security.sealing import Sealer, SealingError, key_path, load_key
from mpaas.roles import api_processes as http_workers
from mpaas.roles.platform import Platform
from mpaas.roles.runtime import GATEWAY, WORKER, Runtime


def _settings_and_prepare(data_dir: Path | None):
    settings = _settings(data_dir)
    _check_carriers(settings)
    check_redis(settings)
    check_secrets_key(settings)
    _prepare(settings)
    return settings, _display_url(settings.resolved_database_url())


def check_secrets_key(settings) -> None:
    """The production roles need MPAAS_SECRETS_KEY (or the data dir's key file): each process would otherwise
    make up a key of its own and could not read what the others encrypted."""
    key = load_key(settings)
    if key is None:
        err.print(
            "[red]error:[/red] MPAAS_SECRETS_KEY is not set (nor is there a "
            f"{escape(str(key_path(settings)))}): give every process the same key, e.g. from "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' "
            "(docs/deploy.md, Security)"
        )
        raise typer.Exit(2)
    try:
        Sealer(key)
    except SealingError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None


def check_redis(settings) -> None:
    """Refuse a MPAAS_REDIS_URL that cannot be a Redis URL at start, with a message (not a traceback)."""
    try:
        storage_for(settings.redis_url)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None


def api(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8080, help="TCP port."),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        help="HTTP worker processes (uvicorn), each with its own SO_REUSEPORT socket on the port.",
    ),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="As for serve (MPAAS_DATA_DIR)."),
) -> None:
    """Run the HTTP API only (no jobs, no carrier binds); run any number behind a load balancer."""
    settings, shown = _settings_and_prepare(data_dir)
    ensure_operator_token(settings)
    if data_dir is not None:  # the uvicorn workers build their settings from the environment
        os.environ["MPAAS_DATA_DIR"] = str(data_dir)
    limits = "Redis (shared)" if settings.redis_url else "memory (per process)"
    err.print(
        f"mpaas api on http://{host}:{port}: {workers} process(es), database {escape(shown)}, rate limits in {limits}"
    )
    if workers > 1 and settings.is_sqlite:
        err.print("[yellow]note:[/yellow] several API processes on SQLite share one writer; use PostgreSQL.")
    options = dict(factory=True, http=HTTP_PROTOCOL, log_level="warning", access_log=False)
    if workers == 1 or not http_workers.reuseport_supported():
        uvicorn.run("mpaas.app:api_only_app", host=host, port=port, workers=workers, **options)
        return
    try:  # a socket per process, so connections spread over them (roles/api_processes.py)
        status = http_workers.serve("mpaas.app:api_only_app", host, port, workers, **options)
    except OSError as exc:
        err.print(f"[red]error:[/red] cannot listen on {escape(host)}:{port}: {escape(str(exc))}")
        raise typer.Exit(1) from None
    raise typer.Exit(status)


def _run_roles(roles: frozenset[str], data_dir: Path | None, label: str) -> None:
    # deferred: the composition imports every domain's jobs, which no other command of the CLI needs
    from mpaas.composition import role_parts

    settings, shown = _settings_and_prepare(data_dir)

    async def main() -> None:
        platform = Platform.build(settings)
        runtime = Runtime(platform, role_parts(platform), roles=roles)
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopping.set)
        await runtime.start()
        freeze_startup_heap()  # as the API's edge does once its app has started (core/http/heap.py)
        err.print(f"mpaas {label} running (pid {os.getpid()}), database {escape(shown)}")
        try:
            await stopping.wait()
        finally:
            await runtime.stop()

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    eventloop.run(main())


def worker(data_dir: Path | None = typer.Option(None, "--data-dir", help="As for serve (MPAAS_DATA_DIR).")) -> None:
    """Run durable jobs (webhooks, receipts, porting, renewals, billing); every kind but carrier submits."""
    _run_roles(frozenset({WORKER}), data_dir, "worker")


def gateway(data_dir: Path | None = typer.Option(None, "--data-dir", help="As for serve (MPAAS_DATA_DIR).")) -> None:
    """Hold the carrier binds under the bind lease and submit messages; a second gateway stands by."""
    _run_roles(frozenset({GATEWAY}), data_dir, "gateway")


def sip(
    api_url: str | None = typer.Option(
        None,
        "--api-url",
        help="Where Kamailio reaches mpaas's /sip/v1 endpoints (default MPAAS_SIP_API_URL, else http://127.0.0.1:8080).",
    ),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="As for serve (MPAAS_DATA_DIR)."),
) -> None:
    """Run Kamailio (SIP, MPAAS_SIP_LISTEN) supervised: it asks the API where each call goes (docs/voice.md)."""
    # deferred: only this command needs the voice supervisor (and Kamailio)
    from mpaas.voice.auth import load_sip_secret
    from mpaas.voice.kamailio import KamailioConfigError
    from mpaas.voice.supervisor import KamailioError, KamailioSupervisor

    settings = _settings(data_dir)
    if not settings.sip_listen:
        err.print("[red]error:[/red] MPAAS_SIP_LISTEN is not set (e.g. udp:127.0.0.1:5060): nothing to listen on")
        raise typer.Exit(2)
    secret = load_sip_secret(settings)
    if secret is None:
        err.print(
            "[red]error:[/red] MPAAS_SIP_SHARED_SECRET is not set (nor is there a "
            f"{escape(str(settings.data_dir / 'sip-secret'))}): give the API processes and this one the same secret"
        )
        raise typer.Exit(2)
    url = api_url or settings.sip_api_url or "http://127.0.0.1:8080"
    try:
        supervisor = KamailioSupervisor(settings, api_url=url, secret=secret)
    except KamailioConfigError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None

    async def main() -> int:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopping.set)
        try:
            await supervisor.start()
        except KamailioError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            return 2
        err.print(
            f"mpaas sip running (pid {os.getpid()}): Kamailio on {escape(settings.sip_listen or '')}, asking {url}"
        )
        try:
            await stopping.wait()
        finally:
            await supervisor.stop()
        return 0

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("mpaas.sip").setLevel(logging.INFO)  # Kamailio's own lines, forwarded at their level
    raise typer.Exit(eventloop.run(main()))
