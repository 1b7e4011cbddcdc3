"""`mpaas jobs list` shows dead jobs with their error; `mpaas jobs redrive` puts them back in the queue."""

from __future__ import annotations

import asyncio
import json

from typer.testing import CliRunner

from mpaas.cli.main import app
from mpaas.config import Settings
from mpaas.core.db import migrate
from mpaas.core.jobs.queue import enqueue
from mpaas.models.jobs import DEAD
from mpaas.roles.platform import Platform


def _dead_job(data_dir) -> int:
    settings = Settings(data_dir=data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.resolved_database_url())

    async def main():
        platform = Platform.build(settings)
        async with platform.db.write() as session:
            job = enqueue(session, platform.clock.now(), "webhook.deliver", {"n": 1})
            job.status, job.last_error, job.attempts = DEAD, "receiver answered 503", 12
            await session.flush()
            job_id = job.id
        await platform.close()
        return job_id

    return asyncio.run(main())


def test_list_and_redrive(tmp_path, monkeypatch):
    for name in list(__import__("os").environ):
        if name.startswith("MPAAS_"):
            monkeypatch.delenv(name)
    job_id = _dead_job(tmp_path)
    runner = CliRunner()
    listed = runner.invoke(app, ["jobs", "list", "--status", "dead", "--json", "--data-dir", str(tmp_path)])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.output.splitlines() if line.strip()]
    assert [(r["id"], r["status"], r["last_error"]) for r in rows] == [(job_id, "dead", "receiver answered 503")]

    table = runner.invoke(app, ["jobs", "list", "--data-dir", str(tmp_path)])
    assert "dead: 1" in table.output

    assert runner.invoke(app, ["jobs", "redrive", "--data-dir", str(tmp_path)]).exit_code == 2
    moved = runner.invoke(app, ["jobs", "redrive", str(job_id), "--data-dir", str(tmp_path)])
    assert moved.exit_code == 0 and "Re-drove 1 dead job(s)." in moved.output
    after = runner.invoke(app, ["jobs", "list", "--status", "pending", "--json", "--data-dir", str(tmp_path)])
    row = json.loads(after.output.splitlines()[0])
    assert (row["id"], row["attempts"]) == (job_id, 0)
    again = runner.invoke(app, ["jobs", "redrive", "--all-dead", "--data-dir", str(tmp_path)])
    assert "Re-drove 0 dead job(s)." in again.output
