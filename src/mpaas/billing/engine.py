"""Billing arithmetic, pure: periods, package prices, proration, rounding. No I/O, no float.

Rules (docs/billing.md):
- A period is a calendar month in UTC, named `YYYY-MM`.
- MRC is billed in advance: a subscription active when a period starts owes that period's full MRC.
- A subscription created mid-period owes the MRC prorated over the days left, the day of creation included.
- A package change mid-period credits the old package's MRC and charges the new one's over the days left,
  the day of the change included (it belongs to the new package).
- NRC is billed once per subscription and package.
- Deleting a subscription stops future charges; the period already billed in advance is not refunded.
- Every charge is rounded on its own to the currency's minor unit (0.01) with ROUND_HALF_EVEN, so a period's
  total is within half a cent per charge of the exact prorated sum.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from mpaas.core.wire import MAX_YEAR, MIN_YEAR

MINOR_UNIT = Decimal("0.01")
ROUNDING = ROUND_HALF_EVEN
ZERO = Decimal("0")


def round_money(amount: Decimal) -> Decimal:
    return amount.quantize(MINOR_UNIT, rounding=ROUNDING)


def period_of(at: datetime) -> str:
    at = at.astimezone(UTC)
    return f"{at.year:04d}-{at.month:02d}"


def parse_period(period: str) -> tuple[int, int]:
    """`YYYY-MM` -> (year, month); ValueError otherwise."""
    try:
        year_text, month_text = period.strip().split("-")
        year, month = int(year_text), int(month_text)
    except (ValueError, AttributeError):
        raise ValueError(f"period must look like YYYY-MM (got {period!r})") from None
    # The year within core.wire's bounds: 9999-12's next month overflowed the datetime type (a 500).
    if len(year_text) != 4 or not 1 <= month <= 12 or len(month_text) != 2 or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"period must look like YYYY-MM (got {period!r})")
    return year, month


def period_start(period: str) -> datetime:
    year, month = parse_period(period)
    return datetime(year, month, 1, tzinfo=UTC)


def next_period(period: str) -> str:
    year, month = parse_period(period)
    return f"{year + (month == 12):04d}-{month % 12 + 1:02d}"


def period_end(period: str) -> datetime:
    """Exclusive end: the start of the next period."""
    return period_start(next_period(period))


def days_in(period: str) -> int:
    year, month = parse_period(period)
    return calendar.monthrange(year, month)[1]


def days_left(at: datetime) -> int:
    """Days of `at`'s period from `at`'s day to the end, that day included."""
    at = at.astimezone(UTC)
    return days_in(period_of(at)) - at.day + 1


def prorate(monthly: Decimal, days: int, period_days: int) -> Decimal:
    return round_money(monthly * days / period_days)


def opening_amount(mrc: Decimal, days: int, period_days: int) -> Decimal:
    """The in-advance MRC of a period for a subscription live for `days` of it (all of them at a run)."""
    return round_money(mrc) if days == period_days else prorate(mrc, days, period_days)


def change_amounts(old_mrc: Decimal, new_mrc: Decimal, days: int, period_days: int) -> tuple[Decimal, Decimal]:
    """A package change with `days` left: (credit of the old package, charge of the new one)."""
    return -prorate(old_mrc, days, period_days), prorate(new_mrc, days, period_days)


@dataclass(frozen=True)
class PackagePrice:
    """What a package costs: the package's own Price (monthly or one-time) plus its active items."""

    package_id: str
    name: str
    mrc: Decimal
    nrc: Decimal


def package_price(
    package_id: str, name: str, price: Decimal, monthly: bool, items: list[tuple[Decimal, bool]]
) -> PackagePrice:
    mrc = (price if monthly else ZERO) + sum((p for p, m in items if m), ZERO)
    nrc = (ZERO if monthly else price) + sum((p for p, m in items if not m), ZERO)
    return PackagePrice(package_id, name, mrc, nrc)
