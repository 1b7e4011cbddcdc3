"""The request samples of the vendor's reference (shared/reference/telegent-api.md, outside this repository),
extracted into `vendor_samples.json` beside this file so the replay test (tests/contract/test_vendor_samples.py)
runs anywhere; a test checks the file still matches the reference when the reference is on the machine.

    python tests/support/vendor_samples.py [path/to/telegent-api.md]    # rewrite vendor_samples.json

A sample is a request the reference shows for an operation: in §3's `#### METHOD /path` entries a JSON body
(`sample:`, `sample req:`, `x-codeSample`, `example:`, `requestBody example`, `req:`) and/or the URL of a `curl`
line (its query string); in the digests of the vendor's guides and pages (Appendices C and D, "Confirmed
(docs)"; the legacy Appendix E is left out) a `METHOD /v1.0/path ... req {...}` or `GET /v1.0/path?query`. A body the reference shortened so that it is not JSON (`...`, `x3`) is kept as text
with `"Unparsed"`, so that the replay test names it instead of silently skipping it."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

FIXTURE = Path(__file__).with_name("vendor_samples.json")
REFERENCE = Path(os.environ.get("MPAAS_VENDOR_REFERENCE", "/work/shared/reference/telegent-api.md"))

_OPERATION = re.compile(r"^#### (GET|POST) (/v1\.0/\S+) — ", re.M)
_SAMPLE = re.compile(
    r"^- (?:[\w.-]+/[\w/.-]+ )?(?:sample req|sample|x-codeSamples?|example|requestBody example \w+|req:|curl)\b", re.I
)
_URL = re.compile(r"https://api\.telegent\.com(/v1\.0/[^'\" ]*)")
_GUIDE_CALL = re.compile(r"\b(GET|POST) (/v1\.0/[\w/.-]*[\w])(\?[^\s'\"]*)?")
_GUIDES = ("## Appendix C.", "## Appendix D.")


def extract(text: str) -> list[dict[str, Any]]:
    decoder = json.JSONDecoder()
    heads = list(_OPERATION.finditer(text))
    samples: list[dict[str, Any]] = []
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else text.find("\n## ", head.end())
        method, path = head.group(1), head.group(2)
        for line in text[head.end() : end].splitlines():
            if not _SAMPLE.match(line):
                continue
            sample: dict[str, Any] = {"Method": method, "Path": path}
            for url in _URL.findall(line):
                parts = urlsplit(url.rstrip(".,"))
                if parts.path.lower() == path.lower() and parts.query:
                    sample["Query"] = dict(parse_qsl(parts.query, keep_blank_values=True))
            start = line.find("{")
            if start >= 0:
                try:
                    sample["Body"], _ = decoder.raw_decode(line[start:])
                except ValueError:
                    sample["Unparsed"] = line[start:]
            if len(sample) > 2:
                samples.append(sample)
    for title in _GUIDES:
        start = text.find(title)
        end = text.find("\n## ", start + 1)
        for line in text[start:end].splitlines():
            samples.extend(_guide_samples(line, decoder))
    return samples


def _guide_samples(line: str, decoder: json.JSONDecoder) -> list[dict[str, Any]]:
    """`POST /v1.0/path ... req {...}` and `GET /v1.0/path?query` in one line of a guide's digest."""
    found: list[dict[str, Any]] = []
    calls = list(_GUIDE_CALL.finditer(line))
    for i, call in enumerate(calls):
        method, path, query = call.group(1), call.group(2), call.group(3)
        sample: dict[str, Any] = {"Method": method, "Path": path, "Source": "guide"}
        if query:
            sample["Query"] = dict(parse_qsl(query[1:].rstrip(".,;"), keep_blank_values=True))
        segment = line[call.end() : calls[i + 1].start() if i + 1 < len(calls) else len(line)]
        req = re.search(r"\breq \{", segment)
        if req:
            body = segment[req.end() - 1 :]
            try:
                sample["Body"], _ = decoder.raw_decode(body)
            except ValueError:
                sample["Unparsed"] = body.split(" resp ")[0]
        if len(sample) > 3:
            found.append(sample)
    return found


def load() -> list[dict[str, Any]]:
    return json.loads(FIXTURE.read_text())


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else REFERENCE
    FIXTURE.write_text(json.dumps(extract(source.read_text()), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {FIXTURE} ({len(load())} samples)")
