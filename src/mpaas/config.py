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

    token_lifetime_seconds: int = 900
    rate_limit_per_minute: int = 50
    # Bearer token for /ops/v1; when unset `mpaas serve` generates one into the data dir.
    operator_token: str | None = None

    carrier: str = "sandbox"
    sandbox_receipt_delay_seconds: float = 1.0
    # Destinations starting with one of these prefixes fail in the sandbox (receipt UNDELIV).
    sandbox_fail_prefixes: str = "+1500555"

    message_cost_per_segment: Decimal = Decimal("0.0045")

    seed_inventory_count: int = 100_000
    worker_poll_seconds: float = 0.5
    worker_batch_size: int = 50
    job_lease_seconds: float = 30.0
    webhook_timeout_seconds: float = 10.0
    # Production should refuse webhooks to private ranges; the sandbox must reach localhost.
    webhook_allow_private: bool = True

    esim_smdp_address: str = Field(default="smdp.mpaas.local")

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'mpaas.db').resolve()}"

    @property
    def sandbox_fail_prefix_list(self) -> list[str]:
        return [p.strip() for p in self.sandbox_fail_prefixes.split(",") if p.strip()]

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url().startswith("sqlite")
