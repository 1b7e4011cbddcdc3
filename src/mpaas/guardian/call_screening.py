"""AI Guardian call filters applied at call setup (docs/guardian.md, "Call filters"). Called by the routing
decision (voice/routing.py) after admission, in both directions: `own_number` is our subscriber's number,
`other_number` the other party (the caller of an inbound call, the called number of an outbound one).

A filter acts when its subscriber has Guardian calls on, its `Phone` is `own_number`, it is not paused
(`Enforcement` INACTIVE) and it applies to the call's direction (`ApplyToInbound` / `ApplyToOutbound`). Its
rules, in order; the first that refuses decides:

1. `BlockedNumbers`: the other number is on it (every mode).
2. The allowed numbers let the call through: `AllowedNumbers`, and for the age presets and
   `BlockUnknownNumbers` the numbers of the subscriber's guardians too (a child's filter never stops its parent).
3. `WHITELIST` and `CHILD`: anyone else is refused. `ADOLESCENT`: any other caller is refused (inbound only;
   the adolescent may call out to anyone the other rules allow). `BlockUnknownNumbers`: anyone else is refused.
4. `BlockInternational` (and every age preset): a number whose country calling code differs from
   `own_number`'s is refused.
5. `TEENAGER` (and `CHILD`, `ADOLESCENT` through rule 3): a withheld or unreadable caller id is refused.

Emergency numbers (911, 112, 999, ...) are never refused. A refusal of an inbound call is SIP 603 (Decline: the
callee's side refuses it), of an outbound call SIP 403 (Forbidden), with a reason phrase naming the rule. An
`ACTIVE` filter refuses; a `MONITOR_ONLY` filter lets the call through. Both raise an alert (guardian/alerts.py:
recorded, Guardian_Alert webhook, SMS to NotificationPhones and the guardians, rate-limited per filter); the
refused call's record is made by the routing decision like every refusal.

The transcription options (`EnableTranscription`, `KeywordFilter`, `TranscriptionAction`, `WarningMessage`,
`RecordFlaggedCalls`) need the call's media, which mpaas does not handle yet: they are stored and act once it
does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import phonenumbers
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.core.call_refusal import Reject
from mpaas.core.phone import normalize_e164
from mpaas.guardian import alerts, repository
from mpaas.guardian.schemas import ADOLESCENT, CHILD, INACTIVE, MONITOR_ONLY, PRESETS, TEENAGER, WHITELIST

INBOUND, OUTBOUND = "inbound", "outbound"  # voice.calls' direction values
# Short codes that reach emergency services somewhere: never refused by a filter.
EMERGENCY = frozenset({"911", "112", "999", "000", "110", "119", "08", "100", "101", "102", "933"})

# Rules, as the alert and the Guardian_Alert event name them, and the SIP reason phrases of their refusals.
BLOCKED_NUMBER = "BlockedNumbers"
NOT_ALLOWED = "AllowedNumbers"
UNKNOWN_NUMBER = "BlockUnknownNumbers"
INTERNATIONAL = "BlockInternational"
WITHHELD = "CallerIdWithheld"
REASONS = {
    BLOCKED_NUMBER: "Guardian Blocked Number",
    NOT_ALLOWED: "Guardian Not Allowed",
    UNKNOWN_NUMBER: "Guardian Unknown Number",
    INTERNATIONAL: "Guardian International Blocked",
    WITHHELD: "Guardian Caller ID Withheld",
}


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    preset: str | None  # the age preset that made the rule apply, when it was one


def _country_code(number: str) -> int | None:
    try:
        return phonenumbers.parse(number, None).country_code
    except phonenumbers.NumberParseException:
        return None


def _canonical(value: str) -> str | None:
    raw = (value or "").strip()
    if not raw:
        return None
    if raw.startswith("sip:") or "@" in raw:  # a SIP URI's user part
        raw = raw.removeprefix("sip:").split("@", 1)[0]
    return normalize_e164(raw) or (raw if raw.startswith("+") else None)


def evaluate(
    found: Any, *, direction: str, own_number: str, other_number: str, guardian_phones: frozenset[str]
) -> Violation | None:
    """The first rule of `found` (a CallFilter, or a row of its columns) that refuses this call, or None. Pure:
    the screening reads, this decides."""
    mode = found.filter_mode
    preset = mode if mode in PRESETS else None
    if direction == OUTBOUND and "".join(ch for ch in (other_number or "") if ch.isdigit()) in EMERGENCY:
        return None
    other = _canonical(other_number)
    blocked = set(found.blocked_numbers or [])
    if other is not None and other in blocked:
        return Violation(BLOCKED_NUMBER, None)
    allowed = set(found.allowed_numbers or [])
    if preset is not None or found.block_unknown_numbers:
        allowed |= guardian_phones
    if other is not None and other in allowed:
        return None
    if mode == WHITELIST:
        return Violation(NOT_ALLOWED, None)
    if mode == CHILD or (mode == ADOLESCENT and direction == INBOUND):
        return Violation(NOT_ALLOWED, mode)
    if found.block_unknown_numbers:
        return Violation(UNKNOWN_NUMBER, None)
    if other is None:
        return Violation(WITHHELD, mode) if mode == TEENAGER else None
    if found.block_international or preset is not None:
        own_code, other_code = _country_code(own_number), _country_code(other)
        if own_code is not None and other_code is not None and own_code != other_code:
            return Violation(INTERNATIONAL, preset if not found.block_international else None)
    return None


def applies(found: Any, direction: str) -> bool:
    if found.enforcement == INACTIVE:
        return False
    return bool(found.apply_to_inbound) if direction == INBOUND else bool(found.apply_to_outbound)


async def screen(
    session: AsyncSession,
    *,
    account_id: str,
    number_id: str,
    direction: str,
    own_number: str,
    other_number: str,
    now: datetime,
) -> None:
    """Return to let the call through; raise voice.reject.Reject to refuse it."""
    filters = [f for f in await repository.screening_filters(session, account_id, own_number) if applies(f, direction)]
    if not filters:
        return None
    for found in filters:
        violation = evaluate(
            found, direction=direction, own_number=own_number, other_number=other_number, guardian_phones=frozenset()
        )
        if (
            violation is not None
            and violation.rule != BLOCKED_NUMBER
            and (found.filter_mode in PRESETS or found.block_unknown_numbers)
        ):
            # Only a call the lists alone would refuse reads the guardians' numbers (they may let it through).
            guardian_phones = frozenset(
                n for n in (normalize_e164(p) for p in await alerts.guardian_phones(session, found.subscriber_id)) if n
            )
            violation = evaluate(
                found,
                direction=direction,
                own_number=own_number,
                other_number=other_number,
                guardian_phones=guardian_phones,
            )
        if violation is None:
            continue
        monitored = found.enforcement == MONITOR_ONLY
        detail: dict = {
            "Action": "Monitored" if monitored else "Blocked",
            "FilterMode": found.filter_mode,
            "NumberId": number_id,
        }
        if violation.preset:
            detail["Preset"] = violation.preset
        if not monitored:
            detail["SipCode"] = 603 if direction == INBOUND else 403
            detail["SipReason"] = REASONS[violation.rule]
        await alerts.raise_alert(
            session,
            account_id=account_id,
            subscriber_id=found.subscriber_id,
            filter_id=found.id,
            kind="call",
            direction=direction,
            own_number=own_number,
            other_number=other_number,
            rule=violation.rule,
            detail=detail,
            notification_phones=list(found.notification_phones or []),
            now=now,
        )
        if not monitored:
            raise Reject(detail["SipCode"], detail["SipReason"])
    return None
