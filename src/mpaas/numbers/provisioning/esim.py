"""eSIM issuance for numbers provisioned without a physical SIM: an ICCID and an LPA activation code."""

from __future__ import annotations

import secrets

# 89 = telecom, 1 = North America country code, 01 = issuer; the rest is a serial and a Luhn digit.
ICCID_PREFIX = "89101"


def luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def new_iccid() -> str:
    body = ICCID_PREFIX + "".join(secrets.choice("0123456789") for _ in range(13))
    return body + luhn_digit(body)


def activation_code(smdp_address: str) -> str:
    """GSMA SGP.22 activation code: `LPA:1$<SM-DP+ address>$<matching id>`, what the QR code encodes."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    matching = "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))
    return f"LPA:1${smdp_address}${matching}"
