"""Porting: eligibility, port-in orders and their lifecycle, port-out PINs and orders.

A port order is a NumberOrder (`portin` / `portout`) with a PortRequest beside it. Its status moves
through `PORT_TRANSITIONS`: Pending -> InProgress -> Complete, or ResolutionRequired (with the losing
carrier's code in OrderStatusMessage, e.g. `1P-Other`, `6B`), or Cancelled. Who moves it: the sandbox
losing carrier (durable jobs; MPAAS_SANDBOX_PORTING) or, with the sandbox off, the operator reporting the
carrier's answers to POST /ops/v1/port-orders/status.

Sandbox test numbers (the last four digits of PortInNumber pick the losing carrier's answer):
  ...9900  not portable: eligibility says Eligible false and /portin refuses it
  ...9901  ResolutionRequired `1P-Other` (name, account number, PIN or address do not match)
  ...9902  ResolutionRequired `6B` (T-Mobile transfer PIN needed)
  ...9903  ResolutionRequired `6P-REMOVE NUMBER LOCK ON VERIZON ACCOUNT`
  anything else completes MPAAS_SANDBOX_PORT_SECONDS after submission.
A /portin/update of an order in ResolutionRequired corrects it: the order returns to Pending and the
sandbox then completes it."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.core.errors import ApiError, bad_request, missing, required
from mpaas.core.jobs.queue import enqueue
from mpaas.core.phone import normalize_portable, required_e164
from mpaas.core.security.sealing import Sealer
from mpaas.core.wire import iso
from mpaas.models import InventoryNumber, NumberOrder, PhoneNumber, PortRequest
from mpaas.models.numbers import ACTIVE, ASSIGNED, AVAILABLE
from mpaas.numbers import calendar, events, repository
from mpaas.numbers.lifecycle import service as lifecycle
from mpaas.numbers.lifecycle.service import NumberPolicy
from mpaas.numbers.porting import repository as port_repository
from mpaas.numbers.porting.schemas import (
    PORT_ORDER_STATUSES,
    BillingAddress,
    EligibilityRequest,
    OrderRequest,
    PortInRequest,
    PortInUpdateRequest,
    PortOutRequest,
)
from mpaas.numbers.provisioning import esim
from mpaas.numbers.us_states import ADDRESS_ZIP, WITH_TERRITORIES
from mpaas.routes import repository as routes_repository
from mpaas.subscribers import repository as subscribers_repository

ADVANCE_JOB = "numbers.port_advance"
PORTED = "ported"  # inventory status of a number that left for another carrier

PENDING, IN_PROGRESS, RESOLUTION, COMPLETE, CANCELLED = PORT_ORDER_STATUSES
OPEN = (PENDING, IN_PROGRESS, RESOLUTION)
PORT_TRANSITIONS: dict[str, set[str]] = {
    PENDING: {IN_PROGRESS, RESOLUTION, COMPLETE, CANCELLED},
    IN_PROGRESS: {RESOLUTION, COMPLETE, CANCELLED},
    RESOLUTION: {PENDING, IN_PROGRESS, CANCELLED},
    COMPLETE: set(),
    CANCELLED: set(),
}
TEST_OUTCOMES = {"9901": "1P-Other", "9902": "6B", "9903": "6P-REMOVE NUMBER LOCK ON VERIZON ACCOUNT"}
NOT_PORTABLE_SUFFIX = "9900"
SANDBOX_CARRIER = "Sandbox Wireless"


def _number(raw: str | None, field: str) -> str:
    """A number being ported in is held by another carrier: any well-formed E.164 NANP number is accepted
    (core.phone.normalize_portable), the vendor's sample `+15555551234` included."""
    if raw and (number := normalize_portable(raw)) is not None:
        return number
    return required_e164(raw, field)


def _classification(value: str | None) -> str:
    """mvno or iot; `Mobile` (the update example's spelling) means mvno."""
    key = (value or "mvno").strip().lower()
    found = {"mvno": "mvno", "mobile": "mvno", "iot": "iot"}.get(key)
    if found is None:
        raise bad_request(f"TargetPortinClassification {value!r} must be mvno or iot.")
    return found


