"""A send's media. `MmsMedia` links are kept on each message (they are short); `MmsBase64` items are stored
once in message_media, keyed by the SHA-256 of their Base64 text, and every recipient's message keeps only
`{"Sha256", "BaseType"}` references. Items are capped per item and per send (MPAAS_MMS_MAX_ITEM_BYTES,
MPAAS_MMS_MAX_SEND_BYTES, counted in decoded bytes, what a carrier would carry). Reads (search, the carrier
submit) resolve references with one query for the whole page or batch. Messages stored before references
existed keep their items inline (`{"Base64", "BaseType"}`); every reader here accepts both forms."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.carriers.base import MediaItem
from mpaas.core.db import fastmany
from mpaas.core.errors import bad_request
from mpaas.messaging.schemas import OutboundRequest
from mpaas.models import MessageMedia

MEDIA = MessageMedia.__table__


def _insert_new(insert):
    return insert(MEDIA).on_conflict_do_nothing(index_elements=[MEDIA.c.sha256])


# An item already stored (an earlier send of the same bytes) is kept as it is.
INSERT_MEDIA = {"sqlite": _insert_new(sqlite.insert), "postgresql": _insert_new(postgresql.insert)}
MEDIA_OF = select(MEDIA.c.sha256, MEDIA.c.base64).where(MEDIA.c.sha256.in_(bindparam("b_ids", expanding=True)))


@dataclass(frozen=True)
class Limits:
    item_bytes: int  # one MmsBase64 item, decoded
    send_bytes: int  # every MmsBase64 item of one send, decoded


@dataclass
class SendMedia:
    """What a send stores of its media: each recipient's `media` (references), and the items to store once."""

    stored: dict = field(default_factory=dict)  # messages.media of every recipient's message
    answer: dict = field(default_factory=dict)  # the send's answer: the items as sent
    rows: list[dict] = field(default_factory=list)  # message_media rows, one per distinct item

    @property
    def present(self) -> bool:
        return bool(self.answer)


def decoded_size(text: str) -> int:
    """The bytes `text` decodes to as Base64 (whitespace ignored); an estimate for text that is not Base64."""
    compact = "".join(text.split())
    padding = min(len(compact) - len(compact.rstrip("=")), 2)
    return max(len(compact) * 3 // 4 - padding, 0)


def prepare(body: OutboundRequest, limits: Limits, now: datetime) -> SendMedia:
    """Check the send's media against the caps and lay out its rows and references (no database)."""
    media = SendMedia()
    if body.mms_media:
        links = [{"MediaUrl": m.media_url} for m in body.mms_media]
        media.stored["MmsMedia"] = media.answer["MmsMedia"] = links
    if body.mms_base64:
        total, references, rows = 0, [], {}
        for i, item in enumerate(body.mms_base64):
            size = decoded_size(item.base64)
            if size > limits.item_bytes:
                raise bad_request(
                    f"The MmsBase64[{i}].Base64 field must hold at most {limits.item_bytes} bytes of media "
                    f"(this item has {size})."
                )
            total += size
            digest = hashlib.sha256(item.base64.encode()).hexdigest()
            references.append({"Sha256": digest, "BaseType": item.base_type})
            if digest not in rows:
                rows[digest] = {"sha256": digest, "base64": item.base64, "size": size, "created_at": now}
        if total > limits.send_bytes:
            raise bad_request(
                f"The MmsBase64 field must hold at most {limits.send_bytes} bytes of media in one send "
                f"(its items have {total})."
            )
        media.stored["MmsBase64"] = references
        media.answer["MmsBase64"] = [{"Base64": m.base64, "BaseType": m.base_type} for m in body.mms_base64]
        media.rows = list(rows.values())
    return media


async def store(session: AsyncSession, media: SendMedia) -> None:
    """In the send's write transaction: one statement for the send's distinct items, whatever the recipients."""
    if media.rows:
        await fastmany.executemany(session, INSERT_MEDIA[session.get_bind().dialect.name], media.rows)


def references(media_of_messages: Iterable[dict | None]) -> set[str]:
    return {
        item["Sha256"]
        for media in media_of_messages
        for item in (media or {}).get("MmsBase64") or ()
        if "Sha256" in item
    }


async def load(session: AsyncSession, media_of_messages: Iterable[dict | None]) -> dict[str, str]:
    """The Base64 text of every item the messages reference, by SHA-256: one query, none when there is none."""
    wanted = references(media_of_messages)
    if not wanted:
        return {}
    return {row.sha256: row.base64 for row in (await session.execute(MEDIA_OF, {"b_ids": list(wanted)})).all()}


def base64_items(media: dict | None, texts: dict[str, str]) -> list[dict]:
    """A message's `MmsBase64` as the wire shows it, references resolved with `texts` (from `load`)."""
    out = []
    for item in (media or {}).get("MmsBase64") or ():
        text = texts.get(item["Sha256"], "") if "Sha256" in item else item.get("Base64", "")
        out.append({"Base64": text, "BaseType": item.get("BaseType")})
    return out


def carrier_items(media: dict | None, texts: dict[str, str]) -> tuple[MediaItem, ...]:
    """A message's media as a carrier is handed it (carriers/base.py OutboundSms.media)."""
    links = [MediaItem(url=m["MediaUrl"]) for m in (media or {}).get("MmsMedia") or ()]
    blobs = [MediaItem(content_type=m["BaseType"], base64=m["Base64"]) for m in base64_items(media, texts)]
    return tuple(links + blobs)
