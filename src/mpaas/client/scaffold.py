"""Maintainer tool: print SDK entries for operations the server serves and the SDK does not yet cover.

    python -m mpaas.client.scaffold            # models + table rows for the missing operations
    python -m mpaas.client.scaffold --write    # append them to models.py and operations.py

Reads the server's own OpenAPI document, so the printed models carry the server's field names; paste
the models into `mpaas/client/models.py` and the rows into `OPERATIONS` in `mpaas/client/operations.py`,
then type the response fields you care about. `tests/client/test_sdk_coverage.py` fails until every served
operation has a row."""

from __future__ import annotations

import keyword
import re
import sys
from typing import Any

from pydantic.alias_generators import to_pascal, to_snake

_TYPES = {"string": "str", "integer": "int", "boolean": "bool", "number": "float"}


def operation_name(summary: str) -> str:
    text = re.sub(r"\(.*?\)", " ", summary.replace("'", ""))
    words = re.findall(r"[A-Za-z0-9]+", text)
    name = "_".join(w.lower() for w in words)
    return name + "_" if keyword.iskeyword(name) else name


def _type_of(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        kinds = [_type_of(s) for s in schema["anyOf"] if s.get("type") != "null"]
        return kinds[0] if len(kinds) == 1 else "Any"
    if "$ref" in schema:
        return "dict[str, Any]"
    kind = schema.get("type")
    if kind == "array":
        return f"list[{_type_of(schema.get('items', {}))}]"
    if kind == "object":
        return "dict[str, Any]"
    return _TYPES.get(kind, "Any")


def _field_line(wire: str, type_: str, required: bool) -> str:
    name = to_snake(wire)
    if keyword.iskeyword(name):
        name += "_"
    alias = None if to_pascal(name) == wire else wire
    if required:
        default = f' = Field(alias="{wire}")' if alias else ""
        return f"    {name}: {type_}{default}"
    default = f'Field(None, alias="{wire}")' if alias else "None"
    return f"    {name}: {type_} | None = {default}"


def _request_fields(document: dict, op: dict) -> list[str]:
    lines: list[str] = []
    for param in op.get("parameters", []):
        if param.get("in") == "query":
            lines.append(_field_line(param["name"], _type_of(param.get("schema", {})), bool(param.get("required"))))
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in body:
        schema = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
        required = set(schema.get("required", []))
        for wire, prop in schema.get("properties", {}).items():
            lines.append(_field_line(wire, _type_of(prop), wire in required))
    return lines


def _auth_of(path: str) -> str:
    lowered = path.lower()
    if lowered == "/v1.0/oauth2/tokens" or lowered.startswith("/sandbox/"):
        return "none"
    if lowered.startswith("/ops/"):
        return "operator"
    return "token"


def missing_operations(document: dict) -> list[tuple[str, str, dict]]:
    from mpaas.client.operations import OPERATIONS

    covered = {(op.method, op.path.lower()) for op in OPERATIONS}
    out = []
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            if (method.upper(), path.lower()) not in covered:
                out.append((method.upper(), path, op))
    return out


def _name_for(method: str, path: str, summary: str, taken: set[str]) -> str:
    parts = [p for p in path.strip("/").split("/") if p]
    if parts and parts[0].lower() != "v1.0":
        # Outside the vendor's contract (/ext, /ops, /sandbox): named by path, prefixed by area.
        words = [parts[0]] + ([method.lower()] if method != "GET" else []) + parts[2:]
        name = "_".join(re.sub(r"[^a-z0-9]+", "_", w.lower()).strip("_") for w in words)
    else:
        name = operation_name(summary)
    base, n = name, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def render_parts(document: dict) -> tuple[str, str]:
    from mpaas.client.operations import OPERATIONS

    taken = {op.name for op in OPERATIONS}
    models: list[str] = []
    rows: list[str] = []
    for method, path, op in missing_operations(document):
        summary = op.get("summary") or f"{method} {path}"
        name = _name_for(method, path, summary, taken)
        stem = "".join(w[:1].upper() + w[1:] for w in name.split("_"))
        fields = _request_fields(document, op)
        request = "None"
        if fields:
            request = f"{stem}Request"
            models.append(f"class {request}(WireRequest):\n" + "\n".join(fields) + "\n")
        models.append(f"class {stem}Response(WireResponse):\n    pass\n")
        auth = _auth_of(path)
        rows.append(
            f'    Operation("{name}", "{method}", "{path}", {request}, '
            f'{stem}Response, "{summary}"' + (f', auth="{auth}"' if auth != "token" else "") + "),"
        )
    return "\n\n".join(models), "\n".join(rows)


def render(document: dict) -> str:
    models, rows = render_parts(document)
    return "# models.py\n\n" + models + "\n\n# operations.py\n" + rows + "\n"


def write(document: dict) -> int:
    """Append the missing models and rows to the SDK's source files; the number of rows added."""
    from pathlib import Path

    models, rows = render_parts(document)
    if not rows:
        return 0
    here = Path(__file__).resolve().parent
    model_file = here / "models.py"
    model_file.write_text(model_file.read_text().rstrip() + "\n\n\n" + models.rstrip() + "\n")
    table_file = here / "operations.py"
    text = table_file.read_text()
    marker = "\n)\n\nBY_NAME"
    assert marker in text, "operations.py: OPERATIONS must end with a line holding only ')'"
    table_file.write_text(text.replace(marker, "\n" + rows.rstrip() + marker, 1))
    return rows.count("\n") + 1


def main() -> None:  # pragma: no cover - maintainer tool
    import tempfile

    from mpaas.app import create_app
    from mpaas.config import Settings

    app = create_app(Settings(data_dir=tempfile.mkdtemp()), run_workers=False)
    if "--write" in sys.argv[1:]:
        print(f"added {write(app.openapi())} operations")
    else:
        sys.stdout.write(render(app.openapi()))


if __name__ == "__main__":  # pragma: no cover
    main()
