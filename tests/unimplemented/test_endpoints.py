"""The contract's operations not served yet answer 501 in the vendor envelope at their exact method and path, not
a 404 saying the resource belongs to another account (issue 17); they are not in the OpenAPI document (which
lists what is implemented), so not in the SDK either. Rows leave the table as their operations are built (AI
Guardian and Workgroups were the 35 of issue 17)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mpaas.unimplemented.endpoints import UNIMPLEMENTED

pytestmark = pytest.mark.no_workers

REFERENCE = Path("/work/shared/reference/telegent-api.md")


def contract_rows(group: str) -> set[tuple[str, str]]:
    """(method, path) of the contract's §2 table rows of one group."""
    rows = re.findall(r"^\| \d+ \| (GET|POST) \| `([^`]+)` \| [^|]+ \| ([^|]+) \|", REFERENCE.read_text(), re.M)
    return {(method, path) for method, path, g in rows if g.strip() == group}


def test_every_ai_guardian_and_workgroup_operation_is_served_or_listed(app):
    if not REFERENCE.exists():
        pytest.skip("the reference is not on this machine")
    listed = {(m, p) for m, p, _, _ in UNIMPLEMENTED}
    served = {
        (method.upper(), path.lower()) for path, operations in app.openapi()["paths"].items() for method in operations
    }
    contract = contract_rows("AI Guardian") | contract_rows("Workgroups")
    assert len(contract) == 35
    assert listed <= contract
    for method, path in contract - listed:
        assert (method, path.lower()) in served, (method, path)


async def test_answers_501(http):
    for method, path, summary, family in UNIMPLEMENTED:
        response = await http.request(method, path, json={} if method == "POST" else None)
        assert response.status_code == 501, (method, path)
        body = response.json()
        assert set(body) == {"StatusCode", "Message"} and body["StatusCode"] == 501
        assert body["Message"].startswith(f"Not implemented: {method} {path} ({summary}, {family})")
        assert "not implement" in body["Message"]


async def test_paths_match_case_insensitively_and_methods_exactly(http):
    for method, path, summary, family in UNIMPLEMENTED:
        response = await http.request(method, path.upper() + "/", json={} if method == "POST" else None)
        assert response.status_code == 501, (method, path)
        assert response.json()["Message"].startswith(f"Not implemented: {method} {path} ({summary}, {family})")
    # A method the contract does not have there is still a 405, and a path it does not have a 404.
    assert (await http.get("/v1.0/workgroups/delete")).status_code == 405
    assert (await http.get("/v1.0/workgroups/nothing")).status_code == 404


async def test_not_in_the_openapi_document(app):
    paths = {p.lower() for p in app.openapi()["paths"]}
    for _method, path, _summary, _family in UNIMPLEMENTED:
        assert path.lower() not in paths, path
