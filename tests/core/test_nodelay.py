"""`mpaas api --workers N` sets TCP_NODELAY on every accepted connection itself (uvicorn's shared socket
does not get it; keep-alive requests then stall ~44 ms on delayed ACKs)."""

from __future__ import annotations

import socket

from mpaas.core.http import nodelay


class _Transport:
    def __init__(self, sock):
        self.sock = sock

    def get_extra_info(self, name):
        return self.sock if name == "socket" else None


def test_accepted_connections_get_tcp_nodelay(monkeypatch):
    calls = []
    monkeypatch.setattr(nodelay.AutoHTTPProtocol, "connection_made", lambda self, transport: calls.append(transport))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)  # proto 0, as uvicorn's workers make it
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    try:
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        protocol = nodelay.NoDelayHTTPProtocol.__new__(nodelay.NoDelayHTTPProtocol)
        transport = _Transport(accepted)
        protocol.connection_made(transport)
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        assert calls == [transport]  # uvicorn's own setup still runs
    finally:
        for s in (client, accepted, listener):
            s.close()


def test_the_api_role_uses_it():
    import inspect

    from mpaas.cli import roles as cli_roles

    assert "HTTP_PROTOCOL" in inspect.getsource(cli_roles.api)
    assert nodelay.HTTP_PROTOCOL.endswith(":NoDelayHTTPProtocol")
