"""Maintainer tool: writes `mpaas/client/models.py` from the server's OpenAPI document.

    make models                                   # the same as the line below
    python tools/generate_client_models.py        # regenerate models.py (formatted, ready to commit)
    python tools/generate_client_models.py --check  # exit 1 if models.py is stale

Which models exist and what they are called is the operation table's business (`OPERATIONS` in
`operations.py`: each row names its request and response class); what is in them is the document's:

- a request model holds the operation's query parameters (GET) or its JSON body's properties (POST), with
  the server's required fields required;
- a response model holds the properties of the 200 answer's schema (an array's items for a listing), every
  one optional (a server may leave any field out), typed as the server declares it. Objects nested in a
  response become classes named after their schema in the document. Numbers are `Number` (Decimal in
  Python, the same JSON number in `to_wire()`); a value the server leaves open is `Open`.

An operation whose 200 answer has no schema yet gets the fields in `PROVISIONAL` (what the hand-written
models typed) or none; every undeclared field is still readable (see `base.py`). Once the server declares a
schema, the document wins and the entry in `PROVISIONAL` is unused (the tool says so).

The table is read as source (`ast`), not imported: it imports the models this tool writes, which may be
missing a class a new row names. Output is deterministic: the table's order, then the document's field
order; nested classes first, dependencies before their users, ties by name."""

from __future__ import annotations

import ast
import keyword
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic.alias_generators import to_pascal, to_snake

from mpaas.client.base import WireRequest, WireResponse

HERE = Path(__file__).resolve().parent
MODELS = HERE / "models.py"
TABLE = HERE / "operations.py"
COMMAND = "make models"

_REQUEST_TYPES = {"string": "str", "integer": "int", "boolean": "bool", "number": "float"}
_RESPONSE_TYPES = {"string": "str", "integer": "int", "boolean": "bool", "number": "Number"}
# Names a field cannot take without hiding the models' own attributes (`get`, `to_wire`, `json`, ...).
_TAKEN = {n for n in set(dir(WireRequest)) | set(dir(WireResponse)) if not n.startswith("_")}

_STR = {"type": "string"}
_NUMBER = {"type": "number"}
_OPEN: dict[str, Any] = {}

# 200 answers the server does not describe yet, "METHOD /lower/cased/path" -> properties (JSON Schema): the
# fields the hand-written models typed. Unused once the server names a response_model for the operation.
PROVISIONAL: dict[str, dict[str, dict[str, Any]]] = {}  # empty: every operation names its response model

HEADER = f'''\
# Generated from the server's OpenAPI document by `{COMMAND}` (python tools/generate_client_models.py).
# Do not edit: change the server's schemas (or mpaas/client/codegen.py) and run `{COMMAND}`;
# tests/client/test_sdk_models_generated.py fails while this file is stale.
"""Request and response models of every operation (see `operations.py` for the table).

Requests hold the operation's query parameters (GET) or JSON body (POST), the server's required fields
required. Responses hold the 200 answer's fields, all optional, typed as the server declares them; any
field they do not declare is kept and readable too. Objects nested in responses are the classes first below."""
'''


@dataclass(frozen=True)
class Row:
    """One row of the operation table, as its source spells it."""

    name: str
    method: str
    path: str
    request: str | None  # class name
    response: str
    summary: str

    @property
    def key(self) -> str:
        return f"{self.method} {self.path.lower()}"


def _class_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and node.value is None:
        return None
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):  # models.CreateMessageRouteRequest
        return node.attr
    raise ValueError(f"operations.py: a model in a row must be a class name or None, not {ast.unparse(node)}")


def table_rows(source: str | None = None) -> list[Row]:
    """The rows of `OPERATIONS`, read from operations.py's source."""
    tree = ast.parse(TABLE.read_text() if source is None else source)
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Operation"
    ]
    rows: list[Row] = []
    for node in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
        name, method, path = (ast.literal_eval(a) for a in node.args[:3])
        summary = ast.literal_eval(node.args[5])
        response = _class_name(node.args[4])
        if response is None:
            raise ValueError(f"operations.py: {name} names no response model")
        rows.append(Row(name, method, path, _class_name(node.args[3]), response, summary))
    return rows


def server_document() -> dict[str, Any]:
    """The app's OpenAPI document, built in process (no database is opened, no worker started)."""
    # deferred: the SDK package must import without the server (it talks to any Telegent-compatible one);
    # only this maintainer tool needs the app.
    from mpaas.app import create_app
    from mpaas.config import Settings

    with tempfile.TemporaryDirectory() as data_dir:
        return create_app(Settings(data_dir=data_dir), run_workers=False).openapi()


# Field lines


def python_name(wire: str) -> str:
    name = to_snake(wire)
    if keyword.iskeyword(name) or name in _TAKEN or name.startswith("model_"):
        name += "_"
    return name


