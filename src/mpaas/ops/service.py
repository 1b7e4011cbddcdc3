"""What the operator API reads: database reachability and this process's carrier binds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.roles.runtime import Runtime


async def check_database(session: AsyncSession) -> None:
    """Raises when the database does not answer."""
    await session.execute(text("SELECT 1"))


def carrier_states(runtime: Runtime) -> list[dict[str, Any]]:
    """What `mpaas carriers list --server URL` shows: each bind as the running process holds it (none while
    this process does not hold the binds)."""
    connector = runtime.connector
    if connector is None:
        return []
    state = connector.state()
    return state.get("carriers", [state])
