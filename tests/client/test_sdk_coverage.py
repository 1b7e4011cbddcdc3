"""The SDK's table covers every operation the server serves, with the server's own field names."""

from __future__ import annotations

from mpaas.client import OPERATIONS, AsyncClient, Client
from mpaas.client.scaffold import missing_operations, render


async def test_every_served_operation_has_a_row(app):
    document = app.openapi()
    missing = missing_operations(document)
    assert not missing, (
        "operations served but not in mpaas.client.operations.OPERATIONS; "
        "`python -m mpaas.client.scaffold` prints their rows:\n" + render(document)
    )
    served = {(m.upper(), p.lower()) for p, ops in document["paths"].items() for m in ops}
    stale = [op.name for op in OPERATIONS if (op.method, op.path.lower()) not in served]
    assert not stale, f"rows for operations the server does not serve: {stale}"


async def test_request_fields_match_the_server(app):
    document = app.openapi()
    for op in OPERATIONS:
        if op.request is None:
            continue
        served = document["paths"][op.path][op.method.lower()]
        names = {p["name"].lower() for p in served.get("parameters", []) if p.get("in") == "query"}
        ref = served.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        if "$ref" in ref:
            schema = document["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]
            names |= {n.lower() for n in schema.get("properties", {})}
        sdk = {(f.alias or n).lower() for n, f in op.request.model_fields.items()}
        assert sdk <= names, f"{op.name}: fields the server does not know: {sorted(sdk - names)}"


def test_both_clients_have_a_method_per_row():
    names = [op.name for op in OPERATIONS]
    assert len(names) == len(set(names))
    for name in names:
        assert callable(getattr(Client, name)) and callable(getattr(AsyncClient, name))
