"""Push devices, quiet hours, the inbox, webhooks, deliveries and the outbox.

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

OPERATIONS: dict[str, str] = {
    # push, quiet hours and the inbox
    "registerDevice": (
        "Registers this phone's FCM registration token for push notifications, with its platform, app version "
        "and locale (the language its pushes are written in). Answers 201 for a new token and 200 for a known "
        "one; a token registered by another user moves to the caller, so a shared phone follows the latest "
        "sign-in. A user keeps at most 10 devices: registering one more forgets the least recently seen. Call "
        "it after every sign-in and whenever FCM gives the app a new token; safe to repeat."
    ),
    "removeDevice": (
        "Stops push notifications to one of the caller's phones, named by its FCM token. Call it on sign-out, "
        "before logout. Only the caller's own tokens can be removed."
    ),
    "getQuietHours": (
        "The caller's quiet hours (免打扰时段) in the local time of the city (Asia/Shanghai), or null when none "
        "are set. Any signed-in user."
    ),
    "setQuietHours": (
        "Sets the caller's quiet hours (免打扰时段): pushes due between `start` and `end`, local time of the "
        "city, are held back and sent when the quiet hours end, while urgent ones (an urgent case, an overdue "
        "step) still come at once. `start` later than `end` spans midnight (22:00 to 07:00); `start` equal to "
        "`end` is refused. Inbox messages arrive at once either way. Replaces any earlier setting, so it is "
        "safe to repeat."
    ),
    "clearQuietHours": ("Removes the caller's quiet hours: pushes arrive at any time again. Safe to repeat."),
    "listInbox": (
        "The caller's in-app messages (消息), newest first, each with a title and body in the caller's "
        "language and a deep link into the app, with the unread count for the badge. `unread=true` lists the "
        "unread ones only. Paging: pass `next_cursor` back as `cursor`; it is null on the last page."
    ),
    "markInboxRead": (
        "Marks one of the caller's messages read and answers the unread count left, for the app badge. Marking "
        "a read message again changes nothing."
    ),
    "markInboxAllRead": (
        "Marks every unread message read, or only those up to and including the newest one the app has shown "
        "(`up_to`), so that a message that arrived meanwhile stays unread. Answers how many were marked and "
        "the unread count left. Safe to repeat."
    ),
    # admins: notifications
    "listWebhooks": (
        "The webhook subscribers: other city platforms (a 12345 hotline system, a provincial platform) that "
        "receive case events as signed HTTP POSTs. The secret is never shown again, only its last four "
        "characters. Admins only. Deprecated: use listWebhooksV2, which pages with an opaque cursor."
    ),
    "createWebhook": (
        "Registers a webhook subscriber for some case events (case.transitioned, case.due_soon, case.overdue). "
        "Each event is POSTed as JSON with the headers X-CityLoop-Event, X-CityLoop-Delivery (the same on every "
        "retry), X-CityLoop-Timestamp (unix seconds) and X-CityLoop-Signature: sha256= followed by the hex "
        "HMAC-SHA256 of timestamp, a dot and the body under the secret. Delivery is at least once, so receivers "
        "drop duplicates by the delivery id. Only http(s) URLs on public addresses are accepted. Admins only; "
        "audited, and each call creates a new subscriber."
    ),
    "getWebhook": (
        "One webhook subscriber with its status (active, or paused after repeated failures) and its "
        "consecutive failures. Admins only."
    ),
    "deleteWebhook": (
        "Removes a webhook subscriber; the events not yet delivered to it are dropped. Admins only; audited."
    ),
    "resumeWebhook": (
        "Resumes a subscriber that was paused after 10 consecutive failures (the default); the events that "
        "waited meanwhile are delivered. Resuming an active subscriber changes nothing. Admins only; audited."
    ),
    "listWebhookDeliveries": (
        "One subscriber's delivery log, newest first: each event sent to it, with status, attempts, the last "
        "HTTP status and the last error. Filter by status. Paging: pass `next_cursor` (the last id) as "
        "`before`; it is null on the last page. Admins only. Deprecated: use listWebhookDeliveriesV2, which pages with an opaque cursor."
    ),
    "listDeliveries": (
        "The delivery log of pushes and webhooks, newest first: one row per event and recipient (a user's "
        "phones or a webhook subscriber), with its status, attempts and last error. Filter by status (`dead`: "
        "the dead letters, given up after every retry) and channel. Paging: pass `next_cursor` (the last id) "
        "as `before`; it is null on the last page. Admins only. Deprecated: use listDeliveriesV2, which pages with an opaque cursor."
    ),
    "replayDelivery": (
        "Puts one dead delivery back in the queue with a fresh count of attempts and answers it as it now "
        "stands (pending). Only dead deliveries can be replayed. Admins only; audited."
    ),
    "replayDeadDeliveries": (
        "Puts every dead delivery back in the queue with a fresh count of attempts, optionally only those of "
        "one channel or one webhook subscriber, and answers how many were replayed. Use it once what made them "
        "fail is fixed (a subscriber's endpoint, FCM credentials); repeating it replays only what died again "
        "since. Admins only; audited."
    ),
    "listOutbox": (
        "Outbox entries by status, newest first: the events written in the same transaction as the change "
        "that caused them, which the worker fans out to inboxes, pushes and webhooks. By default the dead ones, "
        "whose fan-out gave up after every retry. Paging: pass `next_cursor` (the last id) as `before`; it is "
        "null on the last page. Admins only. Deprecated: use listOutboxV2, which pages with an opaque cursor."
    ),
    "replayOutbox": (
        "Fans one dead outbox entry out again: its inbox messages, pushes and webhook deliveries are written "
        "anew, and those already written are not written twice. Only dead entries can be replayed. Admins "
        "only; audited."
    ),
}


PARAMETERS: dict[str, str] = {
    "listInbox.limit": "The most messages on one page, 1 to 100 (50 by default).",
    # notifications
    "token": "The phone's FCM registration token, as registered with registerDevice (URL-encoded in the path).",
    "notification_id": "The message's id, from listInbox.",
    "unread": "true: only unread messages; the unread count is given either way.",
    "up_to": (
        "The id of the newest message the app has shown: it and the older ones are marked, newer ones stay "
        "unread. Leave it out to mark everything."
    ),
    "webhook_id": "The webhook subscriber's id.",
    "replayDeadDeliveries.webhook_id": "Only the dead deliveries to this webhook subscriber.",
    "delivery_id": "The delivery's id (an integer), from a delivery log.",
    "outbox_id": "The outbox entry's id (an integer), from listOutbox.",
    "status": (
        "Only deliveries in this status: pending (waiting or being retried), done (delivered), dead (given up "
        "after every attempt: the dead letters) or dropped (the phone's token was refused by FCM, or the "
        "subscriber was removed)."
    ),
    "listOutbox.status": (
        "Entries in this status: pending (waiting for fan-out or retried), done (fanned out), dead (fan-out "
        "gave up after every attempt). dead by default."
    ),
    "channel": "Only this channel: push (FCM to phones) or webhook (to subscribers).",
}


PARAMETER_EXAMPLES: dict[str, Any] = {
    "listInbox.cursor": "bjExODc",
    "listInbox.limit": 20,
    "token": "eYq3kZ0xR8uJ2n5Vb7wL1c:APA91bH4xQ9z-Lm2Kp7Rt6Yv3Ws8Nd1Fg5Hj0Qa4Zx7Cv2Bn9Mk6",
    "notification_id": "01936c31-0a4e-7b12-9c5d-8e7f6a5b4c3d",
    "unread": True,
    "up_to": "01936c31-0a4e-7b12-9c5d-8e7f6a5b4c3d",
    "webhook_id": "01935f20-7a8b-7c9d-8e0f-1a2b3c4d5e6f",
    "replayDeadDeliveries.webhook_id": "01935f20-7a8b-7c9d-8e0f-1a2b3c4d5e6f",
    "delivery_id": 1842,
    "outbox_id": 9071,
    "status": "dead",
    "listOutbox.status": "dead",
    "channel": "webhook",
}


SCHEMAS: dict[str, str] = {
    # notifications
    "DeviceRegistration": "A phone to push to: its FCM registration token, platform, app version and locale.",
    "Device": "A phone registered for push notifications.",
    "QuietHours": (
        "Quiet hours (免打扰时段) as HH:MM in the local time of the city (Asia/Shanghai); `start` later than "
        "`end` spans midnight. `start` and `end` must differ."
    ),
    "InboxItem": "One message of the in-app inbox (消息), written in the reader's language.",
    "InboxPage": "A page of the inbox, newest first, with the unread count.",
    "UnreadCount": "How many of the caller's messages are unread.",
    "ReadAllResult": "How many messages were marked read, and how many are still unread.",
    "WebhookCreate": "A new webhook subscriber: where to POST, which events, and the signing secret.",
    "Webhook": (
        "A webhook subscriber as admins see it; the secret is never shown again, only its last four characters."
    ),
    "Delivery": (
        "One message to one recipient: a push to a user's phones or an event to a webhook subscriber, with its "
        "retries."
    ),
    "DeliveryPage": "A page of a delivery log, newest first.",
    "OutboxEntry": (
        "An event written in the same transaction as the change that caused it, waiting for or done with its "
        "fan-out to inboxes, pushes and webhooks."
    ),
    "OutboxPage": "A page of outbox entries, newest first.",
    "Replayed": "How many deliveries or outbox entries were put back in the queue.",
}


PROPERTIES: dict[str, str] = {
    # devices, quiet hours, inbox
    "DeviceRegistration.token": "The FCM registration token from the Firebase Messaging SDK (at most 4,096 characters).",
    "DeviceRegistration.platform": "android, ios or web.",
    "DeviceRegistration.app_version": "The app's version, 1 to 32 characters, for example 2.4.1.",
    "DeviceRegistration.locale": "The language pushes to this phone are written in: zh-CN (default) or en.",
    "Device.token": "The FCM registration token.",
    "Device.platform": "android, ios or web.",
    "Device.app_version": "The app's version as last registered.",
    "Device.locale": "The language of its pushes.",
    "Device.created_at": "When it was first registered, UTC.",
    "Device.updated_at": "When it was last registered, UTC (the least recent is forgotten first).",
    "QuietHours.start": "When quiet hours begin, HH:MM (00:00 to 23:59), local time of the city.",
    "QuietHours.end": "When they end, HH:MM, local time; earlier than start means the next morning. Not equal to start.",
    "InboxItem.id": "The message's id.",
    "InboxItem.kind": (
        "What it is about: report.registered, report.rejected, report.dispatched, report.closed, "
        "report.reopened, task.verify, task.check, case.dispatched, deadline.due_soon, deadline.overdue, "
        "bill.reminder (bills of one of the reader's homes past due), fund.topup (a home's maintenance fund "
        "below 30% of its first deposit), announcement.urgent (an urgent announcement of one of the reader's "
        "estates; its link opens the announcement), vote.notice (notice of a matter put to the owners' vote; "
        "its link opens the matter), vote.result (its result is published; the link opens the result), or a "
        "repair's or complaint's: to its reporter repair.accepted, repair.assigned, repair.handled (confirm it or "
        "send it back), to the property staff it is assigned to repair.task, repair.rework, repair.confirmed, "
        "repair.rated, and to that person (or the estate's property staff for the company's own steps) "
        "repair.due_soon and repair.overdue (the supervise step: to the district's housing officers); an "
        "escalation (督办) tells the estate's property staff and manager repair.escalated and the district's "
        "housing officers repair.supervised, the officer's conclusion tells the reporter repair.concluded (the "
        "link opens the repair). An app shows a kind it does not know "
        "as a plain message."
    ),
    "InboxItem.title": "The title, in the reader's language.",
    "InboxItem.body": "The text, in the reader's language; times in the city's local time.",
    "InboxItem.case_id": "The case it is about; null when none.",
    "InboxItem.report_id": "The reader's report it is about; null when the message is not about their own report.",
    "InboxItem.link": (
        "The deep link to open: cityloop://reports/{id}, cityloop://cases/{id}, cityloop://homes/{id}/bills, "
        "cityloop://homes/{id}/fund or cityloop://inbox."
    ),
    "InboxItem.urgent": "true for an urgent case or an overdue step (it also ignores quiet hours).",
    "InboxItem.created_at": "When it was sent, UTC.",
    "InboxItem.read_at": "When the reader marked it read, UTC; null while unread.",
    "InboxPage.items": "The messages of this page, newest first.",
    "InboxPage.unread_count": "How many of the reader's messages are unread (all pages).",
    "InboxPage.next_cursor": "Pass it back as `cursor` for the next page; null on the last page.",
    "UnreadCount.unread_count": "How many of the caller's messages are unread.",
    "ReadAllResult.marked": "How many messages this call marked read.",
    "ReadAllResult.unread_count": "How many are still unread.",
    # webhooks, deliveries, the outbox
    "WebhookCreate.url": (
        "Where to POST events: an http or https URL (at most 2,048 characters) whose host resolves to public "
        "addresses only."
    ),
    "WebhookCreate.events": "The events to send, 1 to 3 of case.transitioned, case.due_soon, case.overdue.",
    "WebhookCreate.secret": (
        "The shared secret the signature is made with, 16 to 256 characters; it is never shown again."
    ),
    "WebhookCreate.name": "A name for admins, at most 100 characters, for example 12345 热线平台.",
    "Webhook.id": "The subscriber's id.",
    "Webhook.name": "Its name.",
    "Webhook.url": "Where events are POSTed.",
    "Webhook.events": "The events it receives.",
    "Webhook.status": "active, or paused after too many failures in a row (resume it when fixed).",
    "Webhook.consecutive_failures": "Failed deliveries in a row; 10 (the default) pauses the subscriber.",
    "Webhook.paused_at": "When it was paused, UTC; null while active.",
    "Webhook.paused_reason": "Why it was paused (the last error); null while active.",
    "Webhook.secret_hint": "The secret's last four characters, after an ellipsis (…k9Qz).",
    "Webhook.created_at": "When it was registered, UTC.",
    "Delivery.id": "The delivery's id; the paging cursor of delivery logs.",
    "Delivery.channel": "push (to a user's phones through FCM) or webhook (to a subscriber).",
    "Delivery.event": "The event or message kind it carries, for example case.transitioned.",
    "Delivery.outbox_id": "The outbox entry it came from.",
    "Delivery.status": (
        "pending (waiting or being retried), done (delivered), dead (given up after every attempt) or dropped "
        "(the token was refused or the subscriber removed)."
    ),
    "Delivery.attempts": "Attempts made so far (8 at most by default, with backoff from 5 s up to 1 hour).",
    "Delivery.available_at": "When it is (or was) next tried, UTC; quiet hours move it.",
    "Delivery.last_error": "The last error in words; null when none.",
    "Delivery.last_status": "The last HTTP status the receiver answered; null when none.",
    "Delivery.created_at": "When it was created, UTC.",
    "Delivery.updated_at": "When it last changed, UTC.",
    "Delivery.done_at": "When it was delivered, UTC; null until then.",
    "Delivery.user_id": "Push only: the user whose phones it goes to; null for webhooks.",
    "Delivery.subscriber_id": "Webhook only: the subscriber it goes to; null for pushes.",
    "DeliveryPage.items": "The deliveries of this page, newest first.",
    "DeliveryPage.next_cursor": "Pass it as `before` for the next page (the last id); null on the last page.",
    "OutboxEntry.id": "The entry's id; the paging cursor of the outbox.",
    "OutboxEntry.topic": "The event, for example case.transitioned, case.due_soon, case.overdue.",
    "OutboxEntry.payload": "The event's data: ids only (case_id, event_id, action, from, to, round ...).",
    "OutboxEntry.status": "pending, done or dead.",
    "OutboxEntry.attempts": "Fan-out attempts made so far.",
    "OutboxEntry.last_error": "The last error of the fan-out; null when none.",
    "OutboxEntry.created_at": "When the event was written, UTC.",
    "OutboxEntry.available_at": "When it is (or was) next tried, UTC.",
    "OutboxPage.items": "The entries of this page, newest first.",
    "OutboxPage.next_cursor": "Pass it as `before` for the next page (the last id); null on the last page.",
    "Replayed.replayed": "How many were put back in the queue.",
}


EXAMPLES: dict[str, Any] = {
    # push, quiet hours, the inbox
    "DeviceRegistration": {
        "token": "eYq3kZ0xR8uJ2n5Vb7wL1c:APA91bH4xQ9z-Lm2Kp7Rt6Yv3Ws8Nd1Fg5Hj0Qa4Zx7Cv2Bn9Mk6",
        "platform": "android",
        "app_version": "2.4.1",
        "locale": "zh-CN",
    },
    "Device": {
        "token": "eYq3kZ0xR8uJ2n5Vb7wL1c:APA91bH4xQ9z-Lm2Kp7Rt6Yv3Ws8Nd1Fg5Hj0Qa4Zx7Cv2Bn9Mk6",
        "platform": "android",
        "app_version": "2.4.1",
        "locale": "zh-CN",
        "created_at": "2026-11-20T12:04:02.117Z",
        "updated_at": "2026-11-22T01:30:45.902Z",
    },
    "QuietHours": {"start": "22:00", "end": "07:00"},
    "InboxItem": {
        "id": "01936c31-0a4e-7b12-9c5d-8e7f6a5b4c3d",
        "kind": "report.dispatched",
        "title": "问题已派遣",
        "body": "暴露垃圾（2026112200042）已派遣至环境卫生管理处处理。",
        "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
        "report_id": "01936c2e-5a10-7d2f-8b1e-3c4d5e6f7a81",
        "link": "cityloop://reports/01936c2e-5a10-7d2f-8b1e-3c4d5e6f7a81",
        "urgent": False,
        "created_at": "2026-11-22T02:20:04.210Z",
        "read_at": None,
    },
    "InboxPage": {
        "items": [
            {
                "id": "01936c31-0a4e-7b12-9c5d-8e7f6a5b4c3d",
                "kind": "report.dispatched",
                "title": "问题已派遣",
                "body": "暴露垃圾（2026112200042）已派遣至环境卫生管理处处理。",
                "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
                "report_id": "01936c2e-5a10-7d2f-8b1e-3c4d5e6f7a81",
                "link": "cityloop://reports/01936c2e-5a10-7d2f-8b1e-3c4d5e6f7a81",
                "urgent": False,
                "created_at": "2026-11-22T02:20:04.210Z",
                "read_at": None,
            }
        ],
        "unread_count": 2,
        "next_cursor": "bjExODc",
    },
    "UnreadCount": {"unread_count": 1},
    "ReadAllResult": {"marked": 2, "unread_count": 0},
    # webhooks, deliveries, the outbox
    "WebhookCreate": {
        "url": "https://12345.dongcheng.example.cn/cityloop/events",
        "events": ["case.transitioned", "case.overdue"],
        "secret": "whsec_9c4Fq2LmT7xR1vB8nK3pZ6yW",
        "name": "东城区 12345 热线平台",
    },
    "Webhook": {
        "id": "01935f20-7a8b-7c9d-8e0f-1a2b3c4d5e6f",
        "name": "东城区 12345 热线平台",
        "url": "https://12345.dongcheng.example.cn/cityloop/events",
        "events": ["case.overdue", "case.transitioned"],
        "status": "active",
        "consecutive_failures": 0,
        "paused_at": None,
        "paused_reason": None,
        "secret_hint": "…Z6yW",
        "created_at": "2026-11-10T03:00:27.645Z",
    },
    "Delivery": {
        "id": 1842,
        "channel": "webhook",
        "event": "case.overdue",
        "outbox_id": 9071,
        "status": "dead",
        "attempts": 8,
        "available_at": "2026-11-22T07:41:10.000Z",
        "last_error": "HTTP 503 Service Unavailable",
        "last_status": 503,
        "created_at": "2026-11-22T03:20:05.118Z",
        "updated_at": "2026-11-22T07:41:10.000Z",
        "done_at": None,
        "user_id": None,
        "subscriber_id": "01935f20-7a8b-7c9d-8e0f-1a2b3c4d5e6f",
    },
    "DeliveryPage": {
        "items": [
            {
                "id": 1842,
                "channel": "webhook",
                "event": "case.overdue",
                "outbox_id": 9071,
                "status": "dead",
                "attempts": 8,
                "available_at": "2026-11-22T07:41:10.000Z",
                "last_error": "HTTP 503 Service Unavailable",
                "last_status": 503,
                "created_at": "2026-11-22T03:20:05.118Z",
                "updated_at": "2026-11-22T07:41:10.000Z",
                "done_at": None,
                "user_id": None,
                "subscriber_id": "01935f20-7a8b-7c9d-8e0f-1a2b3c4d5e6f",
            }
        ],
        "next_cursor": None,
    },
    "OutboxEntry": {
        "id": 9071,
        "topic": "case.overdue",
        "payload": {
            "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
            "deadline_id": 55240,
            "round": 1,
            "step": "accept",
            "due_at": "2026-11-22T03:20:03.861000+00:00",
            "assignee_id": None,
            "department": "sanitation",
        },
        "status": "done",
        "attempts": 1,
        "last_error": None,
        "created_at": "2026-11-22T03:20:04.502Z",
        "available_at": "2026-11-22T03:20:04.502Z",
    },
    "OutboxPage": {
        "items": [
            {
                "id": 9071,
                "topic": "case.overdue",
                "payload": {
                    "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
                    "deadline_id": 55240,
                    "round": 1,
                    "step": "accept",
                    "due_at": "2026-11-22T03:20:03.861000+00:00",
                    "assignee_id": None,
                    "department": "sanitation",
                },
                "status": "dead",
                "attempts": 8,
                "last_error": 'relation "inbox" is locked; gave up after 8 attempts',
                "created_at": "2026-11-22T03:20:04.502Z",
                "available_at": "2026-11-22T05:52:40.000Z",
            }
        ],
        "next_cursor": None,
    },
    "Replayed": {"replayed": 12},
}
