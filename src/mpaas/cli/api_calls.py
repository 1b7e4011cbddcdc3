"""Client-side commands: `mpaas quickstart` (the vendor's seven quickstart steps against any compatible
server), `mpaas api-call` (ad-hoc calls with endpoint-scoped tokens handled) and `mpaas webhook-secret`
(read or rotate an account's webhook signing secret), all on the SDK."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import typer
from rich.console import Console
from rich.json import JSON
from rich.markup import escape
from rich.table import Table

from mpaas.client import Client, MpaasApiError

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

BaseUrl = typer.Option(
    "http://127.0.0.1:8080", "--base-url", envvar="MPAAS_API_URL", help="The API's base URL (MPAAS_API_URL)."
)
Key = typer.Option(..., "--key", envvar="MPAAS_ACCOUNT_KEY", help="AccountKey, DID-... (MPAAS_ACCOUNT_KEY).")
Secret = typer.Option(..., "--secret", envvar="MPAAS_ACCOUNT_SECRET", help="AccountSecret (MPAAS_ACCOUNT_SECRET).")
ScopeBase = typer.Option(
    None, "--scope-base", help="Scheme and host to name in each token's ApiEndpoint (default: the base URL)."
)


def _fail(exc: MpaasApiError) -> None:
    err.print(f"[red]✗ {exc.status_code}[/red] {escape(exc.message)}")
    raise typer.Exit(1)


def _step(number: int, title: str) -> None:
    console.print(f"\n[bold cyan]Step {number}/7[/bold cyan] [bold]{title}[/bold]")


def _ok(label: str, value: Any) -> None:
    console.print(f"  [green]✓[/green] {label}: [bold]{escape(str(value))}[/bold]")


def quickstart(
    base_url: str = BaseUrl,
    key: str = Key,
    secret: str = Secret,
    scope_base: str | None = ScopeBase,
    area_code: str = typer.Option("801", "--area-code", help="Where to look for a number."),
    to: str = typer.Option("+18015737111", "--to", help="Handset the test message goes to (E.164)."),
    message_url: str = typer.Option(
        "https://example.com/mpaas/inbound", "--message-url", help="Where the message route sends inbound SMS."
    ),
    voice: bool = typer.Option(True, "--voice/--no-voice", help="Step 3 (voice route, MVNO only)."),
    wait: float = typer.Option(10.0, "--wait", min=0, help="Seconds to wait for a delivery receipt."),
) -> None:
    """Walk the vendor's seven quickstart steps against a server and leave a test message."""
    summary: dict[str, str] = {}
    with Client(base_url, key, secret, scope_base=scope_base) as api:
        try:
            _step(1, "Authenticate")
            api.token("/v1.0/message/routes")
            _ok("Token for /v1.0/message/routes", "minted (one token per endpoint, cached by the SDK)")

            _step(2, "Create message route")
            route = api.create_message_route(
                route_name="Quickstart SMS", message_url=message_url, message_url_method="POST"
            )
            summary["MessageRouteId"] = route.message_route_id
            _ok("MessageRouteId", route.message_route_id)

            _step(3, "Create voice route (optional, MVNO only)")
            voice_route_id = None
            if voice:
                trunk = api.create_voice_route(
                    route_name="Quickstart SIP Trunk", route_type="Trunk", trunk_ip_1="20.87.87.87"
                )
                voice_route_id = trunk.call_route_id
                summary["CallRouteId"] = voice_route_id
                _ok("CallRouteId", voice_route_id)
            else:
                console.print("  [dim]skipped (--no-voice)[/dim]")

            _step(4, "Check available phone numbers")
            available = api.search_available_numbers(
                number_type="mobile", message_type="p2p", area_code=area_code, message_enabled=True, voice_enabled=voice
            )
            _ok(f"Numbers available in {area_code}", available.results_total)
            if not available.results_total:
                err.print(f"[red]✗[/red] no numbers available in area code {escape(area_code)}; try --area-code")
                raise typer.Exit(1)

            _step(5, "Create subscriber")
            subscriber = api.create_subscriber(
                name="Quickstart Subscriber",
                email=f"quickstart.{secrets.token_hex(4)}@example.com",
                phone_numbers=[],
                role="Subscriber",
                password=secrets.token_urlsafe(12),
            )
            summary["SubscriberId"] = subscriber.subscriber_id
            _ok("SubscriberId", subscriber.subscriber_id)

            _step(6, "Provision phone number")
            order = api.number_provision(
                number_type="mvno",
                message_type="p2p",
                message_enabled=True,
                voice_enabled=voice,
                message_route_id=route.message_route_id,
                voice_route_id=voice_route_id,
                area_code=area_code,
                product_type="Sms+Data+Voice" if voice else "Sms+Data",
                assigned_subscriber_id=subscriber.subscriber_id,
            )
            if not order.phone_number_assigned:
                err.print(f"[red]✗[/red] provisioning did not assign a number: {escape(str(order.to_wire()))}")
                raise typer.Exit(1)
            summary["PhoneNumber"] = order.phone_number_assigned
            summary["PhoneNumberId"] = order.phone_number_id or ""
            _ok("PhoneNumberAssigned", order.phone_number_assigned)
            _ok("PhoneNumberId", order.phone_number_id)

            _step(7, "Send a test message")
            sent = api.send_outbound_message(
                from_=order.phone_number_assigned, to=[{"Number": to}], body="Hello from the mpaas quickstart!"
            )
            summary["MessageId"] = sent.message_id
            _ok("MessageId", sent.message_id)
            status = sent.status
            deadline = time.monotonic() + wait
            while status in ("Queued", "Sent", None) and time.monotonic() < deadline:
                time.sleep(0.25)
                status = api.message_details(message_id=sent.message_id).status
            summary["Status"] = status or "unknown"
            _ok("Status", status)
        except MpaasApiError as exc:
            _fail(exc)
    table = Table(title="Quickstart complete", show_header=False, title_justify="left")
    for name, value in summary.items():
        table.add_row(name, value)
    console.print()
    console.print(table)


