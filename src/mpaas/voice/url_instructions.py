"""The instruction set a URL route's `VoiceUrl` answers with (docs/voice.md, "URL routes"), read strictly.

One JSON object with an `Action`:

- `dial`: `Targets` (1 to 10: SIP URIs `sip:user@host[:port][;transport=udp|tcp|tls]`, or E.164 numbers, which go
  to the carrier trunk), `Mode` `serial` (default) or `parallel`, `Timeout` (seconds a target may ring, 1-120,
  default 30), `CallerId` (the caller's number or the called number: nothing else may be presented);
- `forward`: `Number` (E.164), through the carrier trunk as a Forward route does, naming the called number in a
  Diversion header;
- `reject`: `Code` (400-699, default 603), `Reason` (printable ASCII, at most 64 characters);
- `hangup`: the call is declined (603);
- `media`: reserved for media (prompts, recordings): refused with 501 until media exists.

Field names are matched without regard to case; an unknown field, a wrong type or a value out of range makes the
answer bad (`BadInstruction`, naming the problem), never a guess. Whether a SIP host may be called is the egress
policy's question, asked in `voice/url_routing.py` where the policy is known."""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from typing import Any

from mpaas.core.phone import normalize_e164

DIAL, FORWARD, REJECT, HANGUP, MEDIA = "dial", "forward", "reject", "hangup", "media"
ACTIONS = (DIAL, FORWARD, REJECT, HANGUP, MEDIA)
SERIAL, PARALLEL = "serial", "parallel"
MAX_TARGETS = 10
DEFAULT_RING_SECONDS = 30
MAX_RING_SECONDS = 120
DEFAULT_REJECT = (603, "Decline")
MAX_REASON = 64
TRANSPORTS = ("udp", "tcp", "tls")

_FIELDS = {
    DIAL: {"action", "targets", "mode", "timeout", "callerid"},
    FORWARD: {"action", "number"},
    REJECT: {"action", "code", "reason"},
    HANGUP: {"action"},
    MEDIA: None,  # reserved: whatever it carries, it is refused as not available
}
# sip:user@host[:port][;params]: the user part of a dialled SIP URI (RFC 3261's unreserved characters and `+`;
# no escapes, no `;`, `?` or `&`), the host a name, an IPv4 address or a bracketed IPv6 address.
_SIP_URI = re.compile(
    r"(?P<scheme>sips?):(?:(?P<user>[A-Za-z0-9\-_.!~*'()+]{1,64})@)?"
    r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)"
    r"(?::(?P<port>[0-9]{1,5}))?(?P<params>(?:;[A-Za-z0-9\-_.]+(?:=[A-Za-z0-9\-_.]+)?)*)"
)
_REASON = re.compile(r"[\x20-\x7e]{1,64}")


class BadInstruction(ValueError):
    """The VoiceUrl's answer is not a valid instruction; the message says why."""


