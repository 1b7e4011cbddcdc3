"""SMPP 3.4 framing shared by the connector and the simulator, on aiosmpplib's PDU classes.

aiosmpplib builds the PDUs (bind, submit_sm, deliver_sm, responses). Incoming submit_sm/deliver_sm bodies are
read here as raw octets instead of through `SubmitSm.from_pdu`, because that decoder mis-reads 16-bit
concatenation references and 3-octet TLVs such as network_error_code, and decodes parts before reassembly.
"""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

from aiosmpplib import NPI, TON, PhoneNumber, SmppCommandStatus
from aiosmpplib.protocol import DeliverSm, SubmitSm
from aiosmpplib.state import OptionalParam

HEADER = struct.Struct("!IIII")
MAX_PDU = 64 * 1024 + 1024

# command ids
GENERIC_NACK = 0x80000000
BIND_RECEIVER, BIND_TRANSMITTER, BIND_TRANSCEIVER = 0x1, 0x2, 0x9
QUERY_SM, SUBMIT_SM, DELIVER_SM, UNBIND, ENQUIRE_LINK = 0x3, 0x4, 0x5, 0x6, 0x15
RESP = 0x80000000

# command status
ESME_ROK = 0x00
ESME_RINVMSGLEN = 0x01
ESME_RINVCMDLEN = 0x02
ESME_RINVCMDID = 0x03
ESME_RINVBNDSTS = 0x04
ESME_RALYBND = 0x05
ESME_RSYSERR = 0x08
ESME_RINVSRCADR = 0x0A
ESME_RINVDSTADR = 0x0B
ESME_RINVMSGID = 0x0C
ESME_RBINDFAIL = 0x0D
ESME_RINVPASWD = 0x0E
ESME_RINVSYSID = 0x0F
ESME_RMSGQFUL = 0x14
ESME_RSUBMITFAIL = 0x45
ESME_RTHROTTLED = 0x58
ESME_RQUERYFAIL = 0x67
ESME_RX_T_APPN = 0x64
ESME_RDELIVERYFAILURE = 0xFE
ESME_RUNKNOWNERR = 0xFF


def status_name(status: int) -> str:
    try:
        return SmppCommandStatus(status).name
    except ValueError:
        return f"0x{status:08X}"


class ConnectionClosed(Exception):
    pass


async def read_pdu(reader: asyncio.StreamReader) -> tuple[int, int, int, bytes]:
    """(command_id, command_status, sequence_number, body) of the next PDU."""
    try:
        head = await reader.readexactly(16)
    except (asyncio.IncompleteReadError, ConnectionError) as exc:
        raise ConnectionClosed(str(exc) or "connection closed") from None
    length, command_id, status, seq = HEADER.unpack(head)
    if length < 16 or length > MAX_PDU:
        raise ConnectionClosed(f"bad command_length {length}")
    try:
        body = await reader.readexactly(length - 16) if length > 16 else b""
    except (asyncio.IncompleteReadError, ConnectionError) as exc:
        raise ConnectionClosed(str(exc) or "connection closed") from None
    return command_id, status, seq, body


class CoalescingWriter:
    """A StreamWriter whose writes within one event-loop iteration go out in one send(): with TCP_NODELAY and a
    window of PDUs in flight, one syscall per PDU is the main cost. Order is kept."""

    def __init__(self, writer: asyncio.StreamWriter):
        self._writer = writer
        self._buffer: list[bytes] = []
        self._scheduled = False
        self.transport = writer.transport

    def write(self, data: bytes) -> None:
        self._buffer.append(data)
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        self._scheduled = False
        if self._buffer:
            data = b"".join(self._buffer)
            self._buffer.clear()
            if not self._writer.is_closing():
                self._writer.write(data)

    async def drain(self) -> None:
        self.flush()
        await self._writer.drain()

    def close(self) -> None:
        self.flush()
        self._writer.close()

    def abort(self) -> None:
        """Drop the connection at once (after handing what is buffered to the socket)."""
        self.flush()
        self._writer.transport.abort()

    def is_closing(self) -> bool:
        return self._writer.is_closing()

    def get_extra_info(self, name: str, default=None):
        return self._writer.get_extra_info(name, default)


def pack(command_id: int, status: int, seq: int, body: bytes = b"") -> bytes:
    return HEADER.pack(16 + len(body), command_id, status, seq) + body


def deliver_sm_resp(seq: int, status: int = ESME_ROK) -> bytes:
    """deliver_sm_resp (4.6.2): its message_id is unused, sent empty."""
    return pack(DELIVER_SM | RESP, status, seq, b"\x00")


def cstring(value: str) -> bytes:
    return value.encode("ascii", errors="replace") + b"\x00"