def field_line(wire: str, type_: str, required: bool) -> str:
    """`    name: type` with the alias only where the generated one (PascalCase) would differ."""
    name = python_name(wire)
    alias = None if to_pascal(name) == wire else wire
    if required:
        default = f' = Field(alias="{wire}")' if alias else ""
        return f"    {name}: {type_}{default}"
    annotation = type_ if type_ == "Open" else f"{type_} | None"
    if not alias:
        return f"    {name}: {annotation} = None"
    line = f'    {name}: {annotation} = Field(None, alias="{wire}")'
    if len(line) > 120:  # as ruff format wraps it
        line = f'    {name}: {annotation} = Field(\n        None, alias="{wire}"\n    )'
    return line


def request_type(schema: dict[str, Any]) -> str:
    """A request field's type: the server validates the details, so nested shapes stay plain dicts."""
    if "anyOf" in schema:
        kinds = [request_type(s) for s in schema["anyOf"] if s.get("type") != "null"]
        return kinds[0] if len(kinds) == 1 else "Any"
    if "$ref" in schema:
        return "dict[str, Any]"
    kind = str(schema.get("type"))
    if kind == "array":
        return f"list[{request_type(schema.get('items', {}))}]"
    if kind == "object":
        return "dict[str, Any]"
    return _REQUEST_TYPES.get(kind, "Any")


def request_fields(document: dict[str, Any], op: dict[str, Any]) -> list[str]:
    """Field lines of an operation's request model: its query parameters, then its JSON body's properties."""
    lines: list[str] = []
    for param in op.get("parameters", []):
        if param.get("in") == "query":
            lines.append(field_line(param["name"], request_type(param.get("schema", {})), bool(param.get("required"))))
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in body:
        schema = _component(document, body["$ref"])
        required = set(schema.get("required", []))
        for wire, prop in schema.get("properties", {}).items():
            lines.append(field_line(wire, request_type(prop), wire in required))
    return lines


def _component(document: dict[str, Any], ref: str) -> dict[str, Any]:
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]


def nested_class_name(ref: str) -> str:
    """`#/components/schemas/ListedMessageRoute` -> `ListedMessageRoute` (`Foo-Output` -> `FooOutput`)."""
    parts = re.findall(r"[A-Za-z0-9]+", ref.rsplit("/", 1)[1])
    return "".join(p[:1].upper() + p[1:] for p in parts)


class Responses:
    """Response types and the nested classes they need, collected while rendering."""

    def __init__(self, document: dict[str, Any]):
        self.document = document
        self.nested: dict[str, str] = {}  # class name -> $ref
        self.used: set[str] = set()  # nested classes named since the last reset

    def type_of(self, schema: dict[str, Any]) -> str:
        if "$ref" in schema:
            name = nested_class_name(schema["$ref"])
            known = self.nested.setdefault(name, schema["$ref"])
            if known != schema["$ref"]:
                raise ValueError(f"{known} and {schema['$ref']} would both be the class {name}")
            self.used.add(name)
            return name
        for combinator in ("anyOf", "oneOf", "allOf"):
            if combinator in schema:
                kinds: list[str] = []
                for option in schema[combinator]:
                    if option.get("type") == "null":
                        continue
                    kind = self.type_of(option)
                    if kind not in kinds:
                        kinds.append(kind)
                if "Open" in kinds or not kinds:
                    return "Open"
                if "int" in kinds and "Number" in kinds:  # money: an int or a float on the wire
                    kinds.remove("int")
                return " | ".join(kinds)
        kind = str(schema.get("type"))
        if kind == "array":
            return f"list[{self.type_of(schema.get('items', {}))}]"
        if kind == "object":
            values = schema.get("additionalProperties")
            if isinstance(values, dict) and values and not schema.get("properties"):
                return f"dict[str, {self.type_of(values)}]"
            return "WireResponse"  # an open object reads like a response
        return _RESPONSE_TYPES.get(kind, "Open")

    def fields(self, properties: dict[str, Any]) -> list[str]:
        return [field_line(wire, self.type_of(prop), required=False) for wire, prop in properties.items()]


def response_properties(document: dict[str, Any], op: dict[str, Any]) -> dict[str, Any] | None:
    """Properties of the 200 answer (an array's items), or None when the document does not describe them."""
    schema = op.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {}).get("schema")
    if not schema:
        return None
    if "anyOf" in schema:  # `Record | list[Record]` (a GET whose optional id, when absent, lists): the record
        schema = next((s for s in schema["anyOf"] if "$ref" in s), schema["anyOf"][0])
    if schema.get("type") == "array":
        schema = schema.get("items", {})
    if "$ref" in schema:
        schema = _component(document, schema["$ref"])
    return schema.get("properties") or None


def _docstring(text: str) -> str:
    text = " ".join(text.split()).replace("\\", "\\\\").replace('"""', "'''")
    if text.endswith('"'):
        text += " "
    return f'    """{text}"""'


def _class(name: str, base: str, doc: str, lines: list[str]) -> str:
    body = [_docstring(doc)]
    if lines:
        body.append("")
        body.extend(lines)
    return f"class {name}({base}):\n" + "\n".join(body) + "\n"


@dataclass
class Rendered:
    text: str
    provisional: list[str]  # operations typed from PROVISIONAL
    undescribed: list[str]  # operations whose answer has neither a schema nor a PROVISIONAL entry
    unused: list[str]  # PROVISIONAL entries the document now describes (or no row names)


