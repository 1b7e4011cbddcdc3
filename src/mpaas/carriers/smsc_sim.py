"""`mpaas smsc-sim`: a carrier-side SMPP 3.4 server for trials and tests, on aiosmpplib's PDU classes.

It accepts bind_transceiver/transmitter/receiver (a wrong system_id or password is refused with
ESME_RINVSYSID/ESME_RINVPASWD), answers submit_sm with decimal message ids, and sends a delivery receipt
(text + receipted_message_id/message_state/network_error_code TLVs) after `receipt_delay_seconds`, with the
outcome chosen per destination prefix (longest wins; default DELIVRD). Receipts and MO messages wait for a
bound receiver and are re-sent until acknowledged with deliver_sm_resp ESME_ROK, or refused for good (an error
status other than the temporary ESME_RX_T_APPN, ESME_RMSGQFUL, ESME_RTHROTTLED; kept in `deliver_refusals`).
Every accepted submit is counted per whole message (source, destination, text; parts reassembled) so a test can
report duplicates.

Fault personalities (`SimConfig.personality`, changeable at run time with `set_personality`):
  normal                   answer everything
  no_response              read submit_sm, never answer
  generic_nack             answer submit_sm with generic_nack (nack_status, default ESME_RSYSERR)
  error_on_submit          answer submit_sm_resp with error_status (default ESME_RSYSERR)
  unbind_on_submit         answer a submit_sm with an unbind instead of a response
  throttled                accept `throttle_per_second` submits per second, answer the rest ESME_RTHROTTLED
  receipt_before_response  send the receipt deliver_sm before the submit_sm_resp
  drop_mid_stream          accept `drop_after` submits, then drop the TCP connection on the next one
  drop_receipts            accept submits but never send their receipts (as an SMSC that drops the receipts
                           of a session that died); query_sm still answers what became of each message
A bad password is always refused (no personality needed).

query_sm (any personality but no_response): answers the message's state, ENROUTE until its receipt is due,
then its outcome (an outcome of ENROUTE stays pending forever); an id it never issued is ESME_RQUERYFAIL.
`query_sm=False` answers generic_nack ESME_RINVCMDID (an SMSC without query support), `forget_messages=True`
answers ESME_RQUERYFAIL for every id (an SMSC that purged them).

MO injection: in process with `await sim.inject_mo(source, destination, body, concat="udh8"|"udh16"|"sar")`,
or over the control HTTP port (`mpaas smsc-sim --control-port 2776`, smsc_control.py):
  POST /mo          {"from": "+15551230000", "to": "+18015550100", "body": "hi", "concat": "udh8"}
  POST /personality {"personality": "throttled", "throttle_per_second": 5}
  POST /outcomes    {"+1500555": "UNDELIV"}
  GET  /stats       submits, accepted, duplicates, sessions
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiosmpplib import (
    BindReceiverResp,
    BindTransceiverResp,
    BindTransmitterResp,
    EnquireLinkResp,
    SmppCommandStatus,
    Unbind,
    UnbindResp,
)
from aiosmpplib.protocol import SubmitSmResp
from aiosmpplib.state import (
    MESSAGE_STATE,
    NETWORK_ERROR_CODE,
    NPI,
    RECEIPTED_MESSAGE_ID,
    SAR_MSG_REF_NUM,
    SAR_SEGMENT_SEQNUM,
    SAR_TOTAL_SEGMENTS,
    TON,
    OptionalParam,
    PhoneNumber,
)

from mpaas.carriers import encoding, pdu, receipts
from mpaas.carriers.smsc_control import serve_control

log = logging.getLogger("mpaas.carriers.smsc_sim")

PERSONALITIES = (
    "normal",
    "no_response",
    "generic_nack",
    "error_on_submit",
    "unbind_on_submit",
    "throttled",
    "receipt_before_response",
    "drop_mid_stream",
    "drop_receipts",
)
ERROR_STATES = {"UNDELIV": 1, "EXPIRED": 27, "REJECTD": 11, "DELETED": 6, "UNKNOWN": 99}


@dataclass
class SimConfig:
    host: str = "127.0.0.1"
    port: int = 2775  # 0 picks a free port
    system_id: str = "mpaas"
    password: str = "secret"
    receipt_delay_seconds: float = 0.05
    outcomes: dict[str, str] = field(default_factory=dict)  # destination prefix -> stat
    default_outcome: str = "DELIVRD"
    receipt_tlvs: bool = True
    receipt_id_hex: bool = False  # receipts carry the id in hex while submit_sm_resp is decimal (SMPP 3.3 style)
    personality: str = "normal"
    error_status: int = pdu.ESME_RSYSERR
    nack_status: int = pdu.ESME_RSYSERR
    throttle_per_second: int = 10
    drop_after: int = 5
    redeliver_seconds: float = 0.2
    query_sm: bool = True  # False: query_sm is answered generic_nack ESME_RINVCMDID
    forget_messages: bool = False  # True: every query_sm is answered ESME_RQUERYFAIL


@dataclass
class SimSubmit:
    message_id: str
    source: str
    destination: str
    text: str
    concat: encoding.Concat | None
    data_coding: int
    registered_delivery: int
    source_ton: int
    source_npi: int
    dest_ton: int
    dest_npi: int
    at: float
    validity_period: str = ""  # as the submit_sm carried it (SMPP time format; empty: the SMSC's default)


class _Session:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, pdu.CoalescingWriter(writer)
        self.system_id = ""
        self.mode = 0  # bind command id once bound
        self.pending: dict[int, asyncio.Future] = {}
        self._seq = itertools.count(1)

    @property
    def can_receive(self) -> bool:
        return self.mode in (pdu.BIND_TRANSCEIVER, pdu.BIND_RECEIVER)

    @property
    def can_transmit(self) -> bool:
        return self.mode in (pdu.BIND_TRANSCEIVER, pdu.BIND_TRANSMITTER)

    def next_seq(self) -> int:
        return next(self._seq)

    def close(self, abort: bool = False) -> None:
        if abort:
            self.writer.abort()
        else:
            self.writer.close()
        for fut in self.pending.values():
            if not fut.done():
                fut.set_exception(pdu.ConnectionClosed("session closed"))
        self.pending.clear()


@dataclass
class _Deliverable:
    source: PhoneNumber
    destination: PhoneNumber
    payload: bytes
    data_coding: int
    esm_class: int
    params: list[OptionalParam]
    kind: str  # "receipt" | "mo"


def _ton(value: int) -> TON:
    return TON(value) if value in TON._value2member_map_ else TON.UNKNOWN


class SmscSim:
    def __init__(self, config: SimConfig | None = None):
        self.config = config or SimConfig()
        if self.config.personality not in PERSONALITIES:
            raise ValueError(f"unknown personality {self.config.personality!r} (known: {', '.join(PERSONALITIES)})")
        self._server: asyncio.base_events.Server | None = None
        self._control: asyncio.base_events.Server | None = None
        self.sessions: set[_Session] = set()
        self._ids = itertools.count(1_000_000)
        self._queue: list[_Deliverable] = []
        self._tasks: set[asyncio.Task] = set()
        self._throttle_window: collections.deque[float] = collections.deque()
        self._personality_submits = 0
        self.submits_received = 0  # every submit_sm read, whatever the answer
        self.accepted: list[SimSubmit] = []
        # accepted whole messages per (source, destination, text): more than 1 is a duplicate submission
        self.counts: collections.Counter[tuple[str, str, str]] = collections.Counter()
        self._reassembler = encoding.Reassembler()
        self.binds = 0
        self.bind_refusals = 0
        self.receipts_sent = 0
        self.receipts_acked = 0
        self.mo_acked = 0
        self.deliver_nacks = 0
        self.deliver_refusals: list[tuple[str, int]] = []  # (kind, command_status) refused for good
        self.queries = 0
        self._by_id: dict[str, SimSubmit] = {}  # accepted parts by the message id answered, for query_sm

    # -- control ---------------------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.sockets[0].getsockname()[1]

    def set_personality(self, personality: str, **options) -> None:
        if personality not in PERSONALITIES:
            raise ValueError(f"unknown personality {personality!r} (known: {', '.join(PERSONALITIES)})")
        self.config.personality = personality
        for key, value in options.items():
            if not hasattr(self.config, key):
                raise ValueError(f"unknown option {key!r}")
            setattr(self.config, key, value)
        self._personality_submits = 0
        self._throttle_window.clear()

    def duplicates(self) -> dict[tuple[str, str, str], int]:
        return {key: n for key, n in self.counts.items() if n > 1}

    def stats(self) -> dict:
        return {
            "personality": self.config.personality,
            "submits_received": self.submits_received,
            "accepted": len(self.accepted),
            "distinct": len(self.counts),
            "duplicates": sum(n - 1 for n in self.counts.values() if n > 1),
            "binds": self.binds,
            "bind_refusals": self.bind_refusals,
            "sessions": len([s for s in self.sessions if s.mode]),
            "receipts_sent": self.receipts_sent,
            "receipts_acked": self.receipts_acked,
            "queries": self.queries,
            "deliver_refusals": len(self.deliver_refusals),
            "mo_acked": self.mo_acked,
            "queued": len(self._queue),
            "duplicate_messages": [
                {"source": k[0], "destination": k[1], "text": k[2], "count": n}
                for k, n in list(self.duplicates().items())[:100]
            ],
        }

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.config.host, self.config.port)

    async def start_control(self, port: int, host: str | None = None) -> int:
        """Serve the control HTTP port (`smsc_control`); returns the port it bound."""
        self._control = await serve_control(self, host or self.config.host, port)
        return self._control.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        for server in (self._server, self._control):
            if server is not None:
                server.close()
        for session in list(self.sessions):
            session.close(abort=True)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for server in (self._server, self._control):
            if server is not None:
                try:
                    await asyncio.wait_for(server.wait_closed(), 1.0)
                except TimeoutError:
                    pass

    async def __aenter__(self) -> SmscSim:
        await self.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    def drop_connections(self) -> None:
        """Cut every TCP connection at once (the ESME sees a reset mid-stream)."""
        for session in list(self.sessions):
            session.close(abort=True)

    def _spawn(self, coro) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- SMPP session ----------------------------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, raw_writer: asyncio.StreamWriter) -> None:
        session = _Session(reader, raw_writer)
        writer = session.writer
        self.sessions.add(session)
        try:
            while True:
                command_id, status, seq, body = await pdu.read_pdu(reader)
                if command_id in (pdu.BIND_TRANSCEIVER, pdu.BIND_TRANSMITTER, pdu.BIND_RECEIVER):
                    self._bind(session, command_id, seq, body)
                elif command_id & pdu.RESP:
                    fut = session.pending.pop(seq, None)
                    if fut is not None and not fut.done():
                        fut.set_result(status)
                elif command_id == pdu.ENQUIRE_LINK:
                    writer.write(EnquireLinkResp(sequence_num=seq).pdu())
                elif command_id == pdu.UNBIND:
                    writer.write(UnbindResp(sequence_num=seq).pdu())
                    await writer.drain()
                    break
                elif not session.mode:
                    writer.write(pdu.pack(pdu.GENERIC_NACK, pdu.ESME_RINVBNDSTS, seq))
                elif command_id == pdu.SUBMIT_SM:
                    if not session.can_transmit:
                        writer.write(pdu.pack(pdu.SUBMIT_SM | pdu.RESP, pdu.ESME_RINVBNDSTS, seq, b"\x00"))
                    else:
                        await self._submit(session, seq, body)
                elif command_id == pdu.QUERY_SM and self.config.personality != "no_response":
                    self._query(session, seq, body)
                else:
                    writer.write(pdu.pack(pdu.GENERIC_NACK, pdu.ESME_RINVCMDID, seq))
        except (pdu.ConnectionClosed, ConnectionError):
            pass
        except Exception:
            log.exception("smsc-sim: session failed")
        finally:
            self.sessions.discard(session)
            session.close()

    def _bind(self, session: _Session, command_id: int, seq: int, body: bytes) -> None:
        system_id, password, _, _ = pdu.parse_bind(body)
        resp_cls = {
            pdu.BIND_TRANSCEIVER: BindTransceiverResp,
            pdu.BIND_TRANSMITTER: BindTransmitterResp,
            pdu.BIND_RECEIVER: BindReceiverResp,
        }[command_id]
        if session.mode:
            status = SmppCommandStatus.ESME_RALYBND
        elif system_id != self.config.system_id:
            status = SmppCommandStatus.ESME_RINVSYSID
        elif password != self.config.password:
            status = SmppCommandStatus.ESME_RINVPASWD
        else:
            status = SmppCommandStatus.ESME_ROK
        if status != SmppCommandStatus.ESME_ROK:
            # SMPP 3.4: a response with a non-zero command_status carries no body
            session.writer.write(pdu.pack(command_id | pdu.RESP, int(status), seq))
            self.bind_refusals += 1
            return
        session.writer.write(resp_cls(sequence_num=seq, command_status=status, system_id="mpaas-sim").pdu())
        session.system_id, session.mode = system_id, command_id
        self.binds += 1
        if session.can_receive and self._queue:
            queued, self._queue = self._queue, []
            for item in queued:
                self._spawn(self._deliver(item))

    async def _submit(self, session: _Session, seq: int, body: bytes) -> None:
        cfg = self.config
        writer = session.writer
        self.submits_received += 1
        sm = pdu.parse_sm(body)
        personality = cfg.personality
        if personality == "no_response":
            return
        if personality == "generic_nack":
            writer.write(pdu.pack(pdu.GENERIC_NACK, cfg.nack_status, seq))
            return
        if personality == "error_on_submit":
            writer.write(pdu.pack(pdu.SUBMIT_SM | pdu.RESP, cfg.error_status, seq, b"\x00"))
            return
        if personality == "unbind_on_submit":
            writer.write(Unbind(sequence_num=session.next_seq()).pdu())
            return
        if personality == "drop_mid_stream":
            self._personality_submits += 1
            if self._personality_submits > cfg.drop_after:
                self._personality_submits = 0
                session.close(abort=True)
                raise pdu.ConnectionClosed("dropped mid-stream")
        if personality == "throttled":
            now = time.monotonic()
            while self._throttle_window and now - self._throttle_window[0] >= 1.0:
                self._throttle_window.popleft()
            if len(self._throttle_window) >= cfg.throttle_per_second:
                writer.write(pdu.pack(pdu.SUBMIT_SM | pdu.RESP, pdu.ESME_RTHROTTLED, seq, b"\x00"))
                return
            self._throttle_window.append(now)

        concat, payload = encoding.split_udh(sm.payload) if sm.esm_class & encoding.ESM_UDHI else (None, sm.payload)
        text = encoding.decode(payload, sm.data_coding)
        message_id = str(next(self._ids))
        record = SimSubmit(
            message_id,
            sm.source,
            sm.destination,
            text,
            concat,
            sm.data_coding,
            sm.registered_delivery,
            sm.source_ton,
            sm.source_npi,
            sm.dest_ton,
            sm.dest_npi,
            time.monotonic(),
            sm.validity_period,
        )
        self.accepted.append(record)
        self._by_id[message_id] = record
        full = self._reassembler.add(sm.source, sm.destination, concat, payload, sm.data_coding)
        if full is not None:  # a whole message (a single part, or the last missing part of a concatenated one)
            self.counts[(sm.source, sm.destination, full)] += 1
        resp = SubmitSmResp(sequence_num=seq, message_id=message_id).pdu()
        wants_receipt = sm.registered_delivery & 0x03
        if personality == "receipt_before_response" and wants_receipt:
            await self._deliver(self._receipt(record, sm), wait=False)
            writer.write(resp)
            return
        writer.write(resp)
        if wants_receipt and personality != "drop_receipts":
            self._spawn(self._receipt_later(record, sm))

    def _query(self, session: _Session, seq: int, body: bytes) -> None:
        self.queries += 1
        writer = session.writer
        if not self.config.query_sm:
            writer.write(pdu.pack(pdu.GENERIC_NACK, pdu.ESME_RINVCMDID, seq))
            return
        message_id, _, _, _ = pdu.parse_query(body)
        record = None if self.config.forget_messages else self._by_id.get(message_id)
        if record is None:
            writer.write(pdu.pack(pdu.QUERY_SM | pdu.RESP, pdu.ESME_RQUERYFAIL, seq, b"\x00\x00\x00\x00"))
            return
        state = "ENROUTE"
        if time.monotonic() - record.at >= self.config.receipt_delay_seconds:
            state = self.outcome_for(record.destination)
        final = state in receipts.FINAL_STATES
        error = 0 if state in ("DELIVRD", "ENROUTE") else ERROR_STATES.get(state, 1)
        final_date = datetime.now(UTC).strftime("%y%m%d%H%M%S") + "000+" if final else ""
        writer.write(
            pdu.build_query_resp(seq, message_id, final_date, receipts.STATE_CODES.get(state, 7), min(error, 0xFF))
        )

    # -- receipts and MO -------------------------------------------------------------------------------------
    def outcome_for(self, destination: str) -> str:
        number = destination if destination.startswith("+") else "+" + destination
        best, state = -1, self.config.default_outcome
        for prefix, stat in self.config.outcomes.items():
            if number.startswith(prefix) and len(prefix) > best:
                best, state = len(prefix), stat
        return state

    def _receipt(self, record: SimSubmit, sm: pdu.ShortMessage) -> _Deliverable:
        state = self.outcome_for(record.destination)
        error = 0 if state == "DELIVRD" else ERROR_STATES.get(state, 1)
        receipt_id = format(int(record.message_id), "x") if self.config.receipt_id_hex else record.message_id
        now = datetime.now(UTC)
        text = receipts.format_receipt(receipt_id, state, error, now, now, record.text)
        params = []
        if self.config.receipt_tlvs:
            # network_error_code: network type 3 (GSM) + 2-octet code (aiosmpplib packs it as an ASCII octet string)
            code = min(error, 0x7F7F)
            params = [
                OptionalParam(RECEIPTED_MESSAGE_ID, receipt_id),
                OptionalParam(MESSAGE_STATE, receipts.STATE_CODES.get(state, 7)),
                OptionalParam(NETWORK_ERROR_CODE, "\x03" + chr(code >> 8 & 0x7F) + chr(code & 0x7F)),
            ]
        safe = "".join(
            ch if ch != "\x1b" and (ch in encoding.GSM7_TABLE or ch in encoding._ENC_EXT) else "?" for ch in text
        )
        # the receipt goes from the message's destination back to its source
        source = PhoneNumber(sm.destination, _ton(sm.dest_ton), NPI.ISDN if sm.dest_ton == 1 else NPI.UNKNOWN)
        destination = PhoneNumber(sm.source[:20], _ton(sm.source_ton), NPI.ISDN if sm.source_ton == 1 else NPI.UNKNOWN)
        return _Deliverable(
            source, destination, encoding.gsm7_encode(safe), encoding.DATA_CODING_GSM7, 0x04, params, "receipt"
        )

    async def _receipt_later(self, record: SimSubmit, sm: pdu.ShortMessage) -> None:
        await asyncio.sleep(self.config.receipt_delay_seconds)
        await self._deliver(self._receipt(record, sm))

    def _receiver(self) -> _Session | None:
        for session in self.sessions:
            if session.can_receive:
                return session
        return None

    async def _deliver(self, item: _Deliverable, wait: bool = True) -> None:
        """Send a deliver_sm to a bound receiver and, if `wait`, until it is acknowledged."""
        while True:
            session = self._receiver()
            if session is None:
                self._queue.append(item)
                return
            seq = session.next_seq()
            fut = asyncio.get_running_loop().create_future()
            session.pending[seq] = fut
            session.writer.write(
                pdu.build_deliver(
                    seq, item.source, item.destination, item.payload, item.data_coding, item.esm_class, item.params
                )
            )
            if item.kind == "receipt":
                self.receipts_sent += 1
            if not wait:
                self._spawn(self._await_ack(session, seq, fut, item))
                return
            if await self._acked(fut, item):
                return
            await asyncio.sleep(self.config.redeliver_seconds)

    async def _acked(self, fut: asyncio.Future, item: _Deliverable) -> bool:
        """True when the deliver_sm is settled: acknowledged, or refused for good (any error but the
        temporary ESME_RX_T_APPN, ESME_RMSGQFUL and ESME_RTHROTTLED, which ask for a redelivery)."""
        try:
            status = await asyncio.wait_for(fut, 10.0)
        except (TimeoutError, pdu.ConnectionClosed):
            return False
        if status in (pdu.ESME_RX_T_APPN, pdu.ESME_RMSGQFUL, pdu.ESME_RTHROTTLED):
            self.deliver_nacks += 1
            return False
        if status != pdu.ESME_ROK:
            self.deliver_refusals.append((item.kind, status))
            return True
        if item.kind == "receipt":
            self.receipts_acked += 1
        else:
            self.mo_acked += 1
        return True

    async def _await_ack(self, session: _Session, seq: int, fut: asyncio.Future, item: _Deliverable) -> None:
        if not await self._acked(fut, item):
            await asyncio.sleep(self.config.redeliver_seconds)
            await self._deliver(item)

    async def inject_mo(
        self, source: str, destination: str, body: str, concat: str = "udh8", plus: bool = False, wait: bool = True
    ) -> int:
        """Send an MO message (split into parts as a handset would) to a bound ESME; returns the part count.
        `concat`: udh8 (IE 0x00), udh16 (IE 0x08) or sar (SAR TLVs, no UDH). `plus` keeps '+' in addresses."""
        encoded = encoding.encode_message(body)
        total = encoded.count
        ref = encoding.next_reference() | (0x1200 if concat == "udh16" else 0)

        def addr(number: str) -> PhoneNumber:
            digits = number.lstrip("+")
            return PhoneNumber(number if plus else digits, TON.INTERNATIONAL, NPI.ISDN)

        items = []
        for seq_no, part in enumerate(encoded.parts, 1):
            esm_class, params, payload = 0, [], part
            if total > 1:
                _, raw = encoding.split_udh(part)
                if concat == "udh16":
                    payload = bytes((0x06, 0x08, 0x04, ref >> 8, ref & 0xFF, total, seq_no)) + raw
                    esm_class = encoding.ESM_UDHI
                elif concat == "sar":
                    payload = raw
                    params = [
                        OptionalParam(SAR_MSG_REF_NUM, ref),
                        OptionalParam(SAR_TOTAL_SEGMENTS, total),
                        OptionalParam(SAR_SEGMENT_SEQNUM, seq_no),
                    ]
                else:
                    esm_class = encoding.ESM_UDHI
            items.append(
                _Deliverable(addr(source), addr(destination), payload, encoded.data_coding, esm_class, params, "mo")
            )
        if wait:
            for item in items:
                await self._deliver(item)
        else:
            for item in items:
                self._spawn(self._deliver(item))
        return total
