"""Runs Kamailio for the `mpaas sip` role and `mpaas serve` (docs/voice.md): renders its configuration into the
data dir, checks it (`kamailio -c`), starts Kamailio in the foreground, forwards its log lines into our
logging, restarts it with a backoff when it dies, and stops it with SIGTERM (then SIGKILL) on stop.

After every start (the first, and each restart after a crash) and every `reconcile_interval` seconds it lists
Kamailio's live dialogs (kamcmd `dlg.briefing`), lets Kamailio send the call events it still queues, and reports
the list to mpaas (POST /sip/v1/dialogs), which closes the calls Kamailio no longer has (voice/reconcile.py): a
crash loses Kamailio's dialogs and queued events, never the call records' end. A Kamailio left running by a
supervisor that was killed (it runs in a session of its own) is stopped at start, after its queue is sent."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
import os
import re
import shutil
import signal
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2

from mpaas.config import Settings
from mpaas.voice.kamailio import EVENT_BATCH, EVENTS_PATH, SPOOL_DIR, KamailioParams, write_config
from mpaas.voice.kamailio_process import (
    KamailioError,
    find_kamailio,
    forward_log_line,
    kill_group,
    options_ping,
    orphan_pid,
    pid_running,
)

DIALOGS_PATH = "/sip/v1/dialogs"

logger = logging.getLogger("mpaas.sip")

# A Kamailio that ran this long before dying is restarted at once (the backoff starts over).
_HEALTHY_RUN_SECONDS = 30.0
# At stop, how long Kamailio is given to send the call events it still queues (mpaas down: its spool keeps them).
DRAIN_SECONDS = 5.0
# After the queue is empty, the time the batch in flight may take (Kamailio's HTTP timeout is 2 s; usually ms).
_LAST_BATCH_SECONDS = 0.3
# How often Kamailio's dialogs are compared with the calls mpaas believes live (besides after every start).
RECONCILE_SECONDS = 60.0
# A reconciliation that could not be made after a start (Kamailio's control socket not up yet, mpaas down) is
# tried again after this, doubling up to the interval.
_RECONCILE_RETRY_SECONDS = 0.5
_RECONCILE_RETRY_MAX_SECONDS = 10.0
# Before a reconciliation, how long Kamailio is given to send the events it queues (see reconcile()).
_RECONCILE_DRAIN_SECONDS = 5.0
_CALL_ID = re.compile(r"^\s*call-id: (.*?)\s*$", re.MULTILINE)


class KamailioSupervisor:
    def __init__(
        self,
        settings: Settings,
        *,
        api_url: str,
        secret: str,
        min_backoff: float = 0.5,
        max_backoff: float = 30.0,
        stop_timeout: float = 10.0,
        reconcile_interval: float = RECONCILE_SECONDS,
    ) -> None:
        self.settings = settings
        self.params = KamailioParams.from_settings(settings, api_url=api_url, secret=secret)
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.stop_timeout = stop_timeout
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0  # how many times Kamailio was started (1 + restarts)
        self._task: asyncio.Task | None = None
        self._stopping = asyncio.Event()
        self._started = asyncio.Event()
        self._binary: str | None = None
        self.config_path: Path | None = None
        # 0: no reconciliation (several proxies on one database would close each other's calls: docs/voice.md).
        self.reconcile_interval = reconcile_interval
        self.reconciliations: list[dict[str, Any]] = []  # mpaas's answers, oldest first (the last 100)
        # When Kamailio was seen dead, until a reconciliation has reported it to mpaas.
        self._lost_at: datetime | None = None
        self._reconcile_due = asyncio.Event()  # a start happened: reconcile now
        self._reconcile_lock = asyncio.Lock()
        self._reconciler: asyncio.Task | None = None
        # Kamailio appends every call event here before queueing it (kamailio.py, route[EVENT]): what a dead
        # Kamailio had not sent is sent again from these files (replay_spool), idempotently.
        self.spool = self.params.data_dir / SPOOL_DIR
        self.replayed = 0  # events sent again from the spool files of a Kamailio that died

    async def check(self) -> Path:
        """Render the configuration and have Kamailio check it; KamailioError names what is wrong."""
        binary = find_kamailio(self.settings)
        if binary is None:
            raise KamailioError(f"Kamailio ({self.settings.sip_kamailio_bin}) is not installed: make voice-deps")
        self._binary = binary
        self.config_path = write_config(self.params)
        proc = await asyncio.create_subprocess_exec(
            binary,
            "-c",
            "-f",
            str(self.config_path),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await proc.communicate()
        if proc.returncode != 0:
            errors = [line for line in out.decode(errors="replace").splitlines() if "ERROR" in line or "CRIT" in line]
            raise KamailioError(f"Kamailio refused {self.config_path}: " + " | ".join(errors[-5:]))
        return self.config_path

    async def start(self) -> None:
        """Check the configuration, then run (and keep running) Kamailio in the background."""
        await self.check()
        self._stopping.clear()
        await self._stop_orphan()
        self._task = asyncio.create_task(self._run(), name="kamailio-supervisor")
        started = asyncio.create_task(self._started.wait())
        await asyncio.wait({self._task, started}, return_when=asyncio.FIRST_COMPLETED)
        if not started.done():  # the supervisor ended before Kamailio ever ran
            started.cancel()
            task, self._task = self._task, None
            raise KamailioError(f"Kamailio could not be started: {task.exception()!r}")
        if self.reconcile_interval > 0 and not self.params.static_target:
            self._reconciler = asyncio.create_task(self._reconcile_loop(), name="kamailio-reconciler")

    def _command(self) -> list[str]:
        assert self._binary and self.config_path
        return [
            self._binary,
            "-f",
            str(self.config_path),
            "-DD",  # the main process stays in the foreground, as our child
            "-E",  # logs to stderr, which we read
            "-m",
            str(self.settings.sip_shared_memory_mb),
            "-P",
            str(self.params.data_dir / "kamailio.pid"),
        ]

    async def _run(self) -> None:
        backoff = self.min_backoff
        env = {**os.environ, "TZ": "UTC"}  # event timestamps are Kamailio's local time: make it UTC
        while not self._stopping.is_set():
            began = time.monotonic()
            self._set_aside_spool()
            try:
                self.process = await asyncio.create_subprocess_exec(
                    *self._command(),
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.STDOUT,
                    env=env,
                    start_new_session=True,  # a terminal's Ctrl-C reaches mpaas, which stops Kamailio itself
                )
            except OSError:
                if not self._started.is_set():
                    raise  # the first start: start() says why
                logger.exception("Kamailio could not be started again; trying in %.1f s", backoff)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), timeout=backoff)
                backoff = min(backoff * 2, self.max_backoff)
                continue
            self.starts += 1
            logger.info("Kamailio started (pid %s) on %s", self.process.pid, self.params.listen)
            self._started.set()
            self._reconcile_due.set()
            reader = asyncio.create_task(self._forward(self.process))
            # Not process.wait(): asyncio's also waits for the log pipe to close, which Kamailio's children keep
            # open when only the main process died. returncode is set as soon as the main process is reaped.
            while self.process.returncode is None:
                await asyncio.sleep(0.1)
            code = self.process.returncode
            # Its children outlive a main process that was killed (holding the SIP port and our log pipe): the
            # process group goes with it. After a clean stop this finds nothing.
            kill_group(self.process.pid)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(reader, timeout=2)
            reader.cancel()
            if self._stopping.is_set():
                break
            # Its dialogs and queued events died with it: the calls it held are closed after the restart.
            self._lost_at = self._lost_at or datetime.now(UTC)
            if time.monotonic() - began > _HEALTHY_RUN_SECONDS:
                backoff = self.min_backoff
            logger.error("Kamailio exited with status %s; restarting in %.1f s", code, backoff)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=backoff)
            backoff = min(backoff * 2, self.max_backoff)

    @staticmethod
    async def _forward(process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            forward_log_line(raw.decode(errors="replace"))

    async def drain_events(self, timeout: float = DRAIN_SECONDS) -> bool:
        """Wait until Kamailio's call-event queue is empty (asked over its control socket with kamcmd), at most
        `timeout` seconds: a planned stop or restart then loses no queued event. False when it did not empty
        (mpaas not taking events) or could not be asked."""
        proc = self.process
        if proc is None or proc.returncode is not None:
            return False
        return await self._drain(timeout, at_stop=True)

    async def _kamcmd(self, *command: str) -> bytes | None:
        """One command on Kamailio's control socket; its output, or None when it could not be asked."""
        kamcmd = shutil.which("kamcmd")
        if kamcmd is None:
            return None
        socket_path = f"unix:{self.params.data_dir / 'kamailio-ctl.sock'}"
        asked = await asyncio.create_subprocess_exec(
            kamcmd,
            "-s",
            socket_path,
            *command,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            out, _ = await asyncio.wait_for(asked.communicate(), timeout=10)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                asked.kill()
            await asked.wait()
            return None
        return out if asked.returncode == 0 else None

    async def _drain(self, timeout: float, *, at_stop: bool = False) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            out = await self._kamcmd("mqueue.get_size", "events")
            size = re.search(rb"size:\s*(\d+)", out or b"")
            if size is None:
                return False
            if int(size.group(1)) == 0:
                # The last batch taken from the queue may still be on its way: one round trip at most.
                await asyncio.sleep(_LAST_BATCH_SECONDS)
                return True
            if time.monotonic() > deadline:
                if at_stop:
                    logger.warning(
                        "Kamailio still holds %s call events at stop: they are sent from its spool after the next start",
                        int(size.group(1)),
                    )
                return False
            await asyncio.sleep(0.1)

    async def live_dialogs(self) -> list[str] | None:
        """The SIP Call-IDs of Kamailio's dialogs (kamcmd `dlg.briefing c`: `dlg.list` answers "reply too big" with
        a few hundred dialogs), or None when Kamailio could not be asked."""
        proc = self.process
        if proc is None or proc.returncode is not None:
            return None
        out = await self._kamcmd("dlg.briefing", "c")
        if out is None:
            return None
        return _CALL_ID.findall(out.decode(errors="replace"))

    async def reconcile(self) -> dict[str, Any] | None:
        """List Kamailio's dialogs, let it send the events it queues, and report the list to mpaas, which closes
        the calls Kamailio no longer has (voice/reconcile.py). mpaas's answer ({"Open", "Closed"}), or None when
        it could not be made (Kamailio or mpaas not answering; tried again later).

        The listing comes first and the queue is sent before the report: a call that ended before the listing has
        its `ended` queued before it, so mpaas has it before it looks for calls missing from the list."""
        async with self._reconcile_lock:
            # What a dead Kamailio had written and maybe not sent goes first: the calls' real ends, not a guess.
            if not await self.replay_spool():
                return None
            lost_at = self._lost_at
            rotated = await self._rotate_spool()
            listed_at = datetime.now(UTC)
            live = await self.live_dialogs()
            if live is None:
                logger.info("Kamailio's dialogs could not be listed (kamcmd dlg.briefing); reconciling later")
                return None
            drained = await self._drain(_RECONCILE_DRAIN_SECONDS)
            if drained:
                # Everything written before the rotation was queued before it, and the queue is now sent.
                for path in rotated:
                    path.unlink(missing_ok=True)
            elif lost_at is None:
                # Events of calls that ended may still be queued: closing them now would be a guess Kamailio's
                # reports then correct. After a crash, the calls to close are the dead Kamailio's: no wait.
                logger.info("Kamailio's call events are not all sent; reconciling later")
                return None
            body = {
                "CallIds": live,
                "ListedAt": listed_at.isoformat(),
                "LostAt": lost_at.isoformat() if lost_at else None,
            }
            try:
                async with httpx2.AsyncClient(timeout=30) as client:
                    answer = await client.post(
                        self.params.api_url + DIALOGS_PATH,
                        json=body,
                        headers={"X-Mpaas-Sip-Secret": self.params.secret},
                    )
            except httpx2.HTTPError as exc:
                logger.warning("mpaas did not take Kamailio's dialogs (%s); reconciling later", exc)
                return None
            if answer.status_code != 200:
                logger.warning("mpaas answered Kamailio's dialogs with HTTP %s; reconciling later", answer.status_code)
                return None
            result: dict[str, Any] = answer.json()
            if self._lost_at == lost_at:
                self._lost_at = None
            self.reconciliations = [*self.reconciliations[-99:], result]
            if result.get("Closed"):
                logger.warning("calls Kamailio no longer had were closed as lost: %s", ", ".join(result["Closed"]))
            return result

    def _set_aside_spool(self) -> None:
        """Before Kamailio starts: the spool files of the one before (a crash, an orphan, a stop with mpaas down)
        move to `replay/`, to be sent again (replay_spool); the new Kamailio writes files of its own."""
        replay = self.spool / "replay"
        with contextlib.suppress(FileNotFoundError):
            for path in sorted(self.spool.iterdir()):
                if path.is_file():
                    replay.mkdir(mode=0o700, exist_ok=True)
                    path.rename(replay / f"{time.time_ns()}-{path.name}")

    async def replay_spool(self) -> bool:
        """Send again (POST /sip/v1/events, idempotent) the events in the spool files set aside at the last start,
        then delete them. False when mpaas did not take them all (the files stay; tried again later)."""
        replay = self.spool / "replay"
        files = sorted(replay.glob("*")) if replay.is_dir() else []
        if not files:
            return True
        spooled: list[Any] = []
        for path in files:
            for line in path.read_bytes().splitlines():
                # db_flatstore's line: acc's columns, then our event (base64 JSON) last; a line cut by the crash
                # does not decode and is skipped.
                with contextlib.suppress(binascii.Error, ValueError):
                    spooled.append(json.loads(base64.b64decode(line.rsplit(b"|", 1)[-1], validate=True)))
        # In time order (each process wrote its own file): a call's events then arrive as they happened.
        spooled.sort(key=lambda e: str(e.get("Timestamp", "")) if isinstance(e, dict) else "")
        try:
            async with httpx2.AsyncClient(timeout=30) as client:
                for start in range(0, len(spooled), EVENT_BATCH):
                    answer = await client.post(
                        self.params.api_url + EVENTS_PATH,
                        json={"Events": spooled[start : start + EVENT_BATCH]},
                        headers={"X-Mpaas-Sip-Secret": self.params.secret},
                    )
                    if answer.status_code != 200:
                        logger.warning("mpaas answered spooled call events with HTTP %s", answer.status_code)
                        return False
        except httpx2.HTTPError as exc:
            logger.warning("mpaas did not take the spooled call events (%s); sending them later", exc)
            return False
        for path in files:
            path.unlink(missing_ok=True)
        self.replayed += len(spooled)
        logger.info("%d call events written by an earlier Kamailio sent again (duplicates are ignored)", len(spooled))
        return True

    async def _rotate_spool(self) -> list[Path]:
        """Rename Kamailio's spool files aside and have it open new ones (kamcmd `flatstore.k_rotate`: each process
        does at its next write). The renamed files are deleted once the queue has been sent (reconcile)."""
        rotated = []
        with contextlib.suppress(FileNotFoundError):
            for path in sorted(self.spool.glob("*.log")):
                aside = path.with_name(f"{path.name}.{time.time_ns()}.rotated")
                path.rename(aside)
                rotated.append(aside)
        rotated += [p for p in self.spool.glob("*.rotated") if p not in rotated]
        # km_flatstore's command (flatstore.rotate is the other driver's). Not done: Kamailio may still write to
        # the renamed files, which must then stay (sent again after a crash; deleted after a later rotation).
        if rotated and await self._kamcmd("flatstore.k_rotate") is None:
            logger.warning("Kamailio did not rotate its event spool (kamcmd flatstore.k_rotate)")
            return []
        return rotated

    async def _reconcile_loop(self) -> None:
        """After each start, then every reconcile_interval seconds; after a start, tried again until it is made."""
        retry = _RECONCILE_RETRY_SECONDS
        pending = False
        while not self._stopping.is_set():
            wait = min(retry, self.reconcile_interval) if pending else self.reconcile_interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._reconcile_due.wait(), timeout=wait)
            if self._reconcile_due.is_set():
                self._reconcile_due.clear()
                pending, retry = True, _RECONCILE_RETRY_SECONDS
                # Its control socket is up once it answers SIP.
                with contextlib.suppress(TimeoutError, OSError):
                    await self.wait_ready()
            if self._stopping.is_set():
                return
            try:
                done = await self.reconcile() is not None
            except Exception:  # the loop outlives any one failure: it is what closes lost calls
                logger.exception("reconciling Kamailio's dialogs failed")
                done = False
            if done:
                pending = False
            elif pending:
                retry = min(retry * 2, _RECONCILE_RETRY_MAX_SECONDS)

    async def _stop_orphan(self) -> None:
        """A Kamailio of this data dir still running (its supervisor was killed: Kamailio runs in a session of its
        own) holds the SIP address: it is stopped, once it has sent its queued events, and the calls it held are
        closed as lost by the first reconciliation."""
        pid = orphan_pid(self.params.data_dir, self.config_path)
        if pid is None:
            return
        logger.warning("a Kamailio left by an earlier mpaas (pid %s) still runs: stopping it", pid)
        await self._drain(DRAIN_SECONDS, at_stop=True)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        while pid_running(pid) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        kill_group(pid)
        self._lost_at = self._lost_at or datetime.now(UTC)

    async def stop(self) -> None:
        """Let Kamailio send its queued call events (drain_events), then SIGTERM it (its main process stops its
        children), SIGKILL after stop_timeout."""
        if self._reconciler is not None:
            self._reconciler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconciler
            self._reconciler = None
        drained = False
        if self.process is not None and self.process.returncode is None:
            drained = await self.drain_events()
        self._stopping.set()
        proc = self.process
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + self.stop_timeout
            while proc.returncode is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if proc.returncode is None:
                logger.error("Kamailio did not stop within %.0f s: killing it", self.stop_timeout)
                kill_group(proc.pid)
        if self._task is not None:
            await self._task
            self._task = None
        if drained:  # every event it wrote was sent: nothing to send again at the next start
            for path in self.spool.glob("*.log"):
                path.unlink(missing_ok=True)
        logger.info("Kamailio stopped")

    async def wait_ready(self, timeout: float = 15.0) -> None:
        """Until Kamailio answers a SIP OPTIONS on its (UDP) listen address; TimeoutError otherwise."""
        proto, address = self.params.listen.split(":", 1)
        host, port = address.rsplit(":", 1)
        host = host.strip("[]")
        deadline = time.monotonic() + timeout
        while True:
            if proto != "udp":
                try:
                    _, writer = await asyncio.open_connection(host, int(port))
                    writer.close()
                    return
                except OSError:
                    pass
            elif await asyncio.to_thread(options_ping, host, int(port)):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"Kamailio did not answer on {self.params.listen}")
            await asyncio.sleep(0.1)
