"""The running platform: every long-lived part, built once from settings and shared by API and workers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from mpaas.accounts.repository import get_or_create_secret
from mpaas.carriers.base import Connector
from mpaas.config import Settings
from mpaas.core.clock import Clock, SystemClock
from mpaas.core.db.database import Database
from mpaas.core.http.webhook_sender import WebhookSender
from mpaas.core.jobs.queue import JobQueue
from mpaas.core.security.failures import FailureBudget, FailurePolicy
from mpaas.core.security.hashing import SecretVerifier
from mpaas.core.security.ratelimit import RateLimiter
from mpaas.core.security.sealing import Sealer, ensure_key, seal_clear_rows
from mpaas.core.security.tokens import TokenIssuer


@dataclass
class Platform:
    settings: Settings
    db: Database
    clock: Clock
    jobs: JobQueue
    rate_limiter: RateLimiter
    webhooks: WebhookSender
    # Failed credential checks' own budget, and the bounded argon2 verifier (auth/service.py).
    auth_failures: FailureBudget
    verifier: SecretVerifier
    tokens: TokenIssuer | None = None  # set by `start()`: its key lives in the database
    # Encrypts the port-out PINs and port-in passwords (MPAAS_SECRETS_KEY or the data dir's file); set by `start()`.
    sealer: Sealer | None = None
    # A carrier connector put in place of the one the settings describe (tests, embedding): the gateway binds
    # this one whenever it holds the lease, instead of building its own each time.
    connector: Connector | None = None

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Platform:
        clock = clock or SystemClock()
        db = Database(settings.resolved_database_url(), pool_size=settings.database_pool_size)
        return cls(
            settings=settings,
            db=db,
            clock=clock,
            jobs=JobQueue(db, clock, lease_seconds=settings.job_lease_seconds),
            rate_limiter=RateLimiter(settings.redis_url),
            auth_failures=FailureBudget.build(
                FailurePolicy(
                    per_key_address=settings.auth_failures_per_key_address,
                    per_address=settings.auth_failures_per_address,
                    per_key=settings.auth_failures_per_key,
                    window_seconds=settings.auth_failure_window_seconds,
                    lockout_seconds=settings.auth_lockout_seconds,
                    lockout_max_seconds=settings.auth_lockout_max_seconds,
                ),
                settings.redis_url,
            ),
            verifier=SecretVerifier(settings.password_hash_concurrency),
            webhooks=WebhookSender(
                settings.webhook_timeout_seconds,
                settings.egress_policy,
                settings.webhook_connections_per_destination,
            ),
        )

    async def start(self) -> None:
        async with self.db.write() as session:
            key = await get_or_create_secret(session, "token_signing_key")
            self.sealer = Sealer(ensure_key(self.settings)[0])
            await seal_clear_rows(session, self.sealer)  # values stored in clear before 0010, once
        self.tokens = TokenIssuer(key, timedelta(seconds=self.settings.token_lifetime_seconds))

    async def close(self) -> None:
        await self.jobs.close()
        await self.webhooks.close()
        await self.auth_failures.close()
        await self.db.dispose()
