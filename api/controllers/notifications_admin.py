"""Notifications for admins over HTTP: webhook subscribers, deliveries (push and webhook) and the outbox's dead
letters, with replay."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Controller, Request, delete, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.types import ControllerRouterHandler

from api.auth import Caller, DbConn, request_context, requires_role
from api.params import DEFAULT_LIMIT, BeforeId, Cursor, Int64Id, Limit
from identity import service as identity
from notifications import service, webhooks
from notifications.models import (
    Channel,
    Delivery,
    DeliveryPage,
    DeliveryPageV2,
    DeliveryStatus,
    OutboxPage,
    OutboxPageV2,
    Replayed,
    Webhook,
    WebhookCreate,
    WebhookPage,
)


class WebhooksAdminController(Controller):
    path = "/v1/admin/webhooks"
    tags = ["admin"]
    dependencies = {"principal": requires_role("admin")}

    @post(
        operation_id="createWebhook",
        opt={
            "problems": (
                "webhook_url_invalid",
                "webhook_target_forbidden",
                "webhook_host_unresolvable",
            )
        },
        summary="Register a webhook subscriber (http(s), public addresses only)",
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        data: JSONBody[WebhookCreate],
    ) -> Webhook:
        hook = await webhooks.create_subscriber(conn, state.notifications_config, data, principal.user_id)
        await identity.audit(
            conn,
            request_context(request),
            principal.user_id,
            "webhook.create",
            "webhook",
            str(hook.id),
            url=hook.url,
            events=hook.events,
        )
        return hook

    @get(operation_id="listWebhooks", summary="Webhook subscribers", deprecated=True)
    async def list_hooks(self, conn: DbConn, principal: Caller) -> list[Webhook]:
        return (await webhooks.list_subscribers(conn)).items

    @get(
        "/{webhook_id:uuid}",
        operation_id="getWebhook",
        opt={"problems": ("webhook_not_found",)},
        summary="One webhook subscriber",
    )
    async def get_hook(self, conn: DbConn, principal: Caller, webhook_id: FromPath[UUID]) -> Webhook:
        return await webhooks.get_subscriber(conn, webhook_id)

    @delete(
        "/{webhook_id:uuid}",
        operation_id="deleteWebhook",
        opt={"problems": ("webhook_not_found",)},
        summary="Remove a subscriber; its undelivered events are dropped",
        status_code=204,
    )
    async def delete_hook(
        self, request: Request[Any, Any, Any], conn: DbConn, principal: Caller, webhook_id: FromPath[UUID]
    ) -> None:
        await webhooks.delete_subscriber(conn, webhook_id)
        await identity.audit(
            conn, request_context(request), principal.user_id, "webhook.delete", "webhook", str(webhook_id)
        )

    @post(
        "/{webhook_id:uuid}/resume",
        operation_id="resumeWebhook",
        opt={"problems": ("webhook_not_found",)},
        summary="Resume a paused subscriber; what waited is delivered",
        status_code=200,
    )
    async def resume(
        self, request: Request[Any, Any, Any], conn: DbConn, principal: Caller, webhook_id: FromPath[UUID]
    ) -> Webhook:
        hook = await webhooks.resume_subscriber(conn, webhook_id)
        await identity.audit(
            conn, request_context(request), principal.user_id, "webhook.resume", "webhook", str(webhook_id)
        )
        return hook

    @get(
        "/{webhook_id:uuid}/deliveries",
        operation_id="listWebhookDeliveries",
        opt={"problems": ("webhook_not_found",)},
        summary="A subscriber's delivery log, newest first: status, attempts, last error",
        deprecated=True,
    )
    async def deliveries(
        self,
        conn: DbConn,
        principal: Caller,
        webhook_id: FromPath[UUID],
        status: Annotated[DeliveryStatus | None, QueryParameter()] = None,
        before: BeforeId = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> DeliveryPage:
        await webhooks.get_subscriber(conn, webhook_id)
        page = await service.list_deliveries(
            conn, status=status, subscriber_id=webhook_id, before=before, limit=limit
        )
        return DeliveryPage(items=page.items, next_cursor=page.items[-1].id if page.next_cursor else None)


class DeliveriesAdminController(Controller):
    path = "/v1/admin/deliveries"
    tags = ["admin"]
    dependencies = {"principal": requires_role("admin")}

    @get(
        operation_id="listDeliveries",
        summary="Deliveries, newest first (status=dead: the dead letters)",
        deprecated=True,
    )
    async def list_deliveries(
        self,
        conn: DbConn,
        principal: Caller,
        status: Annotated[DeliveryStatus | None, QueryParameter()] = None,
        channel: Annotated[Channel | None, QueryParameter()] = None,
        before: BeforeId = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> DeliveryPage:
        page = await service.list_deliveries(conn, status=status, channel=channel, before=before, limit=limit)
        return DeliveryPage(items=page.items, next_cursor=page.items[-1].id if page.next_cursor else None)

    @post(
        "/{delivery_id:int}/replay",
        operation_id="replayDelivery",
        opt={
            "problems": (
                "delivery_not_found",
                "not_dead",
            )
        },
        summary="Try a dead delivery again, with a fresh count of attempts",
        status_code=200,
    )
    async def replay(
        self, request: Request[Any, Any, Any], conn: DbConn, principal: Caller, delivery_id: Int64Id
    ) -> Delivery:
        delivery = await service.replay_delivery(conn, delivery_id)
        await identity.audit(
            conn, request_context(request), principal.user_id, "delivery.replay", "delivery", str(delivery_id)
        )
        return delivery

    @post(
        "/replay-dead",
        operation_id="replayDeadDeliveries",
        opt={"problems": ("webhook_not_found",)},
        summary="Try every dead delivery again (of one channel or subscriber)",
        status_code=200,
    )
    async def replay_dead(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        channel: Annotated[Channel | None, QueryParameter()] = None,
        webhook_id: Annotated[UUID | None, QueryParameter()] = None,
    ) -> Replayed:
        count = await service.replay_dead(conn, channel=channel, subscriber_id=webhook_id)
        await identity.audit(
            conn,
            request_context(request),
            principal.user_id,
            "delivery.replay_dead",
            "delivery",
            "*",
            channel=channel,
            webhook_id=str(webhook_id) if webhook_id else None,
            replayed=count,
        )
        return Replayed(replayed=count)


class OutboxAdminController(Controller):
    path = "/v1/admin/outbox"
    tags = ["admin"]
    dependencies = {"principal": requires_role("admin")}

    @get(
        operation_id="listOutbox",
        summary="Outbox entries by status (dead: fan-out gave up), newest first",
        deprecated=True,
    )
    async def list_outbox(
        self,
        conn: DbConn,
        principal: Caller,
        status: Annotated[Literal["pending", "done", "dead"], QueryParameter()] = "dead",
        before: BeforeId = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> OutboxPage:
        page = await service.list_outbox(conn, status=status, before=before, limit=limit)
        return OutboxPage(items=page.items, next_cursor=page.items[-1].id if page.next_cursor else None)

    @post(
        "/{outbox_id:int}/replay",
        operation_id="replayOutbox",
        opt={
            "problems": (
                "outbox_entry_not_found",
                "not_dead",
            )
        },
        summary="Fan a dead outbox entry out again",
        status_code=200,
    )
    async def replay(
        self, request: Request[Any, Any, Any], conn: DbConn, principal: Caller, outbox_id: Int64Id
    ) -> Replayed:
        await service.replay_outbox(conn, outbox_id)
        await identity.audit(
            conn, request_context(request), principal.user_id, "outbox.replay", "outbox", str(outbox_id)
        )
        return Replayed(replayed=1)


class NotificationsAdminV2Controller(Controller):
    """The admins' lists of webhooks, deliveries and the outbox, paged with an opaque cursor."""

    path = "/v2/admin"
    tags = ["admin"]
    dependencies = {"principal": requires_role("admin")}

    @get(
        "/webhooks",
        operation_id="listWebhooksV2",
        summary="Webhook subscribers, oldest first (cursor-paginated)",
        description="The systems told of case events by signed HTTP POSTs (Webhook 订阅), in the order they were "
        "registered, with their status (active, or paused after repeated failures). Page with `cursor` (the "
        "previous page's `next_cursor`, null at the end); replaces the deprecated `GET /v1/admin/webhooks`.",
        opt={"problems": ("invalid_cursor",)},
    )
    async def list_webhooks(
        self, conn: DbConn, principal: Caller, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
    ) -> WebhookPage:
        return await webhooks.list_subscribers(conn, cursor=cursor, limit=limit)

    @get(
        "/webhooks/{webhook_id:uuid}/deliveries",
        operation_id="listWebhookDeliveriesV2",
        summary="A subscriber's delivery log, newest first (cursor-paginated)",
        description="Each event sent to one subscriber (投递记录): status, attempts, the last error and HTTP status. "
        "Page with `cursor` (the previous page's `next_cursor`, null at the end); replaces the deprecated "
        "`GET /v1/admin/webhooks/{webhook_id}/deliveries` and its integer `before`.",
        opt={"problems": ("invalid_cursor", "webhook_not_found")},
    )
    async def list_webhook_deliveries(
        self,
        conn: DbConn,
        principal: Caller,
        webhook_id: FromPath[UUID],
        status: Annotated[DeliveryStatus | None, QueryParameter()] = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> DeliveryPageV2:
        await webhooks.get_subscriber(conn, webhook_id)
        return await service.list_deliveries(
            conn, status=status, subscriber_id=webhook_id, cursor=cursor, limit=limit
        )

    @get(
        "/deliveries",
        operation_id="listDeliveriesV2",
        summary="Deliveries, newest first; status=dead: the dead letters (cursor-paginated)",
        description="Every push and webhook delivery (推送与回调投递), of one status and channel when asked; the dead "
        "ones (死信) are those the worker gave up on, which an admin can replay. Page with `cursor` (the "
        "previous page's `next_cursor`, null at the end); replaces the deprecated `GET /v1/admin/deliveries` "
        "and its integer `before`.",
        opt={"problems": ("invalid_cursor",)},
    )
    async def list_deliveries(
        self,
        conn: DbConn,
        principal: Caller,
        status: Annotated[DeliveryStatus | None, QueryParameter()] = None,
        channel: Annotated[Channel | None, QueryParameter()] = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> DeliveryPageV2:
        return await service.list_deliveries(conn, status=status, channel=channel, cursor=cursor, limit=limit)

    @get(
        "/outbox",
        operation_id="listOutboxV2",
        summary="Outbox entries by status (dead: fan-out gave up), newest first (cursor-paginated)",
        description="The events written with the changes that caused them (发件箱), waiting to be fanned out to "
        "pushes and webhooks (pending), done, or given up on (dead, replayable). Page with `cursor` (the "
        "previous page's `next_cursor`, null at the end); replaces the deprecated `GET /v1/admin/outbox` and "
        "its integer `before`.",
        opt={"problems": ("invalid_cursor",)},
    )
    async def list_outbox(
        self,
        conn: DbConn,
        principal: Caller,
        status: Annotated[Literal["pending", "done", "dead"], QueryParameter()] = "dead",
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> OutboxPageV2:
        return await service.list_outbox(conn, status=status, cursor=cursor, limit=limit)


ADMIN_ROUTES: list[ControllerRouterHandler] = [
    WebhooksAdminController,
    DeliveriesAdminController,
    OutboxAdminController,
    NotificationsAdminV2Controller,
]