def operation_classes(document: dict[str, Any], row: Row, responses: Responses) -> tuple[list[str], str]:
    """The request and response classes of one row; the second item says where the response came from
    ("schema", "provisional" or "none")."""
    op = document["paths"].get(row.path, {}).get(row.method.lower())
    if op is None:
        raise ValueError(f"{row.name}: the server does not serve {row.method} {row.path}")
    classes: list[str] = []
    if row.request is not None:
        where = "the query string" if row.method == "GET" else "the JSON body"
        doc = f"{row.summary}: {where} of `{row.method} {row.path}`."
        classes.append(_class(row.request, "WireRequest", doc, request_fields(document, op)))
    properties = response_properties(document, op)
    source = "schema"
    doc = f"{row.summary}: the answer of `{row.method} {row.path}`."
    if properties is None and row.key in PROVISIONAL:
        properties, source = PROVISIONAL[row.key], "provisional"
        doc += " Typed by hand until the server declares its schema."
    elif properties is None:
        source = "none"
        doc += " The server declares no schema for it yet: every field is read as sent."
    classes.append(_class(row.response, "WireResponse", doc, responses.fields(properties or {})))
    return classes, source


def _nested_classes(responses: Responses) -> list[str]:
    """Every nested class, each after the ones it uses (depth first, in name order)."""
    out: dict[str, str] = {}
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in out or name in visiting:
            return
        visiting.add(name)
        schema = _component(responses.document, responses.nested[name])
        responses.used = set()
        lines = responses.fields(schema.get("properties", {}))
        for used in sorted(responses.used):
            visit(used)
        doc = schema.get("description") or f"`{name}` in the server's OpenAPI document."
        out[name] = _class(name, "WireResponse", doc, lines)
        visiting.discard(name)

    while set(responses.nested) - set(out):
        for name in sorted(set(responses.nested) - set(out)):
            visit(name)
    return list(out.values())


def render(document: dict[str, Any], rows: list[Row] | None = None) -> Rendered:
    """models.py's text for the document and the table."""
    rows = table_rows() if rows is None else rows
    responses = Responses(document)
    seen: dict[str, str] = {}
    per_operation: list[str] = []
    provisional, undescribed = [], []
    for row in rows:
        classes, source = operation_classes(document, row, responses)
        for name, text in zip([c for c in (row.request, row.response) if c], classes, strict=True):
            if name in seen:
                raise ValueError(f"operations.py: two rows name the class {name}")
            seen[name] = text
        per_operation.extend(classes)
        if source == "provisional":
            provisional.append(row.name)
        elif source == "none":
            undescribed.append(row.name)
    nested = _nested_classes(responses)
    clash = set(seen) & set(responses.nested)
    if clash:
        raise ValueError(f"nested schemas named like an operation's model: {sorted(clash)}")
    keys = {row.key for row in rows if row.name in provisional}
    unused = sorted(set(PROVISIONAL) - keys)
    classes = nested + per_operation
    body = "\n\n".join(classes)
    text = HEADER + "\n" + _imports(body) + "\n\n" + body
    return Rendered(text, provisional, undescribed, unused)


def _imports(body: str) -> str:
    used = set(re.findall(r"\b[A-Za-z_]+\b", body))
    lines = ["from __future__ import annotations", ""]
    if "Any" in used:
        lines += ["from typing import Any", ""]
    if "Field" in used:
        lines += ["from pydantic import Field", ""]
    base = sorted(n for n in ("Number", "Open", "WireRequest", "WireResponse") if n in used)
    lines.append(f"from mpaas.client.base import {', '.join(base)}")
    return "\n".join(lines) + "\n"


def _ruff() -> str | None:
    beside = Path(sys.executable).with_name("ruff")  # the virtualenv's own, as `make lint` runs it
    return str(beside) if beside.exists() else shutil.which("ruff")


def format_check(text: str) -> str | None:
    """What ruff format makes of `text`, or None without ruff. The generator writes formatted code itself,
    so the staleness test needs no ruff; this tells when it stops doing so."""
    ruff = _ruff()
    if ruff is None:
        return None
    done = subprocess.run(
        [ruff, "format", "--stdin-filename", str(MODELS), "-"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE,
    )
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    rendered = render(server_document())
    formatted = format_check(rendered.text)
    if formatted is not None and formatted != rendered.text:
        print("the generator's output is not as ruff formats it; fix mpaas/client/codegen.py", file=sys.stderr)
        return 1
    current = MODELS.read_text() if MODELS.exists() else ""
    if "--check" in args:
        if current != rendered.text:
            print(f"{MODELS} is stale: run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    if current != rendered.text:
        MODELS.write_text(rendered.text)
        print(f"wrote {MODELS}")
    else:
        print(f"{MODELS} is up to date")
    if rendered.provisional:
        print(f"typed from PROVISIONAL (no response schema yet): {', '.join(rendered.provisional)}")
    if rendered.undescribed:
        print(f"no response schema yet, permissive models: {len(rendered.undescribed)} operations")
    if rendered.unused:
        print(f"PROVISIONAL entries no longer used (delete them): {', '.join(rendered.unused)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
