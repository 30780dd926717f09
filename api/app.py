"""The app factory: `create_app(settings)`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.prometheus import PrometheusController

from api.auth import provide_principal, refuse_without_token
from api.config import (
    auth_config,
    calendar_config,
    cases_config,
    fund_projects_config,
    media_config,
    notifications_config,
    open311_config,
    payment_urls,
    storage_config,
    votes_config,
)
from api.controllers.auth import AuthController
from api.controllers.calendar import CalendarController
from api.controllers.cases import CasesController, InspectorController, InspectorV2Controller, SyncController
from api.controllers.grids import (
    CategoryDepartmentsController,
    DutiesController,
    GridsAdminController,
    RoutingAdminV2Controller,
)
from api.controllers.health import HealthController
from api.controllers.housing import ROUTES as HOUSING_ROUTES
from api.controllers.housing_credit import ROUTES as CREDIT_ROUTES
from api.controllers.housing_fund_projects import ROUTES as FUND_PROJECT_ROUTES
from api.controllers.housing_money import MONEY_ROUTES
from api.controllers.housing_notices import ROUTES as NOTICE_ROUTES
from api.controllers.housing_payments import PAYMENT_ROUTES
from api.controllers.housing_repairs import ROUTES as REPAIR_ROUTES
from api.controllers.housing_votes import ROUTES as VOTE_ROUTES
from api.controllers.media import PhotosController, UploadsController
from api.controllers.notifications import ROUTES as NOTIFICATION_ROUTES
from api.controllers.notifications import channels_plugin
from api.controllers.notifications_admin import ADMIN_ROUTES as NOTIFICATION_ADMIN_ROUTES
from api.controllers.open311 import ROUTES as OPEN311_ROUTES
from api.controllers.open311_admin import ADMIN_ROUTES as OPEN311_ADMIN_ROUTES
from api.controllers.payment_reconciliations import ROUTES as RECONCILIATION_ROUTES
from api.controllers.reports import (
    CategoriesController,
    MapController,
    ReportsController,
    ServiceAreaController,
)
from api.controllers.stats import StatsController
from api.controllers.users import AuditController, AuditV2Controller, MeController, UsersController
from api.db import create_pool, provide_conn, provide_read_conn
from api.errors import exception_handlers
from api.nul_guard import NulWebSocketGuard, refuse_nul
from api.observability import POOL_IDLE, POOL_MAX, POOL_SIZE, ObservabilityMiddleware
from api.openapi import PublishedDocument
from api.payment_providers import build_providers
from api.proxies import TrustedProxies, parse_networks
from api.settings import Settings
from console.app import console_router
from console.render import TEMPLATE_CONFIG as CONSOLE_TEMPLATES
from media.service import ImageWorkers
from media.storage import Storage

API_VERSION = "2.3.1"
MAX_BODY_BYTES = 1024 * 1024  # JSON bodies; photos have their own limits


class _Metrics(PrometheusController):
    path = "/metrics"
    include_in_schema = False


def _pool_gauges(state: State) -> None:
    pool = state.pool
    POOL_SIZE.set(pool.get_size())
    POOL_IDLE.set(pool.get_idle_size())
    POOL_MAX.set(pool.get_max_size())


def create_app(settings: Settings, *, connect: bool = True) -> Litestar:
    """Build the API. With `connect=False` nothing is opened (used to write the OpenAPI document)."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        if not connect:
            yield
            return
        app.state.pool = await create_pool(settings)
        replica = settings.database_replica_url
        app.state.read_pool = await create_pool(settings, replica) if replica else app.state.pool
        app.state.storage = Storage(storage_config(settings))
        app.state.image_workers = ImageWorkers(settings.image_threads)
        try:
            yield
        finally:
            app.state.image_workers.close()
            app.state.storage.close()
            if app.state.read_pool is not app.state.pool:
                await asyncio.wait_for(app.state.read_pool.close(), timeout=10)
            await asyncio.wait_for(app.state.pool.close(), timeout=10)

    async def before_request(request: Any) -> None:
        if request.scope["path"] == "/metrics" and hasattr(request.app.state, "pool"):
            _pool_gauges(request.app.state)
        refuse_without_token(request)  # 401 first, as before anything of the request is read
        await refuse_nul(request)

    state = State(
        {
            "settings": settings,
            "auth_config": auth_config(settings),
            "cases_config": cases_config(settings),
            "media_config": media_config(settings),
            "calendar_config": calendar_config(settings),
            "notifications_config": notifications_config(settings),
            "payment_providers": build_providers(settings),
            "payment_urls": payment_urls(settings),
            "payment_order_ttl": timedelta(seconds=settings.payment_order_ttl_s),
            "votes_config": votes_config(settings),
            "fund_projects_config": fund_projects_config(settings),
            "open311_config": open311_config(settings),
        }
    )
    return Litestar(
        route_handlers=[
            HealthController,
            AuthController,
            MeController,
            UsersController,
            AuditController,
            AuditV2Controller,
            CategoriesController,
            ServiceAreaController,
            ReportsController,
            MapController,
            UploadsController,
            PhotosController,
            CasesController,
            InspectorController,
            InspectorV2Controller,
            SyncController,
            CalendarController,
            GridsAdminController,
            DutiesController,
            CategoryDepartmentsController,
            RoutingAdminV2Controller,
            StatsController,
            *NOTIFICATION_ROUTES,
            *NOTIFICATION_ADMIN_ROUTES,
            *HOUSING_ROUTES,
            *MONEY_ROUTES,
            *VOTE_ROUTES,
            *NOTICE_ROUTES,
            *FUND_PROJECT_ROUTES,
            *CREDIT_ROUTES,
            *REPAIR_ROUTES,
            *RECONCILIATION_ROUTES,
            *PAYMENT_ROUTES,
            *OPEN311_ROUTES,
            *OPEN311_ADMIN_ROUTES,
            console_router(),  # the web console under /console/ (console/), not in the published document
            _Metrics,
        ],
        template_config=CONSOLE_TEMPLATES,
        plugins=[channels_plugin(settings)],
        dependencies={
            "conn": Provide(provide_conn),
            "read_conn": Provide(provide_read_conn),
            "principal": Provide(provide_principal),
        },
        lifespan=[lifespan],
        state=state,
        middleware=[
            # first: the client's address behind TRUSTED_PROXIES, before anything reads or logs it
            DefineMiddleware(TrustedProxies, networks=parse_networks(settings.trusted_proxies)),
            # request ids, Prometheus metrics (by route template) and the access log, one pure ASGI layer
            ObservabilityMiddleware,
            NulWebSocketGuard,
        ],
        before_request=before_request,
        exception_handlers=exception_handlers(),
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=OpenAPIConfig(
            title="CityLoop API",
            version=API_VERSION,
            description="The API behind CityLoop's mobile apps. Errors are RFC 9457 problem documents.",
            path="/schema",
            render_plugins=[PublishedDocument(path="/openapi.json")],
            components=Components(
                security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
            ),
            security=[{"bearer": []}],
        ),
        debug=False,
        logging_config=None,  # logs are JSON lines set up by the entry point (api.observability.configure_logging)
    )


__all__ = ["create_app"]
