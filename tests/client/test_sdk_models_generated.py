"""src/mpaas/client/models.py is generated from the server's OpenAPI document (`make models`): this fails while
the file on disk differs from what the generator writes, and checks what it writes against the server."""

from __future__ import annotations

import difflib
from typing import Any

import pytest

from mpaas.client import OPERATIONS, WireResponse, codegen
from mpaas.client.core import read_as
from mpaas.client.models import ListMessageRoutesResponse

REGENERATE = f"run `{codegen.COMMAND}` (python tools/generate_client_models.py) and commit src/mpaas/client/models.py"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return codegen.server_document()


def test_models_py_is_what_the_generator_writes(document):
    expected = codegen.render(document).text
    actual = codegen.MODELS.read_text()
    if actual != expected:
        diff = difflib.unified_diff(
            actual.splitlines(), expected.splitlines(), "models.py (on disk)", "models.py (generated)", lineterm=""
        )
        shown = list(diff)
        pytest.fail(
            f"src/mpaas/client/models.py is stale: {REGENERATE}.\n"
            + "\n".join(shown[:60])
            + (f"\n... {len(shown) - 60} more diff lines" if len(shown) > 60 else "")
        )


def test_the_generator_writes_formatted_code(document):
    text = codegen.render(document).text
    formatted = codegen.format_check(text)
    assert formatted is not None, "ruff (a dev extra, pinned in constraints.txt) must be installed: make install"
    assert formatted == text, "ruff format changes the generated models: fix mpaas/client/codegen.py"


def _examples(document: dict[str, Any], method: str, path: str) -> list[Any]:
    content = document["paths"][path][method.lower()]["responses"]["200"].get("content", {}).get("application/json", {})
    found = [content["example"]] if "example" in content else []
    return found + [e["value"] for e in content.get("examples", {}).values() if "value" in e]


def _without_elisions(value: Any) -> Any:
    # The contract's `...` in a list is null in the examples (mpaas.openapi.examples): not an item.
    if isinstance(value, list):
        return [_without_elisions(v) for v in value if v is not None]
    if isinstance(value, dict):
        return {k: _without_elisions(v) for k, v in value.items()}
    return value


def test_every_documented_answer_reads_back_as_sent(document):
    """Each 200 example in the document validates against its operation's response model, and `to_wire()`
    gives back exactly the example (numbers stay numbers, every field kept, the server's spelling)."""
    checked = 0
    for op in OPERATIONS:
        for example in _examples(document, op.method, op.path):
            items = example if isinstance(example, list) else [example]
            for item in map(_without_elisions, items):
                if not isinstance(item, dict):
                    continue
                model = op.response.model_validate(item)
                assert model.to_wire() == item, f"{op.name}: to_wire() differs from the documented answer"
                checked += 1
    assert checked >= len(OPERATIONS) // 2


def test_declared_fields_read_in_any_casing_and_odd_types_stay_readable():
    sent = {
        "AccountId": "AID-1",  # declared as `AccountID`
        "TotalRoutes": 1,
        "Results": [{"MessageRouteID": "MRID-1", "RouteName": "Main"}],
    }
    listed = ListMessageRoutesResponse.model_validate(sent)
    assert listed.account_id == "AID-1" and listed.results[0].message_route_id == "MRID-1"
    assert listed.to_wire() == sent and listed["AccountId"] == "AID-1"
    # A value not of the declared type (another server's answer): the body is still read, untyped.
    odd = read_as(ListMessageRoutesResponse, {"TotalRoutes": "many", "Cost": 0.0045})
    assert type(odd) is WireResponse and odd.total_routes == "many" and odd.to_wire()["Cost"] == 0.0045
