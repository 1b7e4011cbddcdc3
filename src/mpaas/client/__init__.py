"""mpaas Python SDK: `Client` (blocking) and `AsyncClient` (asyncio) for any Telegent-compatible API.

from mpaas.client import Client
with Client("http://127.0.0.1:8080", key, secret) as api:
    route = api.create_message_route(route_name="Main", message_url="https://example.com/sms",
                                     message_url_method="POST")
    print(route.message_route_id)
"""

from mpaas.client import models
from mpaas.client.aio import AsyncClient
from mpaas.client.base import WireRequest, WireResponse
from mpaas.client.core import RetryPolicy
from mpaas.client.errors import MpaasApiError
from mpaas.client.operations import OPERATIONS, Operation
from mpaas.client.sync import Client

__all__ = [
    "OPERATIONS",
    "AsyncClient",
    "Client",
    "MpaasApiError",
    "Operation",
    "RetryPolicy",
    "WireRequest",
    "WireResponse",
    "models",
]
