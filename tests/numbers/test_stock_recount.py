"""The per-area stock aggregate (number_area_stock) stays exact.

A seeded random mix of claims (provision by AreaCode, by ZipCode, by a named number, unfiltered) and
releases (cancel + aging back to the inventory, swap, replace), plus port-ins of numbers both in and
out of the inventory, goes through the HTTP API the way user requests do. At checkpoints during the
mix and after the background jobs have drained, every stock row must equal a GROUP BY recount of the
available inventory, with no key missing on either side (a count of 0 and an absent row are equal)."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import pytest
from sqlalchemy import func, literal, select, union_all

from mpaas.models import InventoryNumber, Job, NumberAreaStock
from mpaas.models.jobs import PENDING, RUNNING
from mpaas.models.numbers import AVAILABLE
from mpaas.numbers.lifecycle import service as lifecycle
from mpaas.numbers.porting import service as porting
from support.api import make_message_route, make_voice_route
from support.seed import add_inventory

AREAS = ("801", "212", "415")
NUMBERS_PER_AREA = 100
OPERATIONS = 240
CHECK_EVERY = 60
PAST_DATE = "01/01/2020"  # an EffectiveDate in the past applies the change at once
# Not in the inventory (313 is none of AREAS), and no sandbox test outcome (those end in 990x).
FRESH_PORT_INS = ("+13136398786", "+13136398787", "+13136398788")
PORT_ADDRESS = {"Street1": "2701 N Thanksgiving Way", "City": "Lehi", "State": "UT", "Zip": "84043"}
# Refusals a random mix legitimately meets; anything else fails the test.
EXPECTED_REFUSALS = ("already in use", "No available numbers")
STOCK_KEY = ("ngp", "area_code", "zipcode", "number_type", "message_capable", "voice_capable")


async def stock_and_recount(platform) -> tuple[Counter, Counter]:
    """The aggregate and the recount, read in ONE statement so both sides come from the same snapshot
    (on PostgreSQL, two statements of a READ COMMITTED transaction may see a job's commit in between)."""
    stock_cols = [getattr(NumberAreaStock, c) for c in STOCK_KEY]
    inv_cols = [getattr(InventoryNumber, c) for c in STOCK_KEY]
    both = union_all(
        select(literal("stock").label("side"), *stock_cols, NumberAreaStock.available.label("n")),
        select(literal("recount").label("side"), *inv_cols, func.count().label("n"))
        .where(InventoryNumber.status == AVAILABLE)
        .group_by(*inv_cols),
    )
    async with platform.db.read() as session:
        rows = (await session.execute(both)).all()
    sides: dict[str, Counter] = {"stock": Counter(), "recount": Counter()}
    for side, *key, n in rows:
        if n:  # 0 and absent are the same count
            sides[side][tuple(str(k) if isinstance(k, str) else bool(k) for k in key)] += n
    return sides["stock"], sides["recount"]


async def assert_stock_exact(platform, when: str) -> int:
    stock, recount = await stock_and_recount(platform)
    drift = {
        key: (stock.get(key, 0), recount.get(key, 0))
        for key in stock.keys() | recount.keys()
        if stock.get(key, 0) != recount.get(key, 0)
    }
    assert not drift, f"{when}: stock != recount for {len(drift)} keys, (stock, recount): {drift}"
    return sum(recount.values())


async def wait_for_jobs(platform, kinds: tuple[str, ...], seconds: float = 8.0) -> None:
    """Until no job of these kinds is pending or running (the aging and sandbox-port jobs)."""
    due = select(func.count()).select_from(Job).where(Job.kind.in_(kinds), Job.status.in_((PENDING, RUNNING)))
    for _ in range(int(seconds / 0.05)):
        platform.jobs.notify()
        async with platform.db.read() as session:
            if (await session.execute(due)).scalar_one() == 0:
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"jobs {kinds} still pending after {seconds} s")


