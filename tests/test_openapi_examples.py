"""Every operation of the published document carries a 200 response example (the vendor's, else one recorded
from the real app by `python tools/record_openapi_examples.py --write`) and a request example when it takes a
JSON body: a new endpoint without them fails here."""

from __future__ import annotations

import json

import pytest

from mpaas.openapi.document import RECORDED_EXAMPLES, enrich
from mpaas.openapi.examples import EXAMPLES

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


def _operations(document: dict):
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            yield f"{method.upper()} {path.lower()}", op


async def test_every_operation_has_a_response_example(app, http):
    document = (await http.get("/openapi.json")).json()
    missing = []
    for where, op in _operations(document):
        content = op["responses"].get("200", {}).get("content", {}).get("application/json", {})
        if "example" not in content and not content.get("examples"):
            missing.append(where)
    assert not missing, (
        "200 responses without an example (run `python tools/record_openapi_examples.py --write` "
        f"and extend its script if needed): {missing}"
    )


async def test_every_body_has_a_request_example(app, http):
    document = (await http.get("/openapi.json")).json()
    missing = []
    for where, op in _operations(document):
        if "requestBody" not in op:
            continue
        content = op["requestBody"].get("content", {}).get("application/json", {})
        if "example" not in content and not content.get("examples"):
            missing.append(where)
    assert not missing, f"request bodies without an example: {missing}"


def test_vendor_examples_keep_priority():
    """enrich: the vendor's example first, the recorded one only where the vendor has none."""

    def op() -> dict:
        return {"responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {}}}}}}

    document = {"paths": {"/v1.0/account/products": {"get": op()}, "/v1.0/new/thing": {"get": op()}}}
    recorded = {"GET /v1.0/account/products": {"recorded": True}, "GET /v1.0/new/thing": {"Thing": 1}}
    enrich(document, recorded=recorded)
    ok = {
        path: ops["get"]["responses"]["200"]["content"]["application/json"]["example"]
        for path, ops in document["paths"].items()
    }
    assert ok == {"/v1.0/account/products": EXAMPLES["GET /v1.0/account/products"], "/v1.0/new/thing": {"Thing": 1}}


async def test_recorded_examples_are_used_and_current(app, http):
    document = (await http.get("/openapi.json")).json()
    recorded = json.loads(RECORDED_EXAMPLES.read_text(encoding="utf-8"))
    operations = dict(_operations(document))
    assert recorded, "recorded_examples.json is empty"
    # No stale entries: every recorded example belongs to an operation of the document, without a vendor one.
    assert set(recorded) <= set(operations), set(recorded) - set(operations)
    assert not set(recorded) & set(EXAMPLES)
    for where in recorded:
        assert operations[where]["responses"]["200"]["content"]["application/json"]["example"] == recorded[where]
