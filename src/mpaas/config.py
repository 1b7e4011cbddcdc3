"""Settings: every choice is an `MPAAS_*` environment variable; nothing forks the code per mode."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from mpaas.core.egress import EgressPolicy


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MPAAS_", extra="ignore")

    data_dir: Path = Path("./data")
    # Overrides the SQLite file in the data dir, e.g. postgresql+psycopg://user@host/db.
    database_url: str | None = None
    # PostgreSQL connections each process keeps (as many again may open under load).
    database_pool_size: int = 10

    # Largest request body, in bytes, checked while it is read and before authentication (issue 16); a larger
    # one is refused with 413 without reading it. The contract's largest body, a send with MmsBase64 media,
    # must fit (docs/compatibility.md, Limits). 0 turns the cap off.
    max_body_bytes: int = Field(1024 * 1024, ge=0)

    # FastAPI's native OpenTelemetry (spans, metrics and logs per request through the global providers an operator
    # configures). Off, the app never asks per request whether a provider is configured: that check reads the
    # environment several times a request, 2-3% of a one-recipient send's CPU (issue 20). mpaas configures no
    # provider itself, so it is off unless asked for.
    opentelemetry: bool = False

    token_lifetime_seconds: int = 900
    rate_limit_per_minute: int = 50
    # redis://host:6379/0 makes rate limits shared by every API process; in memory (per process) when unset.
    redis_url: str | None = None
    # Bearer token for /ops/v1; when unset `mpaas serve` generates one into the data dir.
    operator_token: str | None = None
    # Failed credential checks (wrong AccountSecret, unknown AccountKey) have a budget of their own, apart from
    # the working rate limit (mpaas.core.security.failures): failures per (AccountKey, client address) and per
    # address lock that pair or address out for auth_lockout_seconds, doubling per repeat up to the max; past
    # auth_failures_per_key failures on one key, an address that already failed on it gets no further try.
    auth_failures_per_key_address: int = Field(5, ge=1)
    auth_failures_per_address: int = Field(30, ge=1)
    auth_failures_per_key: int = Field(100, ge=1)
    auth_failure_window_seconds: float = Field(900.0, gt=0)
    auth_lockout_seconds: float = Field(60.0, gt=0)
    auth_lockout_max_seconds: float = Field(3600.0, gt=0)
    # argon2 checks running at once in one process (64 MiB and a core each); unset = cores - 1 (at least 1).
    password_hash_concurrency: int | None = Field(None, ge=1)
    # Key (urlsafe base64 of 32 bytes, a Fernet key) encrypting the port-out PINs and port-in account passwords
    # stored in the database; when unset `mpaas serve` generates one into the data dir, the production roles
    # (api, worker, gateway) refuse to start without it.
    secrets_key: str | None = None

    sandbox_receipt_delay_seconds: float = 1.0
    # Destinations starting with one of these prefixes fail in the sandbox (receipt UNDELIV).
    sandbox_fail_prefixes: str = "+1500555"
    # Destinations starting with one of these prefixes are accepted by the sandbox but never get a receipt (as
    # a carrier that drops it) and stay ENROUTE when asked, so they end Expired when their validity period ends:
    # a client can exercise "receipts that never come" (docs/messaging.md).
    sandbox_no_receipt_prefixes: str = "+1500556"
    # One SMPP carrier: smpp://system_id:password@host:port?throughput=N&window=N (replaces the sandbox).
    smpp_url: str | None = None
    # Several SMPP carriers routed by destination prefix (TOML; see mpaas.carriers.config). Wins over smpp_url.
    carriers_file: Path | None = None

    # Receipts that never come (issue 17): a message the carrier accepted but sent no final receipt for is
    # asked about with query_sm this long after it was sent (then again at doubling intervals), and once its
    # validity period (also sent as the submit_sm's validity_period) is over it is given a final status
    # (Expired, or Undelivered when the carrier no longer knows it) and a status callback. The gateway holding
    # the carrier binds sweeps for due messages every receipt_sweep_seconds, receipt_sweep_batch at a time.
    receipt_query_seconds: float = Field(900.0, gt=0)
    message_validity_seconds: float = Field(48 * 3600.0, ge=1, le=63 * 7 * 86400)
    receipt_sweep_seconds: float = Field(30.0, gt=0)
    receipt_sweep_batch: int = Field(500, ge=1)

    message_cost_per_segment: Decimal = Decimal("0.0045")
    # MmsBase64 media caps (issue 16), in decoded bytes: one item, and all items of one send. A send's items are
    # stored once however many recipients it has (messaging/media.py). 600 KB is the common carrier MMS item
    # limit; 750 KB of media is about the most a 1 MiB body (max_body_bytes) carries as Base64.
    mms_max_item_bytes: int = Field(600_000, ge=1)
    mms_max_send_bytes: int = Field(750_000, ge=1)
    # ISO 4217 code of every charge the billing engine writes (amounts rounded half-even to 0.01).
    billing_currency: str = "USD"

    seed_inventory_count: int = 100_000
    worker_poll_seconds: float = 0.5
    worker_batch_size: int = 100
    job_lease_seconds: float = 30.0
    # Done jobs are deleted this long after they finished (0 = keep them forever).
    job_retention_hours: float = 72.0
    webhook_timeout_seconds: float = 10.0
    # Requests in flight to one receiver (scheme, host, port) at most. One receiver's throughput is this over
    # its round trip: with 8 and a 10 ms round trip, 800 events/s, less than the callbacks of 1,000 msg/s.
    webhook_connections_per_destination: int = Field(8, ge=1, le=1024)
    # Egress policy (core/egress.py, docs/deploy.md "Security"): webhooks, and any other connection made on a
    # tenant's behalf, reach public addresses only, plus what this allows: a comma-separated list of `loopback`,
    # `private` (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) and address ranges (10.1.0.0/16,
    # 169.254.169.254/32). Unset: nothing beyond public addresses in the production roles (api, worker,
    # gateway); `mpaas serve` (the sandbox) allows `loopback`, so the README's local receiver works.
    egress_allow: str | None = None
    # Deprecated (use MPAAS_EGRESS_ALLOW): true reads as MPAAS_EGRESS_ALLOW=loopback,private when that is unset.
    webhook_allow_private: bool | None = None
    # After a rotation of an account's webhook signing secret, the previous one still signs (a second signature
    # in X-Mpaas-Signature) for this long, so receivers can switch without refusing a callback.
    webhook_secret_grace_seconds: float = Field(86400.0, ge=0)
    # /sandbox/v1 (inject inbound messages): unset = on in `mpaas serve`, off (404) in the production roles.
    sandbox_endpoints: bool | None = None

    esim_smdp_address: str = Field(default="smdp.mpaas.local")
    # Absolute base URL clients reach this server at (https://api.example.com, with a path prefix if a proxy adds
    # one). Links mpaas hands out (the eSIM QR code images) start with it; unset, they are built from the request
    # (its Host and scheme), which is wrong behind a proxy that rewrites either (issue 17, docs/numbers.md).
    public_url: str | None = None

    # Numbers (issue 4): calendar dates (EffectiveDate, PortInDate, renewals) are read in this zone.
    numbers_time_zone: str = "America/New_York"
    # A cancelled number can be reactivated for this many days, and returns to the inventory after
    # number_aging_days.
    number_reactivate_days: int = 30
    number_aging_days: float = 30.0
    # Fee of a swap, replace or swap-sim status change, a decimal.
    number_swap_fee: Decimal = Decimal("0")
    # Swap allowance (issue 17): each number may be swapped (swap, replace or swap-sim) this many times per period;
    # periods run from the number's purchase, and SwapsRemaining/NextSwapResetDate show where it stands.
    number_swaps_per_period: int = Field(2, ge=0)
    number_swap_period_days: float = Field(30.0, gt=0)
    # The sandbox losing carrier answers port-ins itself; off, the operator reports its answers.
    sandbox_porting: bool = True
    sandbox_port_seconds: float = 10.0
    # RADIUS accounting listener, e.g. 127.0.0.1:1813; off when unset.
    radius_addr: str | None = None
    radius_secret: str | None = None
    # Voice (issue 18): the shared secret Kamailio sends as X-Mpaas-Sip-Secret on the internal /sip/v1 endpoints
    # (route decisions, call events); unset, it is read from <data dir>/sip-secret (mpaas.voice.auth).
    sip_shared_secret: str | None = None
    # Where Kamailio listens for SIP, as Kamailio's listen= (proto:address:port, e.g. udp:127.0.0.1:5060); unset =
    # voice off (`mpaas serve` says so and starts no Kamailio; `mpaas sip` refuses to start).
    sip_listen: str | None = None
    # The upstream carrier trunk (the PSTN) for forwarded and outbound calls, a SIP URI such as sip:10.0.0.9:5060.
    sip_carrier_uri: str | None = None
    # The Kamailio binary `mpaas sip`/`mpaas serve` run (a name on PATH or a path).
    sip_kamailio_bin: str = "kamailio"
    # Kamailio's shared memory (its -m), in MB: the default 64 is short at a few hundred calls/s (issue 18 spike).
    sip_shared_memory_mb: int = Field(256, ge=16)
    # SIP worker processes per listen socket (Kamailio's children=). A route query holds a worker for its round
    # trip, so calls/s is about this over the decision's round trip.
    sip_children: int = Field(8, ge=1, le=256)
    # Base URL at which Kamailio reaches this mpaas (http://127.0.0.1:8080); unset, `mpaas serve`/`mpaas sip` use
    # the API's own host and port.
    sip_api_url: str | None = None
    # Base URL to which Kamailio POSTs its call events (/sip/v1/events) when not sip_api_url's: another mpaas API
    # process on the same database, so that applying a batch of events never holds the process answering route
    # queries (docs/voice.md, "Figures"). Unset: sip_api_url.
    sip_events_url: str | None = None
    # Kamailio's TLS certificate and private key (PEM files): set both to listen on tls: and to reach trunks whose
    # transport is TLS (docs/voice.md); needs Debian's kamailio-tls-modules (make voice-deps).
    sip_tls_certificate: Path | None = None
    sip_tls_private_key: Path | None = None
    # CA certificates (a PEM file) that trunks reached over TLS must present a certificate of: set, Kamailio verifies
    # each trunk's certificate chain against them and does not call a trunk that fails; unset, none is verified.
    sip_tls_ca: Path | None = None
    # How long a URL route's VoiceUrl may take to answer (the call waits: it is asked inside the routing decision),
    # in seconds; past it the call is refused 504. Keep it under Kamailio's wait for the decision (2 s).
    voice_url_timeout_seconds: float = Field(1.5, gt=0, le=30)
    # AI Guardian alerts (docs/guardian.md): at most one alert SMS per filter per this many seconds (every trigger
    # is still recorded and sent as a Guardian_Alert webhook event); 0 sends one per trigger.
    guardian_alert_interval: float = Field(300.0, ge=0)
    # The E.164 number alert SMS are sent from; unset, the filtered subscriber's own number.
    guardian_alert_sender: str | None = None

    @field_validator("egress_allow")
    @classmethod
    def _readable_egress_allow(cls, value: str | None) -> str | None:
        EgressPolicy.parse(value)  # refuse at start what cannot be read (a ValueError naming the token)
        return value

    @field_validator("sip_listen")
    @classmethod
    def _kamailio_listen(cls, value: str | None) -> str | None:
        # Written into Kamailio's listen= as it is: refuse at start what Kamailio could not read (or what would
        # inject configuration), rather than failing inside Kamailio's config check.
        if value and not re.fullmatch(r"(udp|tcp|tls):(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}", value):
            raise ValueError("MPAAS_SIP_LISTEN must be proto:address:port, such as udp:127.0.0.1:5060")
        return value or None

    @field_validator("public_url")
    @classmethod
    def _absolute_public_url(cls, value: str | None) -> str | None:
        # The QR links are opened by phones and browsers: a relative or schemeless base would make them useless.
        if value and not re.fullmatch(r"https?://[^/?#\s]+(/[^?#\s]*)?", value):
            raise ValueError("MPAAS_PUBLIC_URL must be an absolute http(s) URL, such as https://api.example.com")
        return value or None

    def for_sandbox(self) -> Settings:
        """`mpaas serve`'s defaults for what the operator left unset: loopback egress (the README's receiver on
        your machine) and the /sandbox/v1 endpoints. The production roles use the settings as they are."""
        updates: dict[str, object] = {}
        if self.egress_allow is None and self.webhook_allow_private is None:
            updates["egress_allow"] = "loopback"
        if self.sandbox_endpoints is None:
            updates["sandbox_endpoints"] = True
        return self.model_copy(update=updates)

    @property
    def egress_policy(self) -> EgressPolicy:
        if self.egress_allow is not None:
            return EgressPolicy.parse(self.egress_allow)
        return EgressPolicy.parse("loopback,private" if self.webhook_allow_private else "")

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'mpaas.db').resolve()}"

    @property
    def sandbox_fail_prefix_list(self) -> list[str]:
        return [p.strip() for p in self.sandbox_fail_prefixes.split(",") if p.strip()]

    @property
    def sandbox_no_receipt_prefix_list(self) -> list[str]:
        return [p.strip() for p in self.sandbox_no_receipt_prefixes.split(",") if p.strip()]

    @property
    def sandbox_active(self) -> bool:
        """The sandbox carrier runs unless a real one is configured (MPAAS_SMPP_URL or MPAAS_CARRIERS_FILE)."""
        return not self.smpp_url and not (self.carriers_file and str(self.carriers_file) not in ("", "."))

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url().startswith("sqlite")
