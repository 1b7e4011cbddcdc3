"""Routes as the contract shows them (field order and casing copied from its examples)."""

from __future__ import annotations

from mpaas.models import MessageRoute, VoiceRoute


def message_route(route: MessageRoute, account_key: str = "AccountId") -> dict:
    return {
        "MessageRouteId": route.id,
        account_key: route.account_id,
        "RouteName": route.route_name,
        "MessageUrl": route.message_url,
        "MessageUrlMethod": route.message_url_method,
        "MessageRouteEnabled": route.message_route_enabled,
        "MessageAuthenticationType": route.message_authentication_type,
        "MessageUsername": route.message_username,
        "MessagePasswordToken": route.message_password_token,
        "CallbackMessageUrl": route.callback_message_url,
        "CallbackMessageUrlMethod": route.callback_message_url_method,
        "CallbackMessageAuthenticationType": route.callback_message_authentication_type,
        "CallbackMessageUsername": route.callback_message_username,
        "CallbackMessagePasswordToken": route.callback_message_password_token,
        "InboundBypass": route.inbound_bypass,
        "OutboundBypass": route.outbound_bypass,
        "IntelligentRouteEnabled": route.intelligent_route_enabled,
    }


VOICE_FIELDS = (
    "VoiceUrl",
    "VoiceUrlMethod",
    "VoiceAuthenticationType",
    "VoiceUsername",
    "VoicePasswordToken",
    "CallbackVoiceUrl",
    "CallbackVoiceUrlMethod",
    "TrunkIp1",
    "TrunkIp2",
    "TrunkPort1",
    "TrunkPort2",
    "TrunkTransport1",
    "TrunkTransport2",
    "TrunkUri1",
    "TrunkUri2",
    "TrunkEnabled1",
    "TrunkEnabled2",
    "Trunk1Priortiy",
    "Trunk1Weight",
    "Trunk2Priortiy",
    "Trunk2Weight",
    "HeaderManipulation",
    "EnableSipRefer",
    "TransferCallerId",
    "SymmetricRtp",
    "EnableTrpSecureTrunk",
    "EnablePstnTransfer",
    "CnamLookup",
    "TerminationUriSubdomain",
    "EnableCallStreaming",
    "WssUri",
    "IntelligentRouteEnabled",
)


def voice_route(route: VoiceRoute, *, listing: bool = False) -> dict:
    """Details and create/update answers spell the list `IpWhiteList`; the account listing `IpWhitelist`
    and adds `CallRouteStatus`, as the contract's examples do."""
    attrs = route.attributes or {}
    out: dict = {}
    if listing:
        out["CallRouteStatus"] = "Active" if route.route_enabled else "Inactive"
        out["CallRouteId"] = route.id
        out["AccountID"] = route.account_id
    else:
        out["CallRouteId"] = route.id
        out["AccountId"] = route.account_id
    out["RouteName"] = route.route_name
    out["RouteType"] = route.route_type
    for name in VOICE_FIELDS:
        out[name] = attrs.get(name)
    out["RouteEnabled"] = route.route_enabled
    out["IpWhitelist" if listing else "IpWhiteList"] = attrs.get("IpWhitelist") or []
    return out
