"""The vendor's wire format: PascalCase names, case-insensitive input, its date formats."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_pascal


class WireModel(BaseModel):
    """A request body. Names are matched case-insensitively, as the vendor's ASP.NET server does."""

    model_config = ConfigDict(alias_generator=to_pascal, populate_by_name=True, extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _match_names_case_insensitively(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        by_lower = {}
        for name, field in cls.model_fields.items():
            wire = field.alias or name
            by_lower[wire.lower()] = wire
            for extra in (
                (field.json_schema_extra or {}).get("x-aliases", [])
                if isinstance(field.json_schema_extra, dict)
                else []
            ):
                by_lower[extra.lower()] = wire
        out: dict[str, Any] = {}
        for key, value in data.items():
            canonical = by_lower.get(str(key).lower(), key)
            # An exact-cased key wins over a differently cased duplicate.
            if canonical in out and key != canonical:
                continue
            out[canonical] = value
        return out


class WireResponse(BaseModel):
    """A response body: the contract's names (PascalCase by default, an explicit alias where the contract
    spells a name otherwise), serialized by alias. `extra="forbid"`: a presenter that returns a field its
    model does not declare fails in the tests, instead of the field silently vanishing from the wire.

    Handlers return the presenter's dict and name the model as their return type; FastAPI validates the dict
    against it and the OpenAPI document shows it. Field types keep values as they are: money is `Money`
    (an int stays an int on the wire), and a shape the contract leaves open is `Any`."""

    model_config = ConfigDict(alias_generator=to_pascal, populate_by_name=True, extra="forbid")


Money = int | float  # what `money()` returns: 0 stays 0, 0.0045 stays 0.0045


def one_of(*allowed: str, case_insensitive: bool = True):
    """A string restricted to `allowed`, canonicalized to the contract's spelling."""
    canonical = {a.lower(): a for a in allowed}

    def check(value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError(f"must be one of: {', '.join(allowed)}")
        key = value.strip().lower() if case_insensitive else value
        if case_insensitive and key in canonical:
            return canonical[key]
        if not case_insensitive and value in allowed:
            return value
        raise ValueError(f"must be one of: {', '.join(allowed)}")

    return BeforeValidator(check)


def _strict_bool(value: Any) -> Any:
    # The vendor's own examples sometimes send booleans as strings ("true").
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if value is None or isinstance(value, bool):
        return value
    raise ValueError("must be true or false")


WireBool = Annotated[bool, BeforeValidator(_strict_bool)]


def token_expiry(value: datetime) -> str:
    """`05/02/2025 06:36:13 PM` (UTC)."""
    return value.strftime("%m/%d/%Y %I:%M:%S %p")


def iso(value: datetime | None) -> str | None:
    """`2025-10-29T12:36:19.338438+00:00`."""
    return value.isoformat() if value else None


def iso_local(value: datetime | None) -> str | None:
    """`2025-05-15T20:15:37.157` (UTC, no offset, milliseconds), as message details shows it."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}" if value else None


def money(value: Decimal) -> float | int:
    """Money leaves as a JSON number (the contract shows 0.0045); computed as Decimal throughout."""
    normalized = value.normalize()
    return int(normalized) if normalized == normalized.to_integral_value() else float(normalized)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


# A required string: blank counts as missing ("The X field is required.").
Required = Annotated[str, BeforeValidator(_strip), Field(min_length=1)]
# An optional string: blank counts as absent.
Optional = Annotated[str | None, BeforeValidator(lambda v: (_strip(v) or None) if isinstance(v, str) else v)]


def OptionalText(max_length: int):
    """An optional string of at most `max_length` characters; blank counts as absent.

    Use this rather than `Annotated[Optional, Field(max_length=n)]`: there the length constraint lands on
    `str | None` and an explicit JSON null makes pydantic raise TypeError (a 500) instead of accepting it."""
    return Annotated[
        Annotated[str, Field(max_length=max_length)] | None,
        BeforeValidator(lambda v: (_strip(v) or None) if isinstance(v, str) else v),
    ]
