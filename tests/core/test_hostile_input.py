"""No input produces a 5xx (issue 16): hostile values in every field of every operation of the published OpenAPI
document, with a valid endpoint-scoped token.

Every body field (nested objects and list items included) and every query parameter of every operation gets,
one at a time, on top of the operation's own example: a lone surrogate ("\\ud800" in JSON), NUL, CR/LF, a C1
control, a string one character past its documented maxLength, year-9999 dates, and integers and numbers past
int64 (2**63, 1e20, 1e30). The answer is never a 5xx, every error is the vendor envelope, and a 400 changed
nothing (the row counts of every table are the same after it). A second, property-based test sends hypothesis'
hostile strings (control characters, surrogates, line breaks) to fields picked at random, derandomized.

The published document is also the proof of the limits: every string field of every request body has a
maxLength, every list a maxItems and every integer a maximum (docs/compatibility.md, Limits)."""

from __future__ import annotations

import copy
import json
import unicodedata
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from mpaas.core.wire import TEXT_MAX_LENGTH
from mpaas.models import Base
from support.api import OPERATOR_TOKEN

pytestmark = pytest.mark.no_workers

INT64 = 2**63
STRINGS = {"surrogate": "ok\ud800", "nul": "a\x00b", "crlf": "a\r\nX-Injected: 1", "c1": "a\x85b"}
DATES = {"date-9999": "9999-12-31", "us-date-9999": "12/31/9999", "period-9999": "9999-12"}
NUMBERS = {"int64+1": INT64, "-int64-1": -INT64 - 1, "1e20": 1e20, "1e30": 1e30}
QUERY = {
    "surrogate-bytes": "%ED%A0%80",
    "nul": "a%00b",
    "crlf": "a%0D%0Ab",
    "oversize": "x" * (TEXT_MAX_LENGTH + 1),
    "int64-max": "9223372036854775807",
    "int64+1": "9223372036854775808",
    "1e16": "10000000000000000",
}
QUERY_DATES = {"date-9999": "9999-12-31", "us-date-9999": quote("12/31/9999", safe=""), "period-9999": "9999-12"}


def _date_like(name: str) -> bool:
    return any(word in name.lower() for word in ("date", "period", "time", "day"))


# ------------------------------------------------------------------------------------------ the document


def _resolve(doc: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    branches = [b for b in schema.get("anyOf", []) if b.get("type") != "null"]
    if branches:
        return _resolve(doc, branches[0])
    return schema


def _fields(doc: dict, schema: dict, path: tuple = ()) -> list[tuple[tuple, dict]]:
    """(path, resolved schema) of every field of a body, depth first: `("To", 0, "Number")`."""
    schema = _resolve(doc, schema)
    out: list[tuple[tuple, dict]] = []
    for name, prop in schema.get("properties", {}).items():
        prop = _resolve(doc, prop)
        out.append(((*path, name), prop))
        if prop.get("type") == "object" or "properties" in prop:
            out.extend(_fields(doc, prop, (*path, name)))
        elif prop.get("type") == "array":
            items = _resolve(doc, prop.get("items", {}))
            if "properties" in items:
                out.extend(_fields(doc, items, (*path, name, 0)))
    return out


def _operations(doc: dict) -> list[dict]:
    ops = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json")
            ops.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "schema": body["schema"] if body else None,
                    "example": copy.deepcopy(body.get("example", {})) if body else None,
                    "query": [p for p in op.get("parameters", []) if p["in"] == "query"],
                }
            )
    return ops


def _set(body: Any, path: tuple, value: Any) -> Any:
    body = copy.deepcopy(body) if isinstance(body, dict) else {}
    node = body
    for key, nxt in zip(path, path[1:], strict=False):
        if isinstance(key, int):
            while len(node) <= key:
                node.append({} if not isinstance(nxt, int) else [])
            if not isinstance(node[key], (dict, list)):
                node[key] = {} if not isinstance(nxt, int) else []
            node = node[key]
        else:
            if not isinstance(node.get(key), (dict, list)):
                node[key] = [] if isinstance(nxt, int) else {}
            node = node[key]
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = value
    return body


def _values_for(name: str, schema: dict) -> dict[str, Any]:
    kind = schema.get("type")
    if kind == "string":
        oversize = "x" * (min(schema.get("maxLength", TEXT_MAX_LENGTH), 2 * 1024 * 1024) + 1)
        return {**STRINGS, "oversize": oversize, **(DATES if _date_like(name) else {})}
    if kind in ("integer", "number"):
        return dict(NUMBERS)
    if kind == "array":
        item = _resolve({}, schema.get("items", {})) if "$ref" not in schema.get("items", {}) else {}
        filler: Any = "+18015551234" if item.get("type") == "string" else {}
        return {"overlong-list": [filler] * (schema.get("maxItems", 1000) + 1), "surrogate-item": ["\ud800"]}
    return {}


