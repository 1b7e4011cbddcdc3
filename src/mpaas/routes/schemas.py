"""Wire shapes of message and voice routes (telegent-api.md: Messaging, Voice Routes)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field

from mpaas.core.egress import AnyUri, HttpUrl, RequiredHttpUrl  # the URL types
from mpaas.core.wire import MultiLineText4000, Optional, Required, WireBool, WireModel, WireResponse, one_of

METHODS = ("GET", "POST")
AUTH_TYPES = ("None", "Basic", "Bearer")


Method = Annotated[str | None, one_of(*METHODS)]
AuthType = Annotated[str | None, one_of(*AUTH_TYPES)]


class MessageRouteFields(WireModel):
    route_name: Optional = Field(default=None, alias="RouteName")
    message_url: HttpUrl = Field(default=None, alias="MessageUrl")
    message_url_method: Method = Field(default=None, alias="MessageUrlMethod")
    message_route_enabled: WireBool | None = Field(default=None, alias="MessageRouteEnabled")
    message_authentication_type: AuthType = Field(default=None, alias="MessageAuthenticationType")
    message_username: Optional = Field(default=None, alias="MessageUsername")
    message_password_token: Optional = Field(default=None, alias="MessagePasswordToken")
    callback_message_url: HttpUrl = Field(default=None, alias="CallbackMessageUrl")
    callback_message_url_method: Method = Field(default=None, alias="CallbackMessageUrlMethod")
    callback_message_authentication_type: AuthType = Field(default=None, alias="CallbackMessageAuthenticationType")
    callback_message_username: Optional = Field(default=None, alias="CallbackMessageUsername")
    callback_message_password_token: Optional = Field(default=None, alias="CallbackMessagePasswordToken")
    inbound_bypass: WireBool | None = Field(default=None, alias="InboundBypass")
    outbound_bypass: WireBool | None = Field(default=None, alias="OutboundBypass")
    intelligent_route_enabled: WireBool | None = Field(default=None, alias="IntelligentRouteEnabled")
    account_id: Optional = Field(default=None, alias="AccountId")


class CreateMessageRoute(MessageRouteFields):
    route_name: Required = Field(alias="RouteName", examples=["Main SMS Webhook"])
    message_url: RequiredHttpUrl = Field(alias="MessageUrl", examples=["https://example.com/sms"])
    message_url_method: Annotated[str, one_of(*METHODS)] = Field(alias="MessageUrlMethod", examples=["POST"])


class UpdateMessageRoute(MessageRouteFields):
    message_route_id: Required = Field(alias="MessageRouteId")


class DeleteMessageRoute(WireModel):
    message_route_id: Required = Field(alias="MessageRouteId")
    account_id: Optional = Field(default=None, alias="AccountId")


ROUTE_TYPES = ("Trunk", "URL", "Forward")
TRANSPORTS = ("UDP", "TCP", "TLS")
TRANSFER_CALLER_IDS = ("Transferee", "Transferor", "Transferee/Transferor")
MAX_IP_WHITELIST = 50  # entries of a voice route's IpWhitelist (docs/compatibility.md, Limits)
SRV_MAX = 65535  # trunk priorities and weights: the range of a SIP SRV record's


class IpAddress(WireModel):
    ip_address: Required = Field(alias="IpAddress")


Transport = Annotated[str | None, one_of(*TRANSPORTS)]


def _port(value: str | None) -> str | None:
    if value is not None and not (value.isascii() and value.isdigit() and 1 <= int(value) <= 65535):
        raise ValueError("must be a port number from 1 to 65535")
    return value


Port = Annotated[Optional, AfterValidator(_port)]


class VoiceRouteFields(WireModel):
    """Every field of the contract, with its exact spelling (`Trunk1Priortiy` is the real name)."""

    route_name: Optional = Field(default=None, alias="RouteName")
    route_type: Annotated[str | None, one_of(*ROUTE_TYPES)] = Field(default=None, alias="RouteType")
    voice_url: HttpUrl = Field(default=None, alias="VoiceUrl")
    voice_url_method: Method = Field(default=None, alias="VoiceUrlMethod")
    voice_authentication_type: AuthType = Field(default=None, alias="VoiceAuthenticationType")
    voice_username: Optional = Field(default=None, alias="VoiceUsername")
    voice_password_token: Optional = Field(default=None, alias="VoicePasswordToken")
    callback_voice_url: HttpUrl = Field(default=None, alias="CallbackVoiceUrl")
    callback_voice_url_method: Method = Field(default=None, alias="CallbackVoiceUrlMethod")
    trunk_ip1: Optional = Field(default=None, alias="TrunkIp1")
    trunk_ip2: Optional = Field(default=None, alias="TrunkIp2")
    trunk_port1: Port = Field(default=None, alias="TrunkPort1")
    trunk_port2: Port = Field(default=None, alias="TrunkPort2")
    trunk_transport1: Transport = Field(default=None, alias="TrunkTransport1")
    trunk_transport2: Transport = Field(default=None, alias="TrunkTransport2")
    trunk_uri1: AnyUri = Field(default=None, alias="TrunkUri1")
    trunk_uri2: AnyUri = Field(default=None, alias="TrunkUri2")
    trunk_enabled1: WireBool | None = Field(default=None, alias="TrunkEnabled1")
    trunk_enabled2: WireBool | None = Field(default=None, alias="TrunkEnabled2")
    trunk1_priortiy: int | None = Field(default=None, alias="Trunk1Priortiy", ge=0, le=SRV_MAX)
    trunk1_weight: int | None = Field(default=None, alias="Trunk1Weight", ge=0, le=SRV_MAX)
    trunk2_priortiy: int | None = Field(default=None, alias="Trunk2Priortiy", ge=0, le=SRV_MAX)
    trunk2_weight: int | None = Field(default=None, alias="Trunk2Weight", ge=0, le=SRV_MAX)
    header_manipulation: MultiLineText4000 = Field(default=None, alias="HeaderManipulation")
    enable_sip_refer: WireBool | None = Field(default=None, alias="EnableSipRefer")
    transfer_caller_id: Annotated[str | None, one_of(*TRANSFER_CALLER_IDS)] = Field(
        default=None, alias="TransferCallerId"
    )
    symmetric_rtp: WireBool | None = Field(default=None, alias="SymmetricRtp")
    enable_trp_secure_trunk: WireBool | None = Field(default=None, alias="EnableTrpSecureTrunk")
    enable_pstn_transfer: WireBool | None = Field(default=None, alias="EnablePstnTransfer")
    ip_whitelist: list[IpAddress] | None = Field(
        default=None, alias="IpWhitelist", max_length=MAX_IP_WHITELIST, json_schema_extra={"x-aliases": ["IpWhiteList"]}
    )
    cnam_lookup: WireBool | None = Field(default=None, alias="CnamLookup")
    termination_uri_subdomain: Optional = Field(default=None, alias="TerminationUriSubdomain")
    enable_call_streaming: WireBool | None = Field(default=None, alias="EnableCallStreaming")
    wss_uri: AnyUri = Field(default=None, alias="WssUri")
    route_enabled: WireBool | None = Field(default=None, alias="RouteEnabled")
    intelligent_route_enabled: WireBool | None = Field(default=None, alias="IntelligentRouteEnabled")
    account_id: Optional = Field(default=None, alias="AccountId")

    def attributes(self) -> dict[str, Any]:
        """The stored wire fields other than the columns, only those the client sent."""
        skip = {"RouteName", "RouteType", "RouteEnabled", "AccountId", "CallRouteId"}
        data = self.model_dump(by_alias=True, exclude_unset=True)
        return {k: v for k, v in data.items() if k not in skip}


class CreateVoiceRoute(VoiceRouteFields):
    route_name: Required = Field(alias="RouteName", examples=["Main SIP Trunk"])
    route_type: Annotated[str, one_of(*ROUTE_TYPES)] = Field(alias="RouteType", examples=["Trunk"])


class UpdateVoiceRoute(VoiceRouteFields):
    call_route_id: Required = Field(alias="CallRouteId")


class DeleteVoiceRoute(WireModel):
    call_route_id: Required = Field(alias="CallRouteId")
    account_id: Optional = Field(default=None, alias="AccountId")


# Responses (the contract's examples: field names, casing and the two spellings of the IP list).


class MessageRouteAttributes(WireResponse):
    message_route_id: str
    route_name: str | None
    message_url: str | None
    message_url_method: str | None
    message_route_enabled: bool | None
    message_authentication_type: str | None
    message_username: str | None
    message_password_token: str | None
    callback_message_url: str | None
    callback_message_url_method: str | None
    callback_message_authentication_type: str | None
    callback_message_username: str | None
    callback_message_password_token: str | None
    inbound_bypass: bool | None
    outbound_bypass: bool | None
    intelligent_route_enabled: bool | None


class MessageRouteOut(MessageRouteAttributes):
    account_id: str


class ListedMessageRoute(MessageRouteAttributes):
    """In the account listing the account's key is spelled `AccountID`."""

    account_id: str = Field(alias="AccountID")


