"""`RouteType: URL` voice routes: mpaas asks the route's `VoiceUrl` what to do with the call (a small instruction
set, voice/url_instructions.py, documented in docs/voice.md "URL routes") and `CallbackVoiceUrl` receives the call's
status changes (voice/voice_callbacks.py).

The question is asked inside the INVITE's routing decision, so it has a deadline (MPAAS_VOICE_URL_TIMEOUT_SECONDS,
shorter than Kamailio's own wait for the decision, voice/kamailio.py HTTP_TIMEOUT_SECONDS) and every way it can
fail ends in a SIP rejection the caller hears at once, with a reason, and a warning in the log:

| What happened | SIP answer |
|---|---|
| no answer within the deadline | 504 `Voice URL Timeout` |
| no connection, reset, a malformed HTTP answer | 503 `Voice URL Unreachable` |
| the egress policy refuses the destination, or the request cannot be written | 502 `Voice URL Refused` |
| an HTTP status other than 2xx | 502 `Voice URL Error` |
| a 2xx whose body is not a valid instruction, or is over 64 KiB | 502 `Bad Voice URL Answer` |

Each question is recorded as a webhook attempt (event type `voice.url`) in the decision's transaction, as a
delivery's attempts are."""

from __future__ import annotations

import logging
import time
import uuid
import weakref
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.config import Settings
from mpaas.core import ids
from mpaas.core.db.database import Database
from mpaas.core.egress import EgressPolicy
from mpaas.core.http.client import HttpError
from mpaas.core.http.webhook_sender import WebhookTarget
from mpaas.core.ids import CALL, new_id
from mpaas.core.phone import normalize_e164
from mpaas.core.wire import iso
from mpaas.models import WebhookAttempt
from mpaas.models.numbers import ACTIVE
from mpaas.numbers.porting.service import PORTED
from mpaas.numbers.schemas import VOICE_PRODUCT
from mpaas.voice import routing_repository, url_client, url_instructions, url_repository, voice_callbacks
from mpaas.voice.reject import Reject
from mpaas.voice.routing_schemas import RouteRequest
from mpaas.voice.url_instructions import BadInstruction, Instruction, SipTarget

log = logging.getLogger("mpaas.voice.url")

EVENT_TYPE = "voice.incoming"
ATTEMPT_EVENT_TYPE = "voice.url"
# A branch's wait for a provisional reply (as trunks: voice/routing.py TRUNK_FR_TIMER_MS).
FR_TIMER_MS = 5000

TIMEOUT = Reject(504, "Voice URL Timeout")
UNREACHABLE = Reject(503, "Voice URL Unreachable")
REFUSED = Reject(502, "Voice URL Refused")
HTTP_ERROR = Reject(502, "Voice URL Error")
BAD_ANSWER = Reject(502, "Bad Voice URL Answer")
MEDIA_NOT_AVAILABLE = Reject(501, "Media Not Available")
NO_URL = Reject(480, "No Voice URL")


def voice_url_target(attributes: dict[str, Any], url_field: str, method_field: str) -> WebhookTarget | None:
    """Where a route's VoiceUrl (or CallbackVoiceUrl) request goes, with the route's Voice authentication (the
    contract has one set of authentication fields for both URLs)."""
    url = attributes.get(url_field)
    if not url:
        return None
    auth = attributes.get("VoiceAuthenticationType")
    return WebhookTarget(
        url,
        (attributes.get(method_field) or "POST").upper(),
        auth,
        attributes.get("VoiceUsername"),
        attributes.get("VoicePasswordToken"),
    )


@dataclass(slots=True)
class Asked:
    """A VoiceUrl's question and what came of it: the routing mode and branches, or the rejection; and the
    attempt's row, written in the decision's transaction."""

    route_id: str
    account_id: str
    sip_call_id: str
    record_id: str  # the call record's id, told to the VoiceUrl (`CallRecordId`)
    outcome: tuple[str, list[dict[str, Any]]] | Reject
    attempt: dict[str, Any] | None = None


# The question asked before the decision's transaction opened (`ask_ahead`), for `route` to use.
_ASKED_AHEAD: ContextVar[Asked | None] = ContextVar("mpaas_voice_url_asked_ahead", default=None)
# (SIP Call-ID, CALL- id) told to a VoiceUrl in this request: the decision gives its record that id (`record_id`).
_TOLD: ContextVar[tuple[str, str] | None] = ContextVar("mpaas_voice_url_told_record", default=None)


def record_id(sip_call_id: str) -> str | None:
    """The call record id a VoiceUrl was told for SIP Call-ID `sip_call_id` in this request, which the record the
    decision makes must have; None when no VoiceUrl was asked about this call. Read once."""
    told = _TOLD.get()
    if told is None or told[0] != sip_call_id:
        return None
    _TOLD.set(None)
    return told[1]


async def _record_id(session: AsyncSession, sip_call_id: str) -> str:
    """The CALL- id the call's record has or will have: the record already made for this Call-ID (an INVITE asked
    about again), else a new id that the decision gives the record it makes (voice.calls.start_call)."""
    made = await url_repository.call_record_id(session, sip_call_id)
    chosen = made or new_id(CALL)
    _TOLD.set((sip_call_id, chosen))
    return chosen


