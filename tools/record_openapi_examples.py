"""Record 200 response examples from the real app, for the operations the vendor contract gives none.

    python tools/record_openapi_examples.py            # record, and list what is missing
    python tools/record_openapi_examples.py --write    # ... and save src/mpaas/openapi/recorded_examples.json

The app runs in process (ASGI, its workers on) on a fresh, migrated SQLite database in a temporary
directory, with one distributor and a small number inventory. A scripted sequence of calls (routes,
provisioning, subscribers, the catalog, subscriptions with their thresholds and features, webhooks,
messages, /ext and /ops) walks every operation; each operation's first 200 response body is kept, keyed
"METHOD /lower/cased/path" like the vendor's examples. Only operations without a vendor (or route) example
are written: `mpaas.openapi.document` uses the recorded ones as a fallback. Operations the script could not
reach with a 200 are listed on stdout. Ids and timestamps are kept as the app produced them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2

from mpaas.openapi.document import RECORDED_EXAMPLES

BASE_URL = "http://testserver"
OPERATOR_TOKEN = "record-examples-operator"
SIP_SECRET = "record-examples-sip"
HANDSET = "+18015737111"
OUTPUT = RECORDED_EXAMPLES  # the file the document reads, inside the package
ADDRESS = {"Street1": "2701 N Thanksgiving Way", "Street2": "Suite 202", "City": "Lehi", "State": "UT", "Zip": "84043"}


def key(method: str, path: str) -> str:
    return f"{method.upper()} {path.lower()}"


class Recorder:
    """An API client (distributor tokens minted per endpoint, or the operator token) that keeps the first
    200 body of each operation."""

    def __init__(self, http: httpx2.AsyncClient, account_key: str, account_secret: str):
        self.http = http
        self.account_key, self.account_secret = account_key, account_secret
        self.tokens: dict[str, str] = {}
        self.recorded: dict[str, Any] = {}
        self.failures: dict[str, str] = {}

    async def _headers(self, path: str) -> dict[str, str]:
        lowered = path.lower()
        if lowered.startswith("/ops/"):
            return {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
        if lowered == "/v1.0/oauth2/tokens":
            return {}
        if lowered not in self.tokens:
            response = await self.http.post(
                "/v1.0/OAuth2/tokens",
                json={
                    "AccountKey": self.account_key,
                    "AccountSecret": self.account_secret,
                    "ApiEndpoint": f"{BASE_URL}{path}",
                },
            )
            response.raise_for_status()
            self.tokens[lowered] = response.json()["token"]
        return {"Authorization": f"Bearer {self.tokens[lowered]}"}

    async def call(
        self, method: str, path: str, *, json_body: Any = None, params: dict | None = None, record: bool = True
    ) -> Any:
        """The JSON body of a 200 (recorded unless `record` is false), else None (the failure is noted)."""
        response = await self.http.request(
            method, path, json=json_body, params=params, headers=await self._headers(path)
        )
        name = key(method, path)
        if response.status_code != 200:
            self.failures.setdefault(name, f"{response.status_code} {response.text[:200]}")
            return None
        body = response.json()
        if record and name not in self.recorded:
            self.recorded[name] = body
            self.failures.pop(name, None)
        return body

    async def get(self, path: str, **params) -> Any:
        return await self.call("GET", path, params=params)

    async def post(self, path: str, body: dict, **kwargs) -> Any:
        return await self.call("POST", path, json_body=body, **kwargs)


async def wait_for(probe, timeout: float = 10.0) -> Any:
    """Poll `probe()` until it returns something truthy (or the timeout passes)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = await probe()
        if result or loop.time() > deadline:
            return result
        await asyncio.sleep(0.1)


def _get(body: Any, field: str) -> Any:
    return body.get(field) if isinstance(body, dict) else None


