"""Numbers and orders as the contract's examples show them."""

from __future__ import annotations

from mpaas.core.wire import iso
from mpaas.models import NumberOrder, PhoneNumber

CLASSIFICATION = {"mvno": "MVNO", "iot": "IoT"}


def number_details(n: PhoneNumber) -> dict:
    return {
        "Number": n.number,
        "TNID": n.id,
        "OrderId": n.order_id,
        "NumberType": n.number_type,
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
        "QrActivationLink": n.qr_code,
        "ProductType": n.product_type,
        "DataEnabled": n.data_enabled,
        "ZipCode": n.zipcode,
    }


def inventory_item(n: PhoneNumber) -> dict:
    item = number_details(n)
    item["Tnid"] = item.pop("TNID")
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
