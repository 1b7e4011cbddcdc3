"""Resource identifiers: `PREFIX-<uuid4>` (telegent-api.md §1.4)."""

from __future__ import annotations

import uuid

DISTRIBUTOR = "DID"
ACCOUNT = "AID"
SUBSCRIBER = "TSUID"
PHONE_NUMBER = "NID"
MESSAGE_ROUTE = "MRID"
VOICE_ROUTE = "CRID"
NUMBER_ORDER = "JNUOID"
MESSAGE = "TMID"
EVENT = "EVT"


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4()}"


def has_prefix(value: str | None, *prefixes: str) -> bool:
    """IDs are validated by prefix only: the vendor's own samples carry odd bodies."""
    if not value:
        return False
    head = value.split("-", 1)[0].upper()
    return head in {p.upper() for p in prefixes}