# ------------------------------------------------------------------------------------------ the checks


async def _row_counts(platform) -> int:
    tables = [t.name for t in Base.metadata.sorted_tables]
    query = "SELECT " + " + ".join(f'(SELECT count(*) FROM "{name}")' for name in tables)
    async with platform.db.read() as session:
        return int((await session.execute(text(query))).scalar_one())


class Probe:
    def __init__(self, api, platform):
        self.api, self.platform = api, platform
        self.failures: list[str] = []
        self.sent = 0
        self.rows: int | None = None
        self.refused: list[str] = []

    async def _headers(self, path: str) -> dict[str, str]:
        lowered = path.lower()
        if lowered.startswith("/ops/"):
            return {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
        if lowered == "/v1.0/oauth2/tokens":
            return {}
        return {"Authorization": f"Bearer {await self.api.token(path)}"}

    async def send(self, op: dict, label: str, *, body: Any = None, query: str = "") -> None:
        headers = await self._headers(op["path"])
        url = op["path"] + (f"?{query}" if query else "")
        kwargs: dict[str, Any] = {"headers": headers}
        if op["schema"] is not None:
            kwargs["content"] = json.dumps(body if body is not None else op["example"] or {}).encode()
            headers["Content-Type"] = "application/json"
        if self.rows is None:
            await self.settle()
            self.rows = await _row_counts(self.platform)
        self.sent += 1
        where = f"{op['method']} {op['path']} {label}"
        try:
            response = await self.api.http.request(op["method"], url, **kwargs)
        except Exception as exc:  # the app raised instead of answering: a 500 in production
            self.failures.append(f"{where}: raised {type(exc).__name__}: {str(exc)[:200]}")
            return
        status = response.status_code
        if status >= 500:
            self.failures.append(f"{where}: {status} {response.text[:200]}")
        if status >= 400:
            try:
                envelope = response.json()
            except ValueError:
                envelope = None
            if not isinstance(envelope, dict) or set(envelope) != {"StatusCode", "Message"}:
                self.failures.append(f"{where}: {status} not the envelope: {response.text[:200]}")
            elif envelope["StatusCode"] != status:
                self.failures.append(f"{where}: envelope says {envelope['StatusCode']}, status {status}")
        if status < 400:
            self.rows = None  # it may have written: the next request starts from a fresh count
        else:
            self.refused.append(where)

    async def settle(self) -> None:
        """After an operation's requests: the refused ones since the last success changed nothing."""
        if self.rows is not None and self.refused:
            rows = await _row_counts(self.platform)
            if rows != self.rows:
                self.failures.append(f"refused requests changed the row counts ({self.rows} -> {rows}): {self.refused}")
        self.refused = []


def _documented_limits(doc: dict) -> list[str]:
    """Fields of request bodies without a documented bound."""
    missing = []
    for op in _operations(doc):
        if op["schema"] is None:
            continue
        for path, schema in _fields(doc, op["schema"]):
            name = f"{op['method']} {op['path']} {'.'.join(map(str, path))}"
            kind = schema.get("type")
            bounded_by_type = schema.get("format") in ("date-time", "date")  # years 1900..2200 (core/wire.py)
            if kind == "string" and "maxLength" not in schema and "enum" not in schema and not bounded_by_type:
                missing.append(f"{name}: string without maxLength")
            elif kind == "array" and "maxItems" not in schema:
                missing.append(f"{name}: list without maxItems")
            elif kind == "integer" and "maximum" not in schema and "exclusiveMaximum" not in schema:
                missing.append(f"{name}: integer without maximum")
    return missing


# ------------------------------------------------------------------------------------------ the tests


def test_every_request_field_has_a_documented_bound(app):
    assert _documented_limits(app.openapi()) == []


@pytest.mark.slow  # about 2,700 requests: 8 s on its own, more on a busy machine
async def test_hostile_values_in_every_field_of_every_operation(app, api, platform, numbers):
    doc = app.openapi()
    probe = Probe(api, platform)
    for op in _operations(doc):
        if op["schema"] is not None:
            for path, schema in _fields(doc, op["schema"]):
                for label, value in _values_for(str(path[-1]), schema).items():
                    body = _set(op["example"], path, value)
                    await probe.send(op, f"{'.'.join(map(str, path))}={label}", body=body)
        for param in op["query"]:
            for label, raw in {**QUERY, **(QUERY_DATES if _date_like(param["name"]) else {})}.items():
                await probe.send(op, f"?{param['name']}={label}", query=f"{param['name']}={raw}")
        await probe.settle()
    assert probe.sent > 2000
    assert not probe.failures, f"{len(probe.failures)} of {probe.sent} requests:\n" + "\n".join(probe.failures[:40])


# Text made mostly of what no single-line field may hold: control characters (NUL, CR, LF, C1), lone
# surrogates, Unicode line and paragraph separators, with some ordinary characters between them.
async def test_the_issues_examples_are_400s_naming_the_field(api, http):
    """Issue 16's reproductions, each a 500 before: now a 400 that names the field."""

    async def message(method: str, path: str, *, raw: bytes | None = None, **params) -> str:
        headers = {"Content-Type": "application/json"}
        if path != "/v1.0/OAuth2/tokens":
            headers["Authorization"] = f"Bearer {await api.token(path)}"
        response = await http.request(method, path, content=raw, params=params or None, headers=headers)
        assert response.status_code == 400, response.text
        return response.json()["Message"]

    token = b'{"AccountKey": "DID-\\ud800", "AccountSecret": "x", "ApiEndpoint": "http://testserver/v1.0/numbers"}'
    assert (await message("POST", "/v1.0/OAuth2/tokens", raw=token)).startswith("The AccountKey field must be valid")
    search = {"PhoneNumber": "+18015551234"}
    assert (await message("GET", "/v1.0/message/search", **search, Page="9223372036854775807")).startswith(
        "The Page field must be between 1 and "
    )
    assert (await message("GET", "/v1.0/message/search", **search, EndDate="9999-12-31")) == (
        "The EndDate field must be a date between the years 1900 and 2200."
    )
    assert (await message("GET", "/v1.0/numbers/inventory", PageNumber="10000000000000000")).startswith(
        "The PageNumber field must be a whole number between 1 and "
    )
    threshold = {"ThresholdName": "t", "ThresholdType": "Data", "ThresholdUnit": "MB", "ThresholdAction": "Alert"}
    for amount in (1e20, 2**63, 1_000_000_001):
        raw = json.dumps({**threshold, "ThresholdAmount": amount}).encode()
        assert (await message("POST", "/v1.0/subscriptions/thresholds/add", raw=raw)).startswith(
            "The ThresholdAmount field must be"
        )
    usage = {"ValueUnit": "MB", "LimitValue": 20, "PhoneNumbers": [{"Number": "+18015551234"}]}
    raw = json.dumps({**usage, "NotifyValue": 1e30}).encode()
    assert (await message("POST", "/v1.0/numbers/data-usage", raw=raw)).startswith("The NotifyValue field must be")


async def test_multi_line_fields_keep_their_line_breaks_in_list_items(api):
    """Base64 tools wrap lines: `MmsBase64[].Base64` is multi-line though the list holding it is not a text."""
    media = {"Base64": "aGVsbG8g\r\nd29ybGQ=", "BaseType": "image/png"}
    body = {"To": [{"Number": "+18015551234"}], "From": "+18015550000", "Body": "two\nlines", "MmsBase64": [media]}
    response = await api.post("/v1.0/message/outbound", body)
    assert "Base64" not in response.json()["Message"] and "Body" not in response.json()["Message"], response.text
    response = await api.post("/v1.0/message/outbound", {**body, "MmsBase64": [{**media, "BaseType": "image/\npng"}]})
    assert response.json()["Message"] == (
        "The MmsBase64[0].BaseType field must be a single line (no line breaks, tabs or control characters)."
    )


HOSTILE_TEXT = st.text(
    alphabet=st.one_of(st.characters(categories=["Cc", "Cs", "Zl", "Zp"]), st.sampled_from("\ufffe\U0010ffffa+1")),
    min_size=1,
    max_size=40,
).filter(lambda value: any(unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") for ch in value))


@pytest.fixture
def field_targets(app) -> list[tuple[dict, tuple]]:
    doc = app.openapi()
    targets = []
    for op in _operations(doc):
        if op["schema"] is not None:
            targets.extend((op, path) for path, schema in _fields(doc, op["schema"]) if schema.get("type") == "string")
    return targets


async def test_random_hostile_text_in_random_fields(app, api, platform, field_targets):
    probe = Probe(api, platform)
    cases: list[tuple[int, str]] = []

    @settings(max_examples=150, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(index=st.integers(min_value=0, max_value=len(field_targets) - 1), value=HOSTILE_TEXT)
    def collect(index, value):
        cases.append((index, value))

    collect()  # hypothesis drives a sync function; the requests run after, on the test's own event loop
    for index, value in cases:
        op, path = field_targets[index]
        await probe.send(op, f"{'.'.join(map(str, path))}={value!r}", body=_set(op["example"], path, value))
        await probe.settle()
    assert not probe.failures, "\n".join(probe.failures[:40])
