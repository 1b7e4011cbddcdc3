"""One list of US state codes (numbers/us_states.py): the inventory's 50 states and DC; addresses also in a
territory."""

from __future__ import annotations

from mpaas.numbers.lifecycle.e911 import US_STATES as E911_STATES
from mpaas.numbers.us_states import STATES_AND_DC, TERRITORIES, WITH_TERRITORIES


def test_fifty_states_and_dc_and_the_territories_apart():
    assert len(STATES_AND_DC) == 51 and "DC" in STATES_AND_DC and "PR" not in STATES_AND_DC
    assert TERRITORIES.isdisjoint(STATES_AND_DC)
    assert E911_STATES == WITH_TERRITORIES and {"PR", "GU", "UT"} <= E911_STATES
