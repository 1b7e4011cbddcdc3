from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
