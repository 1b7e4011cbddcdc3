"""A number's life after provisioning: updates, status changes (now or on an EffectiveDate), cancellation,
reactivation, aging back to the inventory. A number's device and SIM (device.py), E911 address (e911.py) and
voicemail (voicemail.py) are beside it.

The state machine (docs/numbers.md) is `TRANSITIONS`; every change of `PhoneNumber.status` goes through
`transition()`, so no sequence of calls can reach a state the table does not allow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.config import Settings
from mpaas.core import ids
from mpaas.core.errors import ApiError, bad_request, missing, required
from mpaas.core.jobs.queue import enqueue
from mpaas.core.phone import required_e164
from mpaas.core.wire import iso
from mpaas.models import NumberOrder, PhoneNumber
from mpaas.models.numbers import ACTIVE, CANCELLED, PARKED
from mpaas.numbers import calendar, events, repository
from mpaas.numbers.lifecycle.schemas import (
    PhoneNumberRequest,
    StatusChangeRequest,
    UpdateNumberRequest,
)
from mpaas.numbers.provisioning import esim
from mpaas.numbers.provisioning.qr import QrLinks
from mpaas.numbers.schemas import voice_needs_product
from mpaas.numbers.swaps import SwapAllowance
from mpaas.routes import repository as routes_repository
from mpaas.subscribers import repository as subscribers_repository

STATUS_JOB = "numbers.status_change"
RELEASE_JOB = "numbers.release"

# Pseudo-states at the two ends of a number's life on an account: in the inventory, and gone.
AVAILABLE = "Available"
RELEASED = "Released"
PORTED_OUT = "PortedOut"

# action -> {from state: to state}. Anything missing is refused.
TRANSITIONS: dict[str, dict[str, str]] = {
    "provision": {AVAILABLE: ACTIVE},
    "portin": {AVAILABLE: ACTIVE},
    "activate": {PARKED: ACTIVE},
    "park": {ACTIVE: PARKED},
    "cancel": {ACTIVE: CANCELLED, PARKED: CANCELLED},
    "swap": {ACTIVE: ACTIVE},
    "replace": {ACTIVE: ACTIVE},
    "swap-sim": {ACTIVE: ACTIVE, PARKED: PARKED},
    "reactivate": {CANCELLED: ACTIVE},
    "release": {CANCELLED: RELEASED},
    "portout": {ACTIVE: PORTED_OUT, PARKED: PORTED_OUT},
}
STATES = (AVAILABLE, ACTIVE, PARKED, CANCELLED, RELEASED, PORTED_OUT)
SWAP_CHANGES = ("swap", "replace", "swap-sim")


def next_state(state: str, action: str) -> str | None:
    """Where `action` takes a number in `state`, or None when the machine does not allow it."""
    return TRANSITIONS.get(action, {}).get(state)


def transition(row: PhoneNumber, action: str, now: datetime) -> str:
    """Apply `action` to `row`'s status or refuse it (400) naming the states it is allowed from."""
    target = next_state(row.status, action)
    if target is None:
        allowed = " or ".join(sorted(TRANSITIONS.get(action, {}))) or "no state"
        raise bad_request(
            f"Phone number {row.number} is {row.status}; {action} is allowed only when the number is {allowed}."
        )
    if target in (ACTIVE, PARKED, CANCELLED):
        row.status = target
    row.cancelled_at = now if target == CANCELLED else None
    row.updated_at = now
    return target


@dataclass(frozen=True)
class NumberPolicy:
    tz: ZoneInfo
    reactivate_days: int
    aging_days: float
    swap_fee: Decimal
    smdp_address: str
    swaps: SwapAllowance

    @classmethod
    def of(cls, s: Settings) -> NumberPolicy:
        return cls(
            calendar.zone(s.numbers_time_zone),
            s.number_reactivate_days,
            s.number_aging_days,
            Decimal(s.number_swap_fee),
            s.esim_smdp_address,
            SwapAllowance.of(s),
        )


def _e164(raw: str | None, field: str) -> str:
    return required_e164(raw, field)


