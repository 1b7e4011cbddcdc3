"""The app publishes its OpenAPI document and docs page, and every served route is in the document."""

from __future__ import annotations

from fastapi.routing import APIRoute

from mpaas.core.http import iter_routes


async def test_openapi_lists_every_route(app, http):
    document = (await http.get("/openapi.json")).json()
    served = {(path, method.lower()) for path, route in iter_routes(app.routes)
              if isinstance(route, APIRoute) and route.include_in_schema for method in route.methods}
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert served == documented
    assert "/v1.0/OAuth2/tokens" in document["paths"]
    assert "/v1.0/message/outbound" in document["paths"]


async def test_docs_page(http):
    response = await http.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()
