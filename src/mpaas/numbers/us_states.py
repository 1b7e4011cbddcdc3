"""US state codes (USPS) and the ZIP code form, one of each for every part that checks them: the inventory holds
numbers of the 50 states and DC; an address (E911, a port-in's billing address) may also be in a territory, and its
ZIP is 5 digits or ZIP+4."""

from __future__ import annotations

import re

STATES_AND_DC = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
    ]
)
TERRITORIES = frozenset({"AS", "GU", "MP", "PR", "VI"})
WITH_TERRITORIES = STATES_AND_DC | TERRITORIES
ADDRESS_ZIP = re.compile(r"^\d{5}(-\d{4})?$")  # 84043 or 84043-6330
