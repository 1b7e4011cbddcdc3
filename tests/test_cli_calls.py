"""`mpaas calls search` (cli/calls.py): an account's call records with the filters of GET /ext/v1/calls, the
Voice minutes each counted, another account's calls never shown; bad filters exit 2 naming the option's field."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mpaas.cli import common
from mpaas.cli.main import app
from mpaas.config import Settings
from mpaas.roles.platform import Platform
from mpaas.voice import events
from mpaas.voice.calls import start_call

T0 = datetime(2026, 12, 3, 22, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_mpaas_settings(monkeypatch) -> None:
    for name in list(os.environ):
        if name.startswith("MPAAS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("COLUMNS", "400")
    # The CLI's console read the terminal's width when first imported (by another test module, perhaps, before
    # COLUMNS was set): a narrow one would cut the record ids the table is checked for.
    monkeypatch.setattr(common.console, "width", 400)


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


def mpaas(data_dir: Path, *args: str):
    result = CliRunner().invoke(app, [*args, "--data-dir", str(data_dir)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def new_account(data_dir: Path, name: str) -> str:
    made = mpaas(data_dir, "admin", "create-distributor", "--name", name, "--json")
    assert made.exit_code == 0, made.output
    return json.loads(made.stdout)["AccountId"]


def record_calls(data_dir: Path, calls: list[dict]) -> list[str]:
    """Call records made as the routing decision makes them, moved along by Kamailio's events."""

    async def work() -> list[str]:
        platform = Platform.build(Settings(data_dir=data_dir))
        await platform.start()
        try:
            made = []
            async with platform.db.write() as session:
                for n, call in enumerate(calls):
                    at = T0.replace(minute=n)
                    made.append(
                        await start_call(
                            session,
                            call_id=f"cli-{n}@pbx",
                            account_id=call["account"],
                            number_id=call.get("number_id", "NID-0193"),
                            direction=call.get("direction", "inbound"),
                            from_number=call.get("from", "+12125550100"),
                            to_number=call.get("to", "+18015557000"),
                            reject_code=call.get("reject"),
                            reject_reason="Voice Usage Paused" if call.get("reject") else None,
                            now=at,
                        )
                    )
                    if seconds := call.get("talk"):
                        items = [
                            events.CallEventIn.model_validate(
                                {"Event": kind, "CallId": f"cli-{n}@pbx", "Timestamp": stamp.isoformat()}
                            )
                            for kind, stamp in (("answered", at), ("ended", at.replace(second=0) + seconds))
                        ]
                        await events.apply_events(session, items, at)
            return made
        finally:
            await platform.close()

    return asyncio.run(work())


def test_search_lists_an_accounts_calls_with_their_minutes_and_filters(data_dir) -> None:
    from datetime import timedelta

    mine, theirs = new_account(data_dir, "Mine"), new_account(data_dir, "Theirs")
    answered, refused, outbound, other = record_calls(
        data_dir,
        [
            {"account": mine, "talk": timedelta(seconds=61)},
            {"account": mine, "reject": 403},
            {"account": mine, "direction": "outbound", "from": "+18015557000", "to": "+12125550199"},
            {"account": theirs, "talk": timedelta(seconds=10)},
        ],
    )
    listed = mpaas(data_dir, "calls", "search", "--account", mine, "--json")
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [r["CallRecordId"] for r in rows] == [outbound, refused, answered]  # newest first, only mine
    by_id = {r["CallRecordId"]: r for r in rows}
    assert (by_id[answered]["Disposition"], by_id[answered]["DurationSeconds"], by_id[answered]["Minutes"]) == (
        "answered",
        61,
        2,
    )
    assert (by_id[refused]["SipCode"], by_id[refused]["SipReason"], by_id[refused]["Minutes"]) == (
        403,
        "Voice Usage Paused",
        None,
    )
    assert other not in by_id

    table = mpaas(data_dir, "calls", "search", "--account", mine, "--disposition", "rejected")
    assert table.exit_code == 0, table.output
    assert refused in table.stdout and answered not in table.stdout
    assert "403 Voice Usage Paused" in table.stdout and "1 of 1 call record(s), page 1 of 1." in table.stdout

    outbound_only = mpaas(data_dir, "calls", "search", "--account", mine, "--direction", "OUTBOUND", "--json")
    assert [json.loads(line)["CallRecordId"] for line in outbound_only.stdout.splitlines()] == [outbound]
    by_number = mpaas(data_dir, "calls", "search", "--account", mine, "--phone-number", "+12125550199", "--json")
    assert [json.loads(line)["CallRecordId"] for line in by_number.stdout.splitlines()] == [outbound]
    paged = mpaas(data_dir, "calls", "search", "--account", mine, "--results", "2", "--page", "2")
    assert answered in paged.stdout and "1 of 3 call record(s), page 2 of 2." in paged.stdout
    one_day = mpaas(
        data_dir, "calls", "search", "--account", mine, "--start-date", "2026-12-04", "--end-date", "2026-12-05"
    )
    assert "0 of 0 call record(s)" in one_day.stdout
    # Another account's record by its id: not found, as through the API.
    theirs_by_id = mpaas(data_dir, "calls", "search", "--account", mine, "--call-record-id", other, "--json")
    assert theirs_by_id.exit_code == 0 and theirs_by_id.stdout.strip() == ""


@pytest.mark.parametrize(
    "args,message",
    [
        (["--direction", "sideways"], "Direction field must be one of"),
        (["--disposition", "maybe"], "Disposition field must be one of"),
        (["--start-date", "03/12/2026"], "StartDate field must be a date"),
        (["--start-date", "2026-12-05", "--end-date", "2026-12-01"], "EndDate field must not be before StartDate"),
        (["--results", "0"], "Results field must be between 1 and 1000"),
        (["--page", "0"], "Page field must be between"),
    ],
)
def test_bad_filters_exit_2_naming_the_field(data_dir, args, message) -> None:
    account = new_account(data_dir, "Mine")
    result = mpaas(data_dir, "calls", "search", "--account", account, *args)
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output


def test_an_unknown_account_exits_2(data_dir) -> None:
    result = mpaas(data_dir, "calls", "search", "--account", "AID-nope")
    assert result.exit_code == 2 and "no account AID-nope" in result.output
