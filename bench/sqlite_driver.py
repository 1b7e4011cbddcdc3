#!/usr/bin/env python
"""The one-hop SQLite dialect (src/mpaas/core/db/sqlite_driver.py) against SQLAlchemy's stock aiosqlite adapter,
in the same run: CPU and wall time per small SELECT and per 20-row executemany INSERT, alternating the two
dialects three times on one temporary file. Prints each, then the ratio one-hop / stock.

    .venv/bin/python bench/sqlite_driver.py [--statements 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

import mpaas.core.db.sqlite_driver  # noqa: F401  (registers sqlite+mpaas_aiosqlite)


async def measure(url: str, statements: int) -> dict[str, float]:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, b TEXT)"))
        await conn.execute(text("DELETE FROM t"))
        await conn.execute(text("INSERT INTO t (b) VALUES (:b)"), [{"b": str(i)} for i in range(20)])
    out = {}
    async with engine.connect() as conn:
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(statements):
            (await conn.execute(text("SELECT id, b FROM t WHERE id < 5"))).all()
        out["select_cpu_us"] = (time.process_time() - cpu) / statements * 1e6
        out["select_wall_us"] = (time.perf_counter() - wall) / statements * 1e6
        rows = [{"b": "x"}] * 20
        cpu = time.process_time()
        for _ in range(statements // 10):
            await conn.execute(text("INSERT INTO t (b) VALUES (:b)"), rows)
        out["insert20_cpu_us"] = (time.process_time() - cpu) / (statements // 10) * 1e6
        await conn.rollback()
    await engine.dispose()
    return out


async def main(statements: int) -> dict:
    results: dict[str, list[dict]] = {"stock": [], "one_hop": []}
    with tempfile.TemporaryDirectory(prefix="mpaas-sqlite-driver-") as tmp:
        path = Path(tmp) / "bench.db"
        for _ in range(3):
            results["stock"].append(await measure(f"sqlite+aiosqlite:///{path}", statements))
            results["one_hop"].append(await measure(f"sqlite+mpaas_aiosqlite:///{path}", statements))
    figures = {
        name: {key: round(statistics.median(r[key] for r in runs), 1) for key in runs[0]}
        for name, runs in results.items()
    }
    figures["ratio_one_hop_vs_stock"] = {
        key: round(figures["one_hop"][key] / figures["stock"][key], 2) for key in figures["stock"]
    }
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=3000)
    figures = asyncio.run(main(parser.parse_args().statements))
    for name in ("stock", "one_hop"):
        f = figures[name]
        print(
            f"{name:8} SELECT {f['select_cpu_us']:.0f} us CPU ({f['select_wall_us']:.0f} us wall), "
            f"20-row INSERT {f['insert20_cpu_us']:.0f} us CPU"
        )
    print("one-hop / stock:", figures["ratio_one_hop_vs_stock"])
    print(json.dumps(figures))
