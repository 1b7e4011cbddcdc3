"""Billing arithmetic as properties: proration adds up within the rounding rule; periods are well formed."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from mpaas.billing import engine

prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("9999.99"), places=2)
periods = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(2000, 2100), st.integers(1, 12))


@settings(max_examples=300, deadline=None)
@given(period=periods, first=prices, data=st.data())
def test_prorated_changes_add_up_to_the_exact_total(period, first, data):
    """For any sequence of package changes in a period (the subscription created on any day), the charges the
    engine writes sum to the exact prorated value within half a minor unit per charge."""
    total_days = engine.days_in(period)
    start_day = data.draw(st.integers(1, total_days))
    changes = data.draw(st.lists(st.tuples(st.integers(start_day, total_days), prices), max_size=6))
    changes.sort(key=lambda c: c[0])
    charges = [engine.opening_amount(first, total_days - start_day + 1, total_days)]
    exact = Decimal(0)
    current, since = first, start_day
    for day, new in changes:
        left = total_days - day + 1
        credit, charge = engine.change_amounts(current, new, left, total_days)
        charges += [credit, charge]
        exact += current * (day - since) / total_days
        current, since = new, day
    exact += current * (total_days - since + 1) / total_days
    assert all(c == c.quantize(engine.MINOR_UNIT) for c in charges)
    assert abs(sum(charges) - exact) <= Decimal("0.005") * len(charges)


@given(price=prices, period=periods)
def test_a_whole_period_costs_exactly_the_mrc(price, period):
    assert engine.opening_amount(price, engine.days_in(period), engine.days_in(period)) == price


@given(period=periods)
def test_period_arithmetic(period):
    start, end = engine.period_start(period), engine.period_end(period)
    assert engine.period_of(start) == period and engine.period_of(end) == engine.next_period(period)
    assert (end - start).days == engine.days_in(period)
    assert engine.days_left(start) == engine.days_in(period)


def test_rounding_rule_is_half_even_to_cents():
    assert engine.round_money(Decimal("0.125")) == Decimal("0.12")
    assert engine.round_money(Decimal("0.135")) == Decimal("0.14")
    assert engine.prorate(Decimal("10"), 22, 31) == Decimal("7.10")
    assert engine.days_left(datetime(2026, 1, 10, 23, tzinfo=UTC)) == 22


def test_bad_periods_are_refused():
    for bad in ("2026-13", "2026-1", "26-01", "x", "2026/01"):
        try:
            engine.parse_period(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_package_price_splits_mrc_and_nrc():
    price = engine.package_price("PID-1", "P", Decimal("10"), True, [(Decimal("1.12"), False), (Decimal("2"), True)])
    assert (price.mrc, price.nrc) == (Decimal("12"), Decimal("1.12"))