class Mix:
    """The random user: remembers which numbers it holds so releases name real numbers."""

    def __init__(
        self, api, rng: random.Random, message_route: str, voice_route: str, inventory: list[str], zipcodes: list[str]
    ):
        self.api, self.rng = api, rng
        self.message_route, self.voice_route = message_route, voice_route
        self.inventory, self.zipcodes = inventory, zipcodes
        self.held: list[str] = []
        self.done: Counter = Counter()

    async def provision(self, kind: str, **search) -> None:
        if self.rng.random() < 0.25:  # voice-capable claims filter on the other capability column
            search.update(VoiceEnabled=True, VoiceRouteId=self.voice_route, ProductType="Sms+Data+Voice")
        response = await self.api.post(
            "/v1.0/numbers/provision",
            {
                "NumberType": "mvno",
                "MessageType": "p2p",
                "MessageEnabled": True,
                "VoiceEnabled": False,
                "MessageRouteId": self.message_route,
                "ProductType": "Sms+Data",
                **search,
            },
        )
        if self._accepted(response, kind):
            self.held.append(response.json()["PhoneNumberAssigned"])

    async def change_status(self, change: str, **extra) -> None:
        if not self.held:
            return
        number = self.held.pop(self.rng.randrange(len(self.held)))
        response = await self.api.post(
            "/v1.0/numbers/status",
            {"StatusChange": change, "EffectiveDate": PAST_DATE, "PhoneNumbers": [{"Number": number}], **extra},
        )
        if self._accepted(response, change) and change != "cancel":
            self.held.append(response.json()["Numbers"][0]["Number"])
        elif response.status_code != 200:
            self.held.append(number)  # refused: still ours

    def _accepted(self, response, kind: str) -> bool:
        if response.status_code == 200:
            self.done[kind] += 1
            return True
        message = response.json().get("Message", "")
        assert response.status_code == 400 and any(s in message for s in EXPECTED_REFUSALS), (
            f"{kind}: {response.status_code} {response.text}"
        )
        self.done[f"{kind} refused"] += 1
        return False

    async def step(self) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.17:
            await self.provision("claim by area", AreaCode=rng.choice(AREAS + ("907",)))  # 907: empty, falls back
        elif roll < 0.31:
            await self.provision("claim by zip", ZipCode=rng.choice(self.zipcodes))
        elif roll < 0.43:
            # A named number: usually free, sometimes ours or still ageing ("already in use").
            await self.provision("claim by number", PhoneNumbers=[{"Number": rng.choice(self.inventory)}])
        elif roll < 0.53:
            await self.provision("claim unfiltered")
        elif roll < 0.80:
            await self.change_status("cancel")  # aging 0 days: the release job returns it at once
        elif roll < 0.90:
            await self.change_status("swap")
        else:
            await self.change_status("replace", AreaCode=rng.choice(AREAS), ZipCode=rng.choice(self.zipcodes))


async def port_in(api, number: str, route: str) -> None:
    await api.ok(
        "POST",
        "/v1.0/numbers/portin",
        json={
            "PortInNumber": number,
            "CurrentCarrierName": "Verizon",
            "CurrentAccountNumber": "46512222",
            "CurrentAccountPassword": "0000",
            "TargetPortinClassification": "mvno",
            "SubscriberName": "Jane Doe",
            "CurrentBillingAddress": PORT_ADDRESS,
            "MessageRouteId": route,
        },
    )


@pytest.mark.slow
async def test_stock_equals_recount_after_random_claims_and_releases(api, platform):
    platform.settings.number_aging_days = 0
    platform.settings.sandbox_port_seconds = 0.4
    platform.settings.number_swaps_per_period = 1000  # the mix may swap one line often (the allowance: test_swaps.py)
    inventory = []
    for seed, area in enumerate(AREAS, start=1):
        inventory += await add_inventory(platform, NUMBERS_PER_AREA, [area], seed=seed)
    async with platform.db.read() as session:
        zipcodes = sorted((await session.execute(select(InventoryNumber.zipcode).distinct())).scalars())
    total = await assert_stock_exact(platform, "after loading")
    assert total == len(inventory)

    rng = random.Random(7)
    route = await make_message_route(api)
    mix = Mix(api, rng, route, await make_voice_route(api), inventory, zipcodes)
    # Port-ins complete in the background during the mix: numbers new to the inventory (assigned from the
    # start) and available inventory numbers (claimed when the port completes). The mix never names them.
    ported_inventory = rng.sample(inventory, 2)
    mix.inventory = [n for n in inventory if n not in ported_inventory]
    for number in FRESH_PORT_INS + tuple(ported_inventory):
        await port_in(api, number, route)

    for i in range(1, OPERATIONS + 1):
        await mix.step()
        if i % CHECK_EVERY == 0:
            await assert_stock_exact(platform, f"after {i} operations")

    await wait_for_jobs(platform, (porting.ADVANCE_JOB,))
    ported = FRESH_PORT_INS + tuple(ported_inventory)
    for number in ported:
        details = await api.ok("GET", "/v1.0/numbers", params={"Number": number})
        assert details["Status"] == "Active", details
    await assert_stock_exact(platform, "after the port-ins completed")
    # Releasing ported-in numbers: those new to the inventory had no stock row until now.
    mix.held += ported
    for _ in range(len(mix.held)):
        await mix.change_status("cancel")
    assert not mix.held, f"cancel refused for {mix.held}"
    await wait_for_jobs(platform, (lifecycle.RELEASE_JOB,))

    available = await assert_stock_exact(platform, "after every release")
    assert available == len(inventory) + len(FRESH_PORT_INS)  # everything is back, the port-ins too
    # The mix really did a bit of everything.
    for kind in ("claim by area", "claim by zip", "claim by number", "claim unfiltered", "cancel", "swap", "replace"):
        assert mix.done[kind] >= 5, mix.done