async def ask_ahead(db: Database, settings: Settings, body: RouteRequest, now: datetime) -> None:
    """Ask the VoiceUrl of the called number's URL route before the routing decision opens its write transaction
    (POST /sip/v1/route calls this first): on SQLite that transaction holds the process's one write lock, and a
    VoiceUrl taking a second would hold every other write (call events, messages) for that second. `route` then
    uses the answer if the decision reaches the same route for the same call, and asks itself otherwise.

    Only for a number that the decision would send to its URL route as far as the number and route tell: ours,
    held, `Active`, voice-enabled, on an enabled URL route. The decision's other checks (admission, call screening,
    workgroups) come later, so a call they refuse or route elsewhere may have been asked about and not placed."""
    _ASKED_AHEAD.set(None)
    _TOLD.set(None)
    called = normalize_e164(body.to)
    if called is None or not await url_routes_exist(db):
        return
    async with db.quick_read() as session:
        inputs = await routing_repository.number_inputs(session, called)
        if (
            inputs is None
            or inputs.id is None
            or inputs.inventory_status == PORTED
            or inputs.status != ACTIVE
            or not inputs.voice_enabled
            or (inputs.product_type or "").lower() != VOICE_PRODUCT.lower()
            or inputs.voice_route_id is None
            or (inputs.route_type or "").lower() != "url"
            or not inputs.route_enabled
        ):
            return
        question = await _question(session, inputs.voice_route_id, inputs.account_id, now)
        record = await _record_id(session, body.call_id) if question is not None else ""
    caller = normalize_e164(body.from_ or "") or (body.from_ or "")
    _ASKED_AHEAD.set(
        await _ask(
            question,
            settings,
            route_id=inputs.voice_route_id,
            account_id=inputs.account_id,
            number_id=inputs.id,
            number=called,
            caller=caller,
            sip_call_id=body.call_id,
            record_id=record,
            now=now,
        )
    )


# Whether the database has an enabled URL route, per Database, and when that was read (monotonic seconds). Read
# again after URL_ROUTES_CHECK_SECONDS: a database without URL routes (most) costs its decisions nothing here; a URL
# route made meanwhile is asked inside the transaction until then (correct, only without the ahead question).
URL_ROUTES_CHECK_SECONDS = 1.0
_url_routes: weakref.WeakKeyDictionary[Database, tuple[float, bool]] = weakref.WeakKeyDictionary()


async def url_routes_exist(db: Database) -> bool:
    known = _url_routes.get(db)
    clock = time.monotonic()
    if known is not None and clock - known[0] < URL_ROUTES_CHECK_SECONDS:
        return known[1]
    async with db.quick_read() as session:
        exists = await url_repository.any_url_route(session)
    _url_routes[db] = (clock, exists)
    return exists


async def route(
    session: AsyncSession,
    settings: Settings,
    *,
    route_id: str,
    account_id: str,
    number_id: str,
    number: str,
    caller: str,
    sip_call_id: str,
    now: datetime,
) -> tuple[str, list[dict[str, Any]]]:
    """(rtjson routing mode "serial" | "parallel", branches) for a call to `number` on URL route `route_id`.
    Raise voice.reject.Reject to refuse the call."""
    asked = _ASKED_AHEAD.get()
    _ASKED_AHEAD.set(None)
    if asked is None or (asked.route_id, asked.account_id, asked.sip_call_id) != (route_id, account_id, sip_call_id):
        # Not asked ahead (the decision run on its own: tests, benchmarks), or about another route: ask now.
        question = await _question(session, route_id, account_id, now)
        asked = await _ask(
            question,
            settings,
            route_id=route_id,
            account_id=account_id,
            number_id=number_id,
            number=number,
            caller=caller,
            sip_call_id=sip_call_id,
            record_id=await _record_id(session, sip_call_id) if question is not None else "",
            now=now,
        )
    if asked.attempt is not None:
        session.add(WebhookAttempt(**asked.attempt))
    if isinstance(asked.outcome, Reject):
        raise asked.outcome
    return asked.outcome


async def _question(
    session: AsyncSession, route_id: str, account_id: str, now: datetime
) -> tuple[WebhookTarget, tuple[str, ...]] | None:
    """Where the route's VoiceUrl is and what signs the request, or None when the route has no VoiceUrl."""
    found = await url_repository.route(session, route_id, account_id)
    target = voice_url_target(found[1], "VoiceUrl", "VoiceUrlMethod") if found else None
    if target is None:
        return None
    return target, await url_repository.signing_secrets(session, account_id, now) or ("",)


