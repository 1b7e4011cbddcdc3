"""The Kamailio configuration of the `mpaas sip` role, rendered from settings (docs/voice.md).

Kamailio relays the SIP; mpaas decides. Per initial INVITE the SIP worker asks `POST {api}/sip/v1/route`
(http_client, one kept-open connection per worker) and relays per the answer: an rtjson document (serial or
parallel branches; a serial route moves to the next branch on 5xx, 408 or a timeout) or a rejection with the
answer's code and reason. mpaas unreachable: 503. In-dialog requests follow the Record-Route.

Call progress (ringing, answered, hold/resume, ended, failed) is queued in shared memory (mqueue) by the SIP
worker, which costs it microseconds, and POSTed in batches to `/sip/v1/events` by a dedicated rtimer process:
a slow or absent mpaas never holds a SIP worker. An unsent batch is kept by that process and sent again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from mpaas.config import Settings
from mpaas.voice.kamailio_template import STATIC_ROUTE as _STATIC_ROUTE
from mpaas.voice.kamailio_template import TEMPLATE as _TEMPLATE

ROUTE_PATH = "/sip/v1/route"
EVENTS_PATH = "/sip/v1/events"
CONFIG_FILE = "kamailio.cfg"
# Under the data dir: the call events Kamailio wrote before queueing them (route[EVENT]; voice/supervisor.py).
SPOOL_DIR = "kamailio-spool"
TLS_CONFIG_FILE = "kamailio-tls.cfg"
# Seconds Kamailio waits for one mpaas answer (http_client's connection_timeout: the whole request, whole
# seconds). A route query holds its SIP worker that long at worst; a stuck mpaas means a 503 to the caller.
HTTP_TIMEOUT_SECONDS = 2
# Events the queue holds while mpaas does not answer; past it the oldest are dropped (logged by Kamailio).
EVENT_QUEUE_SIZE = 20_000
# Events per POST to /sip/v1/events, and how often the events process looks at the queue.
EVENT_BATCH = 100
# ... or fewer: a batch is closed once its text reaches this many bytes (an event is 250-700 bytes; its texts are
# clipped by Kamailio's own limits), and Kamailio's buffer for a function's formatted argument is set well above
# it. With Kamailio's default 8 KB buffer a batch of 100 events could not be sent at all.
EVENT_BATCH_BYTES = 32_768
PV_BUFFER_BYTES = 131_072
EVENT_INTERVAL_MICROSECONDS = 100_000
# Retry-After (seconds) of the 503 a caller gets while mpaas does not answer route queries (a restart takes a few).
RETRY_AFTER_SECONDS = 5
# Async workers (each holds one route query for its round trip) per SIP worker. Calls/s is about async workers over
# the round trip as Kamailio sees it, which under load is mostly the time a request waits for mpaas's event loop
# (behind a batch of call events), not the decision's own few ms. bench/voice.py, 8 SIP workers, 2026-12-04 on the
# shared 2-core machine: with 8 async workers 269, 1,081 and 930 of 4,000 calls timed out at 400/s in three runs;
# with 16, clean at 400 in four runs of six and once at 500. An async worker is a process idle between queries.
ASYNC_WORKERS_PER_CHILD = 2

_SAFE_SECRET = re.compile(r"[A-Za-z0-9._~+/=-]{8,256}")
_SAFE_PATH = re.compile(r"/[A-Za-z0-9._/-]+")
_SAFE_URL = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+(/[A-Za-z0-9._~/-]*)?")


class KamailioConfigError(ValueError):
    """A setting that cannot go into the Kamailio configuration (the message names it)."""


@dataclass(frozen=True)
class KamailioParams:
    listen: str
    api_url: str
    secret: str
    children: int
    data_dir: Path
    # bench/voice.py only: relay every INVITE to this host:port by a static rule instead of asking mpaas (the
    # baseline the routed rate is compared with).
    static_target: str | None = None
    # Async workers, which run the route queries (route[DECIDE]); None: ASYNC_WORKERS_PER_CHILD per SIP worker.
    async_workers: int | None = None
    # Where the call events go (POST /sip/v1/events; MPAAS_SIP_EVENTS_URL): another mpaas process on the same
    # database (a base URL as api_url), so that applying them never holds the process answering route queries;
    # None: api_url.
    events_url: str | None = None
    # PEM files (MPAAS_SIP_TLS_CERTIFICATE, MPAAS_SIP_TLS_PRIVATE_KEY): with them the tls module is loaded (a tls:
    # listen, and TLS to trunks); without, a tls: listen is refused.
    tls_certificate: Path | None = None
    tls_private_key: Path | None = None
    tls_ca: Path | None = None  # MPAAS_SIP_TLS_CA: with it, trunks' certificates are verified against these CAs

    @classmethod
    def from_settings(cls, settings: Settings, *, api_url: str, secret: str) -> KamailioParams:
        if not settings.sip_listen:
            raise KamailioConfigError("MPAAS_SIP_LISTEN is not set")
        api_url = api_url.rstrip("/")
        if not _SAFE_URL.fullmatch(api_url):
            raise KamailioConfigError(f"MPAAS_SIP_API_URL must be an http(s) base URL without query, not {api_url!r}")
        events_url = settings.sip_events_url.rstrip("/") if settings.sip_events_url else None
        if events_url is not None and not _SAFE_URL.fullmatch(events_url):
            raise KamailioConfigError(
                f"MPAAS_SIP_EVENTS_URL must be an http(s) base URL without query, not {events_url!r}"
            )
        if not _SAFE_SECRET.fullmatch(secret):
            # It is written into the configuration as a string: no quotes, no $ (Kamailio variables), no spaces.
            raise KamailioConfigError(
                "MPAAS_SIP_SHARED_SECRET must be 8 to 256 characters of A-Z a-z 0-9 . _ ~ + / = -"
            )
        certificate, key = settings.sip_tls_certificate, settings.sip_tls_private_key
        if (certificate is None) != (key is None):
            raise KamailioConfigError("MPAAS_SIP_TLS_CERTIFICATE and MPAAS_SIP_TLS_PRIVATE_KEY go together: set both")
        if settings.sip_listen.startswith("tls:") and certificate is None:
            raise KamailioConfigError(
                "MPAAS_SIP_LISTEN tls: needs MPAAS_SIP_TLS_CERTIFICATE and MPAAS_SIP_TLS_PRIVATE_KEY"
            )
        ca = settings.sip_tls_ca
        if ca is not None and certificate is None:
            raise KamailioConfigError("MPAAS_SIP_TLS_CA needs MPAAS_SIP_TLS_CERTIFICATE and MPAAS_SIP_TLS_PRIVATE_KEY")
        for name, path in (
            ("MPAAS_SIP_TLS_CERTIFICATE", certificate),
            ("MPAAS_SIP_TLS_PRIVATE_KEY", key),
            ("MPAAS_SIP_TLS_CA", ca),
        ):
            if path is not None and not _SAFE_PATH.fullmatch(str(path.resolve())):
                raise KamailioConfigError(f"{name} must be a path of letters, digits and ._/- only, not {str(path)!r}")
            if path is not None and not path.is_file():
                raise KamailioConfigError(f"{name}: {path} is not a file")
        return cls(
            settings.sip_listen,
            api_url,
            secret,
            settings.sip_children,
            settings.data_dir.resolve(),
            events_url=events_url,
            tls_certificate=certificate.resolve() if certificate else None,
            tls_private_key=key.resolve() if key else None,
            tls_ca=ca.resolve() if ca else None,
        )


def render(params: KamailioParams) -> str:
    """The whole kamailio.cfg text."""
    proto = params.listen.split(":", 1)[0]
    split = urlsplit(params.api_url)
    base = f"{split.scheme}://{split.netloc}"
    prefix = split.path.rstrip("/")
    template = _TEMPLATE
    if params.static_target:
        decide = '    dlg_manage();\n    if (!async_task_route("DECIDE")) {\n        t_reply("500", "Server Error");\n    }\n'
        assert decide in template
        template = template.replace(decide, "    route(STATIC);\n", 1) + _STATIC_ROUTE.replace(
            "@STATIC@", params.static_target
        )
    events_con, events_httpcon, events_prefix = "mpaas", "", prefix
    if params.events_url:
        if not _SAFE_URL.fullmatch(params.events_url):
            raise KamailioConfigError(f"MPAAS_SIP_EVENTS_URL must be an http(s) base URL, not {params.events_url!r}")
        events_split = urlsplit(params.events_url)
        events_con, events_prefix = "events", events_split.path.rstrip("/")
        events_httpcon = (
            f'modparam("http_client", "httpcon", "events=>{events_split.scheme}://{events_split.netloc}")\n'
        )
    tls = params.tls_certificate is not None
    tls_lines = (
        f'enable_tls=yes\nloadmodule "tls.so"\nmodparam("tls", "config", "{params.data_dir / TLS_CONFIG_FILE}")\n'
        if tls
        else ""
    )
    if tls and proto != "tls":
        # Kamailio sends over TLS only from a TLS socket: for trunks reached over TLS it also listens on TLS, at
        # the next port of the same address (udp:10.0.0.5:5060 -> tls:10.0.0.5:5061).
        host, port = params.listen.split(":", 1)[1].rsplit(":", 1)
        tls_lines += f"listen=tls:{host}:{int(port) + 1}\n"
    return (
        template.replace("@TLS@\n", tls_lines)
        .replace("@LISTEN@", params.listen)
        .replace("@CHILDREN@", str(params.children))
        .replace("@ASYNC_WORKERS@", str(params.async_workers or ASYNC_WORKERS_PER_CHILD * params.children))
        .replace("@DISABLE_TCP@", "no" if proto in ("tcp", "tls") or tls else "yes")
        .replace("@CTL@", str(params.data_dir / "kamailio-ctl.sock"))
        .replace("@SPOOL@", str(params.data_dir / SPOOL_DIR))
        .replace("@HTTPCON@", base)
        .replace("@ROUTE_PATH@", prefix + ROUTE_PATH)
        .replace("@EVENTS_HTTPCON@", events_httpcon)
        .replace("@EVENTS_CON@", events_con)
        .replace("@EVENTS_PATH@", events_prefix + EVENTS_PATH)
        # http_connect puts its content type into "Content-Type: %s": the secret header rides on it.
        .replace("@CTYPE@", f"application/json\\r\\nX-Mpaas-Sip-Secret: {params.secret}")
        .replace("@HTTP_TIMEOUT@", str(HTTP_TIMEOUT_SECONDS))
        .replace("@QUEUE_SIZE@", str(EVENT_QUEUE_SIZE))
        .replace("@BATCH@", str(EVENT_BATCH))
        .replace("@BATCH_BYTES@", str(EVENT_BATCH_BYTES))
        .replace("@PV_BUFFER@", str(PV_BUFFER_BYTES))
        .replace("@INTERVAL@", str(EVENT_INTERVAL_MICROSECONDS))
        .replace("@RETRY_AFTER@", str(RETRY_AFTER_SECONDS))
    )


def render_tls(params: KamailioParams) -> str:
    """The tls module's configuration: our certificate as server and client. Trunks' certificates are verified
    against MPAAS_SIP_TLS_CA when it is set (the chain, not the name: a trunk is often named by an address), else not
    (docs/voice.md)."""
    client_verify = (
        f"verify_certificate = yes\nrequire_certificate = yes\nca_list = {params.tls_ca}\n"
        if params.tls_ca is not None
        else "verify_certificate = no\nrequire_certificate = no\n"
    )
    return (
        "# Rendered by mpaas (src/mpaas/voice/kamailio.py); edits are overwritten at each start.\n"
        "[server:default]\nmethod = TLSv1.2+\n"
        f"certificate = {params.tls_certificate}\nprivate_key = {params.tls_private_key}\n"
        "verify_certificate = no\nrequire_certificate = no\n\n"
        "[client:default]\nmethod = TLSv1.2+\n"
        f"certificate = {params.tls_certificate}\nprivate_key = {params.tls_private_key}\n" + client_verify
    )


def write_config(params: KamailioParams) -> Path:
    """Render into `<data dir>/kamailio.cfg`, readable by the owner only (it holds the shared secret), and the
    tls module's `<data dir>/kamailio-tls.cfg` when TLS is configured."""
    path = params.data_dir / CONFIG_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    (params.data_dir / SPOOL_DIR).mkdir(mode=0o700, exist_ok=True)
    if params.tls_certificate is not None:
        tls_path = params.data_dir / TLS_CONFIG_FILE
        tls_path.write_text(render_tls(params))
    tmp = path.with_suffix(".cfg.tmp")
    tmp.write_text(render(params))
    tmp.chmod(0o600)
    tmp.replace(path)
    return path
