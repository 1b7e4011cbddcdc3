"""The event loop of mpaas's long-running processes: uvloop when it is installed, asyncio's otherwise.

uvicorn already picks uvloop (and the httptools parser) for the API when they are installed; the worker,
gateway and SMSC simulator processes run their own loops and get the same here. Measured with
bench/pipeline.py --layout roles, alternating runs with and without the two packages: see the issue note
for #3 and docs/deploy.md. Both are dependencies (pyproject.toml), but nothing needs them: without
them everything runs the same, only slower.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """asyncio.run(main) on uvloop's loop when uvloop is importable."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)
