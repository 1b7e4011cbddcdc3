"""`mpaas api --workers N`: N uvicorn processes, each accepting on its own SO_REUSEPORT socket.

uvicorn's own `--workers` shares one listening socket between the processes, and whichever process wakes first
accepts every connection waiting in the queue. Clients that open a few keep-alive connections at once (a
reverse proxy's upstream pool, a load generator) therefore often land all on one process, and stay there:
`bench/scale.py` with 2 API processes showed one at 0.46 core and the other idle, and 16 connections opened
together split 16/0, 15/1 and 12/4. With a socket per process bound under SO_REUSEPORT, the kernel spreads
connections by a hash of their addresses across the listening sockets, so each process gets its share
whatever the timing.

The parent first checks that nothing listens on the port (a second `mpaas api` would otherwise join the
first one's group), then binds the address once, without listening, which holds the port while children
restart; it runs the children, restarts one that dies, and passes SIGTERM/SIGINT on. Where the platform has no SO_REUSEPORT, uvicorn's shared socket is used.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import time
from typing import Any

import uvicorn

RESTART_PAUSE_SECONDS = 1.0
QUICK_EXIT_SECONDS = 5.0  # a child that exits this soon after starting failed to start
QUICK_EXITS_ALLOWED = 5  # in a row, before the parent gives up instead of restarting forever
STOP_GRACE_SECONDS = 10.0


def reuseport_supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def _resolve(host: str, port: int) -> tuple:
    """The address to listen on (the first getaddrinfo gives for a passive TCP socket)."""
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]


def reuseport_socket(host: str, port: int, *, listen: bool) -> socket.socket:
    """A TCP socket bound to host:port with SO_REUSEPORT (and listening, when asked)."""
    family, kind, proto, _, address = _resolve(host, port)
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        if listen:
            sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def ensure_port_free(host: str, port: int) -> None:
    """Raise OSError (EADDRINUSE) when anything already listens on host:port. SO_REUSEPORT alone would let a
    second `mpaas api` of the same user join the first one's group and silently take half its connections; a
    plain bind is refused by any socket on the port, whatever its options."""
    family, kind, proto, _, address = _resolve(host, port)
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a previous run's TIME_WAIT is no conflict
        probe.bind(address)


def _child(app: str, host: str, port: int, options: dict[str, Any]) -> None:
    sock = reuseport_socket(host, port, listen=True)
    config = uvicorn.Config(app, host=host, port=port, **options)
    uvicorn.Server(config).run(sockets=[sock])


class Supervisor:
    def __init__(self, app: str, host: str, port: int, workers: int, options: dict[str, Any]):
        self.args = (app, host, port, options)
        self.workers = workers
        self.context = multiprocessing.get_context("spawn")  # a fresh interpreter, as uvicorn's workers
        self.children: list[tuple[multiprocessing.process.BaseProcess, float]] = []
        self.stopping = False
        self.quick_exits = 0

    def _start_one(self):
        process = self.context.Process(target=_child, args=self.args, name="mpaas-api-worker")
        process.start()
        return process, time.monotonic()

    def _stop(self, *_):
        self.stopping = True

    def run(self) -> int:
        """Until SIGTERM or SIGINT; returns the exit status."""
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.children = [self._start_one() for _ in range(self.workers)]
        status = 0
        while not self.stopping:
            time.sleep(0.2)
            for i, (process, started) in enumerate(self.children):
                if process.is_alive() or self.stopping:
                    continue
                quick = time.monotonic() - started < QUICK_EXIT_SECONDS
                self.quick_exits = self.quick_exits + 1 if quick else 0
                if self.quick_exits >= QUICK_EXITS_ALLOWED:
                    print(
                        f"mpaas api: worker processes keep exiting at start (last code {process.exitcode}); stopping",
                        file=sys.stderr,
                    )
                    self.stopping, status = True, 1
                    break
                print(
                    f"mpaas api: worker {process.pid} exited with {process.exitcode}; starting another", file=sys.stderr
                )
                time.sleep(RESTART_PAUSE_SECONDS if quick else 0)
                self.children[i] = self._start_one()
        self._terminate_all()
        return status

    def _terminate_all(self) -> None:
        for process, _ in self.children:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process, _ in self.children:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()


def serve(app: str, host: str, port: int, workers: int, **options: Any) -> int:
    """Run `workers` processes serving `app` (an import string, as uvicorn's) on host:port; returns the exit
    status. Raises OSError when the address cannot be bound."""
    if port:
        ensure_port_free(host, port)
    reservation = reuseport_socket(host, port, listen=False)  # holds the port while children come and go
    try:
        port = reservation.getsockname()[1]  # port 0: the one the kernel picked, for every child
        return Supervisor(app, host, port, workers, options).run()
    finally:
        reservation.close()
