"""Settings: every choice is an `MPAAS_*` environment variable; nothing forks the code per mode."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MPAAS_", extra="ignore")

    data_dir: Path = Path("./data")
    # Overrides the SQLite file in the data dir, e.g. postgresql+psycopg://user@host/db.
    database_url: str | None = None
    # PostgreSQL connections each process keeps (as many again may open under load).
    database_pool_size: int = 10

    token_lifetime_seconds: int = 900
    rate_limit_per_minute: int = 50
    # redis://host:6379/0 makes rate limits shared by every API process; in memory (per process) when unset.
    redis_url: str | None = None
    # Bearer token for /ops/v1; when unset `mpaas serve` generates one into the data dir.
    operator_token: str | None = None

    sandbox_receipt_delay_seconds: float = 1.0
    # Destinations starting with one of these prefixes fail in the sandbox (receipt UNDELIV).
    sandbox_fail_prefixes: str = "+1500555"
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
    # Production should refuse webhooks to private ranges; the sandbox must reach localhost.
    webhook_allow_private: bool = True

    esim_smdp_address: str = Field(default="smdp.mpaas.local")

    # Numbers (issue 4): calendar dates (EffectiveDate, PortInDate, renewals) are read in this zone.
    numbers_time_zone: str = "America/New_York"
    # A cancelled number can be reactivated for this many days, and returns to the inventory after
    # number_aging_days.
    number_reactivate_days: int = 30
    number_aging_days: float = 30.0
    # Fee of a swap, replace or swap-sim status change, a decimal.
    number_swap_fee: Decimal = Decimal("0")
    # The sandbox losing carrier answers port-ins itself; off, the operator reports its answers.
    sandbox_porting: bool = True
    sandbox_port_seconds: float = 10.0
    # RADIUS accounting listener, e.g. 127.0.0.1:1813; off when unset.
    radius_addr: str | None = None
    radius_secret: str | None = None

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'mpaas.db').resolve()}"

    @property
    def sandbox_fail_prefix_list(self) -> list[str]:
        return [p.strip() for p in self.sandbox_fail_prefixes.split(",") if p.strip()]

    @property
    def sandbox_active(self) -> bool:
        """The sandbox carrier runs unless a real one is configured (MPAAS_SMPP_URL or MPAAS_CARRIERS_FILE)."""
        return not self.smpp_url and not (self.carriers_file and str(self.carriers_file) not in ("", "."))

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url().startswith("sqlite")
