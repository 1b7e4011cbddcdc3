"""The swap allowance: number records show `SwapsRemaining` and `NextSwapResetDate` (details and inventory, as
the contract's examples do), each swap, replace or swap-sim takes one, the allowance comes back at the reset
date, and a swap with none left is refused. Also the `NumberType` spelling of those two responses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mpaas.core.clock import FrozenClock
from mpaas.numbers.lifecycle import service as lifecycle
from support.api import make_message_route, provision

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run

START = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


async def _number(api) -> str:
    return (await provision(api, await make_message_route(api), AreaCode="801"))["PhoneNumberAssigned"]


async def _details(api, number: str) -> dict:
    return await api.ok("GET", "/v1.0/numbers", params={"Number": number})


async def _status(api, change: str, number: str):
    return await api.post(
        "/v1.0/numbers/status",
        {"StatusChange": change, "EffectiveDate": "01/01/2026", "PhoneNumbers": [{"Number": number}]},
    )


async def test_details_and_inventory_show_the_allowance(api, numbers):
    number = await _number(api)
    details = await _details(api, number)
    assert details["SwapsRemaining"] == 2
    assert details["NextSwapResetDate"] == "2026-04-09T15:00:00.000"  # 30 days after purchase, as the example
    listed = (await api.ok("GET", "/v1.0/numbers/inventory"))["PhoneNumbers"][0]
    assert listed["SwapsRemaining"] == 2 and listed["NextSwapResetDate"] == details["NextSwapResetDate"]


async def test_number_type_is_spelled_as_the_examples(api, numbers):
    """Details shows `"NumberType":"Mobile"`, inventory `"mobile"`; `Classification` keeps MVNO/IoT."""
    number = await _number(api)
    details = await _details(api, number)
    assert details["NumberType"] == "Mobile" and details["Classification"] == "MVNO"
    listed = (await api.ok("GET", "/v1.0/numbers/inventory"))["PhoneNumbers"][0]
    assert listed["NumberType"] == "mobile" and listed["Classification"] == "MVNO"


async def test_swaps_count_down_are_refused_at_zero_and_reset(api, numbers, clock):
    number = await _number(api)
    swapped = (await _status(api, "swap", number)).json()["Numbers"][0]["Number"]
    assert (await _details(api, swapped))["SwapsRemaining"] == 1
    clock.advance(days=1)
    api.tokens.clear()  # the frozen clock moved past the cached tokens' lifetime
    assert (await _status(api, "swap-sim", swapped)).status_code == 200
    assert (await _details(api, swapped))["SwapsRemaining"] == 0

    refused = await _status(api, "replace", swapped)
    assert refused.status_code == 400
    assert refused.json() == {
        "StatusCode": 400,
        "Message": f"No swaps remaining for {swapped}: its 2 swaps per 30 days are used; "
        "the next swap is possible from 2026-04-09T15:00:00.000 (NextSwapResetDate).",
    }
    assert (await _details(api, swapped))["Number"] == swapped  # nothing changed

    clock.advance(days=29)  # now exactly at the reset date
    api.tokens.clear()
    details = await _details(api, swapped)
    assert details["SwapsRemaining"] == 2 and details["NextSwapResetDate"] == "2026-05-09T15:00:00.000"
    assert (await _status(api, "replace", swapped)).status_code == 200


async def test_other_changes_take_no_swap(api, numbers):
    number = await _number(api)
    for change in ("park", "activate"):
        assert (await _status(api, change, number)).status_code == 200
    assert (await _details(api, number))["SwapsRemaining"] == 2


async def test_the_allowance_is_a_setting(api, numbers, platform):
    platform.settings.number_swaps_per_period = 0
    platform.settings.number_swap_period_days = 7
    number = await _number(api)
    details = await _details(api, number)
    assert details["SwapsRemaining"] == 0 and details["NextSwapResetDate"] == "2026-03-17T15:00:00.000"
    refused = await _status(api, "swap", number)
    assert refused.status_code == 400
    assert refused.json()["Message"] == f"No swaps remaining for {number}: this server allows no swaps."


async def test_a_batch_is_refused_whole_when_one_number_has_none_left(api, numbers, platform):
    platform.settings.number_swaps_per_period = 1
    first, second = await _number(api), await _number(api)
    assert (await _status(api, "swap-sim", first)).status_code == 200
    refused = await api.post(
        "/v1.0/numbers/status",
        {
            "StatusChange": "swap-sim",
            "EffectiveDate": "01/01/2026",
            "PhoneNumbers": [{"Number": second}, {"Number": first}],
        },
    )
    assert refused.status_code == 400 and first in refused.json()["Message"]
    assert (await _details(api, second))["SwapsRemaining"] == 1


async def test_a_scheduled_swap_takes_its_swap_on_the_day_or_ends_in_error(api, numbers, platform, clock):
    """The allowance is checked when the change is asked for and taken when it is carried out: a future swap that
    finds none left on its day ends the order `Error` with the refusal as its message."""
    platform.settings.number_swaps_per_period = 1
    number = await _number(api)
    later = await api.ok(
        "POST",
        "/v1.0/numbers/status",
        json={"StatusChange": "swap-sim", "EffectiveDate": "03/20/2026", "PhoneNumbers": [{"Number": number}]},
    )
    assert later["OrderStatus"] == "Pending"
    assert (await _details(api, number))["SwapsRemaining"] == 1  # not taken yet
    assert (await _status(api, "swap-sim", number)).status_code == 200  # today's takes the only one

    clock.advance(days=10)  # the job's day (run here directly: this module's app has no workers)
    payload = {"order_id": later["OrderId"], "change": "swap-sim", "area_code": None, "zip_code": None}
    async with platform.db.write() as session:
        await lifecycle.run_scheduled_change(
            session, payload, clock.now(), lifecycle.NumberPolicy.of(platform.settings)
        )
    api.tokens.clear()
    order = await api.ok("GET", "/v1.0/numbers/order", params={"OrderId": later["OrderId"]})
    assert order["OrderStatus"] == "Error"
    assert order["OrderStatusMessage"].startswith(f"No swaps remaining for {number}: its 1 swap per 30 days is used")
