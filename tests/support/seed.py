"""Data written straight through the platform, as an operator's tooling would: distributors and inventory."""

from __future__ import annotations

from mpaas.accounts.service import IssuedCredential, create_distributor
from mpaas.numbers.inventory import data as inventory_data
from mpaas.numbers.inventory import store as inventory
from mpaas.roles.platform import Platform


async def new_distributor(platform: Platform, name: str = "Acme", rate_limit: int | None = 0) -> IssuedCredential:
    async with platform.db.write() as session:
        return await create_distributor(session, name=name, rate_limit=rate_limit, now=platform.clock.now())


async def add_inventory(
    platform: Platform, count: int, area_codes: list[str] | None = None, seed: int = 1
) -> list[str]:
    rows = list(
        inventory_data.generate(
            count,
            seed=seed,
            area_codes=area_codes,
            exclude=(await inventory.existing_numbers(platform.db)).__contains__,
        )
    )
    await inventory.load(platform.db, rows, platform.clock.now())
    return [r.number for r in rows]
