"""The number and port-order state machines (docs/numbers.md) as properties: no sequence of calls reaches a
state the machine does not allow, through the real API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mpaas.core.clock import FrozenClock
from mpaas.numbers.lifecycle import service as lifecycle
from mpaas.numbers.porting import service as porting
from support.api import OPERATOR_TOKEN, make_message_route, provision
from support.seed import add_inventory

ACTIONS = ("activate", "cancel", "park", "swap", "replace", "swap-sim", "reactivate", "age")


@given(st.sampled_from(lifecycle.STATES), st.sampled_from(sorted(lifecycle.TRANSITIONS)))
def test_transition_table_is_closed(state, action):
    target = lifecycle.next_state(state, action)
    assert target is None or target in lifecycle.STATES
    # Nothing comes back from being released or ported out except through the inventory.
    if state in (lifecycle.RELEASED, lifecycle.PORTED_OUT):
        assert target is None


@given(st.lists(st.sampled_from(sorted(porting.PORT_TRANSITIONS)), max_size=10))
def test_port_orders_never_leave_a_final_state(path):
    state, final_seen = porting.PENDING, None
    for wanted in path:
        if wanted in porting.PORT_TRANSITIONS[state]:
            state = wanted
        if final_seen is not None:
            assert state == final_seen
        if state in (porting.COMPLETE, porting.CANCELLED):
            final_seen = state


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(sorted(porting.PORT_TRANSITIONS)), min_size=1, max_size=5))
async def test_operator_reports_follow_the_port_machine(api, http, platform, clock, path):
    """Whatever the operator reports, the order only moves along PORT_TRANSITIONS (409 otherwise)."""
    platform.settings.sandbox_porting = False
    number = f"+1313639{8000 + int(clock.now().timestamp()) % 900:04d}"
    clock.advance(seconds=1)
    order_id = (
        await api.ok(
            "POST",
            "/v1.0/numbers/portin",
            json={
                "PortInNumber": number,
                "CurrentCarrierName": "Verizon",
                "CurrentAccountNumber": "1",
                "CurrentAccountPassword": "0000",
                "CurrentBillingAddress": {"Street1": "1 Main", "City": "Lehi", "State": "UT", "Zip": "84043"},
            },
        )
    )["OrderId"]
    state = porting.PENDING
    for wanted in path:
        r = await http.post(
            "/ops/v1/port-orders/status",
            json={"OrderId": order_id, "Status": wanted, "Code": "6B"},
            headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
        )
        if wanted in porting.PORT_TRANSITIONS[state]:
            assert r.status_code == 200, r.text
            state = wanted
        else:
            assert r.status_code == 409, r.text
        assert (await api.ok("GET", "/v1.0/numbers/order", params={"OrderId": order_id}))["OrderStatus"] == state


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 1, 5, 15, 0, tzinfo=UTC))


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=7))
async def test_no_sequence_of_calls_reaches_a_forbidden_state(api, platform, clock, actions):
    """Each example provisions a fresh number and applies the calls; after each one the observed state must
    be the one the table predicts (refused calls change nothing). `age` moves the clock past the aging
    period (1 day here), so a cancelled number is released and can no longer be reactivated."""
    platform.settings.number_aging_days = platform.settings.number_reactivate_days = 1
    platform.settings.number_swaps_per_period = len(ACTIONS)  # the state machine alone (allowance: test_swaps.py)
    await add_inventory(platform, 12, ["801"], seed=int(clock.now().timestamp()))
    number = (await provision(api, await make_message_route(api), AreaCode="801"))["PhoneNumberAssigned"]
    state = lifecycle.ACTIVE
    for action in actions:
        if action == "age":
            clock.advance(days=2)
            api.tokens.clear()
            platform.jobs.notify()
            if state == lifecycle.CANCELLED:
                assert await _released(api, number)
                state = lifecycle.next_state(state, "release")
                break
            continue
        if action == "reactivate":
            response = await api.post("/v1.0/numbers/reactivate", {"PhoneNumber": number})
        else:
            response = await api.post(
                "/v1.0/numbers/status",
                {
                    "StatusChange": action,
                    "EffectiveDate": "01/01/2026",
                    "AreaCode": "801",
                    "PhoneNumbers": [{"Number": number}],
                },
            )
        allowed = lifecycle.next_state(state, action)
        if allowed is None:
            assert response.status_code == 400, (state, action, response.text)
        else:
            assert response.status_code == 200, (state, action, response.text)
            if action in ("swap", "replace"):
                number = response.json()["Numbers"][0]["Number"]
            state = allowed
        assert state in lifecycle.STATES
        observed = (await api.get("/v1.0/numbers", Number=number)).json()["Status"]
        assert observed == state


async def _released(api, number) -> bool:
    for _ in range(60):
        if (await api.get("/v1.0/numbers", Number=number)).status_code == 404:
            return True
        await asyncio.sleep(0.05)
    return False
