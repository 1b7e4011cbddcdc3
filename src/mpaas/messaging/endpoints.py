"""Messaging endpoints: send, details."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from pydantic import Field

from mpaas.accounts.service import Principal
from mpaas.auth.dependencies import platform_of, principal
from mpaas.core.errors import missing, required
from mpaas.core.wire import Required, WireModel
from mpaas.messaging import queries, repository, service
from mpaas.messaging.schemas import OutboundRequest

router = APIRouter(tags=["Message"])


@router.post("/v1.0/message/outbound", summary="Send Outbound Message")
async def send_outbound(body: OutboundRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    now = platform.clock.now()
    async with platform.db.quick_read() as session:
        prepared = await service.prepare_outbound(session, who, body, now, platform.settings.message_cost_per_segment)
    async with platform.db.write() as session:
        sent = await service.store_outbound(session, prepared, now)
    platform.jobs.notify()
    return service.outbound_response(sent, body)


@router.get("/v1.0/message/details", summary="Message Details")
async def message_details(
    request: Request, who: Principal = Depends(principal), message_id: str | None = Query(None, alias="MessageId")
) -> dict:
    if not message_id:
        raise required("MessageId")
    async with platform_of(request).db.read() as session:
        message = await repository.get_message(session, message_id, who.account_ids)
    if message is None:
        raise missing("message", message_id)
    return service.details(message)


@router.get("/v1.0/message/search", summary="Message Search")
async def message_search(
    request: Request,
    who: Principal = Depends(principal),
    phone_number: str | None = Query(None, alias="PhoneNumber"),
    page: int | None = Query(None, alias="Page"),
    results: int | None = Query(None, alias="Results"),
    start_date: str | None = Query(None, alias="StartDate"),
    end_date: str | None = Query(None, alias="EndDate"),
    direction: str | None = Query(None, alias="Direction"),
    message_type: str | None = Query(None, alias="MessageType"),
) -> dict:
    async with platform_of(request).db.read() as session:
        return await queries.search(
            session,
            who,
            phone_number=phone_number,
            page=page,
            results=results,
            start_date=start_date,
            end_date=end_date,
            direction=direction,
            message_type=message_type,
        )


@router.get("/v1.0/message/filter", summary="Filter Messages")
async def message_filter(
    request: Request,
    who: Principal = Depends(principal),
    phone_number: str | None = Query(None, alias="PhoneNumber"),
    page: int | None = Query(None, alias="Page"),
    results: int | None = Query(None, alias="Results"),
) -> dict:
    async with platform_of(request).db.read() as session:
        return await queries.filter_messages(session, who, phone_number=phone_number, page=page, results=results)


class DeviceDeliveryRequest(WireModel):
    message_id: Required = Field(alias="MessageId", examples=["TMID-00348008102307aK01"])


@router.post("/v1.0/message/device-delivery", summary="Report Device Delivery")
async def device_delivery(body: DeviceDeliveryRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return await queries.report_device_delivery(session, who, body.message_id, platform.clock.now())