def _address(address: BillingAddress | None, required_all: bool) -> dict | None:
    if address is None:
        if required_all:
            raise required("CurrentBillingAddress")
        return None
    for field, name in (("street1", "Street1"), ("city", "City"), ("state", "State"), ("zip", "Zip")):
        if not getattr(address, field):
            raise required(f"CurrentBillingAddress.{name}")
    if address.state.upper() not in WITH_TERRITORIES:
        raise bad_request("CurrentBillingAddress.State must be a two-letter US state abbreviation such as UT.")
    if not ADDRESS_ZIP.fullmatch(address.zip):
        raise bad_request("CurrentBillingAddress.Zip must be a 5-digit ZIP code or ZIP+4.")
    return {
        "Street1": address.street1,
        "Street2": address.street2,
        "City": address.city,
        "State": address.state.upper(),
        "Zip": address.zip,
    }


def port_date(raw: str | None, now: datetime, policy: NumberPolicy) -> str:
    """The requested date (validated) or the earliest allowed one, as YYYY-MM-DD."""
    earliest = calendar.earliest_port_date(now, policy.tz)
    if not raw:
        return earliest.isoformat()
    wanted = calendar.parse_us_date(raw)
    if wanted is None:
        raise bad_request("The PortInDate field must be a date, YYYY-MM-DD or MM/DD/YYYY.")
    if not calendar.is_business_day(wanted):
        raise bad_request(
            f"PortInDate {wanted:%m/%d/%Y} is not a business day (ports run Monday to Friday, "
            "outside US federal holidays)."
        )
    if wanted < earliest:
        raise bad_request(
            f"PortInDate must be on or after {earliest:%m/%d/%Y}: a port needs one full business "
            "day, and requests after 4 PM count from the next business day."
        )
    return wanted.isoformat()


async def eligibility(session: AsyncSession, body: EligibilityRequest) -> dict:
    number = _number(body.phone_number, "PhoneNumber")
    if not body.target_classification:
        raise required("TargetClassification")
    eligible, message = await _portable(session, number)
    return {
        "PhoneNumber": number,
        "Eligible": eligible,
        "CurrentCarrier": SANDBOX_CARRIER,
        "NumberType": "mobile",
        "Message": message,
    }


async def _portable(session: AsyncSession, number: str) -> tuple[bool, str]:
    if not number.startswith("+1"):
        return False, "Only US and Canadian (+1) numbers can be ported in."
    if number.endswith(NOT_PORTABLE_SUFFIX):
        return False, "The current carrier reports this number as not portable."
    status = await repository.inventory_status(session, number)
    if status == ASSIGNED:
        return False, "Number is already active on this platform."
    if await port_repository.open_port_for(session, number) is not None:
        return False, "A port-in order for this number is already open."
    return True, "Number is eligible for port-in"


async def port_in(
    session: AsyncSession,
    principal: Principal,
    body: PortInRequest,
    now: datetime,
    policy: NumberPolicy,
    sandbox: bool,
    sandbox_seconds: float,
    sealer: Sealer,
) -> dict:
    number = _number(body.port_in_number, "PortInNumber")
    for value, field in (
        (body.current_carrier_name, "CurrentCarrierName"),
        (body.current_account_number, "CurrentAccountNumber"),
        (body.current_account_password, "CurrentAccountPassword"),
    ):
        if not value:
            raise required(field)
    address = _address(body.current_billing_address, True)
    classification = _classification(body.target_portin_classification)
    account_id = principal.resolve_account(body.account_id)
    targets = await _targets(session, account_id, body)
    eligible, message = await _portable(session, number)
    if not eligible:
        raise bad_request(f"Phone number {number} cannot be ported in: {message}")
    if body.iccid:  # the SIM the number will live on: free across the platform
        await repository.ensure_iccid_free(session, body.iccid)
    date = port_date(body.port_in_date, now, policy)
    order = lifecycle.new_order(account_id, "portin", [number], PENDING, now)
    session.add(order)
    await session.flush()
    session.add(
        PortRequest(
            order_id=order.id,
            direction="in",
            number=number,
            carrier_name=body.current_carrier_name,
            account_number=body.current_account_number,
            account_password=sealer.seal(body.current_account_password),  # sent on, so encrypted, not hashed
            billing_address=address,
            iccid=body.iccid,
            classification=classification,
            subscriber_name=body.subscriber_name,
            port_date=date,
            updated_at=now,
            **targets,
        )
    )
    if sandbox:
        _sandbox_schedule(session, order, now, sandbox_seconds)
    await events.order_changed(session, order, now)
    return {
        "OrderId": order.id,
        "OrderDate": iso(now),
        "Status": order.status,
        "PhoneNumber": number,
        "ICCID": body.iccid,
        "PortInDate": date,
    }