@dataclass
class ShortMessage:
    """A submit_sm or deliver_sm body, octets as sent."""

    service_type: str
    source_ton: int
    source_npi: int
    source: str
    dest_ton: int
    dest_npi: int
    destination: str
    esm_class: int
    protocol_id: int
    priority_flag: int
    schedule_delivery_time: str
    validity_period: str
    registered_delivery: int
    replace_if_present_flag: int
    data_coding: int
    sm_default_msg_id: int
    short_message: bytes
    tlvs: dict[int, bytes] = field(default_factory=dict)

    def tlv_int(self, tag: int) -> int | None:
        raw = self.tlvs.get(tag)
        return int.from_bytes(raw, "big") if raw else None

    @property
    def payload(self) -> bytes:
        """short_message, or message_payload (TLV 0x0424) when short_message is empty."""
        return self.short_message or self.tlvs.get(0x0424, b"")


def parse_sm(body: bytes) -> ShortMessage:
    i = 0

    def cstr() -> str:
        nonlocal i
        end = body.index(b"\x00", i)
        value = body[i:end].decode("latin-1")
        i = end + 1
        return value

    def octet() -> int:
        nonlocal i
        value = body[i]
        i += 1
        return value

    service_type = cstr()
    s_ton, s_npi, source = octet(), octet(), cstr()
    d_ton, d_npi, destination = octet(), octet(), cstr()
    esm_class, protocol_id, priority = octet(), octet(), octet()
    schedule, validity = cstr(), cstr()
    registered, replace, data_coding, default_id, sm_length = octet(), octet(), octet(), octet(), octet()
    short_message = body[i : i + sm_length]
    i += sm_length
    tlvs: dict[int, bytes] = {}
    while i + 4 <= len(body):
        tag, length = struct.unpack_from("!HH", body, i)
        tlvs[tag] = body[i + 4 : i + 4 + length]
        i += 4 + length
    return ShortMessage(
        service_type,
        s_ton,
        s_npi,
        source,
        d_ton,
        d_npi,
        destination,
        esm_class,
        protocol_id,
        priority,
        schedule,
        validity,
        registered,
        replace,
        data_coding,
        default_id,
        short_message,
        tlvs,
    )


def parse_bind(body: bytes) -> tuple[str, str, str, int]:
    parts = body.split(b"\x00", 3)
    system_id, password, system_type = (p.decode("latin-1") for p in parts[:3])
    version = parts[3][0] if len(parts) > 3 and parts[3] else 0
    return system_id, password, system_type, version


def parse_message_id(body: bytes) -> str:
    return body.split(b"\x00", 1)[0].decode("ascii", errors="replace")


def address(number: str) -> PhoneNumber:
    """How an address goes out: international numbers as TON 1/NPI 1 without '+', alphanumeric sender ids
    as TON 5/NPI 0, short codes (up to 8 digits, no '+') as TON 3 (network specific)/NPI 0."""
    number = number.strip()
    digits = number[1:] if number.startswith("+") else number
    if digits.isdigit():
        if not number.startswith("+") and len(digits) <= 8:
            return PhoneNumber(digits, TON.NETWORK_SPECIFIC, NPI.UNKNOWN)
        return PhoneNumber(digits, TON.INTERNATIONAL, NPI.ISDN)
    return PhoneNumber(number[:11], TON.ALPHANUMERIC, NPI.UNKNOWN)


def to_e164(number: str, ton: int) -> str:
    """An inbound address back to E.164: '+' added to digits whether or not the carrier sent it (TON 1 or
    unknown); national numbers are read as NANP when they fit; anything else is returned as sent."""
    number = number.strip()
    if number.startswith("+"):
        number = "+" + "".join(ch for ch in number[1:] if ch.isdigit())
        return number
    if number.startswith("00") and number[2:].isdigit():
        return "+" + number[2:]
    if number.isdigit():
        if ton == TON.NATIONAL and len(number) == 10:
            return "+1" + number
        if ton in (TON.INTERNATIONAL, TON.UNKNOWN) or len(number) > 8:
            return "+" + number
    return number


@lru_cache(maxsize=64)
def relative_time(seconds: float) -> str:
    """SMPP 3.4 relative time (7.1.1), `YYMMDDhhmmss000R`, as aiosmpplib writes it (a year is 365 days, a
    month 30): 48 hours is `000002000000000R`. Whole seconds, at least 1. Kept per value: every submit sends
    the same validity, and formatting it cost 3 us."""
    return SubmitSm.datetime_to_smpp_time(timedelta(seconds=max(1, round(seconds))))


def build_sm(
    cls: type[SubmitSm],
    seq: int,
    source: PhoneNumber,
    destination: PhoneNumber,
    payload: bytes,
    data_coding: int,
    esm_class: int = 0,
    registered_delivery: int = 0,
    optional_params: list[OptionalParam] | None = None,
    text: str = " ",
    validity_seconds: float | None = None,
) -> bytes:
    """A submit_sm or deliver_sm PDU through aiosmpplib, with a pre-encoded short_message."""
    encoding = "ucs2" if data_coding == 0x08 else "latin_1" if data_coding == 0x03 else None
    msg = cls(
        sequence_num=seq,
        short_message=text or " ",
        source=source,
        destination=destination,
        esm_class=esm_class,
        registered_delivery=registered_delivery,
        encoding=encoding,
        optional_params=optional_params or [],
        auto_message_payload=False,
        validity_period=timedelta(seconds=max(1, round(validity_seconds))) if validity_seconds else None,
    )
    if payload:
        msg.set_encoded_message(payload)
    return msg.pdu()


