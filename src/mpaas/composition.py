"""The composition point: what each process role runs, made from the platform's parts.

Each domain owns its jobs (`<domain>/jobs.py`: the kinds, attempt limits and handlers), and each handler takes
the parts it uses (database, clock, queue, webhook sender, connector) as typed arguments. This module hands
them over, once, for the worker (every kind but carrier submits) and for the gateway (carrier submits through
the connector it binds). `app.py` and the CLI's role commands build a Runtime with `role_parts`; nothing else
imports this module, so it may import every domain's jobs while `roles/` (which the domains' endpoints reach
through mpaas.dependencies' Platform) imports none."""

from __future__ import annotations

import functools
from collections.abc import Callable

from mpaas.billing import jobs as billing_jobs
from mpaas.carriers import build_connector
from mpaas.carriers.base import CarrierEvents, Connector
from mpaas.carriers.gateway import Gateway
from mpaas.carriers.lease import lease_for
from mpaas.core.jobs.worker import BatchHandler
from mpaas.messaging import jobs as messaging_jobs
from mpaas.messaging.pipeline import PipelineEvents
from mpaas.messaging.receipt_sweep import ReceiptSweep
from mpaas.numbers import jobs as number_jobs
from mpaas.numbers.lifecycle.service import NumberPolicy
from mpaas.numbers.usage.radius import RadiusListener
from mpaas.ops import bind_states
from mpaas.roles.platform import Platform
from mpaas.roles.runtime import RoleParts, Startable
from mpaas.voice import voice_callbacks
from mpaas.webhooks import jobs as webhook_jobs


def worker_handlers(platform: Platform) -> dict[str, BatchHandler]:
    """A batch handler for every job kind the worker runs."""
    db, clock, queue = platform.db, platform.clock, platform.jobs
    return {
        messaging_jobs.RECEIPT_JOB: messaging_jobs.ApplyReceipts(db, clock, queue, _configured_carrier(platform)),
        webhook_jobs.DELIVER_JOB: webhook_jobs.DeliverBatch(
            db, clock, queue, platform.webhooks, {voice_callbacks.TARGET: voice_callbacks.resolve}
        ),
        **number_jobs.handlers(db, clock, queue, NumberPolicy.of(platform.settings)),
        **billing_jobs.handlers(db, clock, queue, platform.settings.billing_currency),
    }


def submit_side(platform: Platform, connector: Connector) -> tuple[CarrierEvents, BatchHandler]:
    """What the gateway runs through `connector`: the events it reports to, and the submit handler that parks
    receipts with those events."""
    events = PipelineEvents(platform.db, platform.clock, platform.jobs)
    s = platform.settings
    return events, messaging_jobs.SubmitBatch(
        connector,
        events,
        platform.db,
        platform.clock,
        platform.jobs,
        receipt_query_seconds=s.receipt_query_seconds,
        validity_seconds=s.message_validity_seconds,
    )


def receipt_sweep(platform: Platform, connector: Connector) -> ReceiptSweep:
    """What the gateway runs periodically through `connector`: the sweep for receipts that never came."""
    s = platform.settings
    return ReceiptSweep(
        connector,
        platform.db,
        platform.clock,
        platform.jobs,
        query_seconds=s.receipt_query_seconds,
        validity_seconds=s.message_validity_seconds,
        batch=s.receipt_sweep_batch,
    )


def gateway(platform: Platform) -> Gateway:
    s = platform.settings
    return Gateway(
        platform.jobs,
        lease_for(s.resolved_database_url()),
        submit_kind=messaging_jobs.SUBMIT_JOB,
        submit_side=functools.partial(submit_side, platform),
        build_connector=functools.partial(build_connector, s),
        connector=platform.connector,
        poll_seconds=s.worker_poll_seconds,
        batch_size=s.worker_batch_size,
        sweep=functools.partial(receipt_sweep, platform),
        sweep_seconds=s.receipt_sweep_seconds,
        publish=bind_states.publisher(platform.db, platform.clock),
        weigh=messaging_jobs.submit_weight,
    )


def beside_worker(platform: Platform) -> list[Startable]:
    """The RADIUS accounting listener, when MPAAS_RADIUS_ADDR is set."""
    return [RadiusListener(platform)] if platform.settings.radius_addr else []


def role_parts(platform: Platform) -> RoleParts:
    return RoleParts(
        worker_handlers=functools.partial(worker_handlers, platform),
        gateway_kinds=frozenset({messaging_jobs.SUBMIT_JOB}),
        gateway=functools.partial(gateway, platform),
        beside_worker=functools.partial(beside_worker, platform),
        worker_weigh=webhook_jobs.deliver_weight,
    )


def _configured_carrier(platform: Platform) -> Callable[[], str]:
    """The name of the connector this platform binds (the one put in place, else the one the settings
    describe, built only to be asked, once, and only if a receipt job without its carrier comes)."""

    @functools.cache
    def name() -> str:
        return (platform.connector or build_connector(platform.settings)).name

    return name
