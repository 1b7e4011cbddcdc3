"""The `mpaas` command: serve the platform and administer it.

Each command imports the domain code it runs inside its own body (deferred on purpose): the module loads for
every invocation, and with the app, the composition and the SMSC simulator at the top `import mpaas.cli.main`
took 4.0 s instead of 2.1 s on this project's 2-core machine (a busy moment; the ratio is what counts), paid
by `mpaas --help`, `mpaas jobs list` and every `api-call`."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from mpaas.cli.admin import admin_app
from mpaas.cli.api_calls import api_call, quickstart, webhook_secret_app
from mpaas.cli.billing import billing_app
from mpaas.cli.calls import calls_app
from mpaas.cli.common import (
    DataDir,
    _check_carriers,
    _display_url,
    _prepare,
    _progress,
    _settings,
    _with_platform,
    console,
    err,
)
from mpaas.cli.jobs import jobs_app
from mpaas.cli.roles import api as api_role
from mpaas.cli.roles import check_redis
from mpaas.cli.roles import gateway as gateway_role
from mpaas.cli.roles import sip as sip_role
from mpaas.cli.roles import worker as worker_role
from mpaas.config import Settings
from mpaas.core import eventloop
from mpaas.roles.platform import Platform

app = typer.Typer(
    help="mpaas: a self-hostable mobile platform, wire-compatible with the Telegent v1.0 API.",
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=False,
)
inventory_app = typer.Typer(help="The sandbox number inventory.", no_args_is_help=True)
sandbox_app = typer.Typer(help="Sandbox carrier tools.", no_args_is_help=True)
app.add_typer(inventory_app, name="inventory")
app.add_typer(sandbox_app, name="sandbox")
carriers_app = typer.Typer(help="Carrier connectors (sandbox, SMPP).", no_args_is_help=True)
app.add_typer(carriers_app, name="carriers")

app.add_typer(admin_app, name="admin")  # sub-apps in their own modules
app.add_typer(jobs_app, name="jobs")
app.add_typer(billing_app, name="billing")
app.add_typer(calls_app, name="calls")
app.command("quickstart")(quickstart)  # client commands, on the SDK (cli/api_calls.py)
app.command("api-call")(api_call)
app.add_typer(webhook_secret_app, name="webhook-secret")  # client commands too (cli/api_calls.py)
app.command("api")(api_role)  # the process roles (cli/roles.py)
app.command("worker")(worker_role)
app.command("gateway")(gateway_role)
app.command("sip")(sip_role)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8080, help="TCP port."),
    data_dir: Path | None = DataDir,
) -> None:
    """Run the all-in-one platform: API, workers and sandbox carrier in one process."""
    import uvicorn

    from mpaas.app import create_app
    from mpaas.core.security.operator import ensure_operator_token
    from mpaas.core.security.sealing import ensure_key
    from mpaas.seed import ensure_demo_distributor, ensure_inventory

    settings = _settings(data_dir).for_sandbox()  # loopback egress and /sandbox/v1 unless set otherwise
    _check_carriers(settings)
    check_redis(settings)
    _prepare(settings)

    async def seed(platform: Platform):
        demo = await ensure_demo_distributor(platform)
        from mpaas.numbers.inventory.store import inventory_is_empty

        if await inventory_is_empty(platform.db) and settings.seed_inventory_count > 0:
            with _progress() as progress:
                task = progress.add_task("Seeding sandbox inventory", total=settings.seed_inventory_count)
                await ensure_inventory(platform, settings.seed_inventory_count, lambda n: progress.advance(task, n))
        return demo

    demo = _with_platform(settings, seed)
    operator_token, token_file = ensure_operator_token(settings)
    base = f"http://{host}:{port}"
    console.print(f"[bold]mpaas[/bold] sandbox on {base}  (docs: {base}/docs)")
    console.print(f"  database      {escape(_display_url(settings.resolved_database_url()))}")
    console.print(f"  AccountKey    {demo.account_key}")
    console.print(f"  AccountSecret {demo.account_secret}")
    console.print(f"  AccountId     {demo.account_id}")
    console.print(f"  console       {base}/console  (sign in as Distributor with the AccountKey and AccountSecret)")
    console.print(f"  operator token: {'MPAAS_OPERATOR_TOKEN' if token_file is None else escape(str(token_file))}")
    _, key_file = ensure_key(settings)  # made by the platform's start above when neither was there
    console.print(f"  secrets key:    {'MPAAS_SECRETS_KEY' if key_file is None else escape(str(key_file))}")
    allowed = settings.egress_policy.spec or "nothing"
    console.print(f"  webhooks reach public addresses and: {escape(allowed)} (MPAAS_EGRESS_ALLOW)")
    supervisor = _voice_supervisor(settings, host, port)
    if supervisor is None:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", access_log=False)
        return
    _serve_with_voice(create_app(settings), host, port, supervisor)


def _voice_supervisor(settings: Settings, host: str, port: int):
    """`mpaas serve`'s Kamailio when it is installed and MPAAS_SIP_LISTEN is set (docs/voice.md); otherwise one
    plain line saying why voice is off. The /sip/v1 secret is generated into the data dir either way."""
    # deferred: the voice supervisor is needed by serve only
    from mpaas.voice.kamailio import KamailioConfigError
    from mpaas.voice.kamailio_process import ensure_sip_secret, voice_off_reason
    from mpaas.voice.supervisor import KamailioSupervisor

    secret, _ = ensure_sip_secret(settings)
    reason = voice_off_reason(settings)
    if reason is not None:
        console.print(f"  voice: off ({escape(reason)})")
        return None
    reach = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    api_url = settings.sip_api_url or f"http://{'[' + reach + ']' if ':' in reach else reach}:{port}"
    try:
        supervisor = KamailioSupervisor(settings, api_url=api_url, secret=secret)
    except KamailioConfigError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
    console.print(f"  voice: Kamailio on {escape(settings.sip_listen or '')} (SIP), routing calls through {api_url}")
    return supervisor


def _serve_with_voice(app_, host: str, port: int, supervisor) -> None:
    """uvicorn and Kamailio together: Kamailio starts once the API listens, and stops after it."""
    import contextlib
    import logging

    import uvicorn

    # deferred: the voice supervisor is needed by serve only
    from mpaas.voice.kamailio_process import KamailioError

    class Server(uvicorn.Server):
        # uvicorn re-raises the SIGTERM/SIGINT it caught once it has stopped, which would end this process before
        # Kamailio is stopped: the signals are ours here, and stop uvicorn, then Kamailio.
        @contextlib.contextmanager
        def capture_signals(self):
            yield

    async def main() -> int:
        server = Server(uvicorn.Config(app_, host=host, port=port, log_level="warning", access_log=False))
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, lambda: setattr(server, "should_exit", True))
        serving = asyncio.create_task(server.serve())
        while not server.started and not serving.done():
            await asyncio.sleep(0.05)
        if serving.done():
            return 1
        try:
            await supervisor.start()
        except KamailioError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            server.should_exit = True
            await serving
            return 2
        try:
            await serving
        finally:
            await supervisor.stop()
        return 0

    logging.getLogger("mpaas.sip").setLevel(logging.WARNING)  # Kamailio's warnings and errors, not its chatter
    status = asyncio.run(main())
    if status:
        raise typer.Exit(status)


@inventory_app.command("generate")
def inventory_generate(
    count: int = typer.Option(..., "--count", min=1, help="How many numbers to add."),
    area_code: list[str] = typer.Option(None, "--area-code", help="Only these area codes (repeatable)."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same numbers)."),
    data_dir: Path | None = DataDir,
) -> None:
    """Add realistic US mobile numbers (real area codes and ZIPs) to the inventory."""
    from mpaas.numbers.inventory import data as inventory_data
    from mpaas.numbers.inventory import store as inventory

    settings = _settings(data_dir)

    async def work(platform: Platform) -> int:
        known = await inventory.existing_numbers(platform.db)
        try:
            rows = inventory_data.generate(count, seed=seed, area_codes=area_code or None, exclude=known.__contains__)
            with _progress() as progress:
                task = progress.add_task("Generating numbers", total=count)
                return await inventory.load(
                    platform.db, rows, platform.clock.now(), lambda n: progress.advance(task, n)
                )
        except ValueError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(2) from None

    added = _with_platform(settings, work)
    console.print(f"Added {added} numbers to the inventory.")


@inventory_app.command("import")
def inventory_import(
    file: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        readable=True,
        help="CSV with columns Number, ZipCode and optionally AreaCode, NGP, State, RateCenter (docs/inventory.md).",
    ),
    data_dir: Path | None = DataDir,
) -> None:
    """Import numbers from a CSV file; rows already in the inventory are skipped."""
    from mpaas.numbers.inventory import data as inventory_data
    from mpaas.numbers.inventory import store as inventory

    settings = _settings(data_dir)
    try:  # validate the whole file before touching the database: bad input changes nothing
        rows = list(inventory_data.read_csv(file))
    except inventory_data.InventoryCsvError as exc:
        err.print(f"[red]error:[/red] {escape(str(file))}: {escape(str(exc))}")
        raise typer.Exit(2) from None

    async def work(platform: Platform) -> int:
        with _progress() as progress:
            task = progress.add_task(f"Importing {file.name}", total=len(rows))
            return await inventory.load(platform.db, rows, platform.clock.now(), lambda n: progress.advance(task, n))

    added = _with_platform(settings, work)
    console.print(f"Imported {added} numbers ({len(rows) - added} already present).")


@sandbox_app.command("inbound")
def sandbox_inbound(
    from_: str = typer.Option(..., "--from", help="Sender, E.164."),
    to: str = typer.Option(..., "--to", help="A provisioned number of the platform, E.164."),
    body: str = typer.Option(..., "--body", help="Message text."),
    data_dir: Path | None = DataDir,
) -> None:
    """Inject an inbound SMS as if a handset had sent it; a running `mpaas serve` delivers its webhook."""
    from mpaas.core.errors import ApiError
    from mpaas.messaging import service
    from mpaas.messaging.schemas import InboundRequest

    settings = _settings(data_dir)
    if not settings.sandbox_active:
        err.print("[red]error:[/red] sandbox inbound works only while the sandbox carrier is active.")
        raise typer.Exit(2)

    async def work(platform: Platform):
        async with platform.db.write() as session:
            return await service.receive_inbound(
                session, InboundRequest(From=from_, To=to, Body=body), platform.clock.now()
            )

    try:
        message = _with_platform(settings, work)
    except ApiError as exc:
        err.print(f"[red]error:[/red] {escape(exc.message)}")
        raise typer.Exit(2) from None
    console.print(json.dumps({"MessageId": message.id, "Status": message.status}), markup=False, highlight=False)


@app.command("smsc-sim")
def smsc_sim(
    port: int = typer.Option(2775, help="SMPP port to listen on."),
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    system_id: str = typer.Option("mpaas", "--system-id", help="system_id ESMEs must bind with."),
    password: str = typer.Option("secret", help="Password ESMEs must bind with (others are refused)."),
    receipt_delay: float = typer.Option(
        0.05, "--receipt-delay", min=0, help="Seconds from submit_sm_resp to the delivery receipt."
    ),
    outcome: list[str] = typer.Option(
        None,
        "--outcome",
        help="PREFIX=STAT, e.g. +1500555=UNDELIV (repeatable; the longest prefix wins; default DELIVRD).",
    ),
    personality: str = typer.Option(
        "normal",
        help="Fault personality: normal, no_response, "
        "generic_nack, error_on_submit, unbind_on_submit, throttled, "
        "receipt_before_response, drop_mid_stream, drop_receipts.",
    ),
    throttle: int = typer.Option(10, "--throttle", min=1, help="msg/s accepted by the throttled personality."),
    drop_after: int = typer.Option(
        5, "--drop-after", min=0, help="Submits accepted per connection before drop_mid_stream drops it."
    ),
    error_status: int = typer.Option(
        8, "--error-status", help="command_status of error_on_submit (default 8 = ESME_RSYSERR)."
    ),
    receipt_id_hex: bool = typer.Option(
        False, "--receipt-id-hex", help="Receipts carry the message id in hex (SMPP 3.3 style)."
    ),
    control_port: int | None = typer.Option(
        None, "--control-port", help="HTTP control port: POST /mo, POST /personality, POST /outcomes, GET /stats."
    ),
) -> None:
    """A carrier-side SMPP 3.4 server (SMSC simulator) for trials and tests."""
    from mpaas.carriers.smsc_sim import PERSONALITIES, SimConfig, SmscSim

    outcomes = {}
    for item in outcome or []:
        prefix, sep, stat = item.partition("=")
        if not sep or not prefix.startswith("+") or not stat:
            err.print(f"[red]error:[/red] --outcome {escape(item)!s} is not PREFIX=STAT (e.g. +1500555=UNDELIV)")
            raise typer.Exit(2)
        outcomes[prefix] = stat.upper()
    if personality not in PERSONALITIES:
        err.print(f"[red]error:[/red] unknown personality {escape(personality)} (known: {', '.join(PERSONALITIES)})")
        raise typer.Exit(2)
    config = SimConfig(
        host=host,
        port=port,
        system_id=system_id,
        password=password,
        receipt_delay_seconds=receipt_delay,
        outcomes=outcomes,
        personality=personality,
        throttle_per_second=throttle,
        drop_after=drop_after,
        error_status=error_status,
        receipt_id_hex=receipt_id_hex,
    )

    async def run() -> None:
        sim = SmscSim(config)
        await sim.start()
        console.print(
            f"smsc-sim listening on {host}:{sim.port} (system_id {system_id}, personality {personality})",
            markup=False,
            highlight=False,
        )
        if control_port is not None:
            bound = await sim.start_control(control_port)
            console.print(
                f"control API on http://{host}:{bound} (POST /mo, /personality, /outcomes; GET /stats)",
                markup=False,
                highlight=False,
            )

        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
        finally:
            await sim.stop()
            console.print(json.dumps(sim.stats()), markup=False, highlight=False)  # incl. duplicates on exit

    try:
        eventloop.run(run())
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None


@carriers_app.command("list")
def carriers_list(
    connect: bool = typer.Option(
        True, "--connect/--no-connect", help="Try a bind to each carrier to report its state."
    ),
    timeout: float = typer.Option(3.0, help="Seconds to wait for each bind."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    server: str | None = typer.Option(
        None,
        "--server",
        help="A running mpaas (e.g. "
        "http://127.0.0.1:8080): show the binds it holds, read "
        "from GET /ops/v1/carriers with the operator token.",
    ),
    data_dir: Path | None = DataDir,
) -> None:
    """Show each configured carrier and its bind state (MPAAS_CARRIERS_FILE, MPAAS_SMPP_URL or the sandbox)."""
    if server:
        _print_carriers(_running_carriers(server, _settings(data_dir)), as_json)
        return

    from mpaas.carriers import build_connector
    from mpaas.carriers.base import CarrierBindError, NullEvents
    from mpaas.carriers.config import CarrierConfigError

    settings = _settings(data_dir)
    try:
        connector = build_connector(settings)
    except CarrierConfigError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
    members = getattr(connector, "connectors", [connector])

    async def probe() -> list[dict]:
        states = []
        for member in members:
            if connect:
                try:
                    await member.start(NullEvents())
                    if hasattr(member, "wait_bound"):
                        await member.wait_bound(timeout)
                except CarrierBindError as exc:
                    state = member.state()
                    state["last_error"] = str(exc)
                    states.append(state)
                    continue
                state = member.state()
                await member.stop()
            else:
                state = member.state()
                state["bound"] = None
            states.append(state)
        return states

    _print_carriers(asyncio.run(probe()), as_json)


def _running_carriers(server: str, settings: Settings) -> list[dict]:
    import httpx2

    from mpaas.core.security.operator import load_operator_token

    token = load_operator_token(settings)
    if not token:
        err.print("[red]error:[/red] no operator token: set MPAAS_OPERATOR_TOKEN or pass the server's --data-dir")
        raise typer.Exit(2)
    try:
        response = httpx2.get(
            server.rstrip("/") + "/ops/v1/carriers", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
    except httpx2.HTTPError as exc:
        err.print(f"[red]error:[/red] {escape(server)} did not answer: {escape(str(exc))}")
        raise typer.Exit(2) from None
    if response.status_code != 200:
        err.print(f"[red]error:[/red] {escape(server)} answered {response.status_code}: {escape(response.text[:300])}")
        raise typer.Exit(2)
    return response.json()["Carriers"]


def _print_carriers(states: list[dict], as_json: bool) -> None:
    if as_json:
        console.print(json.dumps(states), markup=False, highlight=False)
        return
    table = Table("name", "kind", "host", "bound", "window", "throughput", "prefixes", "last error")
    for s in states:
        bound = "-" if s.get("bound") is None else ("yes" if s.get("bound") else "no")
        table.add_row(
            s["name"],
            s.get("kind", ""),
            str(s.get("host") or "-"),
            bound,
            str(s.get("window") or "-"),
            str(s.get("throughput") or "unlimited"),
            ",".join(s.get("prefixes") or []) or "-",
            escape(str(s.get("last_error") or "")),
        )
    console.print(table)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