class MessageRouteList(WireResponse):
    account_id: str | None = Field(alias="AccountID")  # None: the listing spans several accounts (AccountId omitted)
    total_routes: int
    results: list[ListedMessageRoute]


class MessageRouteDeleted(WireResponse):
    message_route_status: str
    mrid: str = Field(alias="MRID")


class IpEntry(WireResponse):
    ip_address: str


class VoiceRouteAttributes(WireResponse):
    route_name: str | None
    route_type: str | None
    voice_url: str | None
    voice_url_method: str | None
    voice_authentication_type: str | None
    voice_username: str | None
    voice_password_token: str | None
    callback_voice_url: str | None
    callback_voice_url_method: str | None
    trunk_ip1: str | None
    trunk_ip2: str | None
    trunk_port1: str | None
    trunk_port2: str | None
    trunk_transport1: str | None
    trunk_transport2: str | None
    trunk_uri1: str | None
    trunk_uri2: str | None
    trunk_enabled1: bool | None
    trunk_enabled2: bool | None
    trunk1_priortiy: int | None
    trunk1_weight: int | None
    trunk2_priortiy: int | None
    trunk2_weight: int | None
    header_manipulation: str | None
    enable_sip_refer: bool | None
    transfer_caller_id: str | None
    symmetric_rtp: bool | None
    enable_trp_secure_trunk: bool | None
    enable_pstn_transfer: bool | None
    cnam_lookup: bool | None
    termination_uri_subdomain: str | None
    enable_call_streaming: bool | None
    wss_uri: str | None
    intelligent_route_enabled: bool | None
    route_enabled: bool | None


class VoiceRouteOut(VoiceRouteAttributes):
    """Details and create/update answers: `AccountId`, and the list spelled `IpWhiteList`."""

    call_route_id: str
    account_id: str
    ip_white_list: list[IpEntry]


class ListedVoiceRoute(VoiceRouteAttributes):
    """The account listing: `CallRouteStatus`, `AccountID`, and the list spelled `IpWhitelist`."""

    call_route_status: str
    call_route_id: str
    account_id: str = Field(alias="AccountID")
    ip_whitelist: list[IpEntry]


class VoiceRouteList(WireResponse):
    account_id: str | None = Field(alias="AccountID")  # None: the listing spans several accounts (AccountId omitted)
    total_routes: int
    results: list[ListedVoiceRoute]


class VoiceRouteDeleted(WireResponse):
    call_route_status: str
    call_route_id: str