async def _targets(session: AsyncSession, account_id: str, body: PortInRequest) -> dict:
    out = {}
    if body.message_route_id:
        if await routes_repository.get_message_route(session, body.message_route_id, (account_id,)) is None:
            raise missing("message route", body.message_route_id)
        out["message_route_id"] = body.message_route_id
    if body.voice_route_id:
        if await routes_repository.get_voice_route(session, body.voice_route_id, (account_id,)) is None:
            raise missing("voice route", body.voice_route_id)
        out["voice_route_id"] = body.voice_route_id
    if body.assigned_subscriber_id:
        if await subscribers_repository.get(session, body.assigned_subscriber_id, (account_id,)) is None:
            raise bad_request(
                f"AssignedSubscriberId {body.assigned_subscriber_id} does not belong to account {account_id}."
            )
        out["subscriber_id"] = body.assigned_subscriber_id
    return out


def _sandbox_schedule(session: AsyncSession, order: NumberOrder, now: datetime, seconds: float) -> None:
    """The sandbox carrier starts work at half the port time and answers at the full time."""
    enqueue(session, now, ADVANCE_JOB, {"order_id": order.id, "to": IN_PROGRESS}, delay_seconds=seconds / 2)
    enqueue(session, now, ADVANCE_JOB, {"order_id": order.id, "to": "answer"}, delay_seconds=seconds)


async def _order(
    session: AsyncSession, principal: Principal, order_id: str | None, account_id: str | None, direction: str = "in"
) -> tuple[NumberOrder, PortRequest]:
    if not order_id:
        raise required("OrderId")
    order = await repository.get_order(session, order_id, principal.visible_accounts(account_id))
    port = await port_repository.get(session, order.id) if order else None
    if order is None or port is None or port.direction != direction:
        raise missing("port-in order" if direction == "in" else "port-out order", order_id)
    return order, port


async def update_port_in(
    session: AsyncSession,
    principal: Principal,
    body: PortInUpdateRequest,
    now: datetime,
    policy: NumberPolicy,
    sandbox: bool,
    sandbox_seconds: float,
    sealer: Sealer,
) -> dict:
    order, port = await _order(session, principal, body.order_id, body.account_id)
    if order.status not in OPEN:
        raise bad_request(f"Port-in order {order.id} is {order.status}; only open orders can be updated.")
    if body.iccid and body.iccid != port.iccid:
        await repository.ensure_iccid_free(session, body.iccid)
    for field in ("carrier_name", "account_number", "account_password", "iccid", "subscriber_name"):
        value = getattr(body, "current_" + field if field.startswith(("carrier", "account")) else field)
        if value is not None:
            setattr(port, field, sealer.seal(value) if field == "account_password" else value)
    if body.current_billing_address is not None:
        port.billing_address = _address(body.current_billing_address, True)
    if body.target_portin_classification:
        port.classification = _classification(body.target_portin_classification)
    if body.port_in_date:
        port.port_date = port_date(body.port_in_date, now, policy)
    port.updated_at = now
    if order.status == RESOLUTION:  # corrected details go back to the losing carrier
        await set_status(session, order, PENDING, None, now, policy)
        if sandbox:
            _sandbox_schedule(session, order, now, sandbox_seconds)
    return {"OrderId": order.id, "Status": "Updated", "Message": "Port-in order updated successfully"}


async def cancel_port_in(
    session: AsyncSession, principal: Principal, body: OrderRequest, now: datetime, policy: NumberPolicy
) -> dict:
    order, _port = await _order(session, principal, body.order_id, body.account_id)
    if order.status not in OPEN:
        raise bad_request(f"Port-in order {order.id} is {order.status}; only pending orders can be cancelled.")
    await set_status(session, order, CANCELLED, None, now, policy)
    return {"OrderId": order.id, "Status": order.status}


