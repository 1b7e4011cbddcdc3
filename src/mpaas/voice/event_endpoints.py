"""Call records: POST /sip/v1/events (Kamailio reports call progress; the shared secret, not in the OpenAPI
document) and GET /ext/v1/calls (a distributor reads its accounts' call records with an endpoint-scoped token).
docs/voice.md."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from mpaas.auth.dependencies import Caller
from mpaas.dependencies import Now, ReadSession, WriteSession
from mpaas.voice import calls, events
from mpaas.voice.auth import SipSecret
from mpaas.voice.calls_schemas import CallSearch
from mpaas.voice.events import EventsAccepted, EventsRequest

router = APIRouter()


# The secret is checked before the write session opens (dependencies run in order): a wrong secret never takes
# the write lock.
@router.post("/sip/v1/events", dependencies=[SipSecret], include_in_schema=False, response_model=EventsAccepted)
async def call_events(body: EventsRequest, session: WriteSession, now: Now) -> dict[str, Any]:
    valid, invalid = body.parse()
    out = await events.apply_events(session, valid, now)
    return {"Accepted": out.accepted, "Duplicates": out.duplicates, "Ignored": out.ignored, "Invalid": invalid}


@router.get(
    "/ext/v1/calls",
    tags=["Extensions"],
    summary="Call records search (mpaas extension)",
    response_model=CallSearch,
)
async def call_search(
    who: Caller,
    session: ReadSession,
    account_id: str | None = Query(None, alias="AccountId"),
    call_record_id: str | None = Query(None, alias="CallRecordId"),
    phone_number: str | None = Query(None, alias="PhoneNumber"),
    number_id: str | None = Query(None, alias="NumberId"),
    direction: str | None = Query(None, alias="Direction"),
    disposition: str | None = Query(None, alias="Disposition"),
    status: str | None = Query(None, alias="Status"),
    start_date: str | None = Query(None, alias="StartDate"),
    end_date: str | None = Query(None, alias="EndDate"),
    page: int | None = Query(None, alias="Page"),
    results: int | None = Query(None, alias="Results"),
) -> dict[str, Any]:
    return await calls.search(
        session,
        who.visible_accounts(account_id),
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
