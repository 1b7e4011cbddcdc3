"""How many SMS segments a body needs, in GSM-7 when it can be, else UCS-2 (3GPP TS 23.038).

GSM-7: 160 septets alone, 153 per part with a concatenation header; extension-table characters
take two septets and an escape pair is never split across parts. UCS-2: 70 UTF-16 code units alone,
67 per part; a surrogate pair is never split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("\f^{}\\[~]|€")

# Characters that sit at their ASCII code in the GSM-7 default alphabet and take one septet: most text is
# only these, and it can be counted, encoded and decoded without a per-character table lookup. ($, @, _ and
# ` are elsewhere in GSM-7; [ \\ ] ^ { | } ~ are extension characters.)
PLAIN_GSM7 = re.compile(r"[\n\r !\"#%-?A-Za-z]*")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@dataclass(frozen=True)
class SegmentPlan:
    encoding: str  # "GSM7" | "UCS2"
    parts: list[str]

    @property
    def count(self) -> int:
        return len(self.parts)


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _units(ch: str, encoding: str) -> int:
    if encoding == "GSM7":
        return 2 if ch in GSM7_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1  # astral characters are a surrogate pair in UTF-16


def _split(text: str, encoding: str, single: int, part: int) -> list[str]:
    if sum(_units(ch, encoding) for ch in text) <= single:
        return [text]
    parts, current, used = [], [], 0
    for ch in text:  # whole characters only: an escape pair or surrogate pair stays together
        size = _units(ch, encoding)
        if used + size > part:
            parts.append("".join(current))
            current, used = [], 0
        current.append(ch)
        used += size
    if current:
        parts.append("".join(current))
    return parts


def plan(text: str) -> SegmentPlan:
    if PLAIN_GSM7.fullmatch(text):  # one septet per character: the same split, without counting each
        if len(text) <= GSM7_SINGLE:
            return SegmentPlan("GSM7", [text])
        return SegmentPlan("GSM7", [text[i : i + GSM7_PART] for i in range(0, len(text), GSM7_PART)])
    if is_gsm7(text):
        return SegmentPlan("GSM7", _split(text, "GSM7", GSM7_SINGLE, GSM7_PART))
    return SegmentPlan("UCS2", _split(text, "UCS2", UCS2_SINGLE, UCS2_PART))
