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
from mpaas.core.security.ratelimit import RateLimiter
from mpaas.core.security.tokens import TokenIssuer


@dataclass
class Platform:
    settings: Settings
    db: Database
    clock: Clock
    jobs: JobQueue
    rate_limiter: RateLimiter
    webhooks: WebhookSender
    tokens: TokenIssuer | None = None  # set by `start()`: its key lives in the database
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
            webhooks=WebhookSender(
                settings.webhook_timeout_seconds,
                settings.webhook_allow_private,
                settings.webhook_connections_per_destination,
            ),
        )

    async def start(self) -> None:
        async with self.db.write() as session:
            key = await get_or_create_secret(session, "token_signing_key")
        self.tokens = TokenIssuer(key, timedelta(seconds=self.settings.token_lifetime_seconds))

    async def close(self) -> None:
        await self.jobs.close()
        await self.webhooks.close()
        await self.db.dispose()