@dataclass(frozen=True, slots=True)
class SipTarget:
    scheme: str  # sip | sips
    user: str | None
    host: str  # as written in the URI (an IPv6 address in brackets)
    port: int | None
    transport: str  # udp | tcp | tls

    def address(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        """The host as an address, or None for a name (which Kamailio resolves: the policy cannot check it)."""
        try:
            return ipaddress.ip_address(self.host.strip("[]"))
        except ValueError:
            return None

    def uri(self, default_user: str) -> str:
        port = f":{self.port}" if self.port else ""
        return f"{self.scheme}:{self.user or default_user}@{self.host}{port};transport={self.transport}"


Target = SipTarget | str  # a SIP URI, or an E.164 number


@dataclass(frozen=True, slots=True)
class Instruction:
    action: str
    targets: tuple[Target, ...] = ()
    mode: str = SERIAL
    ring_seconds: int = DEFAULT_RING_SECONDS
    caller_id: str | None = None
    number: str | None = None  # forward
    code: int = DEFAULT_REJECT[0]
    reason: str = DEFAULT_REJECT[1]


def parse(body: bytes) -> Instruction:
    """The instruction of a VoiceUrl answer's body. Raises BadInstruction."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser goes ("[[[[...")
        raise BadInstruction("the answer is not JSON") from None
    return read(document)


def read(document: Any) -> Instruction:
    if not isinstance(document, dict):
        raise BadInstruction("the answer is not a JSON object")
    fields: dict[str, Any] = {}
    for key, value in document.items():
        if not isinstance(key, str) or key.lower() in fields:
            raise BadInstruction(f"the field {key!r} is repeated")
        fields[key.lower()] = value
    action = fields.get("action")
    if not isinstance(action, str) or action.lower() not in ACTIONS:
        raise BadInstruction(f"Action must be one of {', '.join(ACTIONS)}")
    action = action.lower()
    allowed = _FIELDS[action]
    if allowed is not None:
        unknown = sorted(set(fields) - allowed)
        if unknown:
            raise BadInstruction(f"unknown field {unknown[0]!r} for Action {action}")
    if action == DIAL:
        return _dial(fields)
    if action == FORWARD:
        number = _e164(fields.get("number"), "Number")
        return Instruction(FORWARD, number=number)
    if action == REJECT:
        code = fields.get("code", DEFAULT_REJECT[0])
        if not _integer(code) or not 400 <= code <= 699:
            raise BadInstruction("Code must be a SIP code from 400 to 699")
        reason = fields.get("reason")
        if reason is None:
            reason = DEFAULT_REJECT[1] if code == DEFAULT_REJECT[0] else "Rejected"
        if not isinstance(reason, str) or not _REASON.fullmatch(reason) or reason != reason.strip():
            raise BadInstruction(f"Reason must be printable ASCII of 1 to {MAX_REASON} characters")
        return Instruction(REJECT, code=code, reason=reason)
    return Instruction(action)  # hangup, media


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _e164(value: Any, field: str) -> str:
    number = normalize_e164(value) if isinstance(value, str) and value.startswith("+") else None
    if number is None:
        raise BadInstruction(f"{field} must be an E.164 number such as +18015550123")
    return number


def _dial(fields: dict[str, Any]) -> Instruction:
    raw = fields.get("targets")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_TARGETS:
        raise BadInstruction(f"Targets must be a list of 1 to {MAX_TARGETS} SIP URIs or E.164 numbers")
    targets = tuple(_target(t) for t in raw)
    mode = fields.get("mode", SERIAL)
    if not isinstance(mode, str) or mode.lower() not in (SERIAL, PARALLEL):
        raise BadInstruction("Mode must be serial or parallel")
    ring = fields.get("timeout", DEFAULT_RING_SECONDS)
    if not _integer(ring) or not 1 <= ring <= MAX_RING_SECONDS:
        raise BadInstruction(f"Timeout must be a whole number of seconds from 1 to {MAX_RING_SECONDS}")
    caller_id = fields.get("callerid")
    if caller_id is not None:
        caller_id = _e164(caller_id, "CallerId")
    return Instruction(DIAL, targets=targets, mode=mode.lower(), ring_seconds=ring, caller_id=caller_id)


def _target(value: Any) -> Target:
    if not isinstance(value, str):
        raise BadInstruction("each of Targets must be a string: a SIP URI or an E.164 number")
    if value.startswith("+"):
        return _e164(value, "Targets")
    match = _SIP_URI.fullmatch(value)
    if match is None:
        raise BadInstruction(f"Targets: {value[:80]!r} is neither a sip: URI nor an E.164 number")
    scheme = match["scheme"].lower()
    host = match["host"]
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise BadInstruction(f"Targets: {value[:80]!r} has an invalid IPv6 address") from None
    elif re.fullmatch(r"[0-9.]+", host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            raise BadInstruction(f"Targets: {value[:80]!r} has an invalid IPv4 address") from None
    port = int(match["port"]) if match["port"] else None
    if port is not None and not 1 <= port <= 65535:
        raise BadInstruction(f"Targets: {value[:80]!r} has an invalid port")
    transport = "tls" if scheme == "sips" else "udp"
    for param in filter(None, match["params"].split(";")):
        name, _, val = param.partition("=")
        if name.lower() != "transport":
            raise BadInstruction(f"Targets: {value[:80]!r}: only the transport parameter is allowed")
        if val.lower() not in TRANSPORTS:
            raise BadInstruction(f"Targets: {value[:80]!r}: transport must be udp, tcp or tls")
        transport = val.lower()
    return SipTarget(scheme, match["user"], host, port, transport)
