"""SMS text on the wire: GSM-7 (3GPP TS 23.038, with the extension table) or UCS-2, chosen per message,
split into concatenated parts with a UDH, and MO parts reassembled.

Segmentation is `segments.plan()` (carriers/segments.py; messaging prices a send by the same plan): 160/153
septets in GSM-7 (extension characters take two), 70/67 UTF-16 units in UCS-2; an escape pair or a surrogate
pair is never split. Over SMPP GSM-7 goes unpacked (one septet per octet, data_coding 0), as SMSCs expect.
"""

from __future__ import annotations

import functools
import itertools
import re
import time
from dataclasses import dataclass, field

from mpaas.carriers import segments

DATA_CODING_GSM7 = 0x00
DATA_CODING_LATIN1 = 0x03
DATA_CODING_UCS2 = 0x08
ESM_UDHI = 0x40
ESCAPE = 0x1B

# GSM 03.38 default alphabet, code point = index; 0x1B is the escape to the extension table.
GSM7_TABLE = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
assert len(GSM7_TABLE) == 128
GSM7_EXT_TABLE = {
    0x0A: "\f",
    0x14: "^",
    0x28: "{",
    0x29: "}",
    0x2F: "\\",
    0x3C: "[",
    0x3D: "~",
    0x3E: "]",
    0x40: "|",
    0x65: "€",
}
_ENC_BASIC = {ch: i for i, ch in enumerate(GSM7_TABLE) if i != ESCAPE}
_ENC_EXT = {ch: code for code, ch in GSM7_EXT_TABLE.items()}


class EncodingError(ValueError):
    pass


# Septets 0x0A, 0x0D, 0x20-0x23, 0x25-0x3F, 0x41-0x5A and 0x61-0x7A are the same characters as in ASCII
# (segments.PLAIN_GSM7): such text and payloads convert in one C call.
_PLAIN_SEPTETS = re.compile(rb"[\n\r !\"#%-?A-Za-z]*")


def gsm7_encode(text: str) -> bytes:
    if segments.PLAIN_GSM7.fullmatch(text):
        return text.encode("ascii")
    out = bytearray()
    for ch in text:
        code = _ENC_BASIC.get(ch)
        if code is not None:
            out.append(code)
            continue
        ext = _ENC_EXT.get(ch)
        if ext is None:
            raise EncodingError(f"character {ch!r} is not in the GSM-7 alphabet")
        out += bytes((ESCAPE, ext))
    return bytes(out)


def gsm7_decode(data: bytes) -> str:
    if _PLAIN_SEPTETS.fullmatch(data):
        return data.decode("ascii")
    out, escaped = [], False
    for b in data:
        b &= 0x7F
        if escaped:
            # Unknown extension codes fall back to the basic character (23.038 recommendation).
            out.append(GSM7_EXT_TABLE.get(b, GSM7_TABLE[b] if b != ESCAPE else " "))
            escaped = False
        elif b == ESCAPE:
            escaped = True
        else:
            out.append(GSM7_TABLE[b])
    if escaped:
        out.append(" ")  # a dangling escape: the spec shows it as a space
    return "".join(out)


def ucs2_encode(text: str) -> bytes:
    return text.encode("utf-16-be")  # astral characters become surrogate pairs


def ucs2_decode(data: bytes) -> str:
    if len(data) % 2:
        data = data[:-1]
    return data.decode("utf-16-be", errors="replace")


def decode(data: bytes, data_coding: int) -> str:
    """Decode a short_message payload by its data_coding (UDH already removed)."""
    dcs = data_coding & 0xFF
    if dcs == DATA_CODING_UCS2:
        return ucs2_decode(data)
    if dcs == 0x01:
        return data.decode("ascii", errors="replace")
    if dcs in (0x02, 0x03, 0x04):  # binary or Latin-1: keep the octets visible
        return data.decode("latin-1")
    if dcs & 0xC0 == 0 and dcs >= 0x10:  # GSM 03.38 general data coding group: alphabet in bits 2-3
        alphabet = (dcs >> 2) & 0x03
        return ucs2_decode(data) if alphabet == 2 else data.decode("latin-1") if alphabet == 1 else gsm7_decode(data)
    if dcs & 0xF0 == 0xF0:
        return data.decode("latin-1") if dcs & 0x04 else gsm7_decode(data)
    return gsm7_decode(data)


@dataclass(frozen=True)
class EncodedSms:
    encoding: str  # "GSM7" | "UCS2"
    data_coding: int
    esm_class: int  # ESM_UDHI when parts carry a UDH
    parts: tuple[bytes, ...]  # each a short_message, UDH included
    texts: tuple[str, ...]  # the text of each part

    @property
    def count(self) -> int:
        return len(self.parts)


