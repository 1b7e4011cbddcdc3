"""`mpaas calls`: an operator's view of an account's call records, with the filters of GET /ext/v1/calls
(voice/calls.search, the same code), newest first, and the Voice minutes each call counted (voice/usage.py).

Each command imports the domain code it runs inside its own body (deferred on purpose, as in cli/main.py: this
module loads for every `mpaas` invocation)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from mpaas.cli.common import DataDir, _settings, _with_platform, console, err
from mpaas.roles.platform import Platform

calls_app = typer.Typer(help="Call records: search an account's calls.", no_args_is_help=True)


@calls_app.command("search")
def calls_search(
    account: str = typer.Option(..., "--account", help="Account id (AID-...)."),
    call_record_id: str | None = typer.Option(None, "--call-record-id", help="One record (CALL-...)."),
    phone_number: str | None = typer.Option(None, "--phone-number", help="Calls from or to this number, as sent."),
    number_id: str | None = typer.Option(None, "--number-id", help="Calls of the account's number (NID-...)."),
    direction: str | None = typer.Option(None, "--direction", help="inbound | outbound"),
    disposition: str | None = typer.Option(
        None, "--disposition", help="answered | busy | no-answer | failed | rejected | cancelled | lost"
    ),
    status: str | None = typer.Option(None, "--status", help="routing | ringing | in-progress | on-hold | completed"),
    start_date: str | None = typer.Option(None, "--start-date", help="First UTC day, YYYY-MM-DD (included)."),
    end_date: str | None = typer.Option(None, "--end-date", help="Last UTC day, YYYY-MM-DD (included)."),
    page: int = typer.Option(1, "--page", help="Page of results, from 1."),
    results: int = typer.Option(25, "--results", help="Records per page (1 to 1000)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON record per line (the API's shape, plus Minutes)."),
    data_dir: Path | None = DataDir,
) -> None:
    """List an account's call records, newest first, with the same filters as GET /ext/v1/calls."""
    from mpaas.billing import repository as billing_repository
    from mpaas.core.errors import ApiError
    from mpaas.voice import calls, usage

    settings = _settings(data_dir)

    async def work(platform: Platform) -> tuple[dict[str, Any], dict[str, int]] | None:
        async with platform.db.read() as session:
            if await billing_repository.account(session, account.strip()) is None:
                return None
            found = await calls.search(
                session,
                [account.strip()],
                call_record_id=call_record_id,
                phone_number=phone_number,
                number_id=number_id,
                direction=direction,
                disposition=disposition,
                status=status,
                start_date=start_date,
                end_date=end_date,
                page=page,
                results=results,
            )
            minutes = await usage.minutes_by_call(session, [r["CallRecordId"] for r in found["Results"]])
            return found, minutes

    try:
        answer = _with_platform(settings, work)
    except ApiError as exc:
        err.print(f"[red]error:[/red] {escape(exc.message)}")
        raise typer.Exit(2) from None
    if answer is None:
        err.print(f"[red]error:[/red] no account {escape(account)}")
        raise typer.Exit(2)
    found, minutes = answer
    if as_json:
        for record in found["Results"]:
            print(json.dumps({**record, "Minutes": minutes.get(record["CallRecordId"])}))
        return
    table = Table(title=f"Calls of {escape(account)}")
    for column in ("Call record", "Created (UTC)", "Direction", "From", "To", "Status", "Disposition"):
        table.add_column(column)
    for column in ("Seconds", "Minutes", "SIP"):
        table.add_column(column, justify="right")
    for record in found["Results"]:
        sip = f"{record['SipCode']} {record['SipReason'] or ''}".strip() if record["SipCode"] else ""
        counted = minutes.get(record["CallRecordId"])
        table.add_row(
            record["CallRecordId"],
            (record["CreatedOn"] or "")[:19].replace("T", " "),
            record["Direction"],
            escape(record["From"]),
            escape(record["To"]),
            record["Status"],
            record["Disposition"] or "",
            "" if record["DurationSeconds"] is None else str(record["DurationSeconds"]),
            "" if counted is None else str(counted),
            escape(sip),
        )
    console.print(table)
    console.print(
        f"{len(found['Results'])} of {found['ResultsTotalRecords']} call record(s), "
        f"page {found['Page']} of {max(found['ResultsPages'], 1)}."
    )
