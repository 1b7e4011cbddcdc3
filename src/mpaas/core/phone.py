"""E.164 parsing and validation (phonenumbers)."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from mpaas.core.errors import bad_request, required

_E164_SHAPE = re.compile(r"^\+[1-9]\d{1,14}$")


def is_e164_shape(value: str) -> bool:
    return bool(_E164_SHAPE.match(value or ""))


@lru_cache(maxsize=32_768)
def normalize_e164(value: str) -> str | None:
    """Return the canonical E.164 form of a valid number, else None. A missing '+' is tolerated
    for 11-digit NANP numbers (carriers and legacy clients send `18015551234`). A number of the NANP's shape
    that the numbering data lists as unassigned is valid too (the vendor's sample `+15555551234`, area code
    555): another carrier may hold it, it may be ported in, and then it is one of ours (issue 17).

    Cached: parsing and validating against phonenumbers' metadata costs ~36 us, and the same numbers come
    back all the time (a sender's own number on every send, recipients of recurring traffic, inbound
    counterparts). A pure function of its argument, so the cache changes no answer."""
    raw = (value or "").strip()
    if not raw:
        return None
    if not raw.startswith("+"):
        raw = "+" + raw
    if _CANONICAL_NANP.fullmatch(raw):
        # Already canonical: phonenumbers parses it to country code 1 and these ten digits (no national prefix to
        # strip: they start with 2-9) and formats it back unchanged, and the NANP's shape is accepted below. Most
        # traffic is NANP, and a send's recipients are mostly new to the cache (~36 us each: issue 20's profile).
        return raw
    try:
        parsed = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        return None
    number = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.is_valid_number(parsed) or _NANP_SHAPE.match(number):
        return number
    return None


# The North American Numbering Plan's shape: +1, an area code and an exchange that start with 2-9, four digits.
_NANP_SHAPE = re.compile(r"^\+1[2-9]\d{2}[2-9]\d{6}$")
# The same shape in ASCII digits only (`\d` matches any Unicode digit, which phonenumbers turns into ASCII).
_CANONICAL_NANP = re.compile(r"\+1[2-9][0-9]{2}[2-9][0-9]{6}")


def normalize_portable(value: str | None) -> str | None:
    """The E.164 form of a number another carrier may hold (a port-in's number): as normalize_e164."""
    return normalize_e164(value or "")


def required_e164(raw: str | None, field: str) -> str:
    """The E.164 form of a request field that must hold a phone number, or the 400 that names the field."""
    if not raw:
        raise required(field)
    number = normalize_e164(raw)
    if number is None:
        raise bad_request(f"The {field} field must be an E.164 number such as +18015551234.")
    return number