async def script(r: Recorder, account_id: str, now) -> None:
    """Every operation, in an order that gives each list something to list."""
    # Routes.
    message_route = _get(
        await r.post(
            "/v1.0/message/routes",
            {"RouteName": "Main SMS Webhook", "MessageUrl": "http://127.0.0.1:9/in", "MessageUrlMethod": "POST"},
        ),
        "MessageRouteId",
    )
    voice_route = _get(
        await r.post(
            "/v1.0/voice/routes", {"RouteName": "Main SIP Trunk", "RouteType": "Trunk", "TrunkIp1": "20.87.87.87"}
        ),
        "CallRouteId",
    )
    await r.get("/v1.0/account/message/routes")
    await r.get("/v1.0/account/voice/routes")
    if voice_route:
        await r.get("/v1.0/voice/routes", CallRouteId=voice_route)
    if message_route:
        await r.get("/v1.0/message/routes", MessageRouteId=message_route)

    # Numbers.
    await r.post(
        "/v1.0/webhook/create", {"WebhookUrl": "http://127.0.0.1:9/events", "SubscribedEvents": "Order_Update, New_Sms"}
    )
    provisioned = await r.post(
        "/v1.0/numbers/provision",
        {
            "NumberType": "mvno",
            "MessageType": "p2p",
            "MessageEnabled": True,
            "VoiceEnabled": True,
            "DataEnabled": True,
            "MessageRouteId": message_route,
            "VoiceRouteId": voice_route,
            "ProductType": "Sms+Data+Voice",
        },
    )
    number = _get(provisioned, "PhoneNumberAssigned")
    if _get(provisioned, "OrderId"):
        await r.get("/v1.0/numbers/order", OrderId=provisioned["OrderId"])
    second = _get(
        await r.post(
            "/v1.0/numbers/provision",
            {
                "NumberType": "mvno",
                "MessageType": "p2p",
                "MessageEnabled": True,
                "VoiceEnabled": False,
                "MessageRouteId": message_route,
                "ProductType": "Sms+Data",
            },
            record=False,
        ),
        "PhoneNumberAssigned",
    )
    if number:
        await r.get("/v1.0/numbers/details", PhoneNumber=number)
        await r.post("/v1.0/numbers/e911address/update", {"PhoneNumber": number, **ADDRESS})
        await r.get("/v1.0/numbers/e911address", PhoneNumber=number)
        await r.post(
            "/v1.0/numbers/data-usage",
            {
                "ValueUnit": "MB",
                "NotifyValue": 10,
                "ThrottleValue": 15,
                "ThrottleSpeed": "1-mbps",
                "LimitValue": 20,
                "PhoneNumbers": [{"Number": number}],
            },
        )
        await r.post(
            "/ops/v1/usage",
            {
                "Records": [
                    {
                        "RecordId": "r1",
                        "PhoneNumber": number,
                        "Bytes": 12_000_000,
                        "Timestamp": (now - timedelta(minutes=5)).isoformat(),
                    }
                ]
            },
        )
        await r.get("/ops/v1/policy", PhoneNumber=number)
    await r.get("/v1.0/numbers/inventory", PageNumber="1", TotalNumbersRequested=2)
    if second:
        effective = now.strftime("%m/%d/%Y")
        await r.post(
            "/v1.0/numbers/status",
            {"StatusChange": "cancel", "EffectiveDate": effective, "PhoneNumbers": [{"Number": second}]},
            record=False,
        )
        await r.post("/v1.0/numbers/reactivate", {"PhoneNumber": second})

    # Porting, reported by the operator (sandbox porting is off).
    port = await r.post(
        "/v1.0/numbers/portin",
        {
            "PortInNumber": "+13136398790",
            "CurrentCarrierName": "Verizon",
            "CurrentAccountNumber": "46512222",
            "CurrentAccountPassword": "0000",
            "TargetPortinClassification": "mvno",
            "SubscriberName": "Jane Doe",
            "CurrentBillingAddress": ADDRESS,
        },
    )
    if _get(port, "OrderId"):
        await r.get("/ops/v1/port-orders", OrderId=port["OrderId"])
        await r.post("/ops/v1/port-orders/status", {"OrderId": port["OrderId"], "Status": "InProgress"})

    # Messages: one out, one in.
    if number:
        sent = await r.post(
            "/v1.0/message/outbound", {"From": number, "To": [{"Number": HANDSET}], "Body": "Hello there!!!"}
        )
        inbound = await r.post("/sandbox/v1/inbound", {"From": HANDSET, "To": number, "Body": "Hi back"})
        if _get(sent, "MessageId"):
            await wait_for(lambda: _delivered(r, sent["MessageId"]))
            await r.get("/v1.0/message/details", MessageId=sent["MessageId"])
        if _get(inbound, "MessageId"):
            await wait_for(
                lambda: r.call(
                    "GET", "/ext/v1/messages/webhook-attempts", params={"MessageId": inbound["MessageId"]}, record=False
                )
            )
            await r.get("/ext/v1/messages/webhook-attempts", MessageId=inbound["MessageId"])
        await r.get("/v1.0/message/search", PhoneNumber=number)

    # Webhooks.
    webhooks = await r.get("/v1.0/account/webhooks")
    webhook = webhooks[0]["WebhookId"] if webhooks else None
    if webhook:
        await r.get("/v1.0/webhook", WebhookId=webhook)
        await r.post("/v1.0/webhook/update", {"WebhookId": webhook, "SubscribedEvents": "Order_Update"})

    # The account's webhook signing secret, read and rotated.
    await r.get("/ext/v1/accounts/webhook-signing-secret")
    await r.post("/ext/v1/accounts/webhook-signing-secret/rotate", {})

    # Distributors, and the operator's view.
    await r.get("/v1.0/account", AccountId=account_id)
    await r.get("/v1.0/distributor", DistributorId=r.account_key)
    spare = await r.post("/ops/v1/distributors", {"Name": "Acme Wireless", "RateLimit": 0})
    if spare:
        for verb in ("rotate-secret", "deactivate", "reactivate"):
            await r.post(f"/ops/v1/distributors/{verb}", {"AccountKey": spare["AccountKey"]})
    await r.get("/ops/v1/health")
    await r.get("/ops/v1/carriers")

    # Subscribers.
    subscriber = _get(
        await r.post(
            "/v1.0/subscribers/create",
            {
                "Name": "Jane Doe",
                "Email": "jane@example.com",
                "PhoneNumbers": [],
                "Role": "Subscriber",
                "Password": "a-long-password",
            },
        ),
        "SubscriberId",
    )

    # AI Guardian message filters: a subscriber holding a number of its own, Guardian messages on.
    kid_number = _get(
        await r.post(
            "/v1.0/numbers/provision",
            {
                "NumberType": "mvno",
                "MessageType": "p2p",
                "MessageEnabled": True,
                "VoiceEnabled": False,
                "MessageRouteId": message_route,
                "ProductType": "Sms-Only",
            },
            record=False,
        ),
        "PhoneNumberAssigned",
    )
    kid = _get(
        await r.post(
            "/v1.0/subscribers/create",
            {
                "Name": "Sam Doe",
                "Email": "sam@example.com",
                "PhoneNumbers": [kid_number] if kid_number else [],
                "Role": "Subscriber",
                "Password": "a-long-password",
            },
            record=False,
        ),
        "SubscriberId",
    )
    if kid and kid_number:
        await r.post(
            "/v1.0/subscribers/guardian-features",
            {"SubscriberId": kid, "EnableIntelligentGuardianMessages": True, "EnableIntelligentGuardianCalls": True},
            record=False,
        )
        await r.post(
            "/v1.0/subscribers/message-filter",
            {
                "SubscriberId": kid,
                "Phone": kid_number,
                "FilterMode": "ACTIVE",
                "AllowedContacts": ["+18015550101"],
                "BlockedContacts": ["+18015550199"],
                "KeywordFilter": '{"CustomKeywords":["banned"],"SystemKeywords":{"Profanity":[]},"SeverityMap":{}}',
                "NotificationPhones": ["+18015550123"],
                "BlockLinks": True,
            },
            record=False,
        )
        await r.get("/v1.0/subscribers/message-filter", SubscriberId=kid)
        await r.post(
            "/v1.0/subscribers/call-filter",
            {
                "SubscriberId": kid,
                "Phone": kid_number,
                "FilterMode": "WHITELIST",
                "AllowedNumbers": ["+18015550101"],
                "BlockedNumbers": ["+18015550199"],
                "NotificationPhones": ["+18015550123"],
                "BlockInternational": True,
            },
            record=False,
        )
        await r.get("/v1.0/subscribers/call-filter", SubscriberId=kid)

    # Catalog: products, packages (with items), services.
    product = _get(
        await r.post(
            "/v1.0/products",
            {"SKU": "SIM", "Description": "SIM card", "Type": "esim", "Cost": 5, "BillingFrequency": "NRC"},
        ),
        "ProductId",
    )
    package = _get(
        await r.post(
            "/v1.0/packages",
            {
                "PackageName": "Basic",
                "Type": "esim",
                "Price": 31,
                "Monthly": True,
                "PackageItems": [{"ProductId": product}] if product else [],
            },
        ),
        "PackageId",
    )
    if package:
        await r.get("/v1.0/packages/items", PackageId=package)
    await r.get("/v1.0/account/packages")
    await r.get("/v1.0/account/products")
    service = _get(
        await r.post("/v1.0/services", {"ServiceName": "Caller Id", "Cost": 1.23, "Monthly": True}), "ServiceId"
    )
    if service:
        await r.post("/v1.0/services/update", {"ServiceId": service, "Cost": 2.34})
        await r.get("/v1.0/account/services")
        await r.post("/v1.0/services/delete", {"ServiceId": service})

    # Subscriptions, thresholds, features and their assignments.
    subscription = None
    if subscriber and package:
        subscription = _get(
            await r.post("/v1.0/subscriptions", {"SubscriberId": subscriber, "PackageId": package, "Type": "mvno"}),
            "SubscriptionId",
        )
    threshold = _get(
        await r.post(
            "/v1.0/subscriptions/thresholds/add",
            {
                "ThresholdName": "80% Data Alert",
                "ThresholdType": "Data",
                "ThresholdAmount": 80,
                "ThresholdUnit": "MB",
                "ThresholdAction": "Alert",
            },
        ),
        "ThresholdId",
    )
    sms_cap = _get(
        await r.post(
            "/v1.0/subscriptions/thresholds/add",
            {
                "ThresholdName": "SMS alert",
                "ThresholdType": "SMS",
                "ThresholdAmount": 1,
                "ThresholdUnit": "Count",
                "ThresholdAction": "Alert",
            },
            record=False,
        ),
        "ThresholdId",
    )
    feature = _get(
        await r.post(
            "/v1.0/subscriptions/features/add",
            {
                "FeatureName": "International Roaming",
                "FeatureType": "Roaming",
                "FeatureDescription": "Enables data and voice while roaming internationally.",
            },
        ),
        "FeatureId",
    )
    if threshold:
        await r.post(
            "/v1.0/subscriptions/thresholds/update",
            {"ThresholdId": threshold, "ThresholdAmount": 2, "ThresholdUnit": "GB"},
        )
        await r.get("/v1.0/subscriptions/thresholds", ThresholdId=threshold)
    if feature:
        await r.post("/v1.0/subscriptions/features/update", {"FeatureId": feature, "FeatureType": "VoIP"})
        await r.get("/v1.0/subscriptions/features", FeatureId=feature)
    if subscription:
        await r.get("/v1.0/subscriptions", SubscriptionId=subscription)
        await r.get("/v1.0/account/subscriptions")
        if threshold:
            assignment = _get(
                await r.post(
                    "/v1.0/subscriptions/thresholds/assignments/add",
                    {"ThresholdId": threshold, "SubscriptionId": subscription},
                ),
                "ThresholdAssignmentId",
            )
            if assignment:
                await r.get("/v1.0/subscriptions/thresholds/assignments", ThresholdId=threshold)
                if sms_cap:
                    await r.post(
                        "/v1.0/subscriptions/thresholds/assignments/update",
                        {"ThresholdAssignmentId": assignment, "ThresholdId": sms_cap},
                    )
        if feature:
            assignment = _get(
                await r.post(
                    "/v1.0/subscriptions/features/assignments/add",
                    {"FeatureId": feature, "SubscriptionId": subscription},
                ),
                "FeatureAssignmentId",
            )
            if assignment:
                await r.get("/v1.0/subscriptions/features/assignments", FeatureId=feature)
                await r.post(
                    "/v1.0/subscriptions/features/assignments/update",
                    {"FeatureAssignmentId": assignment, "SubscriptionId": subscription},
                )
                await r.post("/v1.0/subscriptions/features/assignments/delete", {"FeatureAssignmentId": assignment})
        # Usage past the SMS alert: a threshold event to show.
        await r.post("/ops/v1/billing/usage", {"SubscriptionId": subscription, "Kind": "SMS", "Amount": 2})

    # Billing: this period's charges and events, last period's run and statement.
    period = now.strftime("%Y-%m")
    last = (now.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    await r.get("/ext/v1/billing/charges", Period=period)
    await r.get("/ext/v1/billing/threshold-events", Period=period)
    await r.post("/ops/v1/billing/runs", {"Period": last})
    await wait_for(lambda: _run_done(r, last))
    await r.get("/ops/v1/billing/runs", Period=last)
    await r.get("/ext/v1/billing/statement", Period=period)

    # Call records (record() made one and reported its progress as Kamailio does).
    await r.get("/ext/v1/calls")

    # A second account (after this, calls need an AccountId).
    created = await r.post(
        "/v1.0/account/create",
        {"AccountName": "Telegent Account 3", "AccountAdmin": "jerome@joonto.com", "BillingAddress": ADDRESS},
    )
    if _get(created, "AccountId"):
        await r.post("/v1.0/account/update", {"AccountId": created["AccountId"], "AccountName": "Telegent Account 3.1"})
    await r.get("/v1.0/distributor/accounts")

    # Deletions last.
    if subscription and threshold:
        assignments = (
            await r.call(
                "GET", "/v1.0/subscriptions/thresholds/assignments", params={"ThresholdId": sms_cap}, record=False
            )
            or []
        )
        for item in assignments:
            await r.post(
                "/v1.0/subscriptions/thresholds/assignments/delete",
                {"ThresholdAssignmentId": item["ThresholdAssignmentId"]},
            )
    if threshold:
        await r.post("/v1.0/subscriptions/thresholds/delete", {"ThresholdId": threshold})
    if feature:
        await r.post("/v1.0/subscriptions/features/delete", {"FeatureId": feature})
    if webhook:
        await r.post("/v1.0/webhook/delete", {"WebhookId": webhook})


async def _delivered(r: Recorder, message_id: str) -> bool:
    details = await r.call("GET", "/v1.0/message/details", params={"MessageId": message_id}, record=False)
    return _get(details, "Status") not in (None, "Queued", "Sending")


async def _run_done(r: Recorder, period: str) -> bool:
    run = await r.call("GET", "/ops/v1/billing/runs", params={"Period": period}, record=False)
    return str(_get(run, "Status") or "").lower() in ("done", "complete", "completed")


async def _a_call(platform, http: httpx2.AsyncClient, account_id: str, now) -> None:
    """A call record as a routing decision makes it, answered and ended through POST /sip/v1/events."""
    from mpaas.voice.calls import start_call

    async with platform.db.write() as session:
        await start_call(
            session,
            call_id="a84b4c76e66710@10.0.0.5",
            account_id=account_id,
            number_id=None,
            direction="inbound",
            from_number=HANDSET,
            to_number="+18015557000",
            now=now,
        )
    stamp = [(now + timedelta(seconds=s)).isoformat() for s in (1, 4, 65)]
    events = [
        {"Event": "ringing", "CallId": "a84b4c76e66710@10.0.0.5", "Code": 180, "Timestamp": stamp[0]},
        {"Event": "answered", "CallId": "a84b4c76e66710@10.0.0.5", "Code": 200, "Reason": "OK", "Timestamp": stamp[1]},
        {"Event": "ended", "CallId": "a84b4c76e66710@10.0.0.5", "Timestamp": stamp[2]},
    ]
    for event in events:
        event["Branch"] = "sip:+18015557000@20.87.87.87:5060;transport=udp"
    response = await http.post("/sip/v1/events", json={"Events": events}, headers={"X-Mpaas-Sip-Secret": SIP_SECRET})
    response.raise_for_status()


async def record(data_dir: Path) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """(recorded bodies, failures, every operation key of the document) from a run of the app in `data_dir`."""
    from mpaas.accounts.service import create_distributor
    from mpaas.app import create_app
    from mpaas.config import Settings
    from mpaas.numbers.inventory import data as inventory_data
    from mpaas.numbers.inventory import store as inventory
    from mpaas.roles.platform import Platform

    settings = Settings(
        data_dir=data_dir,
        database_url=None,
        seed_inventory_count=0,
        operator_token=OPERATOR_TOKEN,
        sandbox_receipt_delay_seconds=0.05,
        worker_poll_seconds=0.05,
        rate_limit_per_minute=0,
        sandbox_porting=False,
        sandbox_endpoints=True,
        egress_allow="loopback",  # as `mpaas serve`: the script's receivers are on loopback
        sip_shared_secret=SIP_SECRET,
    )
    platform = Platform.build(settings)
    app = create_app(settings, platform)
    async with app.router.lifespan_context(app):
        now = platform.clock.now()
        async with platform.db.write() as session:
            credential = await create_distributor(session, name="Acme", rate_limit=0, now=now)
        rows = list(inventory_data.generate(20, seed=1, area_codes=["801"]))
        await inventory.load(platform.db, rows, now)
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=BASE_URL) as http:
            recorder = Recorder(http, credential.account_key, credential.account_secret)
            await _a_call(platform, http, credential.account_id, now)
            await script(recorder, credential.account_id, now)
        operations = [key(method, path) for path, ops in app.openapi()["paths"].items() for method in ops]
    return recorder.recorded, recorder.failures, operations


