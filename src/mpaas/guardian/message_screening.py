"""AI Guardian message filters in the message pipeline (docs/guardian.md, "Message filters").

Every message to or from a filtered number passes here: inbound before the route's MessageUrl
(messaging/service.py receive_inbound), outbound before the carrier (messaging/jobs.py SubmitBatch). A filter acts
when its subscriber has Guardian messages on, its mode is not INACTIVE, its ApplyToInbound/ApplyToOutbound covers
the direction, and the number's message route does not bypass Guardian for it (InboundBypass/OutboundBypass).

The rules, in order; the first that decides ends the check:
1. BlockedContacts: the other party is on the blocked list (an inbound one is dropped silently);
2. AllowedContacts: the other party is on the allowed list: let through, no content checks;
3. BlockUnknownNumbers: anyone not on the allowed list;
4. BlockLinks: a URL, a bare domain or a shortened link in the text;
5. BlockMedia: MMS media attached;
6. Keywords: the filter's custom keywords and SystemKeywords categories (guardian/lexicon), by severity and level.

ACTIVE blocks what a rule catches, MONITOR_ONLY lets it through; both record it and alert (guardian/alerts.py).

Cost: one indexed read per batch of messages (repository.active_filters: the filters of the numbers involved,
with their versions; on a SQLite file a key read per number on the driver); a filter is compiled (contacts as sets,
the keyword matcher) once per version and kept in this process, and filters with the same keyword settings share
one matcher. A number without a filter costs an index probe."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.guardian import message_filters_repository as repository
from mpaas.guardian.alert_ids import is_alert_batch
from mpaas.guardian.lexicon import compile_matcher, contains_link
from mpaas.guardian.message_filters_schemas import canonical_number
from mpaas.guardian.message_filters_service import parse_keyword_filter

INBOUND, OUTBOUND = "inbound", "outbound"
ACTIVE, MONITOR_ONLY = "ACTIVE", "MONITOR_ONLY"
BLOCKED_STATUS = "Blocked"  # a blocked message's final status (docs/guardian.md)
ERROR_PREFIX = "GUARDIAN:"  # + the rule: a blocked message's ErrorCode, e.g. GUARDIAN:Keyword
CACHE_LIMIT = 100_000  # compiled filters kept per process before the cache starts over
MATCHERS_KEPT = 4096  # distinct keyword settings whose matchers are kept (least recently used go first)


@dataclass(frozen=True, slots=True)
class Item:
    """One message to screen: `own_number` is the platform number the filter is on (the sender of an outbound
    message, the recipient of an inbound one); `other_number` the other party."""

    key: str
    direction: str
    own_number: str
    other_number: str
    body: str
    has_media: bool = False


@dataclass(frozen=True, slots=True)
class Verdict:
    filter_id: str
    account_id: str
    subscriber_id: str
    mode: str
    rule: str
    notification_phones: tuple[str, ...]
    keyword: str | None = None
    category: str | None = None
    severity: str | None = None

    @property
    def blocks(self) -> bool:
        return self.mode == ACTIVE

    @property
    def error_code(self) -> str:
        return ERROR_PREFIX + self.rule


@dataclass
class Compiled:
    """One filter as the pipeline checks it, for one version."""

    id: str
    version: int
    account_id: str
    subscriber_id: str
    mode: str
    inbound: bool
    outbound: bool
    allowed: frozenset[str]
    blocked: frozenset[str]
    unknown: bool
    links: bool
    media: bool
    notification_phones: tuple[str, ...]
    matcher: Any = None  # guardian.lexicon Matcher, or None without keywords

    def check(self, item: Item) -> Verdict | None:
        rule = None
        hit = None
        other = item.other_number
        if other in self.blocked:
            rule = "BlockedContacts"
        elif other in self.allowed:
            return None
        elif self.unknown:
            rule = "BlockUnknownNumbers"
        elif self.links and item.body and _contains_link(item.body):
            rule = "BlockLinks"
        elif self.media and item.has_media:
            rule = "BlockMedia"
        elif self.matcher is not None and item.body:
            hit = self.matcher.find(item.body)
            if hit is not None:
                rule = "Keyword"
        if rule is None:
            return None
        return Verdict(
            self.id,
            self.account_id,
            self.subscriber_id,
            self.mode,
            rule,
            self.notification_phones,
            getattr(hit, "keyword", None),
            getattr(hit, "category", None),
            getattr(hit, "severity", None),
        )


def _contains_link(text: str) -> bool:
    return contains_link(text)


@lru_cache(maxsize=MATCHERS_KEPT)
def _matcher(keyword_filter: str | None, filter_level: str | None) -> Any:
    """The keyword matcher of a KeywordFilter string and FilterLevel, shared by every filter that has the same two
    (a matcher is read-only once built): a compile over the system categories takes milliseconds, and filters
    often differ only in their contacts (a school's or a family's children share one keyword list)."""
    keywords = parse_keyword_filter(keyword_filter)
    if not (keywords.custom or keywords.system or filter_level):
        return None
    # SystemKeywords as the contract's object: its keys enable the categories, its lists add words to them.
    return compile_matcher(keywords.custom, keywords.system, keywords.severity or None, filter_level)


def compile_filter(row: Any) -> Compiled:
    """A message_filters row (any object with its columns) compiled for the pipeline."""
    matcher = _matcher(row.keyword_filter, row.filter_level)
    return Compiled(
        id=row.id,
        version=row.version,
        account_id=row.account_id,
        subscriber_id=row.subscriber_id,
        mode=row.mode,
        inbound=bool(row.apply_to_inbound),
        outbound=bool(row.apply_to_outbound),
        allowed=frozenset(canonical_number(c) for c in row.allowed_contacts or ()),
        blocked=frozenset(canonical_number(c) for c in row.blocked_contacts or ()),
        unknown=bool(row.block_unknown_numbers),
        links=bool(row.block_links),
        media=bool(row.block_media),
        notification_phones=tuple(row.notification_phones or ()),
        matcher=matcher,
    )


@dataclass
class Timings:
    """Decision times of this process, for bench/pipeline.py: per message, the batch's time (the read, compiles
    and checks) over its messages, in microseconds. Kept only while `enabled`."""

    enabled: bool = False
    per_message_us: list[float] = field(default_factory=list)


_cache: dict[str, Compiled] = {}
timings = Timings()


def clear_cache() -> None:
    _cache.clear()
    _matcher.cache_clear()


async def screen(session: AsyncSession, items: Sequence[Item]) -> dict[str, Verdict]:
    """The verdicts of the items a filter catches, by item key (ACTIVE and MONITOR_ONLY alike); the rest pass.
    One read for the whole batch, whatever its size."""
    if not items:
        return {}
    started = time.perf_counter() if timings.enabled else 0.0
    rows = await repository.active_filters(session, list({item.own_number for item in items}))
    verdicts: dict[str, Verdict] = {}
    if rows:
        stale = [row.id for row in rows if (c := _cache.get(row.id)) is None or c.version != row.version]
        if stale:
            if len(_cache) > CACHE_LIMIT:
                _cache.clear()
            for full in await repository.filter_rows(session, stale):
                _cache[full.id] = compile_filter(full)
        by_number: dict[str, list[tuple[Compiled, bool, bool]]] = {}
        for row in rows:
            compiled = _cache.get(row.id)
            if compiled is not None:  # deleted between the two reads
                by_number.setdefault(row.phone, []).append(
                    (compiled, bool(row.inbound_bypass), bool(row.outbound_bypass))
                )
        for item in items:
            for compiled, in_bypass, out_bypass in by_number.get(item.own_number, ()):
                if item.direction == INBOUND and (not compiled.inbound or in_bypass):
                    continue
                if item.direction == OUTBOUND and (not compiled.outbound or out_bypass):
                    continue
                verdict = compiled.check(item)
                if verdict is not None:
                    verdicts[item.key] = verdict
                    if verdict.blocks:
                        break
    if timings.enabled:
        each = (time.perf_counter() - started) * 1e6 / len(items)
        timings.per_message_us.extend([each] * len(items))
    return verdicts


async def report(session: AsyncSession, verdicts: Iterable[tuple[Item, str, Verdict]], now: datetime) -> None:
    """Every trigger, in the caller's write transaction: recorded, Guardian_Alert, alert SMS (guardian/alerts.py).
    `verdicts`: (item, message id, verdict)."""
    # deferred: guardian.alerts imports messaging.jobs, which imports this module (the submit handler screens)
    from mpaas.guardian.alerts import raise_alert

    for item, message_id, verdict in verdicts:
        detail: dict[str, Any] = {
            "Action": "Blocked" if verdict.blocks else "Monitored",
            "MessageId": message_id,
            "FilterMode": verdict.mode,
        }
        if verdict.keyword is not None:
            detail.update(Keyword=verdict.keyword, Category=verdict.category, Severity=verdict.severity)
        await raise_alert(
            session,
            account_id=verdict.account_id,
            subscriber_id=verdict.subscriber_id,
            filter_id=verdict.filter_id,
            kind="message",
            direction=item.direction,
            own_number=item.own_number,
            other_number=item.other_number,
            rule=verdict.rule,
            detail=detail,
            notification_phones=verdict.notification_phones,
            now=now,
        )


def is_alert(batch_id: str | None) -> bool:
    """An alert SMS guardian/alerts.py queued (its batch id is the alert's GAID-, which no client send can have):
    never screened, since an alert must not be blocked by the filter it reports. Not by its text: a child could
    start a message with the alert's words."""
    return is_alert_batch(batch_id)


@dataclass
class Caught:
    """An outbound batch's screening: `blocked` maps message id -> (final status, ErrorCode), as the submit
    handler finishes rejected messages; `triggers` are for `report`."""

    blocked: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    triggers: list[tuple[Item, str, Verdict]] = field(default_factory=list)


NOTHING = Caught()


async def screen_outbound(session: AsyncSession, loaded: dict[str, Any]) -> Caught:
    """`loaded`: messaging.repository.submittable's answer (message id -> Submittable)."""
    items = [
        Item(m.id, OUTBOUND, m.from_number, m.to_number, m.body or "", bool(m.media))
        for m in loaded.values()
        if not is_alert(m.batch_id)
    ]
    if not items:
        return NOTHING
    verdicts = await screen(session, items)
    if not verdicts:
        return NOTHING
    caught = Caught()
    for item in items:
        verdict = verdicts.get(item.key)
        if verdict is None:
            continue
        caught.triggers.append((item, item.key, verdict))
        if verdict.blocks:
            caught.blocked[item.key] = (BLOCKED_STATUS, verdict.error_code)
    return caught


async def screen_inbound(
    session: AsyncSession, source: str, destination: str, body: str, *, has_media: bool = False
) -> tuple[Item, Verdict] | None:
    """One inbound message (to `destination`, our number): the verdict of the filter that catches it, or None."""
    item = Item("inbound", INBOUND, destination, source, body or "", has_media)
    verdict = (await screen(session, [item])).get(item.key)
    return None if verdict is None else (item, verdict)
