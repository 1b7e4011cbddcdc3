"""The call records search through the SDK (both clients), against a real server."""

from __future__ import annotations

import pytest

from mpaas.client import AsyncClient, Client, MpaasApiError


def test_the_sdk_searches_call_records(live_server):
    with Client(live_server.base_url, live_server.key, live_server.secret) as api:
        found = api.search_calls(direction="inbound", disposition="answered", start_date="2026-12-01", results=10)
        assert (found.results_total_records, found.page, found.results) == (0, 1, [])
        with pytest.raises(MpaasApiError) as refused:
            api.search_calls(direction="sideways")
        assert refused.value.status_code == 400 and "Direction" in refused.value.message


async def test_the_async_sdk_searches_them(live_server):
    async with AsyncClient(live_server.base_url, live_server.key, live_server.secret) as api:
        assert (await api.search_calls(page=2)).page == 2
