"""Call records: POST /sip/v1/events (Kamailio reports call progress; the shared secret, not in the OpenAPI
document) and GET /ext/v1/calls (a distributor reads its accounts' call records with an endpoint-scoped token).
docs/voice.md.

A `failed` event marked `"Unrouted": true` is a call Kamailio refused (503, or 500) because mpaas did not answer
its route query (down, restarting): no decision made its record, so the record is made here, as the decision
would have (an inbound call's account is the called number's), before the event finishes it. If the decision did
happen and only its answer was lost, that record is the one the event finishes. docs/voice.md, "Durability"."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import AfterValidator, Field, StringConstraints, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.auth.dependencies import Caller
from mpaas.core.http.lean import (
    LeanRoute,
    header,
    lean_route,
    parse_json_body,
    read_body,
    served_at_edge,
    shaped_response,
    validated_body,
)
from mpaas.core.jobs.queue import jobs_written
from mpaas.core.phone import normalize_e164
from mpaas.core.wire import WireDateTime, WireModel, WireResponse
from mpaas.dependencies import Now, PlatformDep, ReadSession, platform_of
from mpaas.numbers.porting.service import PORTED
from mpaas.voice import calls, events, reconcile
from mpaas.voice import routing_repository as repository
from mpaas.voice.auth import SipSecret, sip_secret
from mpaas.voice.calls_schemas import CallSearch
from mpaas.voice.events import EventsAccepted, EventsRequest

router = APIRouter()


# Declared here (body, answer; not in the OpenAPI document), served by serve_events from the app's edge.
async def call_events(body: EventsRequest) -> dict[str, Any]:
    raise NotImplementedError("served by voice.event_endpoints.serve_events")  # pragma: no cover


@served_at_edge
async def serve_events(route: LeanRoute, request: Request) -> Response:
    """A batch of call events, served from the app's edge (core/http/lean.py) as POST /sip/v1/route is. In
    FastAPI's order: the body's JSON, the shared secret (a wrong one never takes the write lock), the body's
    validation. Each event is read (EventsRequest.parse) before the write transaction opens: on SQLite that
    transaction holds the process's writers, the route decisions' records among them, and reading a batch of
    100 events was about as long as applying it (py-spy over bench/voice.py at 1,000 calls/s)."""
    scope = request.scope
    platform = platform_of(request)
    data = parse_json_body(await read_body(scope, request.receive), header(scope, b"content-type"))
    await sip_secret(request, platform)
    body: EventsRequest = validated_body(route, data)
    now = platform.clock.now()
    valid, invalid = body.parse()
    unrouted = [raw for raw in body.events if isinstance(raw, dict) and raw.get("Unrouted") is True]
    async with platform.db.write() as session:
        for raw in unrouted:
            await _record_unrouted(session, raw)
        out = await events.apply_events(session, valid, now)
    if jobs_written(session):
        platform.jobs.notify()
    # EventsAccepted's wire form (its names, four ints): serialised as the model would be, without building it.
    return shaped_response(
        {"Accepted": out.accepted, "Duplicates": out.duplicates, "Ignored": out.ignored, "Invalid": invalid}
    )


router.add_api_route(
    "/sip/v1/events",
    call_events,
    methods=["POST"],
    include_in_schema=False,
    response_model=EventsAccepted,
    route_class_override=lean_route(serve_events),
)


async def _record_unrouted(session: AsyncSession, raw: dict[str, Any]) -> None:
    """The record of a call Kamailio refused without a decision (or the decision's, when only its answer was
    lost). Inbound (the called number is ours): the number's account. Outbound: no account, since the caller id
    was never checked against the source address (an operator's record, not a tenant's)."""
    try:
        item = events.CallEventIn.model_validate(raw)
    except ValidationError:
        return  # counted as invalid by parse()
    if item.event != events.FAILED:
        return
    called = normalize_e164(item.to or "")
    inputs = await repository.number_inputs(session, called) if called else None
    account_id = number_id = None
    direction = calls.OUTBOUND
    if inputs is not None and inputs.inventory_status != PORTED:
        direction, account_id, number_id = calls.INBOUND, inputs.account_id, inputs.id
    await calls.start_call(
        session,
        call_id=item.call_id,
        account_id=account_id,
        number_id=number_id,
        direction=direction,
        from_number=item.from_ or "",
        to_number=item.to or "",
        now=item.timestamp,
    )


class DialogsReport(WireModel):
    """Kamailio's live dialogs, as the supervisor listed them (voice/reconcile.py)."""

    call_ids: list[Annotated[str, StringConstraints(max_length=1024)]] = Field(alias="CallIds", max_length=1_000_000)
    listed_at: Annotated[WireDateTime, AfterValidator(events.as_utc)] = Field(alias="ListedAt")
    lost_at: Annotated[WireDateTime | None, AfterValidator(events.as_utc_or_none)] = Field(default=None, alias="LostAt")


class DialogsReconciled(WireResponse):
    open: int = Field(alias="Open")  # calls mpaas believed live, made before the listing
    closed: list[str] = Field(alias="Closed")  # CALL- ids closed as lost


# Kamailio's dialogs after it (re)started, and periodically (voice/supervisor.py): every call mpaas believes live
# that Kamailio no longer has is closed as lost. Not in the OpenAPI document; the shared secret.
@router.post("/sip/v1/dialogs", dependencies=[SipSecret], include_in_schema=False, response_model=DialogsReconciled)
async def dialogs(body: DialogsReport, platform: PlatformDep, now: Now) -> dict[str, Any]:
    lost_at = min(body.lost_at, now) if body.lost_at is not None else None
    out = await reconcile.reconcile(
        platform, body.call_ids, listed_at=min(body.listed_at, now), lost_at=lost_at, now=now
    )
    return {"Open": out.open, "Closed": out.closed}


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
