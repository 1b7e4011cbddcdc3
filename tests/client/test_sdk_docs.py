"""docs/sdk.md's Python examples, run in order in one namespace against a real server."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "sdk.md"


def python_blocks() -> list[str]:
    return re.findall(r"^```python[ \t]*\n(.*?)^```[ \t]*$", DOC.read_text(), re.S | re.M)


def test_sdk_doc_examples_run(live_server, monkeypatch, capsys):
    blocks = python_blocks()
    assert len(blocks) >= 8
    monkeypatch.setenv("MPAAS_API_URL", live_server.base_url)
    monkeypatch.setenv("MPAAS_ACCOUNT_KEY", live_server.key)
    monkeypatch.setenv("MPAAS_ACCOUNT_SECRET", live_server.secret)
    namespace: dict = {"__name__": "sdk_doc"}
    for number, block in enumerate(blocks, 1):
        try:
            exec(compile(block, f"docs/sdk.md block {number}", "exec"), namespace)
        except Exception as exc:
            raise AssertionError(f"docs/sdk.md python block {number} failed: {exc!r}\n{block}") from exc
    out = capsys.readouterr().out
    assert "MRID-" in out and "TMID-" in out
    assert "tokens minted" in out
