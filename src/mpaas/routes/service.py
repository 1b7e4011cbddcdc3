"""Message and voice route rules: creation, partial update, deletion refused while numbers use a route."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.core import ids
from mpaas.core.errors import bad_request, missing
from mpaas.models import MessageRoute, VoiceRoute
from mpaas.routes import repository
from mpaas.routes.schemas import (
    CreateMessageRoute,
    CreateVoiceRoute,
    MessageRouteFields,
    UpdateMessageRoute,
    UpdateVoiceRoute,
)

# Wire field -> column, for the message route fields a client can set.
MESSAGE_ROUTE_COLUMNS = {
    "route_name",
    "message_url",
    "message_url_method",
    "message_route_enabled",
    "message_authentication_type",
    "message_username",
    "message_password_token",
    "callback_message_url",
    "callback_message_url_method",
    "callback_message_authentication_type",
    "callback_message_username",
    "callback_message_password_token",
    "inbound_bypass",
    "outbound_bypass",
    "intelligent_route_enabled",
}


def _refuse_if_in_use(in_use: int, kind: str, route_id: str, field: str) -> None:
    """Every number keeps a route: deleting one that numbers use would leave them without."""
    if in_use:
        raise bad_request(
            f"{kind} route {route_id} is used by {in_use} number(s); assign them another {field} before deleting it."
        )


def _check_auth(route: MessageRoute) -> None:
    for prefix, label in (("message", "Message"), ("callback_message", "CallbackMessage")):
        kind = getattr(route, f"{prefix}_authentication_type")
        if kind == "Basic" and not getattr(route, f"{prefix}_username"):
            raise bad_request(f"The {label}Username field is required when {label}AuthenticationType is Basic.")
        if kind == "Bearer" and not getattr(route, f"{prefix}_password_token"):
            raise bad_request(f"The {label}PasswordToken field is required when {label}AuthenticationType is Bearer.")


def _apply(route: MessageRoute, body: MessageRouteFields) -> None:
    for name in body.model_fields_set & MESSAGE_ROUTE_COLUMNS:
        setattr(route, name, getattr(body, name))


async def create_message_route(
    session: AsyncSession, principal: Principal, body: CreateMessageRoute, now: datetime
) -> MessageRoute:
    account_id = principal.resolve_account(body.account_id)
    route = MessageRoute(
        id=ids.new_id(ids.MESSAGE_ROUTE),
        account_id=account_id,
        message_route_enabled=True,
        message_authentication_type="None",
        inbound_bypass=False,
        outbound_bypass=False,
        intelligent_route_enabled=False,
        created_at=now,
        updated_at=now,
    )
    _apply(route, body)
    if route.message_route_enabled is None:
        route.message_route_enabled = True
    if route.callback_message_url and not route.callback_message_url_method:
        route.callback_message_url_method = "POST"
    _check_auth(route)
    session.add(route)
    await session.flush()
    return route


async def find_message_route(
    session: AsyncSession, principal: Principal, route_id: str, account_id: str | None = None
) -> MessageRoute:
    route = await repository.get_message_route(session, route_id, principal.visible_accounts(account_id))
    if route is None:
        raise missing("message route", route_id)
    return route


async def update_message_route(
    session: AsyncSession, principal: Principal, body: UpdateMessageRoute, now: datetime
) -> MessageRoute:
    route = await find_message_route(session, principal, body.message_route_id, body.account_id)
    for required_field, label in (
        ("route_name", "RouteName"),
        ("message_url", "MessageUrl"),
        ("message_url_method", "MessageUrlMethod"),
    ):
        if required_field in body.model_fields_set and getattr(body, required_field) is None:
            raise bad_request(f"The {label} field cannot be cleared.")
    _apply(route, body)
    _check_auth(route)
    route.updated_at = now
    await session.flush()
    return route


async def delete_message_route(
    session: AsyncSession, principal: Principal, route_id: str, account_id: str | None
) -> str:
    route = await find_message_route(session, principal, route_id, account_id)
    _refuse_if_in_use(
        await repository.count_numbers_on_message_route(session, route.id), "Message", route.id, "MessageRouteId"
    )
    await session.delete(route)
    await session.flush()
    return route.id


async def create_voice_route(
    session: AsyncSession, principal: Principal, body: CreateVoiceRoute, now: datetime
) -> VoiceRoute:
    account_id = principal.resolve_account(body.account_id)
    enabled = body.route_enabled if body.route_enabled is not None else True
    route = VoiceRoute(
        id=ids.new_id(ids.VOICE_ROUTE),
        account_id=account_id,
        route_name=body.route_name,
        route_type=body.route_type,
        route_enabled=enabled,
        attributes=body.attributes(),
        created_at=now,
        updated_at=now,
    )
    if route.route_type == "URL" and not route.attributes.get("VoiceUrl"):
        raise bad_request("The VoiceUrl field is required when RouteType is URL.")
    session.add(route)
    await session.flush()
    return route


async def find_voice_route(
    session: AsyncSession, principal: Principal, route_id: str, account_id: str | None = None
) -> VoiceRoute:
    route = await repository.get_voice_route(session, route_id, principal.visible_accounts(account_id))
    if route is None:
        raise missing("voice route", route_id)
    return route


async def update_voice_route(
    session: AsyncSession, principal: Principal, body: UpdateVoiceRoute, now: datetime
) -> VoiceRoute:
    route = await find_voice_route(session, principal, body.call_route_id, body.account_id)
    sent = body.model_fields_set
    for column, label in (("route_name", "RouteName"), ("route_type", "RouteType")):
        if column in sent:
            value = getattr(body, column)
            if value is None:
                raise bad_request(f"The {label} field cannot be cleared.")
            setattr(route, column, value)
    if "route_enabled" in sent and body.route_enabled is not None:
        route.route_enabled = body.route_enabled
    route.attributes = {**route.attributes, **body.attributes()}
    route.updated_at = now
    await session.flush()
    return route


async def delete_voice_route(session: AsyncSession, principal: Principal, route_id: str, account_id: str | None) -> str:
    route = await find_voice_route(session, principal, route_id, account_id)
    _refuse_if_in_use(
        await repository.count_numbers_on_voice_route(session, route.id), "Voice", route.id, "VoiceRouteId"
    )
    await session.delete(route)
    await session.flush()
    return route.id


async def list_message_routes(
    session: AsyncSession, principal: Principal, account_id: str | None
) -> tuple[str | None, list[MessageRoute]]:
    """The account the listing names (the `AccountId` given, the caller's only one, or None) and the routes:
    of that account, or of all the caller's accounts when AccountId is omitted."""
    accounts = principal.visible_accounts(account_id)
    return principal.listed_account(account_id), await repository.list_message_routes(session, accounts)


async def list_voice_routes(
    session: AsyncSession, principal: Principal, account_id: str | None
) -> tuple[str | None, list[VoiceRoute]]:
    accounts = principal.visible_accounts(account_id)
    return principal.listed_account(account_id), await repository.list_voice_routes(session, accounts)
