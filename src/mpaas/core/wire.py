"""The vendor's wire format: PascalCase names, case-insensitive input, its date formats."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_pascal

from mpaas.core.errors import bad_request

# Limits every request obeys unless a field says otherwise (issue 16; docs/compatibility.md, "Limits"): no input
# may reach the database or the date arithmetic unbounded, and none answers 5xx.
TEXT_MAX_LENGTH = 255  # characters of any request string (the contract's own maxLength for most of its fields)
SAFE_INTEGER = 2**53 - 1  # any integer or number, beyond its field's own bounds: what every JSON reader keeps exact
MIN_YEAR, MAX_YEAR = 1900, 2200  # any calendar date: date arithmetic (a day more, a business day) stays in range
MAX_PAGE_NUMBER = 1_000_000  # any page number: offset = (page - 1) x size stays far inside a 64-bit integer

# Never in any string: C0 controls but tab/CR/LF, DEL, C1 controls, and unpaired surrogates (JSON's "\ud800"
# parses into a str no database driver can encode).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Not in a single-line string (every field but the few marked MultiLine): tab, CR, LF and the Unicode line breaks.
_LINE_BREAK = re.compile("[\t\n\r\u2028\u2029]")


class MultiLine:
    """Marks a request field whose text may hold line breaks and tabs (a message body, a description):
    `Annotated[str, MULTILINE]`. Every other string is single-line."""


MULTILINE = MultiLine()


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` may not be stored, or None."""
    if _SURROGATE.search(value):
        return "must be valid Unicode text (it holds an unpaired surrogate)"
    if "\x00" in value:
        return "must not contain NUL characters"
    if _CONTROL.search(value):
        return "must not contain control characters"
    if not multiline and _LINE_BREAK.search(value):
        return "must be a single line (no line breaks, tabs or control characters)"
    return None


def _hostile(value: Any, multiline: bool) -> str | None:
    """The first reason a raw JSON value cannot be accepted, whatever its field: bad text in it or in a list of
    it, an integer or number past SAFE_INTEGER, a non-finite number. An object's keys are checked, its values
    are not: every object a request holds is a WireModel of its own, which checks them field by field (a
    MULTILINE field inside a list item keeps its line breaks)."""
    if isinstance(value, str):
        return text_problem(value, multiline=multiline)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return None if -SAFE_INTEGER <= value <= SAFE_INTEGER else f"must be between {-SAFE_INTEGER} and {SAFE_INTEGER}"
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) > SAFE_INTEGER:
            return f"must be a finite number between {-SAFE_INTEGER} and {SAFE_INTEGER}"
        return None
    if isinstance(value, (list, tuple)):
        for item in value:
            if problem := _hostile(item, multiline):
                return problem
        return None
    if isinstance(value, dict):
        for key in value:
            if problem := _hostile(key, False):
                return problem
    return None


def check_date(value: date, field: str) -> date:
    """A parsed calendar date within MIN_YEAR..MAX_YEAR, or a 400 naming the field."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise bad_request(f"The {field} field must be a date between the years {MIN_YEAR} and {MAX_YEAR}.")
    return value


def _bounded_datetime(value: datetime) -> datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"must be a time between the years {MIN_YEAR} and {MAX_YEAR}")
    return value


# A date-time field of a request: within MIN_YEAR..MAX_YEAR, like every calendar date.
WireDateTime = Annotated[datetime, AfterValidator(_bounded_datetime)]


def blank_as_none(value: Any) -> Any:
    """An optional string's before-validator: blank (or only spaces) counts as absent."""
    return (value.strip() or None) if isinstance(value, str) else value


# An optional multi-line text of at most 1000 or 4000 characters (descriptions, header manipulation scripts).
MultiLineText1000 = Annotated[Annotated[str, Field(max_length=1000)] | None, BeforeValidator(blank_as_none), MULTILINE]
MultiLineText4000 = Annotated[Annotated[str, Field(max_length=4000)] | None, BeforeValidator(blank_as_none), MULTILINE]


# Per request model: its wire names by their lower case (aliases and x-aliases) and its MULTILINE fields. Read from
# the model's fields once: the validators below run for every field of every request, and reading `model_fields`
# each time was most of a small body's validation (issue 20).
_NAMES: dict[type, tuple[dict[str, str], frozenset[str]]] = {}


def _names(model: type[BaseModel]) -> tuple[dict[str, str], frozenset[str]]:
    names = _NAMES.get(model)
    if names is None:
        by_lower: dict[str, str] = {}
        multiline = set()
        for name, field in model.model_fields.items():
            wire = field.alias or name
            by_lower[wire.lower()] = wire
            extra = field.json_schema_extra
            for alias in extra.get("x-aliases", []) if isinstance(extra, dict) else []:
                by_lower[alias.lower()] = wire
            if any(isinstance(m, MultiLine) for m in field.metadata):
                multiline.add(name)
        names = _NAMES[model] = (by_lower, frozenset(multiline))
    return names


class WireModel(BaseModel):
    """A request body. Names are matched case-insensitively, as the vendor's ASP.NET server does.

    Every string is at most TEXT_MAX_LENGTH characters unless its field sets its own `max_length`, holds no
    control characters or unpaired surrogates, and is a single line unless its field is marked MULTILINE;
    every integer and number is within SAFE_INTEGER (fields set tighter bounds of their own). A value that
    breaks one is refused with 400 naming the field."""

    model_config = ConfigDict(
        alias_generator=to_pascal, populate_by_name=True, extra="ignore", str_max_length=TEXT_MAX_LENGTH
    )

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_hostile_values(cls, value: Any, info: ValidationInfo) -> Any:
        if problem := _hostile(value, (info.field_name or "") in _names(cls)[1]):
            raise ValueError(problem)
        return value

    @model_validator(mode="before")
    @classmethod
    def _match_names_case_insensitively(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        by_lower = _names(cls)[0]
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


@lru_cache(maxsize=1024)
def money(value: Decimal) -> float | int:
    """Money leaves as a JSON number (the contract shows 0.0045); computed as Decimal throughout. Kept per value:
    every status callback formats its message's cost, and a platform's costs are a handful of values."""
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
