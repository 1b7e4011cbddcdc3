import random
from decimal import Decimal

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mpaas.core import phone
from mpaas.core.phone import normalize_e164
from mpaas.models.base import Money


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("+18015737111", "+18015737111"),
        ("18015737111", "+18015737111"),
        (" +1 801 573 7111 ", "+18015737111"),
        ("+442071234567", "+442071234567"),
        ("+15555551234", "+15555551234"),  # the NANP's shape, area code unassigned: the vendor's port-in sample
        ("+11234567890", None),  # an area code cannot start with 1
        ("+1234", None),
        ("", None),
        ("hello", None),
    ],
)
def test_normalize(raw, expected):
    assert normalize_e164(raw) == expected


@given(st.decimals(min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=6, allow_nan=False))
def test_money_round_trips_exactly(value):
    column = Money()
    stored = column.process_bind_param(value, None)
    assert isinstance(stored, int)
    assert column.process_result_value(stored, None) == value


def _normalized_by_phonenumbers(value: str) -> str | None:
    """normalize_e164 without its shortcut for canonical NANP numbers: phonenumbers' parse, format and validity."""
    raw = value.strip()
    raw = raw if raw.startswith("+") else "+" + raw
    try:
        parsed = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        return None
    number = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return number if phonenumbers.is_valid_number(parsed) or phone._NANP_SHAPE.match(number) else None


def test_the_canonical_nanp_shortcut_answers_as_phonenumbers_does():
    rng = random.Random(20)
    values = [
        f"{rng.choice(['+1', '1', ' +1'])}{rng.randint(2, 9)}{rng.randint(0, 99):02d}{rng.randint(2, 9)}"
        f"{rng.randint(0, 999999):06d}"
        for _ in range(2000)
    ]
    values += ["+1212５551234", "+１2125551234", "1212555123４", "+12125551234\n", "+1212555123", "+121255512345"]
    values += ["+11125551234", "+12121551234", "+1 212 555 1234", "+1(212)5551234", "\u0661" * 11]
    for value in values:
        assert normalize_e164.__wrapped__(value) == _normalized_by_phonenumbers(value), value
