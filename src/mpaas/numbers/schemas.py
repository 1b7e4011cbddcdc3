"""Wire shapes shared by the numbers sub-packages: the field checks (area code, ZIP, ICCID, product type) and
a number named in a list. Each sub-package's own requests and responses live in its `schemas.py`."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from mpaas.core.wire import Optional, WireModel, WireResponse

PRODUCT_TYPES = ("Sms-Only", "Data-Only", "Sms+Data", "Sms+Data+Voice")
VOICE_PRODUCT = "Sms+Data+Voice"  # the only ProductType that carries voice (issue 17)


def voice_needs_product(voice_enabled: bool, product_type: str | None) -> str | None:
    """The refusal for VoiceEnabled on a number whose ProductType has no voice, or None when they agree."""
    if voice_enabled and product_type and product_type != VOICE_PRODUCT:
        return (
            f"VoiceEnabled needs ProductType {VOICE_PRODUCT}; a {product_type} number has no voice. "
            f"Send VoiceEnabled false or ProductType {VOICE_PRODUCT}."
        )
    return None


def _area_code(value: str | None) -> str | None:
    if value is None:
        return None
    if not re.fullmatch(r"[2-9]\d\d", value):
        raise ValueError("must be a 3-digit US area code")
    return value


def _zip(value: str | None) -> str | None:
    if value is None:
        return None
    if not re.fullmatch(r"\d{5}", value):
        raise ValueError("must be a 5-digit ZIP code")
    return value


def _iccid(value: str | None) -> str | None:
    if value is None:
        return None
    if not re.fullmatch(r"89\d{16,18}[0-9A-Za-z]?", value) or not 19 <= len(value) <= 20:
        raise ValueError("must be a 19- or 20-character ICCID starting with 89")
    return value


AreaCode = Annotated[Optional, AfterValidator(_area_code)]
ZipCode = Annotated[Optional, AfterValidator(_zip)]
Iccid = Annotated[Optional, AfterValidator(_iccid)]


class NumberItem(WireModel):
    number: str = Field(alias="Number", examples=["+18015551234"])


class NumberEntry(WireResponse):
    """`{"Number": "+18015551234"}`, as lists of numbers appear in answers."""

    number: str
