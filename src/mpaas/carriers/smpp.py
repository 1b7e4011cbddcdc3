"""The SMPP 3.4 connector: one bind_transceiver per carrier, on aiosmpplib's PDU classes.

- Reconnects with capped exponential backoff and jitter; enquire_link keeps the bind alive and detects a dead
  peer (no enquire_link_resp within response_timeout drops the connection).
- Up to `window` submit_sm are outstanding at once: a submit never waits for another's response before it is
  sent. A token bucket paces submits to `throughput` msg/s per bind. TCP_NODELAY is set.
- Every part asks for a receipt (registered_delivery=1). Addresses go out TON 1/NPI 1 without '+'.
- Receipts (deliver_sm with esm_class 0x04, text and/or TLVs) go to CarrierEvents.on_receipt; MO deliver_sm
  (concatenated parts reassembled) go to CarrierEvents.on_inbound with E.164 addresses. deliver_sm_resp is sent
  after the callback returned; if it raised, ESME_RX_T_APPN asks the SMSC to deliver it again later, except
  InboundRefused (no such number, Parked/Cancelled, Data-Only): ESME_RINVDSTADR, a permanent refusal.
- Every submit_sm carries the message's validity period (MPAAS_MESSAGE_VALIDITY_SECONDS) as a relative time;
  `query` asks with query_sm about a part whose receipt never came (messaging/receipt_sweep.py).

submit_sm_resp status -> exception (see `classify`):
  ESME_RTHROTTLED 0x58, ESME_RMSGQFUL 0x14            -> CarrierThrottled(throttle_retry_seconds)
  ESME_RINVBNDSTS 0x04, ESME_RSYSERR 0x08, ESME_RSUBMITFAIL 0x45, ESME_RX_T_APPN 0x64,
  ESME_RDELIVERYFAILURE 0xFE, ESME_RUNKNOWNERR 0xFF, generic_nack (any status), no response,
  connection lost, not bound                          -> CarrierUnavailable (retry later)
  anything else (e.g. ESME_RINVDSTADR 0x0B, ESME_RINVMSGLEN 0x01, vendor codes 0x400+)
                                                      -> CarrierRejected(code = status name or 0x........)
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import time

from aiosmpplib import BindTransceiver, EnquireLink, Unbind

from mpaas.carriers import encoding, pdu, receipts
from mpaas.carriers.base import (
    CarrierBindError,
    CarrierEvents,
    CarrierRejected,
    CarrierThrottled,
    CarrierUnavailable,
    InboundRefused,
    NullEvents,
    OutboundSms,
    QueryResult,
    SubmitResult,
)
from mpaas.carriers.config import SmppSettings

log = logging.getLogger("mpaas.carriers.smpp")

THROTTLE_STATUSES = {pdu.ESME_RTHROTTLED, pdu.ESME_RMSGQFUL}
TRANSIENT_STATUSES = {
    pdu.ESME_RINVBNDSTS,
    pdu.ESME_RSYSERR,
    pdu.ESME_RSUBMITFAIL,
    pdu.ESME_RX_T_APPN,
    pdu.ESME_RDELIVERYFAILURE,
    pdu.ESME_RUNKNOWNERR,
}
BIND_AUTH_STATUSES = {pdu.ESME_RINVPASWD, pdu.ESME_RINVSYSID}


def classify(status: int, retry_after: float, generic_nack: bool = False) -> Exception:
    name = pdu.status_name(status)
    if generic_nack:
        return CarrierUnavailable(f"carrier answered generic_nack ({name})")
    if status in THROTTLE_STATUSES:
        return CarrierThrottled(retry_after, f"carrier throttled ({name}); retry after {retry_after:g}s")
    if status in TRANSIENT_STATUSES:
        return CarrierUnavailable(f"carrier transient error {name}")
    return CarrierRejected(name, f"carrier rejected the message: {name}")


class TokenBucket:
    """`rate` tokens per second, at most `burst` banked; take() waits for a token (FIFO)."""

    def __init__(self, rate: float, burst: float | None = None):
        self.rate = rate
        self.burst = max(1.0, burst if burst is not None else rate / 20)
        self.tokens = self.burst
        self.updated = time.monotonic()
        self._lock = asyncio.Lock()

    async def take(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                await asyncio.sleep((1 - self.tokens) / self.rate)


class SmppConnector:
    def __init__(self, settings: SmppSettings):
        self.settings = settings
        self.name = settings.name
        self.events: CarrierEvents = NullEvents()
        self._window = asyncio.Semaphore(settings.window)
        self._bucket = TokenBucket(settings.throughput) if settings.throughput else None
        self._pending: dict[int, asyncio.Future] = {}
        self._seq = 0
        self._writer: pdu.CoalescingWriter | None = None
        self._bound = asyncio.Event()
        self._first_attempt = asyncio.Event()
        self._running = False
        self._task: asyncio.Task | None = None
        self._tasks: set[asyncio.Task] = set()
        self._fatal: str | None = None
        self._reassembler = encoding.Reassembler()
        self.in_flight = 0
        self.last_error: str | None = None
        self.binds = 0
        self.submitted_parts = 0
        self.receipts = 0
        self.inbound = 0

    # -- lifecycle -------------------------------------------------------------------------------------------
    async def start(self, events: CarrierEvents) -> None:
        """Start binding. Waits for the first bind attempt: a refused bind (bad system_id or password) raises
        CarrierBindError; an unreachable SMSC does not (the connector keeps retrying in the background)."""
        self.events = events
        self._running = True
        self._task = asyncio.create_task(self._run(), name=f"smpp-{self.name}")
        s = self.settings
        try:
            await asyncio.wait_for(self._first_attempt.wait(), s.connect_timeout_seconds + s.bind_timeout_seconds + 1)
        except TimeoutError:
            pass
        if self._fatal:
            await self.stop()
            raise CarrierBindError(self._fatal)

    async def stop(self) -> None:
        self._running = False
        if self._tasks:  # let receipt/MO callbacks in progress finish and answer their deliver_sm
            await asyncio.wait(list(self._tasks), timeout=2.0)
        writer = self._writer
        if writer is not None and self._bound.is_set():
            try:
                seq = self._next_seq()
                fut = asyncio.get_running_loop().create_future()
                self._pending[seq] = fut
                writer.write(Unbind(sequence_num=seq).pdu())
                await asyncio.wait_for(fut, 1.0)
            except Exception:
                pass
        if writer is not None:
            writer.close()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None
        for task in list(self._tasks):
            task.cancel()
        self._fail_pending("connector stopped")

    def state(self) -> dict:
        s = self.settings
        return {
            "name": self.name,
            "kind": "smpp",
            "bound": self._bound.is_set(),
            "host": f"{s.host}:{s.port}",
            "system_id": s.system_id,
            "window": s.window,
            "in_flight": self.in_flight,
            "throughput": s.throughput,
            "binds": self.binds,
            "submitted_parts": self.submitted_parts,
            "receipts": self.receipts,
            "inbound": self.inbound,
            "last_error": self.last_error,
            "prefixes": list(s.prefixes),
        }

    @property
    def bound(self) -> bool:
        return self._bound.is_set()

    async def wait_bound(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self._bound.wait(), timeout)
            return True
        except TimeoutError:
            return False

    # -- session ---------------------------------------------------------------------------------------------
    def _next_seq(self) -> int:
        self._seq = self._seq % 0x7FFFFFFF + 1
        return self._seq

    async def _run(self) -> None:
        s = self.settings
        delay = s.reconnect_min_seconds
        while self._running:
            binds_before = self.binds
            try:
                await self._session()
                self.last_error = self.last_error or "connection closed"
            except CarrierBindError as exc:
                self.last_error = str(exc)
                if not self._first_attempt.is_set():  # start() is waiting: refuse to start
                    self._fatal = str(exc)
                    self._first_attempt.set()
                    return
            except (TimeoutError, OSError, pdu.ConnectionClosed) as exc:
                self.last_error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # never let the reconnect loop die
                log.exception("smpp %s: session failed", self.name)
                self.last_error = f"{type(exc).__name__}: {exc}"
            finally:
                self._bound.clear()
                self._first_attempt.set()
            if not self._running:
                return
            if self.binds > binds_before:
                delay = s.reconnect_min_seconds
            log.warning("smpp %s: disconnected (%s); reconnecting in %.2fs", self.name, self.last_error, delay)
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))
            delay = min(delay * 2, s.reconnect_max_seconds)

    async def _session(self) -> None:
        s = self.settings
        reader, raw_writer = await asyncio.wait_for(asyncio.open_connection(s.host, s.port), s.connect_timeout_seconds)
        writer = pdu.CoalescingWriter(raw_writer)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        enquire: asyncio.Task | None = None
        try:
            seq = self._next_seq()
            writer.write(
                BindTransceiver(
                    sequence_num=seq, system_id=s.system_id, password=s.password, system_type=s.system_type
                ).pdu()
            )
            await writer.drain()
            while True:
                command_id, status, rseq, _ = await asyncio.wait_for(pdu.read_pdu(reader), s.bind_timeout_seconds)
                if command_id in (pdu.BIND_TRANSCEIVER | pdu.RESP, pdu.GENERIC_NACK) and rseq == seq:
                    break
                if command_id == pdu.ENQUIRE_LINK:
                    writer.write(pdu.pack(pdu.ENQUIRE_LINK | pdu.RESP, 0, rseq))
            if status != pdu.ESME_ROK or command_id == pdu.GENERIC_NACK:
                name = pdu.status_name(status)
                if status in BIND_AUTH_STATUSES:
                    raise CarrierBindError(
                        f"carrier {self.name!r} ({s.host}:{s.port}) refused bind_transceiver for "
                        f"system_id {s.system_id!r}: {name} (check system_id and password)"
                    )
                raise pdu.ConnectionClosed(f"bind_transceiver refused: {name}")
            self.binds += 1
            self.last_error = None
            self._writer = writer
            self._bound.set()
            self._first_attempt.set()
            log.info("smpp %s: bound to %s:%s as %s", self.name, s.host, s.port, s.system_id)
            enquire = asyncio.create_task(self._enquire_loop(writer))
            await self._read_loop(reader, writer)
        finally:
            self._bound.clear()
            self._writer = None
            if enquire is not None:
                enquire.cancel()
            writer.close()
            self._fail_pending("connection lost before the carrier answered")

    def _fail_pending(self, reason: str) -> None:
        pending, self._pending = self._pending, {}
        for fut in pending.values():
            if not fut.done():
                fut.set_exception(CarrierUnavailable(f"carrier {self.name}: {reason}"))

    async def _enquire_loop(self, writer: pdu.CoalescingWriter) -> None:
        s = self.settings
        while True:
            await asyncio.sleep(s.enquire_link_seconds)
            seq = self._next_seq()
            fut = asyncio.get_running_loop().create_future()
            self._pending[seq] = fut
            writer.write(EnquireLink(sequence_num=seq).pdu())
            try:
                await asyncio.wait_for(fut, s.response_timeout_seconds)
            except TimeoutError:
                self.last_error = "no enquire_link_resp"
                self._pending.pop(seq, None)
                writer.abort()
                return
            except CarrierUnavailable:
                return

    async def _read_loop(self, reader: asyncio.StreamReader, writer: pdu.CoalescingWriter) -> None:
        while True:
            command_id, status, seq, body = await pdu.read_pdu(reader)
            if command_id & pdu.RESP:
                fut = self._pending.pop(seq, None)
                if fut is not None and not fut.done():
                    fut.set_result((command_id, status, body))
            elif command_id == pdu.DELIVER_SM:
                task = asyncio.create_task(self._deliver(writer, seq, body))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            elif command_id == pdu.ENQUIRE_LINK:
                writer.write(pdu.pack(pdu.ENQUIRE_LINK | pdu.RESP, 0, seq))
            elif command_id == pdu.UNBIND:
                writer.write(pdu.pack(pdu.UNBIND | pdu.RESP, 0, seq))
                await writer.drain()
                self.last_error = "carrier sent unbind"
                raise pdu.ConnectionClosed("carrier sent unbind")
            else:
                writer.write(pdu.pack(pdu.GENERIC_NACK, pdu.ESME_RINVCMDID, seq))

    async def _deliver(self, writer: pdu.CoalescingWriter, seq: int, body: bytes) -> None:
        status = pdu.ESME_ROK
        try:
            sm = pdu.parse_sm(body)
            # message type bits 2-5: 0x04 SMSC delivery receipt, 0x08/0x10 SME acks, 0x20 intermediate notification
            is_receipt = (sm.esm_class & 0x3C) != 0 or (
                receipts.TLV_RECEIPTED_MESSAGE_ID in sm.tlvs and receipts.TLV_MESSAGE_STATE in sm.tlvs
            )
            if is_receipt:
                text = encoding.decode(sm.payload, sm.data_coding)
                receipt = receipts.parse_receipt(text, sm.tlvs, self.settings.dlr_id)
                if receipt is not None:
                    self.receipts += 1
                    await self.events.on_receipt(self.name, receipt.message_id, receipt.state, receipt.error_code)
                else:
                    log.warning("smpp %s: receipt without a message id: %r", self.name, text)
            else:
                if sm.esm_class & encoding.ESM_UDHI:
                    concat, payload = encoding.split_udh(sm.payload)
                elif 0x020C in sm.tlvs:  # sar_msg_ref_num, sar_total_segments, sar_segment_seqnum
                    concat = encoding.Concat(sm.tlv_int(0x020C) or 0, sm.tlv_int(0x020E) or 1, sm.tlv_int(0x020F) or 1)
                    payload = sm.payload
                else:
                    concat, payload = None, sm.payload
                source = pdu.to_e164(sm.source, sm.source_ton)
                destination = pdu.to_e164(sm.destination, sm.dest_ton)
                text = self._reassembler.add(source, destination, concat, payload, sm.data_coding)
                if text is not None:
                    self.inbound += 1
                    await self.events.on_inbound(self.name, source, destination, text)
        except asyncio.CancelledError:
            raise
        except InboundRefused as exc:  # for good: the SMSC must not deliver it again
            log.info("smpp %s: refused an inbound message: %s", self.name, exc)
            status = pdu.ESME_RINVDSTADR
        except Exception:
            log.exception("smpp %s: deliver_sm handling failed; asking the carrier to retry", self.name)
            status = pdu.ESME_RX_T_APPN
        writer.write(pdu.deliver_sm_resp(seq, status))

    # -- submit ----------------------------------------------------------------------------------------------
    async def submit(self, sms: OutboundSms) -> SubmitResult:
        if not self._running:
            raise CarrierUnavailable(f"carrier {self.name}: connector not started")
        try:
            encoded = encoding.encode_message(self._text(sms))
        except encoding.EncodingError as exc:
            raise CarrierRejected("ESME_RINVMSGLEN", str(exc)) from None
        if len(encoded.parts) == 1:  # most messages: no gather (a task and a future per message)
            return SubmitResult(carrier_id=await self._submit_part(sms, encoded, encoded.parts[0]), carrier=self.name)
        results = await asyncio.gather(
            *(self._submit_part(sms, encoded, part) for part in encoded.parts), return_exceptions=True
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            for kind in (CarrierRejected, CarrierThrottled, CarrierUnavailable):
                for error in errors:
                    if isinstance(error, kind):
                        raise error
            raise errors[0]
        ids = tuple(results)
        return SubmitResult(carrier_id=ids[0], part_ids=ids, carrier=self.name)

    def _text(self, sms: OutboundSms) -> str:
        """What is sent: the body, with the media's links when the carrier is set to send media as links. SMPP
        carries text only, so a message with media it cannot send as links is refused, never sent as its text
        alone (which the carrier would report delivered): the API refuses such sends first (docs/carriers.md)."""
        if not sms.media:
            return sms.body
        links = [item.url for item in sms.media if item.url]
        if self.settings.media != "link" or len(links) != len(sms.media):
            raise CarrierRejected("MEDIA_UNSUPPORTED", f"carrier {self.name} cannot carry this message's media")
        return "\n".join([sms.body, *links]) if sms.body else "\n".join(links)

    async def _submit_part(self, sms: OutboundSms, encoded: encoding.EncodedSms, payload: bytes) -> str:
        s = self.settings
        async with self._window:
            if self._bucket is not None:
                await self._bucket.take()
            if not self._bound.is_set():
                try:
                    await asyncio.wait_for(self._bound.wait(), s.bind_wait_seconds)
                except TimeoutError:
                    raise CarrierUnavailable(
                        f"carrier {self.name}: not bound ({self.last_error or 'connecting'})"
                    ) from None
            writer = self._writer
            if writer is None:
                raise CarrierUnavailable(f"carrier {self.name}: not bound")
            seq = self._next_seq()
            fut = asyncio.get_running_loop().create_future()
            self._pending[seq] = fut
            try:
                writer.write(
                    pdu.build_submit(
                        seq,
                        sms.source,
                        sms.destination,
                        payload,
                        encoded.data_coding,
                        encoded.esm_class,
                        registered_delivery=1,
                        validity_seconds=sms.validity_seconds,
                    )
                )
            except Exception:
                self._pending.pop(seq, None)
                raise
            self.in_flight += 1
            try:
                command_id, status, body = await asyncio.wait_for(fut, s.response_timeout_seconds)
            except TimeoutError:
                self._pending.pop(seq, None)
                raise CarrierUnavailable(
                    f"carrier {self.name}: no submit_sm_resp within {s.response_timeout_seconds:g}s"
                ) from None
            finally:
                self.in_flight -= 1
        if command_id == pdu.GENERIC_NACK or status != pdu.ESME_ROK:
            raise classify(status, s.throttle_retry_seconds, generic_nack=command_id == pdu.GENERIC_NACK)
        self.submitted_parts += 1
        message_id = pdu.parse_message_id(body)
        if not message_id:
            raise CarrierUnavailable(f"carrier {self.name}: submit_sm_resp without a message id")
        return message_id

    # -- query -----------------------------------------------------------------------------------------------
    async def query(self, carrier: str, carrier_message_id: str, source: str, destination: str) -> QueryResult | None:
        """query_sm for a part this carrier accepted (the receipt sweep, messaging/receipt_sweep.py). Takes a
        slot of the submit window (the SMSC counts it as outstanding). An SMSC that does not support query_sm
        (generic_nack, ESME_RINVCMDID) answers None; one that no longer knows the id (ESME_RQUERYFAIL,
        ESME_RINVMSGID) answers known=False; not bound, no answer or a transient error raise CarrierUnavailable."""
        if carrier != self.name:
            return None
        if not self._running:
            raise CarrierUnavailable(f"carrier {self.name}: connector not started")
        s = self.settings
        async with self._window:
            writer = self._writer
            if writer is None or not self._bound.is_set():
                raise CarrierUnavailable(f"carrier {self.name}: not bound")
            seq = self._next_seq()
            fut = asyncio.get_running_loop().create_future()
            self._pending[seq] = fut
            writer.write(pdu.build_query(seq, receipts.normalize_id(carrier_message_id), source))
            try:
                command_id, status, body = await asyncio.wait_for(fut, s.response_timeout_seconds)
            except TimeoutError:
                self._pending.pop(seq, None)
                raise CarrierUnavailable(
                    f"carrier {self.name}: no query_sm_resp within {s.response_timeout_seconds:g}s"
                ) from None
        if command_id == pdu.GENERIC_NACK or status == pdu.ESME_RINVCMDID:
            return None
        if status in (pdu.ESME_RQUERYFAIL, pdu.ESME_RINVMSGID):
            return QueryResult(None, pdu.status_name(status), known=False)
        if status != pdu.ESME_ROK:
            raise CarrierUnavailable(f"carrier {self.name}: query_sm refused ({pdu.status_name(status)})")
        _, _, state, error = pdu.parse_query_resp(body)
        return QueryResult(receipts.normalize_state(state), f"{error:03d}" if error else None)
