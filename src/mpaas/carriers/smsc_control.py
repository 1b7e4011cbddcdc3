"""The control HTTP port of `mpaas smsc-sim` (`--control-port`): lets a test or an operator drive a running
simulator from outside its process (inject MO, change personality or outcomes, read stats). One request per
connection, JSON in and out; the routes are listed in smsc_sim's docstring."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for typing only: smsc_sim imports this module to serve its control port
    from mpaas.carriers.smsc_sim import SmscSim


async def serve_control(sim: SmscSim, host: str, port: int) -> asyncio.base_events.Server:
    """Start the control server for `sim` on host:port (0 picks a free port)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = (await reader.readline()).decode("latin-1").split()
            headers = {}
            while True:
                line = (await reader.readline()).decode("latin-1").strip()
                if not line:
                    break
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
            method, path = (request_line + ["", ""])[:2]
            status, payload = await dispatch(sim, method, path, body)
        except Exception as exc:  # a malformed request gets a 400
            status, payload = 400, {"error": str(exc)}
        data = json.dumps(payload).encode()
        writer.write(
            f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode()
            + data
        )
        try:
            await writer.drain()
        finally:
            writer.close()

    return await asyncio.start_server(handle, host, port)


async def dispatch(sim: SmscSim, method: str, path: str, body: bytes) -> tuple[int, dict]:
    data = json.loads(body) if body else {}
    if method == "GET" and path == "/stats":
        return 200, sim.stats()
    if method == "POST" and path == "/mo":
        parts = await sim.inject_mo(
            data["from"],
            data["to"],
            data["body"],
            data.get("concat", "udh8"),
            bool(data.get("plus", False)),
            wait=False,
        )
        return 200, {"parts": parts}
    if method == "POST" and path == "/personality":
        options = {k: v for k, v in data.items() if k != "personality"}
        sim.set_personality(data["personality"], **options)
        return 200, {"personality": sim.config.personality}
    if method == "POST" and path == "/outcomes":
        sim.config.outcomes = {str(k): str(v) for k, v in data.items()}
        return 200, {"outcomes": sim.config.outcomes}
    return 404, {"error": f"no route {method} {path}"}
