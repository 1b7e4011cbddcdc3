"""RADIUS accounting listener (RFC 2866) so a packet gateway (P-GW/GGSN/BNG) can report data usage.

Off unless MPAAS_RADIUS_ADDR is set (e.g. 127.0.0.1:1813); MPAAS_RADIUS_SECRET is the shared secret.
Start, Interim-Update and Stop carry running octet counters for a session (Acct-Session-Id); the number
is Calling-Station-Id. Usage counted = in + out octets, Gigawords included (2^32 each). Each request is
written durably (in batches) before its Accounting-Response is sent, so a gateway that gets no answer resends and
the resend counts nothing twice (only growth past the session's highest total counts)."""

from __future__ import annotations

import asyncio
import io
import logging
from functools import lru_cache

from pyrad import packet
from pyrad.dictionary import Dictionary

from mpaas.core.phone import normalize_e164
from mpaas.numbers.usage import service as usage
from mpaas.roles.platform import Platform

log = logging.getLogger("mpaas.radius")
_e164 = lru_cache(maxsize=65536)(normalize_e164)

DICTIONARY = """
ATTRIBUTE User-Name 1 string
ATTRIBUTE NAS-IP-Address 4 ipaddr
ATTRIBUTE Called-Station-Id 30 string
ATTRIBUTE Calling-Station-Id 31 string
ATTRIBUTE Acct-Status-Type 40 integer
ATTRIBUTE Acct-Input-Octets 42 integer
ATTRIBUTE Acct-Output-Octets 43 integer
ATTRIBUTE Acct-Session-Id 44 string
ATTRIBUTE Acct-Session-Time 46 integer
ATTRIBUTE Acct-Input-Gigawords 52 integer
ATTRIBUTE Acct-Output-Gigawords 53 integer
ATTRIBUTE Event-Timestamp 55 integer
VALUE Acct-Status-Type Start 1
VALUE Acct-Status-Type Stop 2
VALUE Acct-Status-Type Interim-Update 3
VENDOR 3GPP 10415
BEGIN-VENDOR 3GPP
ATTRIBUTE 3GPP-IMEISV 20 string
END-VENDOR 3GPP
"""


def dictionary() -> Dictionary:
    return Dictionary(io.StringIO(DICTIONARY))


def _first(pkt: packet.Packet, name: str, default=None):
    try:
        values = pkt[name]
    except KeyError:
        return default
    return values[0] if values else default


def octets(pkt: packet.Packet) -> int:
    """Total octets in both directions, Gigawords (RFC 2869) included."""
    total = 0
    for low, high in (("Acct-Input-Octets", "Acct-Input-Gigawords"), ("Acct-Output-Octets", "Acct-Output-Gigawords")):
        total += int(_first(pkt, low, 0)) + (int(_first(pkt, high, 0)) << 32)
    return total


def parse(data: bytes, secret: bytes, dict_: Dictionary) -> packet.AcctPacket | None:
    """The accounting request in `data`, or None when it is not one or fails authentication."""
    try:
        pkt = packet.AcctPacket(packet=data, secret=secret, dict=dict_)
    except packet.PacketError:
        return None
    if pkt.code != packet.AccountingRequest or not pkt.VerifyAcctRequest():
        return None
    return pkt


def fields(pkt: packet.AcctPacket) -> tuple[str, str, str, int, str | None] | None:
    """(session id, E.164 number, status, octets, IMEI) of a request, or None if it names no number."""
    number = _e164(str(_first(pkt, "Calling-Station-Id", "")))
    if number is None:
        return None
    status = _first(pkt, "Acct-Status-Type", "Interim-Update")
    status = {1: "Start", 2: "Stop", 3: "Interim-Update"}.get(status, status)
    imei = _first(pkt, "3GPP-IMEISV")
    return str(_first(pkt, "Acct-Session-Id", "")), number, str(status), octets(pkt), imei and str(imei)[:16]


MAX_BATCH = 1000


class AccountingProtocol(asyncio.DatagramProtocol):
    """Requests are verified as they arrive and stored in batches: whatever arrived while the previous
    batch was being written goes into the next transaction, and every request of a batch is answered
    once that transaction commits."""

    def __init__(self, platform: Platform, secret: bytes):
        self.platform = platform
        self.secret = secret
        self.dict = dictionary()
        self.transport: asyncio.DatagramTransport | None = None
        self.queue: asyncio.Queue = asyncio.Queue()
        self.consumer: asyncio.Task | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.consumer = asyncio.get_running_loop().create_task(self.consume(), name="mpaas-radius")

    def datagram_received(self, data: bytes, addr) -> None:
        pkt = parse(data, self.secret, self.dict)
        if pkt is None:
            log.warning("dropped a RADIUS packet from %s: not an authentic Accounting-Request", addr)
            return
        self.queue.put_nowait((pkt, addr))

    async def consume(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while len(batch) < MAX_BATCH and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            try:
                await self.store(batch)
            except Exception:  # no answers: the gateway resends, and the resends count nothing twice
                log.exception("storing %d RADIUS accounting requests failed", len(batch))
                continue
            for pkt, addr in batch:
                self.transport.sendto(pkt.CreateReply().ReplyPacket(), addr)

    async def store(self, batch: list) -> None:
        records = [f for f in (fields(pkt) for pkt, _addr in batch) if f is not None]
        if not records:
            return
        async with self.platform.db.write() as session:
            await usage.radius_batch(
                session, records, self.platform.clock.now(), self.platform.settings.numbers_time_zone
            )

    async def close(self) -> None:
        if self.consumer is not None:
            self.consumer.cancel()
            try:
                await self.consumer
            except asyncio.CancelledError:
                pass


class RadiusListener:
    def __init__(self, platform: Platform):
        self.platform = platform
        self.transport: asyncio.DatagramTransport | None = None
        self.protocol: AccountingProtocol | None = None

    async def start(self) -> tuple[str, int]:
        s = self.platform.settings
        if not s.radius_secret:
            raise ValueError("MPAAS_RADIUS_SECRET must be set when MPAAS_RADIUS_ADDR is")
        host, _, port = s.radius_addr.rpartition(":")
        loop = asyncio.get_running_loop()
        self.transport, self.protocol = await loop.create_datagram_endpoint(
            lambda: AccountingProtocol(self.platform, s.radius_secret.encode()),
            local_addr=(host or "0.0.0.0", int(port)),
        )
        bound = self.transport.get_extra_info("sockname")[:2]
        log.info("RADIUS accounting listening on %s:%s", *bound)
        return bound

    async def stop(self) -> None:
        if self.transport is not None:
            self.transport.close()
        if self.protocol is not None:
            await self.protocol.close()
