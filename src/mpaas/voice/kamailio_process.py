"""Kamailio as a process, apart from supervising it (voice/supervisor.py): whether it can run here, the SIP
secret it shares with mpaas, its log lines into our logging, a Kamailio left running by a killed supervisor, and a
SIP OPTIONS ping that says it answers."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import socket
import uuid
from pathlib import Path

from mpaas.config import Settings
from mpaas.core.security.hashing import new_secret
from mpaas.voice.auth import SECRET_FILE, load_sip_secret

kamailio_log = logging.getLogger("mpaas.sip.kamailio")

# " 8(11763) WARNING: http_client [functions.c:294]: ..." -> the level word
_LEVEL = re.compile(r"^\s*\d+\(\d+\)\s+([A-Z]+):")
_LEVELS = {
    "ALERT": logging.CRITICAL,
    "BUG": logging.CRITICAL,
    "CRITICAL": logging.CRITICAL,
    "CRIT": logging.CRITICAL,
    "ERROR": logging.ERROR,
    "WARNING": logging.WARNING,
    "NOTICE": logging.INFO,
    "INFO": logging.INFO,
    "DEBUG": logging.DEBUG,
}


class KamailioError(RuntimeError):
    """Kamailio cannot run: its binary is missing or it refused the rendered configuration."""


def find_kamailio(settings: Settings) -> str | None:
    """The Kamailio binary's path, or None when it is not installed (`make voice-deps`)."""
    return shutil.which(settings.sip_kamailio_bin)


def voice_off_reason(settings: Settings) -> str | None:
    """Why `mpaas serve` starts no Kamailio (one plain sentence), or None when voice is on."""
    if not settings.sip_listen:
        return "MPAAS_SIP_LISTEN is not set"
    if find_kamailio(settings) is None:
        return f"the Kamailio binary ({settings.sip_kamailio_bin}) is not installed: make voice-deps"
    return None


def ensure_sip_secret(settings: Settings) -> tuple[str, Path | None]:
    """The configured MPAAS_SIP_SHARED_SECRET, or the data dir's, generated (mode 0600) on first use."""
    existing = load_sip_secret(settings)
    if settings.sip_shared_secret:
        return settings.sip_shared_secret, None
    path = settings.data_dir / SECRET_FILE
    if existing is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(new_secret(32) + "\n")
    return path.read_text().strip(), path


def forward_log_line(line: str) -> None:
    """One line of Kamailio's stderr into our logging, at the level Kamailio gave it."""
    line = line.rstrip()
    if not line.strip():
        return
    match = _LEVEL.match(line)
    level = _LEVELS.get(match.group(1), logging.INFO) if match else logging.INFO
    kamailio_log.log(level, "%s", line.strip())


def orphan_pid(data_dir: Path, config_path: Path | None) -> int | None:
    """The pid in `<data dir>/kamailio.pid` when that process still runs Kamailio with this data dir's
    configuration (not a pid reused by another program)."""
    try:
        pid = int((data_dir / "kamailio.pid").read_text().split()[0])
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError, IndexError):
        return None
    config = str(config_path or data_dir / "kamailio.cfg").encode()
    if pid == os.getpid() or not argv or b"kamailio" not in Path(argv[0].decode(errors="replace")).name.encode():
        return None
    return pid if config in argv and pid_running(pid) else None


def pid_running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def kill_group(pgid: int) -> None:
    """SIGKILL whatever is left of Kamailio's process group (it runs in a session of its own)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def options_ping(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.3)
        sock.bind((host, 0))
        local = sock.getsockname()[1]
        tag = uuid.uuid4().hex
        message = (
            f"OPTIONS sip:{host}:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {host}:{local};branch=z9hG4bK{tag[:16]}\r\n"
            f"From: <sip:ping@{host}>;tag={tag[:8]}\r\nTo: <sip:{host}:{port}>\r\n"
            f"Call-ID: {tag}@mpaas\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
        )
        try:
            sock.sendto(message.encode(), (host, port))
            data, _ = sock.recvfrom(4096)
        except OSError:
            return False
        return data.startswith(b"SIP/2.0 200")
