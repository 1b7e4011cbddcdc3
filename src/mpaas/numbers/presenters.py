"""Numbers and orders as the contract's examples show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mpaas.core.security.sealing import Sealer
from mpaas.core.wire import iso, iso_local
from mpaas.models import NumberOrder, PhoneNumber
from mpaas.numbers.provisioning.qr import QrLinks
from mpaas.numbers.swaps import SwapAllowance

CLASSIFICATION = {"mvno": "MVNO", "iot": "IoT"}
# `NumberType` of a number's record is the kind of telephone number (availability's `mobile`; the line's mvno/iot
# is its `Classification`), spelled as each example spells it: details `Mobile`, inventory `mobile`.
NUMBER_TYPE_DETAILS = "Mobile"
NUMBER_TYPE_INVENTORY = "mobile"


@dataclass(frozen=True)
class NumberView:
    """What a number's record shows beyond its row: the QR image link (built for the request's base URL) and the
    swap allowance as of `now`."""

    now: datetime
    qr: QrLinks
    swaps: SwapAllowance


def number_details(n: PhoneNumber, sealer: Sealer, view: NumberView) -> dict:
    """`sealer` opens the port-out PIN (stored encrypted), which its owner sees."""
    return {
        "Number": n.number,
        "TNID": n.id,
        "OrderId": n.order_id,
        "NumberType": NUMBER_TYPE_DETAILS,
        "MessageEnabled": n.message_enabled,
        "MessageRouteId": n.message_route_id,
        "VoiceEnabled": n.voice_enabled,
        "Classification": CLASSIFICATION.get(n.number_type, n.number_type),
        "MessageType": n.message_type,
        "VoiceRouteId": n.voice_route_id,
        "Status": n.status,
        "OriginalDatePurchased": n.created_at.strftime("%m/%d/%Y"),
        "AssignedSubscriberId": n.subscriber_id,
        "Iccid": n.iccid,
        "Cnam": n.cnam,
        "QrActivationLink": view.qr.url(n),
        "ActivationCode": n.qr_code,
        "SwapsRemaining": view.swaps.remaining(n, view.now),
        "NextSwapResetDate": iso_local(view.swaps.next_reset(n, view.now)),
        "ProductType": n.product_type,
        "DataEnabled": n.data_enabled,
        "ZipCode": n.zipcode,
        "PortOutPin": sealer.open(n.port_out_pin),
    }


def inventory_item(n: PhoneNumber, sealer: Sealer, view: NumberView) -> dict:
    item = number_details(n, sealer, view)
    item["Tnid"] = item.pop("TNID")
    item["NumberType"] = NUMBER_TYPE_INVENTORY
    return item


def order(o: NumberOrder) -> dict:
    return {
        "OrderDate": iso(o.created_at),
        "OrderId": o.id,
        "OrderStatus": o.status,
        "OrderStatusMessage": o.status_message,
        "OrderType": o.order_type,
        "PhoneNumbersOrdered": [{"Number": n} for n in o.numbers],
    }