def api_call(
    method: str = typer.Argument(..., help="GET or POST."),
    path: str = typer.Argument(..., help="e.g. /v1.0/numbers?Number=%2B18015551234"),
    data: str | None = typer.Option(None, "--data", "-d", help="JSON: the body of a POST, the query of a GET."),
    base_url: str = BaseUrl,
    key: str = Key,
    secret: str = Secret,
    scope_base: str | None = ScopeBase,
    operator_token: str | None = typer.Option(
        None, "--operator-token", envvar="MPAAS_OPERATOR_TOKEN", help="For /ops paths (MPAAS_OPERATOR_TOKEN)."
    ),
) -> None:
    """Call any endpoint; the token for it is minted for you. Prints the JSON response."""
    method = method.upper()
    payload = None
    if data is not None:
        try:
            payload = json.loads(data)
        except ValueError as exc:
            err.print(f"[red]✗[/red] --data is not valid JSON: {escape(str(exc))}")
            raise typer.Exit(2) from None
    lowered = path.lower()
    auth = "operator" if lowered.startswith("/ops/") else "none" if lowered.startswith("/v1.0/oauth2/") else "token"
    with Client(base_url, key, secret, scope_base=scope_base, operator_token=operator_token) as api:
        try:
            if method == "GET":
                result = api.request("GET", path, params=payload, auth=auth)
            else:
                result = api.request(method, path, json=payload if payload is not None else {}, auth=auth)
        except MpaasApiError as exc:
            if exc.body is not None and not isinstance(exc.body, str):
                console.print(JSON(json.dumps(exc.body)))
            _fail(exc)
    wire = (
        [r.to_wire() if hasattr(r, "to_wire") else r for r in result]
        if isinstance(result, list)
        else (result.to_wire() if hasattr(result, "to_wire") else result)
    )
    console.print(JSON(json.dumps(wire)))


webhook_secret_app = typer.Typer(
    help="Your account's webhook signing secret, the key of X-Mpaas-Signature (docs/webhooks.md).",
    no_args_is_help=True,
)
AccountIdOption = typer.Option(None, "--account-id", help="AID-...; optional when the credential has one account.")
JsonOption = typer.Option(False, "--json", help="Print the answer as JSON.")


def _print_secret(answer: Any, as_json: bool) -> None:
    wire = answer.to_wire() if hasattr(answer, "to_wire") else answer
    if as_json:
        console.print(JSON(json.dumps(wire)))
        return
    console.print(f"AccountId                {escape(str(wire.get('AccountId')))}")
    console.print(f"WebhookSigningSecret     {escape(str(wire.get('WebhookSigningSecret')))}")
    until = wire.get("PreviousSecretValidUntil")
    if until:
        console.print(f"previous secret signs until {escape(str(until))} (both signatures are sent until then)")


@webhook_secret_app.command("show")
def webhook_secret_show(
    base_url: str = BaseUrl,
    key: str = Key,
    secret: str = Secret,
    scope_base: str | None = ScopeBase,
    account_id: str | None = AccountIdOption,
    as_json: bool = JsonOption,
) -> None:
    """Print the account's webhook signing secret."""
    with Client(base_url, key, secret, scope_base=scope_base) as api:
        try:
            # call() by name: the generated methods are invisible to mypy
            answer = api.call("webhook_signing_secret", **({"account_id": account_id} if account_id else {}))
        except MpaasApiError as exc:
            _fail(exc)
    _print_secret(answer, as_json)


@webhook_secret_app.command("rotate")
def webhook_secret_rotate(
    base_url: str = BaseUrl,
    key: str = Key,
    secret: str = Secret,
    scope_base: str | None = ScopeBase,
    account_id: str | None = AccountIdOption,
    as_json: bool = JsonOption,
) -> None:
    """Replace the account's webhook signing secret; the previous one keeps signing for the grace period
    (MPAAS_WEBHOOK_SECRET_GRACE_SECONDS on the server)."""
    with Client(base_url, key, secret, scope_base=scope_base) as api:
        try:
            answer = api.call("rotate_webhook_signing_secret", account_id=account_id)
        except MpaasApiError as exc:
            _fail(exc)
    _print_secret(answer, as_json)