async def find(
    session: AsyncSession, principal: Principal, raw: str | None, account_id: str | None, field: str = "PhoneNumber"
) -> PhoneNumber:
    """The caller's number, or 404 (another account's number does not exist for the caller)."""
    number = _e164(raw, field)
    row = await repository.find_number(session, principal.visible_accounts(account_id), number=number)
    if row is None:
        raise missing("number", number)
    return row


async def find_live(
    session: AsyncSession, principal: Principal, raw: str | None, account_id: str | None, field: str = "PhoneNumber"
) -> PhoneNumber:
    row = await find(session, principal, raw, account_id, field)
    if row.status == CANCELLED:
        raise bad_request(
            f"Phone number {row.number} is Cancelled; reactivate it first with POST /v1.0/numbers/reactivate."
        )
    return row


def new_order(
    account_id: str, order_type: str, numbers: list[str], status: str, now: datetime, fee: Decimal | None = None
) -> NumberOrder:
    return NumberOrder(
        id=ids.new_id(ids.NUMBER_ORDER),
        account_id=account_id,
        order_type=order_type,
        status=status,
        numbers=numbers,
        fee=fee,
        created_at=now,
        updated_at=now,
    )


# --- update ----------------------------------------------------------------------------------------


async def update_number(session: AsyncSession, principal: Principal, body: UpdateNumberRequest, now: datetime) -> dict:
    row = await find_live(session, principal, body.number, body.account_id, field="Number")
    account = (row.account_id,)
    number_type = {"MVNO": "mvno", "IoT": "iot"}.get(body.classification or "", row.number_type)
    message_type = body.message_type or row.message_type
    if number_type == "iot" and message_type == "a2p":
        raise bad_request("NumberType / MessageType mismatch: iot numbers are p2p only (a2p needs mvno).")
    if body.message_route_id:
        route = await routes_repository.get_message_route(session, body.message_route_id, account)
        if route is None:
            raise missing("message route", body.message_route_id)
        row.message_route_id = route.id
    if body.voice_route_id:
        voice = await routes_repository.get_voice_route(session, body.voice_route_id, account)
        if voice is None:
            raise missing("voice route", body.voice_route_id)
        row.voice_route_id = voice.id
    voice_enabled = row.voice_enabled if body.voice_enabled is None else body.voice_enabled
    if refusal := voice_needs_product(voice_enabled, body.product_type or row.product_type):
        raise bad_request(refusal)
    if body.assigned_subscriber_id:
        subscriber = await subscribers_repository.get(session, body.assigned_subscriber_id, account)
        if subscriber is None:
            raise bad_request(
                f"AssignedSubscriberId {body.assigned_subscriber_id} does not belong to account {row.account_id}."
            )
        row.subscriber_id = subscriber.id
    if body.iccid and body.iccid != row.iccid:
        await repository.ensure_iccid_free(session, body.iccid)
        row.iccid, row.qr_code, row.sim_status = body.iccid, None, "Active"
        await repository.flush_iccid(session, body.iccid)
    row.number_type, row.message_type, row.voice_enabled = number_type, message_type, voice_enabled
    if body.message_enabled is not None:
        row.message_enabled = body.message_enabled
    if body.data_enabled is not None:
        row.data_enabled = body.data_enabled
    if body.product_type:
        row.product_type = body.product_type
    if body.cnam_first_name is not None or body.cnam_last_name is not None:
        row.cnam_first_name = body.cnam_first_name or row.cnam_first_name
        row.cnam_last_name = body.cnam_last_name or row.cnam_last_name
        row.cnam = " ".join(p for p in (row.cnam_first_name, row.cnam_last_name) if p) or None
    row.updated_at = now
    order = new_order(row.account_id, "update", [row.number], "Complete", now)
    session.add(order)
    await session.flush()
    await events.order_changed(session, order, now)
    return {
        "Number": row.number,
        "Tnid": row.id,
        "UpdateOrderId": order.id,
        "UpdateOrderDate": iso(now),
        "UpdateOrderStatus": order.status,
        "MessageType": row.message_type,
        "MessageEnabled": row.message_enabled,
        "Classification": {"mvno": "MVNO", "iot": "IoT"}.get(row.number_type, row.number_type),
        "VoiceEnabled": row.voice_enabled,
        "MessageRouteId": row.message_route_id,
        "VoiceRouteId": row.voice_route_id,
        "Iccid": row.iccid,
        "CnamFirstName": row.cnam_first_name,
        "CnamLastName": row.cnam_last_name,
        "ProductType": row.product_type,
    }


