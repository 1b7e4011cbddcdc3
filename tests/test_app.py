"""The app publishes its OpenAPI document and docs page, and every served route is in the document."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from mpaas.core.http.server import iter_routes

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


async def test_openapi_lists_every_route(app, http):
    document = (await http.get("/openapi.json")).json()
    served = {
        (path, method.lower())
        for path, route in iter_routes(app.routes)
        if isinstance(route, APIRoute) and route.include_in_schema
        for method in route.methods
    }
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert served == documented
    assert "/v1.0/OAuth2/tokens" in document["paths"]
    assert "/v1.0/message/outbound" in document["paths"]


async def test_docs_page(http):
    response = await http.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()
    # Served from the package's files, not a CDN: the docs render without internet access.
    assert "cdn." not in response.text
    script = await http.get("/docs-assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.text


async def test_openapi_security_errors_and_examples(app, http):
    document = (await http.get("/openapi.json")).json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    envelope = document["components"]["schemas"]["Error"]
    assert envelope["required"] == ["StatusCode"] and set(envelope["properties"]) == {"StatusCode", "Message"}
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            where = f"{method.upper()} {path}"
            assert op.get("summary"), where
            if path.lower() == "/v1.0/oauth2/tokens":
                assert op["security"] == [], where
            elif path.startswith(("/v1.0", "/ext/")):
                assert op["security"] == [{"bearerAuth": []}], where
            codes = set(op["responses"])
            assert "422" not in codes, where
            expected = {"400", "404", "405", "429", "500"} | ({"401", "403"} if op["security"] else set())
            assert expected <= codes, where
            for code in expected:
                content = op["responses"][code]["content"]["application/json"]
                assert content["schema"] == {"$ref": "#/components/schemas/Error"}, where
                assert content["example"]["StatusCode"] == int(code), where
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                assert isinstance(body.get("example"), dict), where
            for param in op.get("parameters", []):
                assert "example" in param, f"{where} {param['name']}"
    from mpaas.openapi.examples import SUMMARIES

    for path, ops in document["paths"].items():
        for method, op in ops.items():
            if path.startswith("/v1.0"):
                assert op["summary"] == SUMMARIES.get(f"{method.upper()} {path.lower()}"), (
                    f"{method.upper()} {path}: not a vendor operation, or not under its vendor name"
                )
    token_op = document["paths"]["/v1.0/OAuth2/tokens"]["post"]
    assert token_op["summary"] == "Generate API Token"
    assert token_op["requestBody"]["content"]["application/json"]["example"]["AccountKey"].startswith("DID-")
    outbound = document["paths"]["/v1.0/message/outbound"]["post"]
    assert outbound["responses"]["200"]["content"]["application/json"]["example"]["MessageId"].startswith("TMID-")


async def test_healthz(http):
    response = await http.get("/healthz")
    assert response.status_code == 200 and response.content == b'{"Status":"ok"}'
    assert response.headers["content-type"] == "application/json" and response.headers["content-length"] == "15"
    assert (await http.get("/HEALTHZ/?x=1")).json() == {"Status": "ok"}
    for method in ("HEAD", "POST", "OPTIONS"):
        refused = await http.request(method, "/healthz")
        assert refused.status_code == 405 and refused.headers["allow"] == "GET", method
        if method != "HEAD":
            assert refused.json()["StatusCode"] == 405


@pytest.mark.parametrize("opentelemetry, asks", [(False, False), (True, True)])
async def test_fastapi_telemetry_asks_for_a_provider_per_request_only_when_turned_on(
    platform, monkeypatch, opentelemetry, asks
):
    """MPAAS_OPENTELEMETRY off (the default): FastAPI's native telemetry is off and no request asks OpenTelemetry
    for its global providers (a check that reads the environment, 2-3% of a send's CPU); on, FastAPI's defaults."""
    import httpx2
    from fastapi.telemetry import _asgi

    from mpaas.app import create_app

    asked = []
    real = _asgi.trace.get_tracer_provider
    monkeypatch.setattr(_asgi.trace, "get_tracer_provider", lambda: asked.append(1) or real())
    platform.settings.opentelemetry = opentelemetry
    app = create_app(platform.settings, platform, run_workers=False)
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as client:
            assert (await client.get("/openapi.json")).status_code == 200
    assert bool(asked) is asks