def build_submit(
    seq: int,
    source: str,
    destination: str,
    payload: bytes,
    data_coding: int,
    esm_class: int,
    registered_delivery: int = 1,
    validity_seconds: float | None = None,
) -> bytes:
    """A submit_sm PDU (SMPP 3.4 4.4.1) for one pre-encoded part, the octets aiosmpplib's SubmitSm writes for it
    (tests/carriers/test_pdu_build.py holds the two equal). Packed here for the usual part: through the library's
    object (a dataclass whose construction checks twenty parameters) it cost about as much CPU as the rest of a
    submit (cProfile of bench/pipeline.py). Anything else, and anything the library refuses, goes through it."""
    src, dst = address(source), address(destination)
    if (
        not 0 < len(payload) <= 254
        or not (0 <= esm_class <= 0xFF and 0 <= registered_delivery <= 0xFF)
        or (validity_seconds and max(1, round(validity_seconds)) > MAX_RELATIVE_VALIDITY_SECONDS)
        or not (src.number.isascii() and dst.number.isascii())
    ):
        return build_sm(
            SubmitSm,
            seq,
            src,
            dst,
            payload,
            data_coding,
            esm_class,
            registered_delivery,
            validity_seconds=validity_seconds,
        )
    body = b"".join(
        (
            b"\x00",  # service_type: the SMSC's default
            bytes((src.ton, src.npi)),
            src.number.encode("ascii"),
            b"\x00",
            bytes((dst.ton, dst.npi)),
            dst.number.encode("ascii"),
            b"\x00",
            # esm_class, protocol_id, priority_flag; schedule_delivery_time: at once
            bytes((esm_class, 0, 0, 0)),
            relative_time(validity_seconds).encode("ascii") if validity_seconds else b"",
            b"\x00",
            # registered_delivery, replace_if_present_flag; data_coding as build_sm gives it (only UCS2 and Latin-1
            # are named, any other is the SMSC default 0); sm_default_msg_id; sm_length
            bytes((registered_delivery, 0, data_coding if data_coding in (0x03, 0x08) else 0, 0, len(payload))),
            payload,
        )
    )
    return pack(SUBMIT_SM, ESME_ROK, seq, body)


# The longest relative validity period SMPP's format can say, in the whole seconds relative_time sends (aiosmpplib
# refuses more).
MAX_RELATIVE_VALIDITY_SECONDS = int(timedelta(weeks=63).total_seconds())


def build_query(seq: int, message_id: str, source: str) -> bytes:
    """query_sm (SMPP 3.4 4.8.1): message_id, source_addr_ton, source_addr_npi, source_addr (the submit's)."""
    addr = address(source)
    return pack(QUERY_SM, 0, seq, cstring(message_id) + bytes((int(addr.ton), int(addr.npi))) + cstring(addr.number))


def parse_query(body: bytes) -> tuple[str, int, int, str]:
    """A query_sm body: (message_id, source_addr_ton, source_addr_npi, source_addr)."""
    message_id, rest = body.split(b"\x00", 1)
    ton, npi = rest[0], rest[1]
    source = rest[2:].split(b"\x00", 1)[0]
    return message_id.decode("latin-1"), ton, npi, source.decode("latin-1")


def build_query_resp(seq: int, message_id: str, final_date: str, message_state: int, error_code: int) -> bytes:
    """query_sm_resp (4.8.2): message_id, final_date (SMPP absolute time, or empty while not final),
    message_state (1 octet), error_code (1 octet, network specific)."""
    body = cstring(message_id) + cstring(final_date) + bytes((message_state & 0xFF, error_code & 0xFF))
    return pack(QUERY_SM | RESP, ESME_ROK, seq, body)


def parse_query_resp(body: bytes) -> tuple[str, str, int, int]:
    """(message_id, final_date, message_state, error_code) of a query_sm_resp body."""
    message_id, rest = body.split(b"\x00", 1)
    final_date, rest = rest.split(b"\x00", 1)
    state = rest[0] if len(rest) > 0 else 7  # UNKNOWN
    error = rest[1] if len(rest) > 1 else 0
    return message_id.decode("latin-1"), final_date.decode("latin-1"), state, error


def build_deliver(
    seq: int,
    source: PhoneNumber,
    destination: PhoneNumber,
    payload: bytes,
    data_coding: int,
    esm_class: int = 0,
    optional_params: list[OptionalParam] | None = None,
) -> bytes:
    return build_sm(DeliverSm, seq, source, destination, payload, data_coding, esm_class, 0, optional_params)
