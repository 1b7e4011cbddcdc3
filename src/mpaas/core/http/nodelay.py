"""uvicorn's HTTP protocol with TCP_NODELAY set on every accepted connection.

With `--workers N` uvicorn creates the shared listening socket itself with proto=0, and asyncio only sets
TCP_NODELAY on sockets whose proto is IPPROTO_TCP (uvicorn issue #3149, open in 0.54). Every keep-alive
request after the first then waits ~44 ms for the client's delayed ACK (Nagle): measured with bench/scale.py,
2 API processes answered GET /healthz in 44 ms at p50 instead of 7 ms. Setting the option here makes
`mpaas api` independent of how the listening socket was made.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:  # a socket that does not take the option: keep serving without it
                pass
        super().connection_made(transport)  # type: ignore[arg-type]


HTTP_PROTOCOL = "mpaas.core.http.nodelay:NoDelayHTTPProtocol"
