"""FastAPI factory: routers, error envelope, the HTTP edge and route table, platform lifecycle."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig
from starlette.routing import Route

from mpaas import __version__
from mpaas.auth.endpoints import router as auth_router
from mpaas.billing.endpoints import router as billing_router
from mpaas.catalog.endpoints import router as catalog_router
from mpaas.composition import role_parts
from mpaas.config import Settings
from mpaas.console.router import router as console_router
from mpaas.core.http import dispatch
from mpaas.core.http.server import Healthz, HttpEdge, install_error_handlers
from mpaas.core.http.stack import LeanFastAPI
from mpaas.distributors.endpoints import router as distributors_router
from mpaas.guardian import alerts as guardian_alerts
from mpaas.guardian.endpoints import router as guardian_router
from mpaas.guardian.message_filters import router as message_filters_router
from mpaas.messaging.endpoints import router as messaging_router
from mpaas.numbers.lifecycle.endpoints import router as number_lifecycle_router
from mpaas.numbers.porting.endpoints import ops as number_porting_ops_router
from mpaas.numbers.porting.endpoints import router as number_porting_router
from mpaas.numbers.provisioning.endpoints import router as numbers_router
from mpaas.numbers.usage.endpoints import ops as number_usage_ops_router
from mpaas.numbers.usage.endpoints import router as number_usage_router
from mpaas.openapi.document import install_openapi
from mpaas.ops.endpoints import router as ops_router
from mpaas.roles.platform import Platform
from mpaas.roles.runtime import Runtime
from mpaas.routes.endpoints import router as routes_router
from mpaas.sandbox.endpoints import router as sandbox_router
from mpaas.schedules.endpoints import router as schedules_router
from mpaas.subscribers.endpoints import router as subscribers_router
from mpaas.unimplemented.endpoints import router as unimplemented_router
from mpaas.voice.event_endpoints import router as call_events_router
from mpaas.voice.route_endpoints import router as call_routing_router
from mpaas.webhooks.endpoints import router as webhooks_router
from mpaas.workgroups.endpoints import router as workgroups_router

DESCRIPTION = """A self-hostable mobile platform, wire-compatible with the Telegent v1.0 API.

Every `/v1.0` call needs `Authorization: Bearer <token>` where the token comes from
`POST /v1.0/OAuth2/tokens` and is scoped to the one endpoint named in its `ApiEndpoint`.
Errors always use the envelope `{"StatusCode": n, "Message": "..."}`."""


def create_app(
    settings: Settings | None = None, platform: Platform | None = None, *, run_workers: bool = True
) -> FastAPI:
    """Build the API. The lifespan starts the platform (and, in the all-in-one role, its workers)."""
    settings = settings or Settings()
    platform = platform or Platform.build(settings)
    guardian_alerts.configure(platform.settings)  # alert SMS interval and sender (guardian/alerts.py)
    runtime = Runtime(platform, role_parts(platform), run_workers=run_workers)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    # Without MPAAS_OPENTELEMETRY FastAPI's telemetry is off, as it is when no provider is configured, minus the
    # per-request check (config.py).
    telemetry: TelemetryConfig | None = (
        None if platform.settings.opentelemetry else {"tracing": False, "metrics": False, "logs": False}
    )
    app = LeanFastAPI(
        title="mpaas", version=__version__, description=DESCRIPTION, lifespan=lifespan, telemetry=telemetry
    )
    app.state.platform = platform
    app.state.runtime = runtime
    install_error_handlers(app)
    install_openapi(app)
    for router in (
        call_routing_router,  # first: matched per INVITE, on a 5 ms budget (routes are tried in order)
        auth_router,
        routes_router,
        numbers_router,
        subscribers_router,
        messaging_router,
        message_filters_router,
        guardian_router,
        sandbox_router,
        ops_router,
        webhooks_router,
        number_lifecycle_router,
        number_usage_router,
        number_porting_router,
        number_usage_ops_router,
        number_porting_ops_router,
        workgroups_router,
        schedules_router,
        distributors_router,
        catalog_router,
        billing_router,
        call_events_router,
        console_router,  # the web console at /console (docs/console.md)
        unimplemented_router,
    ):
        app.include_router(router)

    healthz = Route("/healthz", Healthz(), methods=["GET"], name="healthz", include_in_schema=False)
    healthz.methods = {"GET"}  # not HEAD, which Starlette adds: HEAD /healthz answers 405, as it did
    app.router.routes.append(healthz)

    # One ASGI layer before routing, authentication or buffering (core/http/server.py): bodies over the cap and
    # hostile query strings refused, the egress policy the webhooks will meet set for the URLs a request saves
    # (core/egress.py), paths and query names made case-insensitive.
    app.add_middleware(
        HttpEdge, fastapi_app=app, policy=platform.settings.egress_policy, max_body_bytes=settings.max_body_bytes
    )
    # Routes selected by a table on the (canonical) path instead of a scan of every router (core/http/dispatch.py).
    dispatch.install(app)
    return app


def api_only_app() -> FastAPI:
    """Factory for `mpaas api` (uvicorn imports it in each of its worker processes): the HTTP API alone,
    settings from the environment; jobs and carrier binds belong to `mpaas worker` and `mpaas gateway`."""
    return create_app(Settings(), run_workers=False)
