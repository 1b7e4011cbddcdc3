"""`mpaas jobs`: see the durable job queue, and re-drive jobs that used up their attempts."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mpaas.cli.common import _settings, _with_platform
from mpaas.core.jobs.queue import count_by_status, list_jobs, redrive
from mpaas.models.jobs import DEAD, DONE, PENDING, RUNNING

jobs_app = typer.Typer(help="The durable job queue: list jobs, re-drive dead ones.", no_args_is_help=True)
console = Console(soft_wrap=True)
STATUSES = (PENDING, RUNNING, DONE, DEAD)


@jobs_app.command("list")
def list_command(
    status: str | None = typer.Option(None, "--status", help=f"One of {', '.join(STATUSES)}."),
    kind: str | None = typer.Option(None, "--kind", help="e.g. message.submit, webhook.deliver"),
    limit: int = typer.Option(50, "--limit", min=1, max=10_000),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="As for mpaas serve."),
) -> None:
    """Counts per status, then the most recently changed jobs (dead ones show their last error)."""

    if status and status not in STATUSES:
        console.print(f"[red]error:[/red] --status must be one of {', '.join(STATUSES)}")
        raise typer.Exit(2)

    async def work(platform):
        async with platform.db.read() as session:
            return await count_by_status(session), await list_jobs(session, status=status, kind=kind, limit=limit)

    counts, jobs = _with_platform(_settings(data_dir), work)
    if as_json:
        for job in jobs:
            print(
                json.dumps(
                    {
                        "id": job.id,
                        "kind": job.kind,
                        "status": job.status,
                        "attempts": job.attempts,
                        "max_attempts": job.max_attempts,
                        "run_at": job.run_at.isoformat(),
                        "last_error": job.last_error,
                        "payload": job.payload,
                    }
                )
            )
        return
    console.print("  ".join(f"{s}: {counts.get(s, 0)}" for s in STATUSES))
    table = Table("id", "kind", "status", "attempts", "run at (UTC)", "last error")
    for job in jobs:
        table.add_row(
            str(job.id),
            job.kind,
            job.status,
            f"{job.attempts}/{job.max_attempts}",
            job.run_at.strftime("%Y-%m-%d %H:%M:%S"),
            escape((job.last_error or "")[:80]),
        )
    console.print(table)


@jobs_app.command("redrive")
def redrive_command(
    job_ids: list[int] | None = typer.Argument(None, help="Ids of dead jobs to run again."),
    all_dead: bool = typer.Option(False, "--all-dead", help="Every dead job."),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="As for mpaas serve."),
) -> None:
    """Put dead jobs back in the queue with fresh attempts; a running server picks them up within a poll."""

    if not job_ids and not all_dead:
        console.print("[red]error:[/red] name job ids, or pass --all-dead")
        raise typer.Exit(2)

    async def work(platform):
        async with platform.db.write() as session:
            return await redrive(session, platform.clock.now(), job_ids=job_ids, all_dead=all_dead)

    moved = _with_platform(_settings(data_dir), work)
    console.print(f"Re-drove {moved} dead job(s).")