async def port_out(
    session: AsyncSession, principal: Principal, body: PortOutRequest, now: datetime, sealer: Sealer
) -> dict:
    """Set the number's port-out PIN (stored encrypted: its owner reads it back in GET /v1.0/numbers) and open
    a port-out order, which the gaining carrier's request completes only with that PIN (`operator_report`)."""
    row = await lifecycle.find_live(session, principal, body.port_out_number, body.account_id, field="PortOutNumber")
    if not body.port_out_pin:
        raise required("PortOutPIN")
    if not re.fullmatch(r"\d{4,10}", body.port_out_pin):
        raise bad_request("The PortOutPIN field must be 4 to 10 digits.")
    row.port_out_pin, row.updated_at = sealer.seal(body.port_out_pin), now
    order = lifecycle.new_order(row.account_id, "portout", [row.number], PENDING, now)
    session.add(order)
    await session.flush()
    session.add(
        PortRequest(order_id=order.id, direction="out", number=row.number, phone_number_id=row.id, updated_at=now)
    )
    await events.order_changed(session, order, now)
    return {"OrderId": order.id, "OrderDate": iso(now), "Status": order.status, "PhoneNumber": row.number}


async def set_status(
    session: AsyncSession, order: NumberOrder, status: str, message: str | None, now: datetime, policy: NumberPolicy
) -> None:
    """Move a port order along PORT_TRANSITIONS; completing it moves the number."""
    if status not in PORT_TRANSITIONS.get(order.status, set()):
        raise ApiError(409, f"Port order {order.id} is {order.status}; it cannot become {status}.")
    port = await port_repository.get(session, order.id)
    if status == COMPLETE:
        if port.direction == "in":
            await _complete_port_in(session, order, port, now, policy.smdp_address)
        else:
            await _complete_port_out(session, port, now)
    if status in (COMPLETE, CANCELLED):
        port.account_password = None  # no longer needed by anyone
    order.status, order.status_message, order.updated_at = status, message, now
    await events.order_changed(session, order, now)