# --- status changes --------------------------------------------------------------------------------


async def change_status(
    session: AsyncSession,
    principal: Principal,
    body: StatusChangeRequest,
    now: datetime,
    policy: NumberPolicy,
    links: QrLinks,
) -> dict:
    if not body.status_change:
        raise required("StatusChange")
    if not body.effective_date:
        raise required("EffectiveDate")
    if not body.phone_numbers:
        raise required("PhoneNumbers")
    effective = calendar.parse_us_date(body.effective_date)
    if effective is None:
        raise bad_request("The EffectiveDate field must be a date in MM/DD/YYYY format, such as 12/31/2026.")
    change = body.status_change
    account_ids = principal.visible_accounts(body.account_id)
    rows: list[PhoneNumber] = []
    for item in body.phone_numbers:
        number = _e164(item.number, "PhoneNumbers.Number")
        row = await repository.find_number(session, account_ids, number=number)
        if row is None:
            raise missing("number", number)
        if any(r.id == row.id for r in rows):
            raise bad_request(f"Phone number {number} is listed more than once.")
        if next_state(row.status, change) is None:
            transition(row, change, now)  # raises the refusal
        if change in SWAP_CHANGES:
            policy.swaps.check(row, now)  # none left: refused now (taken when the change is carried out)
        rows.append(row)
    if len({r.account_id for r in rows}) > 1:
        raise bad_request("All PhoneNumbers of one status change must belong to the same account.")
    fee = policy.swap_fee * len(rows) if change in SWAP_CHANGES else None
    order = new_order(rows[0].account_id, change, [r.number for r in rows], "Pending", now, fee)
    session.add(order)
    await session.flush()
    run_at = calendar.local_midnight(effective, policy.tz)
    if run_at > now:
        enqueue(
            session,
            now,
            STATUS_JOB,
            {"order_id": order.id, "change": change, "area_code": body.area_code, "zip_code": body.zip_code},
            delay_seconds=(run_at - now).total_seconds(),
        )
    else:
        for row in rows:
            await apply_change(session, row, change, now, policy, body.area_code, body.zip_code)
        order.status, order.numbers = "Complete", [r.number for r in rows]
    items = [{"Number": r.number, "QrCode": links.url(r), "ActivationCode": r.qr_code} for r in rows]
    await events.order_changed(session, order, now)
    response = {
        "OrderId": order.id,
        "OrderDate": iso(now),
        "OrderStatus": order.status,
        "ChangeType": change,
        "EffectiveDate": effective.strftime("%Y-%m-%dT00:00:00"),
        "Numbers": items,
    }
    if fee is not None:
        response["Fee"] = str(fee)
    return response


async def apply_change(
    session: AsyncSession,
    row: PhoneNumber,
    change: str,
    now: datetime,
    policy: NumberPolicy,
    area_code: str | None = None,
    zip_code: str | None = None,
) -> None:
    """Carry out one number's status change (a swap takes one of its allowance, or is refused)."""
    if change in SWAP_CHANGES:
        policy.swaps.take(row, now)
    transition(row, change, now)
    if change == "cancel":
        enqueue(
            session,
            now,
            RELEASE_JOB,
            {"phone_number_id": row.id, "cancelled_at": iso(now)},
            delay_seconds=policy.aging_days * 86400,
        )
    elif change in ("swap", "replace"):
        await _move_to_new_number(session, row, change, now, area_code, zip_code)
    elif change == "swap-sim":
        row.iccid, row.sim_status = await _fresh_iccid(session), "Active"
        row.qr_code = esim.activation_code(policy.smdp_address)
    await session.flush()


