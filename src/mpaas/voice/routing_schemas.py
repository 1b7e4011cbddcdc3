"""The body Kamailio posts to /sip/v1/route, once per initial INVITE (/work/notes/voice-protocol.md, docs/voice.md).

Not in the OpenAPI document: only Kamailio calls it, with the SIP shared secret. The answer is a Kamailio `rtjson`
document (lower-case keys, as rtjson reads them) plus the decision's `call` object, built in voice/routing.py.
"""

from __future__ import annotations

from pydantic import Field

from mpaas.core.wire import Optional, Required, WireModel


class RouteRequest(WireModel):
    call_id: Required = Field(alias="CallId", max_length=255)  # the SIP Call-ID ($ci)
    from_: Optional = Field(default=None, alias="From", max_length=128)  # From's user part ($fU), may be non-E.164
    to: Required = Field(alias="To", max_length=128)  # the Request-URI's user part ($rU)
    source_ip: Optional = Field(default=None, alias="SourceIp", max_length=64)  # the INVITE's source address ($si)
    source_port: int | None = Field(default=None, alias="SourcePort", ge=0, le=65535)  # $sp
    transport: Optional = Field(default=None, alias="Transport", max_length=8)  # $pr: udp, tcp, tls, ...