_ref_counter = itertools.count(int(time.time()) & 0xFF)


def next_reference() -> int:
    return next(_ref_counter) & 0xFF


def concat_udh(ref: int, total: int, seq: int) -> bytes:
    """`05 00 03 ref total seq`: information element 0x00, 8-bit reference."""
    return bytes((0x05, 0x00, 0x03, ref & 0xFF, total, seq))


def encode_message(text: str, reference: int | None = None) -> EncodedSms:
    """GSM-7 when every character allows it, else UCS-2; one part, or several with a concatenation UDH."""
    name, dcs, payloads, texts = _encoded(text)
    if len(payloads) == 1:
        return EncodedSms(name, dcs, 0, payloads, texts)
    if len(payloads) > 255:
        raise EncodingError("message too long: more than 255 parts")
    ref = next_reference() if reference is None else reference
    total = len(payloads)
    parts = tuple(concat_udh(ref, total, i + 1) + p for i, p in enumerate(payloads))
    return EncodedSms(name, dcs, ESM_UDHI, parts, texts)


@functools.lru_cache(maxsize=1024)
def _encoded(text: str) -> tuple[str, int, tuple[bytes, ...], tuple[str, ...]]:
    """(encoding, data_coding, payloads, texts) of `text`, without UDH: kept per body, since a send's recipients
    share theirs and its submits came one after another (segmenting and encoding each was a twentieth of the
    gateway's time in bench/pipeline.py's profile). Only what is the same for every message of that body."""
    plan = segments.plan(text)
    encode = gsm7_encode if plan.encoding == "GSM7" else ucs2_encode
    dcs = DATA_CODING_GSM7 if plan.encoding == "GSM7" else DATA_CODING_UCS2
    return plan.encoding, dcs, tuple(encode(p) for p in plan.parts), tuple(plan.parts)


@dataclass(frozen=True)
class Concat:
    reference: int
    total: int
    seq: int


def split_udh(short_message: bytes) -> tuple[Concat | None, bytes]:
    """Strip a UDH (the caller checked esm_class UDHI) and return its concatenation IE (8- or 16-bit ref)."""
    if not short_message:
        return None, b""
    udhl = short_message[0]
    header, payload = short_message[1 : 1 + udhl], short_message[1 + udhl :]
    i, concat = 0, None
    while i + 1 < len(header):
        iei, iel = header[i], header[i + 1]
        data = header[i + 2 : i + 2 + iel]
        if iei == 0x00 and iel == 3 and len(data) == 3:
            concat = Concat(data[0], data[1], data[2])
        elif iei == 0x08 and iel == 4 and len(data) == 4:
            concat = Concat((data[0] << 8) | data[1], data[2], data[3])
        i += 2 + iel
    return concat, payload


@dataclass
class _Pending:
    parts: dict[int, bytes] = field(default_factory=dict)
    data_coding: int = 0
    started: float = 0.0


class Reassembler:
    """Collects concatenated MO parts (UDH 8/16-bit references or SAR TLVs) and yields whole messages.

    Parts are joined as raw octets before decoding, so a surrogate pair or escape split by a careless sender
    still decodes. Incomplete messages are dropped after `ttl_seconds`."""

    def __init__(self, ttl_seconds: float = 600.0, clock=time.monotonic):
        self.ttl_seconds = ttl_seconds
        self.clock = clock
        self._pending: dict[tuple, _Pending] = {}

    def add(self, source: str, destination: str, concat: Concat | None, payload: bytes, data_coding: int) -> str | None:
        """Returns the full text once every part is in, else None."""
        if concat is None or concat.total <= 1:
            return decode(payload, data_coding)
        now = self.clock()
        self._expire(now)
        key = (source, destination, concat.reference, concat.total)
        pending = self._pending.setdefault(key, _Pending(data_coding=data_coding, started=now))
        pending.parts[concat.seq] = payload
        if len(pending.parts) < concat.total or any(s not in pending.parts for s in range(1, concat.total + 1)):
            return None
        del self._pending[key]
        joined = b"".join(pending.parts[s] for s in range(1, concat.total + 1))
        return decode(joined, pending.data_coding)

    def _expire(self, now: float) -> None:
        for key in [k for k, p in self._pending.items() if now - p.started > self.ttl_seconds]:
            del self._pending[key]

    @property
    def pending_count(self) -> int:
        return len(self._pending)
