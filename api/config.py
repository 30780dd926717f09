"""The settings turned into each domain's configuration: one function per config, read alike by the app
(api/app.py), the worker (api/worker.py), the CLI (api/cli.py) and tests. Nothing here knows HTTP, so the worker
and the CLI build their configs without importing a controller."""

from __future__ import annotations

from api.payment_providers import notify_url
from api.settings import Settings
from cases.reports.service import CasesConfig
from cases.workflow.deadlines import CalendarConfig
from housing.fund_projects import FundProjectsConfig
from housing.payments import Urls
from housing.votes import VotesConfig
from identity.models import AuthConfig
from media.models import MediaConfig
from media.storage import StorageConfig
from notifications.models import NotificationsConfig
from open311.models import Open311Config


def auth_config(settings: Settings) -> AuthConfig:
    return AuthConfig(
        jwt_secret=settings.jwt_secret,
        access_token_ttl_s=settings.access_token_ttl_s,
        refresh_token_ttl_s=settings.refresh_token_ttl_s,
        otp_ttl_s=settings.otp_ttl_s,
        otp_max_attempts=settings.otp_max_attempts,
        otp_per_phone_per_minute=settings.otp_per_phone_per_minute,
        otp_per_phone_per_day=settings.otp_per_phone_per_day,
        otp_per_ip_per_hour=settings.otp_per_ip_per_hour,
        default_phone_region=settings.default_phone_region,
    )


def cases_config(settings: Settings) -> CasesConfig:
    return CasesConfig(timezone=settings.city_timezone, reports_per_day=settings.reports_per_day)


def calendar_config(settings: Settings) -> CalendarConfig:
    return CalendarConfig(timezone=settings.city_timezone)


def media_config(settings: Settings) -> MediaConfig:
    return MediaConfig(
        max_upload_bytes=settings.max_upload_bytes,
        max_pixels=settings.max_image_pixels,
        keep_originals=settings.keep_originals,
        city_timezone=settings.city_timezone,
        uploads_per_hour=settings.uploads_per_hour,
    )


def storage_config(settings: Settings) -> StorageConfig:
    return StorageConfig(
        endpoint=settings.s3_endpoint,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key,
        bucket=settings.s3_bucket,
        secure=settings.s3_secure,
        region=settings.s3_region,
    )


def notifications_config(settings: Settings) -> NotificationsConfig:
    return NotificationsConfig(
        city_timezone=settings.city_timezone,
        max_attempts=settings.notify_max_attempts,
        backoff_base_s=settings.notify_backoff_base_s,
        backoff_max_s=settings.notify_backoff_max_s,
        lease_s=settings.notify_lease_s,
        poll_s=settings.notify_poll_s,
        outbox_batch=settings.notify_outbox_batch,
        webhook_timeout_s=settings.webhook_timeout_s,
        webhook_pause_after=settings.webhook_pause_after,
        allow_private_webhook_targets=settings.webhook_allow_private_targets,
        fcm_credentials_file=settings.fcm_credentials_file,
        fcm_project_id=settings.fcm_project_id or settings.firebase_project_id,
        fcm_url=settings.fcm_url,
    )


def payment_urls(settings: Settings) -> Urls:
    """Where the providers call back for payments and refunds, per channel."""
    channels = ("wechat", "alipay")
    return Urls(
        payment={c: notify_url(settings, c) for c in channels},
        refund={c: notify_url(settings, c, refund=True) for c in channels},
    )


def votes_config(settings: Settings) -> VotesConfig:
    return VotesConfig(notice_days=settings.vote_notice_days)


def fund_projects_config(settings: Settings) -> FundProjectsConfig:
    return FundProjectsConfig(publish_days=settings.fund_emergency_publish_days)


def open311_config(settings: Settings) -> Open311Config:
    return Open311Config(
        jurisdiction_id=settings.open311_jurisdiction_id,
        timezone=settings.city_timezone,
        contact=settings.open311_contact,
        media_timeout_s=settings.open311_media_timeout_s,
        allow_private_media=settings.open311_allow_private_media,
        media_max_bytes=settings.max_upload_bytes,
    )
