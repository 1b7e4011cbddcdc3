"""The `mpaas` command: serve the platform and administer it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Optional, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from mpaas.config import Settings
from mpaas.core import migrate
from mpaas.platform import Platform

app = typer.Typer(help="mpaas: a self-hostable mobile platform, wire-compatible with the Telegent v1.0 API.",
                  pretty_exceptions_enable=False,
                  no_args_is_help=True, add_completion=False)
admin_app = typer.Typer(help="Platform administration.", no_args_is_help=True)
inventory_app = typer.Typer(help="The sandbox number inventory.", no_args_is_help=True)
sandbox_app = typer.Typer(help="Sandbox carrier tools.", no_args_is_help=True)
app.add_typer(admin_app, name="admin")
app.add_typer(inventory_app, name="inventory")
app.add_typer(sandbox_app, name="sandbox")

# soft_wrap: never break lines at the console width (credentials, paths and errors must stay copyable when
# the output is piped or logged).
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")

DataDir = typer.Option(None, "--data-dir", help="Where the SQLite database and generated secrets live "
                       "(default ./data; MPAAS_DATA_DIR). MPAAS_DATABASE_URL overrides the database.")


def _settings(data_dir: Optional[Path]) -> Settings:
    return Settings(data_dir=data_dir) if data_dir is not None else Settings()


def _prepare(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.resolved_database_url())


def _with_platform(settings: Settings, work: Callable[[Platform], Awaitable[T]]) -> T:
    """Migrate, open the platform (without workers), run `work`, close."""
    _prepare(settings)

    async def main() -> T:
        platform = Platform.build(settings)
        await platform.start()
        try:
            return await work(platform)
        finally:
            await platform.close()

    return asyncio.run(main())


def _display_url(url: str) -> str:
    """A database URL fit for a terminal or a log: any password masked."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # not a URL SQLAlchemy can parse: show nothing that could be a secret
        return url.split("@")[-1]
    return parsed.render_as_string(hide_password=True) if parsed.password else url


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=err, transient=False)


@app.command()
def serve(host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
          port: int = typer.Option(8080, help="TCP port."),
          data_dir: Optional[Path] = DataDir) -> None:
    """Run the all-in-one platform: API, workers and sandbox carrier in one process."""
    import uvicorn

    from mpaas.app import create_app
    from mpaas.core.operator import ensure_operator_token
    from mpaas.seed import ensure_demo_distributor, ensure_inventory

    settings = _settings(data_dir)
    _prepare(settings)

    async def seed(platform: Platform):
        demo = await ensure_demo_distributor(platform)
        from mpaas.numbers.inventory import count_inventory

        if await count_inventory(platform.db) == 0 and settings.seed_inventory_count > 0:
            with _progress() as progress:
                task = progress.add_task("Seeding sandbox inventory", total=settings.seed_inventory_count)
                await ensure_inventory(platform, settings.seed_inventory_count,
                                       lambda n: progress.advance(task, n))
        return demo

    demo = _with_platform(settings, seed)
    operator_token, token_file = ensure_operator_token(settings)
    base = f"http://{host}:{port}"
    console.print(f"[bold]mpaas[/bold] sandbox on {base}  (docs: {base}/docs)")
    console.print(f"  database      {escape(_display_url(settings.resolved_database_url()))}")
    console.print(f"  AccountKey    {demo.account_key}")
    console.print(f"  AccountSecret {demo.account_secret}")
    console.print(f"  AccountId     {demo.account_id}")
    console.print(f"  operator token: {'MPAAS_OPERATOR_TOKEN' if token_file is None else escape(str(token_file))}")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", access_log=False)


@admin_app.command("create-distributor")
def create_distributor_command(
        name: str = typer.Option(..., "--name", help="Distributor name."),
        data_dir: Optional[Path] = DataDir,
        rate_limit: Optional[int] = typer.Option(None, "--rate-limit", min=0,
                                                 help="Requests per minute for the credential; 0 = unlimited "
                                                      "(default MPAAS_RATE_LIMIT_PER_MINUTE, itself 50)."),
        as_json: bool = typer.Option(False, "--json", help="Print only the JSON credential.")) -> None:
    """Create a distributor with one account and print its credential (the secret is shown only once)."""
    from mpaas.accounts.service import create_distributor

    settings = _settings(data_dir)

    async def work(platform: Platform):
        async with platform.db.write() as session:
            return await create_distributor(session, name=name, rate_limit=rate_limit, now=platform.clock.now())

    issued = _with_platform(settings, work)
    if as_json:
        print(json.dumps(issued.as_wire()))
    else:
        console.print(json.dumps(issued.as_wire(), indent=2), markup=False)
        err.print("Keep the AccountSecret now: it is stored hashed and cannot be shown again.")


@inventory_app.command("generate")
def inventory_generate(count: int = typer.Option(..., "--count", min=1, help="How many numbers to add."),
                       area_code: list[str] = typer.Option(None, "--area-code",
                                                           help="Only these area codes (repeatable)."),
                       seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same numbers)."),
                       data_dir: Optional[Path] = DataDir) -> None:
    """Add realistic US mobile numbers (real area codes and ZIPs) to the inventory."""
    from mpaas.numbers import inventory, inventory_data

    settings = _settings(data_dir)

    async def work(platform: Platform) -> int:
        known = await inventory.existing_numbers(platform.db)
        try:
            rows = inventory_data.generate(count, seed=seed, area_codes=area_code or None,
                                           exclude=known.__contains__)
            with _progress() as progress:
                task = progress.add_task("Generating numbers", total=count)
                return await inventory.load(platform.db, rows, platform.clock.now(),
                                            lambda n: progress.advance(task, n))
        except ValueError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(2) from None

    added = _with_platform(settings, work)
    console.print(f"Added {added} numbers to the inventory.")


@inventory_app.command("import")
def inventory_import(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                                 help="CSV with columns Number, ZipCode and optionally "
                                                      "AreaCode, NGP, State, RateCenter (docs/inventory.md)."),
                     data_dir: Optional[Path] = DataDir) -> None:
    """Import numbers from a CSV file; rows already in the inventory are skipped."""
    from mpaas.numbers import inventory, inventory_data

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
def sandbox_inbound(from_: str = typer.Option(..., "--from", help="Sender, E.164."),
                    to: str = typer.Option(..., "--to", help="A provisioned number of the platform, E.164."),
                    body: str = typer.Option(..., "--body", help="Message text."),
                    data_dir: Optional[Path] = DataDir) -> None:
    """Inject an inbound SMS as if a handset had sent it; a running `mpaas serve` delivers its webhook."""
    from mpaas.core.errors import ApiError
    from mpaas.messaging import service
    from mpaas.messaging.schemas import InboundRequest

    settings = _settings(data_dir)
    if settings.carrier != "sandbox":
        err.print("[red]error:[/red] sandbox inbound works only while the sandbox carrier is active.")
        raise typer.Exit(2)

    async def work(platform: Platform):
        async with platform.db.write() as session:
            return await service.receive_inbound(session, InboundRequest(From=from_, To=to, Body=body),
                                                 platform.clock.now())

    try:
        message = _with_platform(settings, work)
    except ApiError as exc:
        err.print(f"[red]error:[/red] {escape(exc.message)}")
        raise typer.Exit(2) from None
    console.print(json.dumps({"MessageId": message.id, "Status": message.status}), markup=False, highlight=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
