"""Console fixtures: a tenant with numbers, routes and subscribers of each role; a client of its own."""

from __future__ import annotations

import httpx2
import pytest
from consolekit import Tenant, make_tenant


@pytest.fixture
async def tenant(api, numbers) -> Tenant:
    return await make_tenant(api, "acme")


@pytest.fixture
async def console(app):
    """A second client on the same app with its own cookie jar (a browser of its own)."""
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://testserver") as client:
        yield client
