"""The published OpenAPI document, finished in one place rather than in every router.

`install_openapi(app)` replaces `app.openapi` with a version that post-processes FastAPI's document:
- the vendor's name as the summary of each of its operations;
- the bearer scheme (`bearerAuth`: http bearer, JWT) on every /v1.0 and /ext operation except the token
  endpoint, and `operatorAuth` on /ops;
- the vendor's error responses (400/401/403/404/405/429/500) with the envelope schema
  `{"StatusCode", "Message"}` in place of FastAPI's 422 (the app never answers 422), and 413 (the body cap,
  MPAAS_MAX_BODY_BYTES) on every operation that takes a body;
- an example per request (from the WireModel fields' `examples`, else a placeholder that fits the
  field's name and type) and per 200 response (the route's own, else the vendor contract's, else one recorded
  from the real app by `python tools/record_openapi_examples.py --write` in recorded_examples.json).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request

from mpaas.core.errors import STANDARD_MESSAGES
from mpaas.openapi.examples import EXAMPLES, SUMMARIES

TOKEN_PATH = "/v1.0/oauth2/tokens"
ERROR_SCHEMA = "Error"
AUTHENTICATED_ERRORS = (400, 401, 403, 404, 405, 429, 500)
PUBLIC_ERRORS = (400, 404, 405, 429, 500)

# Placeholders for identifiers, by field name (telegent-api.md §1.4).
ID_PREFIXES = {
    "accountid": "AID-",
    "subscriberid": "TSUID-",
    "messagerouteid": "MRID-",
    "callrouteid": "CRID-",
    "voicerouteid": "CRID-",
    "phonenumberid": "NID-",
    "tnid": "TNID-",
    "orderid": "JNUOID-",
    "messageid": "TMID-",
    "productid": "PRID-",
    "packageid": "PID-",
    "packageitemid": "PIID-",
    "serviceid": "SID-",
    "subscriptionid": "SUB-",
    "webhookid": "WID-",
    "distributorid": "DID-",
    "accountkey": "DID-",
    "workgroupid": "WID-",
    "filterid": "MFID-",
    "thresholdid": "THID-",
    "featureid": "FEID-",
    "campaignid": "TCID-",
    "assignedsubscriberid": "TSUID-",
    "newaccountid": "AID-",
}
RECORDED_EXAMPLES = Path(__file__).with_name("recorded_examples.json")


@cache
def recorded_examples() -> dict[str, Any]:
    """200 bodies recorded from the real app (mpaas.core.record_examples), keyed like EXAMPLES."""
    try:
        return json.loads(RECORDED_EXAMPLES.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


PHONE_NAMES = {"phonenumber", "number", "from", "owner", "to", "portinnumber", "phone", "msisdn"}


def _types(schema: dict[str, Any]) -> list[str]:
    if "anyOf" in schema:
        return [t for s in schema["anyOf"] for t in _types(s)]
    if "$ref" in schema:
        return ["object"]
    kind = schema.get("type")
    return [kind] if isinstance(kind, str) else list(kind or [])


def placeholder(name: str, schema: dict[str, Any]) -> Any:
    """A plausible example for a field that declares none."""
    if schema.get("examples"):
        return schema["examples"][0]
    if "example" in schema:
        return schema["example"]
    if schema.get("enum"):
        return schema["enum"][0]
    kinds = [t for t in _types(schema) if t != "null"] or ["string"]
    kind = kinds[0]
    key = name.lower()
    if kind == "boolean":
        return True
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "array":
        item = schema.get("items", {})
        return [placeholder(name.rstrip("s"), item)] if _types(item) and _types(item)[0] != "object" else []
    if kind == "object":
        return {}
    if key in ID_PREFIXES:
        return ID_PREFIXES[key] + "1e8939ab-3f3c-4db1-89d7-956d80fd793a"
    if key in PHONE_NAMES or key.endswith("phonenumber"):
        return "+18015551234"
    if "email" in key:
        return "jane@example.com"
    if key.endswith("url"):
        return "https://example.com/hook"
    if key.endswith("date"):
        return "12/31/2026"
    return "string"


def _request_example(schema: dict[str, Any]) -> dict[str, Any]:
    required = set(schema.get("required", []))
    example = {}
    for name, prop in schema.get("properties", {}).items():
        declared = bool(prop.get("examples")) or "example" in prop or prop.get("enum")
        if name in required or declared:
            example[name] = placeholder(name, prop)
    return example


def _error_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": STANDARD_MESSAGES[status],
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"},
                "example": {"StatusCode": status, "Message": STANDARD_MESSAGES[status]},
            }
        },
    }
    if status == 429:
        response["headers"] = {
            "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}
        }
    return response


def _security(path: str) -> list[dict[str, list]]:
    lowered = path.lower()
    if lowered == TOKEN_PATH:
        return []
    if lowered.startswith("/ops/"):
        return [{"operatorAuth": []}]
    return [{"bearerAuth": []}]


def enrich(document: dict[str, Any], recorded: dict[str, Any] | None = None) -> dict[str, Any]:
    """Finish FastAPI's document in place (and return it). `recorded`: the fallback 200 examples (default:
    the shipped recorded_examples.json; `{}` for none)."""
    if recorded is None:
        recorded = recorded_examples()
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas[ERROR_SCHEMA] = {
        "title": "Error envelope",
        "type": "object",
        "required": ["StatusCode"],
        "additionalProperties": False,
        "properties": {
            "StatusCode": {"type": "integer", "format": "int32"},
            "Message": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        },
    }
    components["securitySchemes"] = {
        "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A token from POST /v1.0/OAuth2/tokens, scoped to this operation's URL by its ApiEndpoint.",
        },
        "operatorAuth": {
            "type": "http",
            "scheme": "bearer",
            "description": "The operator token (MPAAS_OPERATOR_TOKEN) for /ops/v1.",
        },
    }
    for path, operations in document.get("paths", {}).items():
        for method, op in operations.items():
            key = f"{method.upper()} {path.lower()}"
            vendor_name = SUMMARIES.get(key)
            if vendor_name and op.get("summary") != vendor_name:
                # The vendor's name wins; a router's own wording moves into the description.
                if op.get("summary"):
                    op["description"] = (op["summary"] + ". " + op.get("description", "")).strip()
                op["summary"] = vendor_name
            security = _security(path)
            op["security"] = security
            responses = op.setdefault("responses", {})
            responses.pop("422", None)
            statuses = AUTHENTICATED_ERRORS if security else PUBLIC_ERRORS
            if path.lower() == TOKEN_PATH:
                statuses = tuple(sorted({*PUBLIC_ERRORS, 401}))  # bad AccountKey or AccountSecret
            if "requestBody" in op:
                # The body cap (core/http/limits.py) answers before anything else reads the body.
                statuses = tuple(sorted({*statuses, 413}))
            for status in statuses:
                responses.setdefault(str(status), _error_response(status))
            # Response example: the route's own, else the vendor contract's, else the recorded one.
            ok = responses.get("200", {}).setdefault("content", {}).setdefault("application/json", {})
            ok.setdefault("schema", {})
            if "example" not in ok and "examples" not in ok:
                if key in EXAMPLES:
                    ok["example"] = EXAMPLES[key]
                elif key in recorded:
                    ok["example"] = recorded[key]
            # Request examples: query parameters and JSON bodies.
            for param in op.get("parameters", []):
                param.setdefault("example", placeholder(param["name"], param.get("schema", {})))
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None and "example" not in body:
                ref = body.get("schema", {}).get("$ref", "")
                schema = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else body.get("schema", {})
                body["example"] = _request_example(schema)
    # FastAPI's 422 schemas are unused once the 422 responses are gone.
    text = repr(document.get("paths"))
    for name in ("HTTPValidationError", "ValidationError"):
        if f"#/components/schemas/{name}" not in text:
            schemas.pop(name, None)
    return document


DOCS_ASSETS = "/docs-assets"


def _serve_docs_offline(app: FastAPI) -> None:
    """`/docs` from Swagger UI files shipped in a package (fastapi-offline), not from a CDN: a self-hosted
    sandbox must render its docs without internet access."""
    try:
        import fastapi_offline
    except ImportError:  # FastAPI's CDN page stays
        return
    from pathlib import Path

    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    docs_url = app.docs_url
    if docs_url is None:
        return
    assets = Path(fastapi_offline.__file__).parent / "static"
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", None) != docs_url]
    app.mount(DOCS_ASSETS, StaticFiles(directory=assets), name="docs-assets")

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui(request: Request):
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=app.swagger_ui_oauth2_redirect_url,
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
            swagger_ui_parameters=app.swagger_ui_parameters,
        )


def install_openapi(app: FastAPI) -> None:
    """The finished document at `app.openapi()` (and /openapi.json), and /docs served offline."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = enrich(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    _serve_docs_offline(app)
