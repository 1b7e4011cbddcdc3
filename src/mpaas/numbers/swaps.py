"""The swap allowance: how many swaps (`swap`, `replace`, `swap-sim`) a number has left, and when that resets.

The contract's number records carry `SwapsRemaining` and `NextSwapResetDate` but give no allowance; mpaas
allows `MPAAS_NUMBER_SWAPS_PER_PERIOD` swaps (2) per `MPAAS_NUMBER_SWAP_PERIOD_DAYS` (30), in periods that run
from the number's purchase (`created_at`, kept through a swap to a new number), so the reset date is the same
time of day each period, as in the vendor's examples. A row keeps the swaps used in the period of its last
swap; a later period starts from none without anything being written (docs/numbers.md, Swaps)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mpaas.config import Settings
from mpaas.core.clock import as_utc
from mpaas.core.errors import bad_request
from mpaas.core.wire import iso_local
from mpaas.models import PhoneNumber


@dataclass(frozen=True)
class SwapAllowance:
    per_period: int
    period: timedelta

    @classmethod
    def of(cls, s: Settings) -> SwapAllowance:
        return cls(s.number_swaps_per_period, timedelta(days=s.number_swap_period_days))

    @property
    def days(self) -> float:
        return self.period / timedelta(days=1)

    def period_start(self, row: PhoneNumber, now: datetime) -> datetime:
        anchor = as_utc(row.created_at)
        if now <= anchor:
            return anchor
        return anchor + ((now - anchor) // self.period) * self.period

    def next_reset(self, row: PhoneNumber, now: datetime) -> datetime:
        """`NextSwapResetDate`: the end of the period `now` is in."""
        return self.period_start(row, now) + self.period

    def used(self, row: PhoneNumber, now: datetime) -> int:
        last = row.last_swap_at
        return (row.swaps_used or 0) if last is not None and as_utc(last) >= self.period_start(row, now) else 0

    def remaining(self, row: PhoneNumber, now: datetime) -> int:
        """`SwapsRemaining`."""
        return max(0, self.per_period - self.used(row, now))

    def check(self, row: PhoneNumber, now: datetime) -> None:
        """Refuse (400) a swap of a number with none left, saying when the next one is possible."""
        if self.remaining(row, now) > 0:
            return
        if self.per_period == 0:
            raise bad_request(f"No swaps remaining for {row.number}: this server allows no swaps.")
        allowance = f"{self.per_period} swap{'s' if self.per_period > 1 else ''} per {self.days:g} days"
        raise bad_request(
            f"No swaps remaining for {row.number}: its {allowance} {'are' if self.per_period > 1 else 'is'} used; "
            f"the next swap is possible from {iso_local(self.next_reset(row, now))} (NextSwapResetDate)."
        )

    def take(self, row: PhoneNumber, now: datetime) -> None:
        """Count one swap of `row` (refused when none is left)."""
        self.check(row, now)
        row.swaps_used, row.last_swap_at = self.used(row, now) + 1, now
