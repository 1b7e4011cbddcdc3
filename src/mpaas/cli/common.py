"""What every command module of the CLI shares: the consoles, the --data-dir option, settings, migrating and
opening the platform, progress bars, and the carrier configuration check. Its own module, so cli/main.py and
the sub-apps (cli/jobs.py, cli/roles.py) import it at the top instead of importing each other."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.engine import make_url

from mpaas.carriers import build_connector
from mpaas.carriers.config import CarrierConfigError
from mpaas.config import Settings
from mpaas.core.db import migrate
from mpaas.roles.platform import Platform

# soft_wrap: never break lines at the console width (credentials, paths and errors must stay copyable when
# the output is piped or logged).
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")

DataDir = typer.Option(
    None,
    "--data-dir",
    help="Where the SQLite database and generated secrets live "
    "(default ./data; MPAAS_DATA_DIR). MPAAS_DATABASE_URL overrides the database.",
)


def _settings(data_dir: Path | None) -> Settings:
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
    try:
        parsed = make_url(url)
    except Exception:  # not a URL SQLAlchemy can parse: show nothing that could be a secret
        return url.split("@")[-1]
    return parsed.render_as_string(hide_password=True) if parsed.password else url


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )


def _check_carriers(settings: Settings) -> None:
    """Refuse to start on a carrier configuration that cannot work, before anything else happens."""
    try:
        build_connector(settings)
    except CarrierConfigError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