async def _ask(
    question: tuple[WebhookTarget, tuple[str, ...]] | None,
    settings: Settings,
    *,
    route_id: str,
    account_id: str,
    number_id: str,
    number: str,
    caller: str,
    sip_call_id: str,
    record_id: str,
    now: datetime,
) -> Asked:
    """Ask the VoiceUrl (no database work: it may run outside any transaction) and read its answer."""
    asked = Asked(route_id, account_id, sip_call_id, record_id, NO_URL)
    if question is None:
        log.warning("voice route %s (account %s) is a URL route without VoiceUrl: call refused", route_id, account_id)
        return asked
    target, secrets = question
    event_id = f"{ids.EVENT}-{uuid.uuid4()}"
    payload = {
        "EventId": event_id,
        "EventType": EVENT_TYPE,
        "AccountId": account_id,
        "CallRouteId": route_id,
        "NumberId": number_id,
        "CallRecordId": record_id,
        "SipCallId": sip_call_id,
        "From": caller,
        "To": number,
        "Direction": "inbound",
        "Timestamp": iso(now),
    }
    policy = settings.egress_policy
    started = time.monotonic()
    status: int | None = None
    error: str | None = None
    try:
        try:
            answer = await url_client.client_for(policy).ask(
                target,
                payload,
                signing_secret=secrets,
                event_id=event_id,
                timestamp=int(now.timestamp()),
                timeout=settings.voice_url_timeout_seconds,
            )
        except TimeoutError:
            error = f"no answer within {settings.voice_url_timeout_seconds:g} s"
            raise TIMEOUT from None
        except url_client.VoiceUrlRefused as exc:
            error = str(exc)
            raise REFUSED from None
        except url_client.AnswerTooLarge as exc:
            error = f"bad answer: {exc}"
            raise BAD_ANSWER from None
        except HttpError as exc:
            error = f"{type(exc).__name__}: {exc}"
            raise UNREACHABLE from None
        status = answer.status
        if not 200 <= status < 300:
            error = f"answered {status}"
            raise HTTP_ERROR
        try:
            instruction = url_instructions.parse(answer.body)
            asked.outcome = _branches(instruction, settings, policy, number=number, caller=caller)
        except BadInstruction as exc:
            error = f"bad answer: {exc}"
            raise BAD_ANSWER from None
    except Reject as reject:
        asked.outcome = reject
        if error is not None:
            log.warning(
                "voice route %s (account %s): VoiceUrl %s %s: %s: call %s refused %d %s",
                route_id,
                account_id,
                target.method,
                target.url,
                error,
                sip_call_id,
                reject.code,
                reject.reason,
            )
    asked.attempt = dict(
        event_id=event_id,
        account_id=account_id,
        message_id=None,
        webhook_id=None,
        event_type=ATTEMPT_EVENT_TYPE,
        url=target.url,
        method=target.method,
        attempt=1,
        status_code=status,
        error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
        created_at=now,
    )
    return asked


def _branches(
    instruction: Instruction, settings: Settings, policy: EgressPolicy, *, number: str, caller: str
) -> tuple[str, list[dict[str, Any]]]:
    """The rtjson branches of an instruction, or the Reject it asks for. Raises BadInstruction for what the policy
    or the call does not allow (a SIP host the egress policy refuses, a caller id that is not the call's)."""
    from mpaas.voice import routing  # deferred: voice/routing.py imports this module

    action = instruction.action
    if action == url_instructions.REJECT:
        raise Reject(instruction.code, instruction.reason)
    if action == url_instructions.HANGUP:
        raise Reject(*url_instructions.DEFAULT_REJECT)
    if action == url_instructions.MEDIA:
        raise MEDIA_NOT_AVAILABLE
    own = f"sip:{number}@{routing._own_host(settings)}"
    if action == url_instructions.FORWARD:
        assert instruction.number is not None
        forward = {
            "uri": routing._carrier_uri(settings, instruction.number),
            "fr_timer": FR_TIMER_MS,
            "headers": {"extra": f"Diversion: <{own}>;reason=unconditional\r\n"},
        }
        return url_instructions.SERIAL, [forward]
    # dial
    headers: dict[str, Any] = {}
    if instruction.caller_id is not None and instruction.caller_id != caller:
        if instruction.caller_id != number:
            raise BadInstruction("CallerId must be the caller's number or the called number")
        headers["from"] = {"uri": own}
    branches = []
    for target in instruction.targets:
        if isinstance(target, SipTarget):
            address = target.address()
            if address is not None and not policy.permits(address):
                raise BadInstruction(f"Targets: {target.host} is refused by the egress policy (MPAAS_EGRESS_ALLOW)")
            uri = target.uri(number)
        else:
            uri = routing._carrier_uri(settings, target)
        branch: dict[str, Any] = {
            "uri": uri,
            "fr_timer": FR_TIMER_MS,
            "fr_inv_timer": instruction.ring_seconds * 1000,
        }
        if headers:
            branch["headers"] = dict(headers)
        branches.append(branch)
    return instruction.mode, branches


async def after_events(session: AsyncSession, call: Any, snapshots: Sequence[Any], now: datetime) -> None:
    """A call's new events, for the route's CallbackVoiceUrl (queued in this transaction: voice_callbacks)."""
    await voice_callbacks.queue(session, call, snapshots, now)