async def _fresh_iccid(session: AsyncSession) -> str:
    """A new eSIM's ICCID no number holds (13 random digits: a collision is unlikely, but the index is unique)."""
    while True:
        iccid = esim.new_iccid()
        if await repository.iccid_holder(session, iccid) is None:
            return iccid


async def _move_to_new_number(
    session: AsyncSession, row: PhoneNumber, change: str, now: datetime, area_code: str | None, zip_code: str | None
) -> None:
    old = await repository.get_inventory(session, row.number)
    caps = {"message_enabled": row.message_enabled, "voice_enabled": row.voice_enabled}
    searches = (
        [{"area_code": old.area_code}]
        if change == "swap"
        else [s for s in ({"area_code": area_code}, {"zipcode": zip_code}) if next(iter(s.values()))] + [{}]
    )
    claimed = None
    for search in searches:
        claimed = await repository.claim_one(session, now, **search, **caps)
        if claimed is not None:
            break
    if claimed is None:
        where = f"area code {old.area_code}" if change == "swap" else "the requested area"
        raise bad_request(f"No available numbers in {where} for {change} of {row.number}.")
    old_number = row.number
    row.number, row.zipcode = claimed.number, claimed.zipcode
    await session.flush()
    await repository.rename_number_refs(session, old_number, claimed.number)
    await repository.return_to_inventory(session, old, now)


async def run_scheduled_change(session: AsyncSession, payload: dict, now: datetime, policy: NumberPolicy) -> None:
    """The durable job of a future EffectiveDate: apply the change to every number of the order, or none
    of them (the order then reads Error with the reason)."""
    order = await repository.get_order_by_id(session, payload["order_id"])
    if order is None or order.status != "Pending":
        return
    change = payload["change"]
    try:
        async with session.begin_nested():
            done = []
            for number in order.numbers:
                row = await repository.find_number(session, (order.account_id,), number=number)
                if row is None:
                    raise bad_request(f"Phone number {number} is no longer on the account.")
                await apply_change(session, row, change, now, policy, payload.get("area_code"), payload.get("zip_code"))
                done.append(row.number)
        order.status, order.status_message, order.numbers = "Complete", None, done
    except ApiError as exc:
        order.status, order.status_message = "Error", exc.message
    order.updated_at = now
    await events.order_changed(session, order, now)


# --- cancel, reactivate, release -------------------------------------------------------------------


async def reactivate(
    session: AsyncSession, principal: Principal, body: PhoneNumberRequest, now: datetime, policy: NumberPolicy
) -> dict:
    row = await find(session, principal, body.phone_number, body.account_id)
    if row.status == CANCELLED and row.cancelled_at is not None:
        deadline = row.cancelled_at + timedelta(days=min(policy.reactivate_days, policy.aging_days))
        if now > deadline:
            raise bad_request(
                f"Phone number {row.number} was cancelled on {row.cancelled_at:%m/%d/%Y}; the "
                f"{policy.reactivate_days}-day reactivation window has closed."
            )
    transition(row, "reactivate", now)
    order = new_order(row.account_id, "reactivate", [row.number], "Complete", now)
    session.add(order)
    await session.flush()
    await events.order_changed(session, order, now)
    return {
        "PhoneNumber": row.number,
        "AccountId": row.account_id,
        "Status": row.status,
        "OrderId": order.id,
        "OrderDate": iso(now),
        "Successful": True,
    }


async def release_if_due(session: AsyncSession, phone_number_id: str, cancelled_at: str, now: datetime) -> bool:
    """The aging job: a number still cancelled since `cancelled_at` returns to the inventory."""
    row = await repository.get_phone_number(session, phone_number_id)
    if row is None or row.status != CANCELLED or iso(row.cancelled_at) != cancelled_at:
        return False  # reactivated (and maybe cancelled again, which scheduled its own release)
    if next_state(row.status, "release") is None:
        return False
    await repository.release_number(session, row, now)
    return True
