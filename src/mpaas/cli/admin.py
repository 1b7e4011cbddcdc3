"""`mpaas admin`: the database schema and distributors' credentials (create, rotate, deactivate, reactivate).

Each command imports the domain code it runs inside its own body (deferred on purpose, as in cli/main.py: this
module loads for every `mpaas` invocation)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape

from mpaas.cli.common import DataDir, _display_url, _prepare, _settings, _with_platform, console, err
from mpaas.config import Settings
from mpaas.roles.platform import Platform

admin_app = typer.Typer(help="Platform administration.", no_args_is_help=True)


@admin_app.command("migrate")
def admin_migrate(data_dir: Path | None = DataDir) -> None:
    """Upgrade the database to the current schema (every command also does this first; run it alone
    ahead of a rollout)."""
    settings = _settings(data_dir)
    _prepare(settings)
    console.print(f"Schema up to date: {escape(_display_url(settings.resolved_database_url()))}")


@admin_app.command("create-distributor")
def create_distributor_command(
    name: str = typer.Option(..., "--name", help="Distributor name."),
    data_dir: Path | None = DataDir,
    rate_limit: int | None = typer.Option(
        None,
        "--rate-limit",
        min=0,
        help="Requests per minute for the credential; 0 = unlimited (default MPAAS_RATE_LIMIT_PER_MINUTE, itself 50).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print only the JSON credential."),
) -> None:
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


KeyOption = typer.Option(..., "--key", help="The distributor's AccountKey (DID-...).")


def _credential_change(settings: Settings, change):
    """Run one change of a distributor's credential; a missing distributor is an error (exit 2)."""
    from mpaas.core.errors import ApiError

    async def work(platform: Platform):
        async with platform.db.write() as session:
            return await change(session)

    try:
        return _with_platform(settings, work)
    except ApiError as exc:
        err.print(f"[red]error:[/red] {escape(exc.message)}")
        raise typer.Exit(2) from None


@admin_app.command("rotate-secret")
def rotate_secret_command(
    key: str = KeyOption,
    data_dir: Path | None = DataDir,
    as_json: bool = typer.Option(False, "--json", help="Print only the JSON credential."),
) -> None:
    """Give a distributor a new AccountSecret (shown once). The old secret, and every token minted with it,
    stop working at once."""
    from mpaas.accounts.service import rotate_secret

    secret = _credential_change(_settings(data_dir), lambda session: rotate_secret(session, key))
    wire = {"AccountKey": key, "AccountSecret": secret}
    if as_json:
        print(json.dumps(wire))
    else:
        console.print(json.dumps(wire, indent=2), markup=False)
        err.print("Keep the AccountSecret now: it is stored hashed and cannot be shown again.")


def _set_active(key: str, data_dir: Path | None, active: bool, as_json: bool) -> None:
    from mpaas.accounts.service import set_active

    _credential_change(_settings(data_dir), lambda session: set_active(session, key, active))
    if as_json:
        print(json.dumps({"AccountKey": key, "Active": active}))
    else:
        console.print(f"{escape(key)} {'reactivated' if active else 'deactivated: its tokens are refused from now on'}")


JsonState = typer.Option(False, "--json", help='Print only {"AccountKey", "Active"} as JSON.')


@admin_app.command("deactivate-distributor")
def deactivate_distributor_command(
    key: str = KeyOption, data_dir: Path | None = DataDir, as_json: bool = JsonState
) -> None:
    """Deactivate a distributor: its tokens are refused at once and no new ones are issued."""
    _set_active(key, data_dir, False, as_json)


@admin_app.command("reactivate-distributor")
def reactivate_distributor_command(
    key: str = KeyOption, data_dir: Path | None = DataDir, as_json: bool = JsonState
) -> None:
    """Reactivate a distributor; tokens minted before its deactivation stay refused (mint new ones)."""
    _set_active(key, data_dir, True, as_json)
