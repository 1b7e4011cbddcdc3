"""One list of US state codes (numbers/us_states.py): the inventory's 50 states and DC; addresses also in a
territory."""

from __future__ import annotations

from mpaas.numbers.us_states import ADDRESS_ZIP, STATES_AND_DC, TERRITORIES, WITH_TERRITORIES


def test_fifty_states_and_dc_and_the_territories_apart():
    assert len(STATES_AND_DC) == 51 and "DC" in STATES_AND_DC and "PR" not in STATES_AND_DC
    assert TERRITORIES.isdisjoint(STATES_AND_DC)
    assert {"PR", "GU", "UT"} <= WITH_TERRITORIES


def test_an_address_zip_is_five_digits_or_zip_plus_four():
    assert ADDRESS_ZIP.fullmatch("84043") and ADDRESS_ZIP.fullmatch("84043-6330")
    assert not ADDRESS_ZIP.fullmatch("8404") and not ADDRESS_ZIP.fullmatch("84043-63")
