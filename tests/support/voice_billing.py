"""Voice numbers with a subscription and Voice thresholds (voice/usage.py, voice/admission.py), and reading the
usage they counted."""

from __future__ import annotations

from sqlalchemy import select

from mpaas.models import UsageCounter, VoiceUsage
from mpaas.roles.platform import Platform
from support.api import Api, make_message_route, make_voice_route, provision


async def subscribed_voice_number(api: Api, route_id: str | None = None) -> tuple[str, str, str]:
    """A voice number on a voice route (`route_id`, or a new trunk route), held by a live subscription:
    (number E.164, its NID-, the SUB-)."""
    route_id = route_id or await make_voice_route(api, TrunkIp1="20.87.87.87")
    provisioned = await provision(
        api,
        await make_message_route(api),
        AreaCode="801",
        VoiceEnabled=True,
        ProductType="Sms+Data+Voice",
        VoiceRouteId=route_id,
    )
    number, number_id = provisioned["PhoneNumberAssigned"], provisioned["PhoneNumberId"]
    package = await api.ok(
        "POST", "/v1.0/packages", json={"PackageName": "Talk", "Type": "p2p", "Price": 5, "Monthly": True}
    )
    subscriber = await api.ok(
        "POST",
        "/v1.0/subscribers/create",
        json={
            "Name": "Talker",
            "Email": f"talker-{number.removeprefix('+')}@example.com",
            "PhoneNumbers": [number],
            "Role": "Subscriber",
            "Password": "a-long-password",
        },
    )
    sub = await api.ok(
        "POST",
        "/v1.0/subscriptions",
        json={
            "SubscriberId": subscriber["SubscriberId"],
            "TNID": number_id,
            "PackageId": package["PackageId"],
            "Type": "mvno",
        },
    )
    return number, number_id, sub["SubscriptionId"]


async def voice_threshold(api: Api, subscription_id: str, minutes: int, action: str, kind: str = "Voice") -> str:
    """A threshold of `minutes` (Count) with `action`, assigned to the subscription; its THID-."""
    tid = (
        await api.ok(
            "POST",
            "/v1.0/subscriptions/thresholds/add",
            json={
                "ThresholdName": f"{kind} {action} at {minutes}",
                "ThresholdType": kind,
                "ThresholdAmount": minutes,
                "ThresholdUnit": "Count",
                "ThresholdAction": action,
            },
        )
    )["ThresholdId"]
    await api.ok(
        "POST",
        "/v1.0/subscriptions/thresholds/assignments/add",
        json={"ThresholdId": tid, "SubscriptionId": subscription_id},
    )
    return tid


async def voice_minutes(platform: Platform, subscription_id: str, period: str) -> int:
    """The subscription's Voice counter in `period`."""
    async with platform.db.read() as session:
        row = await session.get(UsageCounter, (subscription_id, period, "Voice"))
        return row.amount if row else 0


async def counted_calls(platform: Platform) -> list[VoiceUsage]:
    async with platform.db.read() as session:
        return list((await session.execute(select(VoiceUsage).order_by(VoiceUsage.call_id))).scalars())
