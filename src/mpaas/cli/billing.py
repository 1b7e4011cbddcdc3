"""`mpaas billing`: run billing for a period and print an account's statement.

Each command imports the domain code it runs inside its own body (deferred on purpose, as in cli/main.py: this
module loads for every `mpaas` invocation)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from mpaas.cli.common import DataDir, _progress, _settings, _with_platform, console, err
from mpaas.roles.platform import Platform

billing_app = typer.Typer(help="Billing: runs and statements.", no_args_is_help=True)


def _period_or_exit(period: str) -> None:
    from mpaas.billing import engine

    try:
        engine.parse_period(period)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None


@billing_app.command("statement")
def billing_statement(
    account: str = typer.Option(..., "--account", help="Account id (AID-...)."),
    period: str = typer.Option(..., "--period", help="Billing period, YYYY-MM."),
    data_dir: Path | None = DataDir,
) -> None:
    """Print an account's statement for a period: every charge by package, and the total."""
    from mpaas.billing import statement
    from mpaas.core.errors import ApiError

    _period_or_exit(period)
    settings = _settings(data_dir)

    async def work(platform: Platform):
        async with platform.db.read() as session:
            return await statement.build(session, account, period, settings.billing_currency)

    try:
        built = _with_platform(settings, work)
    except ApiError as exc:
        err.print(f"[red]error:[/red] {escape(exc.message)}")
        raise typer.Exit(2) from None
    table = Table(
        title=f"Statement {built.period}: {escape(built.account_name)} ({built.account_id})",
        caption=f"Amounts in {built.currency}, rounded half-even to 0.01 per charge",
    )
    for column in ("Package", "Subscription", "Charge", "Description"):
        table.add_column(column, justify="left")
    table.add_column("Amount", justify="right")
    for charge in built.charges:
        table.add_row(
            escape(charge.package_name),
            charge.subscription_id,
            charge.kind,
            escape(charge.description),
            statement.amount_text(charge.amount),
        )
    table.add_section()
    for line in built.lines:
        table.add_row(
            escape(line.package_name),
            f"{len(line.subscriptions)} subscription(s)",
            "Subtotal",
            "",
            statement.amount_text(line.amount),
        )
    table.add_section()
    table.add_row(
        "[bold]Total[/bold]",
        "",
        "",
        f"{len(built.charges)} charge(s)",
        f"[bold]{statement.amount_text(built.total)} {built.currency}[/bold]",
    )
    console.print(table)


@billing_app.command("run")
def billing_run(
    period: str = typer.Option(..., "--period", help="Billing period, YYYY-MM."), data_dir: Path | None = DataDir
) -> None:
    """Bill every live subscription its MRC for a period now (idempotent: a second run charges nothing)."""
    from mpaas.billing import service

    _period_or_exit(period)
    settings = _settings(data_dir)

    async def work(platform: Platform):
        from mpaas.billing import repository

        async with platform.db.read() as session:
            total = await repository.count_subscriptions(session)
        with _progress() as progress:
            task = progress.add_task(f"Billing {period}", total=total)
            return await service.run_period(
                platform.db,
                period,
                platform.clock.now,
                settings.billing_currency,
                progress=lambda n: progress.advance(task, n),
            )

    result = _with_platform(settings, work)
    console.print(f"Billed {result.charged} of {result.examined} live subscriptions for {period}.")