def lacking_vendor_examples() -> set[str]:
    """The operations whose 200 response has no example without the recorded ones."""
    from fastapi import FastAPI

    from mpaas.app import create_app
    from mpaas.config import Settings
    from mpaas.openapi.document import enrich

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(data_dir=Path(tmp), seed_inventory_count=0), run_workers=False)
        document = enrich(FastAPI.openapi(app), recorded={})
    missing = set()
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            content = op.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
            if "example" not in content and "examples" not in content:
                missing.add(key(method, path))
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/record_openapi_examples.py", description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"save the examples to {OUTPUT.name}")
    args = parser.parse_args(argv)

    from mpaas.core.db import migrate

    with tempfile.TemporaryDirectory(prefix="mpaas-examples-") as tmp:
        data_dir = Path(tmp)
        migrate.upgrade(f"sqlite+aiosqlite:///{data_dir / 'mpaas.db'}")
        recorded, failures, _operations = asyncio.run(record(data_dir))
    wanted = lacking_vendor_examples()
    examples = {name: recorded[name] for name in sorted(wanted) if name in recorded}
    unreached = sorted(wanted - examples.keys())
    print(f"{len(recorded)} operations recorded; {len(examples)} of the {len(wanted)} without a vendor example")
    for name in unreached:
        print(f"not reached: {name}" + (f" ({failures[name]})" if name in failures else ""))
    if args.write:
        OUTPUT.write_text(json.dumps(examples, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        print(f"wrote {OUTPUT}")
    return 1 if unreached else 0


if __name__ == "__main__":
    sys.exit(main())