async def _complete_port_in(
    session: AsyncSession, order: NumberOrder, port: PortRequest, now: datetime, smdp_address: str
) -> None:
    inv = await repository.get_inventory(session, port.number)
    address = port.billing_address or {}
    if inv is None:
        inv = InventoryNumber(
            number=port.number,
            ngp="PORT",
            area_code=port.number[2:5],
            zipcode=(address.get("Zip") or "00000")[:5],
            state=address.get("State"),
            number_type="mobile",
            status=ASSIGNED,
            updated_at=now,
        )
        session.add(inv)
    elif inv.status == AVAILABLE:
        if (
            await repository.claim_one(session, now, number=port.number, message_enabled=False, voice_enabled=False)
            is None
        ):
            raise bad_request(f"Phone number {port.number} was taken while the port was in progress.")
    elif inv.status == ASSIGNED:
        raise bad_request(f"Phone number {port.number} is already active on this platform.")
    else:
        inv.status, inv.updated_at = ASSIGNED, now
    iccid, qr = port.iccid, None
    if iccid:  # taken since the order was submitted: the order goes to ResolutionRequired with this text
        await repository.ensure_iccid_free(session, iccid)
    if not iccid:
        iccid, qr = esim.new_iccid(), esim.activation_code(smdp_address)
    row = PhoneNumber(
        id=lifecycle.ids.new_id(lifecycle.ids.PHONE_NUMBER),
        account_id=order.account_id,
        number=port.number,
        number_type=port.classification or "mvno",
        message_type="p2p",
        message_enabled=bool(port.message_route_id),
        voice_enabled=bool(port.voice_route_id),
        data_enabled=True,
        message_route_id=port.message_route_id,
        voice_route_id=port.voice_route_id,
        subscriber_id=port.subscriber_id,
        iccid=iccid,
        qr_code=qr,
        product_type="Sms+Data",
        status=ACTIVE,
        order_id=order.id,
        zipcode=inv.zipcode,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    await repository.flush_iccid(session, iccid)
    port.phone_number_id = row.id


async def _complete_port_out(session: AsyncSession, port: PortRequest, now: datetime) -> None:
    row = await repository.get_phone_number(session, port.phone_number_id) if port.phone_number_id else None
    if row is None or lifecycle.next_state(row.status, "portout") is None:
        raise bad_request(f"Phone number {port.number} can no longer be ported out.")
    await repository.detach_number(session, row)
    inv = await repository.get_inventory(session, port.number)
    if inv is not None:
        inv.status, inv.updated_at = PORTED, now  # it now belongs to the gaining carrier


async def sandbox_advance(session: AsyncSession, payload: dict, now: datetime, policy: NumberPolicy) -> None:
    order = await repository.get_order_by_id(session, payload["order_id"])
    if order is None or order.status not in OPEN:
        return
    port = await port_repository.get(session, order.id)
    if payload["to"] == IN_PROGRESS:
        if order.status == PENDING:
            await set_status(session, order, IN_PROGRESS, None, now, policy)
        return
    if order.status == RESOLUTION:
        return
    code = TEST_OUTCOMES.get(port.number[-4:])
    # A corrected order (one that went through ResolutionRequired) is accepted.
    if code and not await _was_corrected(session, order):
        await set_status(session, order, RESOLUTION, code, now, policy)
        return
    try:
        async with session.begin_nested():
            await set_status(session, order, COMPLETE, None, now, policy)
    except ApiError as exc:
        await set_status(session, order, RESOLUTION, f"1P-Other: {exc.message}", now, policy)


async def _was_corrected(session: AsyncSession, order: NumberOrder) -> bool:
    """Whether the client updated the order after submitting it (a /portin/update)."""
    port = await port_repository.get(session, order.id)
    return port.updated_at > order.created_at


async def operator_report(
    session: AsyncSession,
    order_id: str | None,
    status: str | None,
    code: str | None,
    message: str | None,
    now: datetime,
    policy: NumberPolicy,
    port_out_pin: str | None,
    sealer: Sealer,
) -> dict:
    if not order_id:
        raise required("OrderId")
    if not status:
        raise required("Status")
    order = await repository.get_order_by_id(session, order_id)
    port = await port_repository.get(session, order.id) if order is not None else None
    if order is None or port is None:
        raise missing("port order", order_id)
    if port.direction == "out" and status in (IN_PROGRESS, COMPLETE):
        await _check_port_out_pin(session, port, port_out_pin, sealer)
    if status == RESOLUTION and not code:
        raise bad_request("Code is required for ResolutionRequired (the losing carrier's code, e.g. 1P-Other).")
    text = " ".join(p for p in (code, message) if p) or None
    await set_status(session, order, status, text, now, policy)
    return {"OrderId": order.id, "OrderStatus": order.status, "OrderStatusMessage": order.status_message}


PIN_MISMATCH = "The PortOutPIN field does not match the port-out PIN set for this number."


async def _check_port_out_pin(session: AsyncSession, port: PortRequest, pin: str | None, sealer: Sealer) -> None:
    """The gaining carrier's port-out request goes on only with the PIN the owner set (/numbers/portout): the
    operator relays the PIN the gaining carrier presented. Wrong or missing: 400, the order stays as it is."""
    if not pin:
        raise required("PortOutPIN")
    row = await repository.get_phone_number(session, port.phone_number_id) if port.phone_number_id else None
    if row is None or not sealer.matches(row.port_out_pin, pin):
        raise bad_request(PIN_MISMATCH)


async def operator_view(session: AsyncSession, order_id: str | None, sealer: Sealer) -> dict:
    """A port order as the operator relays it to the other carrier: for a port-in, what the losing carrier
    needs verbatim, the account password decrypted (while the order is open; dropped once it is final)."""
    if not order_id:
        raise required("OrderId")
    order = await repository.get_order_by_id(session, order_id)
    port = await port_repository.get(session, order.id) if order is not None else None
    if order is None or port is None:
        raise missing("port order", order_id)
    return {
        "OrderId": order.id,
        "Direction": port.direction,
        "OrderStatus": order.status,
        "PhoneNumber": port.number,
        "CarrierName": port.carrier_name,
        "AccountNumber": port.account_number,
        "AccountPassword": sealer.open(port.account_password),
        "BillingAddress": port.billing_address,
        "SubscriberName": port.subscriber_name,
        "PortDate": port.port_date,
    }
