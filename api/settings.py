"""Typed settings, read once from environment variables.

Every variable is documented in `.env.example`. Secrets have no production defaults, and the app refuses to
start in production with settings that only make sense in development or tests. It refuses to start at all when
CITYLOOP_ENV is not set, unless JWT_SECRET is a real secret: the dev defaults (a public JWT secret among them)
apply only to an environment named dev or test.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Literal

import msgspec

from api.payment_providers import payments_production_problems
from api.proxies import parse_networks

Environment = Literal["dev", "test", "production"]

DEV_JWT_SECRET = "dev-only-secret-not-for-production-000000"  # noqa: S105 - refused in production below
MIN_JWT_SECRET = 32  # characters of a real secret


class SettingsError(Exception):
    """The environment does not describe a configuration the app may run with."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    env: Environment = "dev"
    database_url: str = "postgresql://postgres@127.0.0.1:5432/cityloop"
    #: a streaming replica for the heavy public reads (map, indicators, Open311); empty: the primary serves them
    database_replica_url: str = ""
    db_pool_min: int = 2
    db_pool_max: int = 10
    s3_endpoint: str = "127.0.0.1:9000"
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_bucket: str = "cityloop"
    s3_secure: bool = False
    s3_region: str = "us-east-1"
    jwt_secret: str = ""
    access_token_ttl_s: int = 15 * 60
    refresh_token_ttl_s: int = 30 * 24 * 3600
    otp_ttl_s: int = 5 * 60
    otp_max_attempts: int = 5
    otp_per_phone_per_minute: int = 1
    otp_per_phone_per_day: int = 10
    otp_per_ip_per_hour: int = 30
    sms_gateway: Literal["console", "http"] = "console"
    sms_http_url: str = ""
    sms_http_token: str = ""
    firebase_project_id: str = ""
    firebase_auth_emulator_host: str = ""
    default_phone_region: str = "CN"
    city_timezone: str = "Asia/Shanghai"
    reports_per_day: int = 20
    uploads_per_hour: int = 60
    max_upload_bytes: int = 15 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    keep_originals: bool = True
    image_threads: int = 2
    log_level: str = "INFO"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    # notifications: push (FCM), delivery retries, webhooks
    fcm_credentials_file: str = ""
    fcm_project_id: str = ""
    fcm_url: str = ""
    notify_max_attempts: int = 8
    notify_backoff_base_s: float = 5.0
    notify_backoff_max_s: float = 3600.0
    notify_lease_s: float = 120.0
    notify_poll_s: float = 1.0
    notify_outbox_batch: int = 100
    webhook_timeout_s: float = 10.0
    webhook_pause_after: int = 10
    webhook_allow_private_targets: bool = False
    # faults: how long a request waits for a database connection before a 503; the worker's heartbeat
    db_acquire_timeout_s: float = 10.0
    worker_heartbeat_required: bool = True  # off outside production unless set (tests run no worker)
    worker_heartbeat_max_age_s: float = 60.0
    # online payment (housing): the providers' configuration (JSON, as the local fakes write it:
    # {"wechat": {...}, "alipay": {...}}, either may be left out) and the public https origin of this API that the
    # providers call back (<origin>/v1/payments/callbacks/<channel>)
    payments_config_file: str = ""
    payments_notify_origin: str = ""
    payment_order_ttl_s: int = 15 * 60
    # owners' assembly votes (housing/votes.py): the least number of days between notice and voting (most local
    # rules: 15)
    vote_notice_days: int = 15
    # the maintenance fund's emergency repairs (housing/fund_projects.py): days after approval within which the
    # spending is published to the owners
    fund_emergency_publish_days: int = 7
    # reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs; none by default): api/proxies.py
    trusted_proxies: tuple[str, ...] = ()
    # Open311 GeoReport v2 (open311/): the jurisdiction served, the contact discovery names, the public origin of
    # media_url and discovery links (empty: the request's own), and media_url's fetch (time; inward addresses are
    # refused unless allowed, for tests only)
    open311_jurisdiction_id: str = "cityloop"
    open311_contact: str = ""
    open311_public_origin: str = ""
    open311_media_timeout_s: float = 10.0
    open311_allow_private_media: bool = False
    # the web console (console/): sessions end after this much idle time, and at the latest this long after sign-in;
    # a base-map tile URL template ({z}/{x}/{y}, e.g. Tianditu's with its key): empty draws no base map and the
    # console calls no outside host
    console_idle_timeout_s: int = 30 * 60
    console_session_lifetime_s: int = 12 * 3600
    console_tile_url: str = ""

    @property
    def is_production(self) -> bool:
        return self.env == "production"


# environment variable -> settings field
_ENV_VARS = {
    "CITYLOOP_ENV": "env",
    "DATABASE_URL": "database_url",
    "DATABASE_REPLICA_URL": "database_replica_url",
    "DB_POOL_MIN": "db_pool_min",
    "DB_POOL_MAX": "db_pool_max",
    "S3_ENDPOINT": "s3_endpoint",
    "S3_ACCESS_KEY": "s3_access_key",
    "S3_SECRET_KEY": "s3_secret_key",
    "S3_BUCKET": "s3_bucket",
    "S3_SECURE": "s3_secure",
    "S3_REGION": "s3_region",
    "JWT_SECRET": "jwt_secret",
    "ACCESS_TOKEN_TTL_S": "access_token_ttl_s",
    "REFRESH_TOKEN_TTL_S": "refresh_token_ttl_s",
    "OTP_TTL_S": "otp_ttl_s",
    "OTP_MAX_ATTEMPTS": "otp_max_attempts",
    "OTP_PER_PHONE_PER_MINUTE": "otp_per_phone_per_minute",
    "OTP_PER_PHONE_PER_DAY": "otp_per_phone_per_day",
    "OTP_PER_IP_PER_HOUR": "otp_per_ip_per_hour",
    "SMS_GATEWAY": "sms_gateway",
    "SMS_HTTP_URL": "sms_http_url",
    "SMS_HTTP_TOKEN": "sms_http_token",
    "FIREBASE_PROJECT_ID": "firebase_project_id",
    "FIREBASE_AUTH_EMULATOR_HOST": "firebase_auth_emulator_host",
    "DEFAULT_PHONE_REGION": "default_phone_region",
    "CITY_TIMEZONE": "city_timezone",
    "REPORTS_PER_DAY": "reports_per_day",
    "UPLOADS_PER_HOUR": "uploads_per_hour",
    "MAX_UPLOAD_BYTES": "max_upload_bytes",
    "MAX_IMAGE_PIXELS": "max_image_pixels",
    "KEEP_ORIGINALS": "keep_originals",
    "IMAGE_THREADS": "image_threads",
    "LOG_LEVEL": "log_level",
    "HOST": "host",
    "PORT": "port",
    "WEB_WORKERS": "workers",
    "FCM_CREDENTIALS_FILE": "fcm_credentials_file",
    "FCM_PROJECT_ID": "fcm_project_id",
    "FCM_URL": "fcm_url",
    "NOTIFY_MAX_ATTEMPTS": "notify_max_attempts",
    "NOTIFY_BACKOFF_BASE_S": "notify_backoff_base_s",
    "NOTIFY_BACKOFF_MAX_S": "notify_backoff_max_s",
    "NOTIFY_LEASE_S": "notify_lease_s",
    "NOTIFY_POLL_S": "notify_poll_s",
    "NOTIFY_OUTBOX_BATCH": "notify_outbox_batch",
    "WEBHOOK_TIMEOUT_S": "webhook_timeout_s",
    "WEBHOOK_PAUSE_AFTER": "webhook_pause_after",
    "WEBHOOK_ALLOW_PRIVATE_TARGETS": "webhook_allow_private_targets",
    "DB_ACQUIRE_TIMEOUT_S": "db_acquire_timeout_s",
    "WORKER_HEARTBEAT_REQUIRED": "worker_heartbeat_required",
    "WORKER_HEARTBEAT_MAX_AGE_S": "worker_heartbeat_max_age_s",
    "TRUSTED_PROXIES": "trusted_proxies",
    "PAYMENTS_CONFIG_FILE": "payments_config_file",
    "PAYMENTS_NOTIFY_ORIGIN": "payments_notify_origin",
    "PAYMENT_ORDER_TTL_S": "payment_order_ttl_s",
    "VOTE_NOTICE_DAYS": "vote_notice_days",
    "FUND_EMERGENCY_PUBLISH_DAYS": "fund_emergency_publish_days",
    "OPEN311_JURISDICTION_ID": "open311_jurisdiction_id",
    "OPEN311_CONTACT": "open311_contact",
    "OPEN311_PUBLIC_ORIGIN": "open311_public_origin",
    "OPEN311_MEDIA_TIMEOUT_S": "open311_media_timeout_s",
    "OPEN311_ALLOW_PRIVATE_MEDIA": "open311_allow_private_media",
    "CONSOLE_IDLE_TIMEOUT_S": "console_idle_timeout_s",
    "CONSOLE_SESSION_LIFETIME_S": "console_session_lifetime_s",
    "CONSOLE_TILE_URL": "console_tile_url",
}

# Defaults that differ outside production: generous limits for scripts that sign many demo users in.
# Outside production /readyz does not ask for a worker's heartbeat unless told to (tests run no worker).
_NON_PRODUCTION_DEFAULTS: dict[str, object] = {
    "otp_per_ip_per_hour": 10_000,
    "jwt_secret": DEV_JWT_SECRET,
    "worker_heartbeat_required": False,
}


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build settings from the environment (or the given mapping), then check them."""
    environ = os.environ if environ is None else environ
    raw: dict[str, object] = {}
    for var, field in _ENV_VARS.items():
        if var in environ and environ[var] != "":
            raw[field] = environ[var]
    raw.update(overrides)
    if isinstance(raw.get("trusted_proxies"), str):  # comma-separated in the environment
        raw["trusted_proxies"] = tuple(p.strip() for p in str(raw["trusted_proxies"]).split(",") if p.strip())
    if "env" not in raw:
        # An unnamed environment used to run as dev, signing tokens with the public dev secret: anyone could
        # forge an admin's token. Name it, or give a real secret (then no dev default applies either).
        secret = str(raw.get("jwt_secret", ""))
        if len(secret) < MIN_JWT_SECRET or secret == DEV_JWT_SECRET:
            raise SettingsError(
                "CITYLOOP_ENV is not set: name the environment (dev, test or production), or set JWT_SECRET "
                f"to a random secret of at least {MIN_JWT_SECRET} characters"
            )
    elif raw["env"] != "production":
        for field, value in _NON_PRODUCTION_DEFAULTS.items():
            raw.setdefault(field, value)
    try:
        settings = msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise SettingsError(f"invalid configuration: {exc}") from exc
    check_settings(settings)
    return settings


def check_settings(settings: Settings) -> None:
    """Refuse configurations that must never run, above all test-only settings in production."""
    problems: list[str] = []
    if settings.is_production:
        if settings.firebase_auth_emulator_host or os.environ.get("FIREBASE_AUTH_EMULATOR_HOST"):
            problems.append(
                "FIREBASE_AUTH_EMULATOR_HOST is set: the Firebase emulator is for dev and test only"
            )
        if settings.sms_gateway == "console":
            problems.append("SMS_GATEWAY=console stores codes in the database: set SMS_GATEWAY=http")
        if len(settings.jwt_secret) < MIN_JWT_SECRET or settings.jwt_secret == DEV_JWT_SECRET:
            problems.append(
                f"JWT_SECRET must be set to a random secret of at least {MIN_JWT_SECRET} characters"
            )
        if not settings.s3_access_key or not settings.s3_secret_key:
            problems.append("S3_ACCESS_KEY and S3_SECRET_KEY must be set")
        if settings.fcm_url:
            problems.append("FCM_URL points push at a stand-in of FCM: it is for tests and benchmarks only")
        problems += _fcm_credentials_problems(settings.fcm_credentials_file)
        problems += payments_production_problems(settings)
        if settings.open311_allow_private_media:
            problems.append("OPEN311_ALLOW_PRIVATE_MEDIA lets media_url reach inward addresses: tests only")
    if settings.payments_config_file and not settings.payments_notify_origin:
        problems.append("PAYMENTS_CONFIG_FILE needs PAYMENTS_NOTIFY_ORIGIN (where the providers call back)")
    if not 60 <= settings.payment_order_ttl_s <= 2 * 3600:
        problems.append("PAYMENT_ORDER_TTL_S must be between 60 and 7200 seconds")
    if not 1 <= settings.vote_notice_days <= 365:
        problems.append("VOTE_NOTICE_DAYS must be between 1 and 365")
    if not 1 <= settings.fund_emergency_publish_days <= 365:
        problems.append("FUND_EMERGENCY_PUBLISH_DAYS must be between 1 and 365")
    if settings.sms_gateway == "http" and not settings.sms_http_url:
        problems.append("SMS_GATEWAY=http needs SMS_HTTP_URL")
    if settings.uploads_per_hour < 1:
        problems.append("UPLOADS_PER_HOUR must be at least 1")
    if settings.db_pool_min > settings.db_pool_max:
        problems.append("DB_POOL_MIN is larger than DB_POOL_MAX")
    if not 1 <= settings.notify_max_attempts <= 100:
        problems.append("NOTIFY_MAX_ATTEMPTS must be between 1 and 100")
    if settings.notify_backoff_base_s <= 0 or settings.notify_backoff_max_s < settings.notify_backoff_base_s:
        problems.append("NOTIFY_BACKOFF_BASE_S must be positive and at most NOTIFY_BACKOFF_MAX_S")
    if settings.webhook_pause_after < 1 or settings.webhook_timeout_s <= 0:
        problems.append("WEBHOOK_PAUSE_AFTER must be at least 1 and WEBHOOK_TIMEOUT_S positive")
    if (
        not 0 < settings.open311_media_timeout_s <= 120
        or not 1 <= len(settings.open311_jurisdiction_id) <= 64
    ):
        problems.append(
            "OPEN311_MEDIA_TIMEOUT_S is 0 to 120 seconds, OPEN311_JURISDICTION_ID 1 to 64 characters"
        )
    if not 60 <= settings.console_idle_timeout_s <= settings.console_session_lifetime_s <= 7 * 86400:
        problems.append(
            "CONSOLE_IDLE_TIMEOUT_S must be at least 60 and at most CONSOLE_SESSION_LIFETIME_S (at most 7 days)"
        )
    if settings.console_tile_url and not settings.console_tile_url.startswith(
        ("https://",) if settings.is_production else ("https://", "http://")
    ):
        problems.append("CONSOLE_TILE_URL must be an https:// URL template")
    if settings.db_acquire_timeout_s <= 0:
        problems.append("DB_ACQUIRE_TIMEOUT_S must be positive")
    if settings.worker_heartbeat_max_age_s < 10:
        problems.append("WORKER_HEARTBEAT_MAX_AGE_S must be at least 10 (the worker beats every 5 seconds)")
    try:
        parse_networks(settings.trusted_proxies)
    except ValueError as exc:
        problems.append(f"TRUSTED_PROXIES is a comma-separated list of addresses or CIDR networks: {exc}")
    if problems:
        raise SettingsError("; ".join(problems))


_GOOGLE_TOKEN_URIS = ("https://oauth2.googleapis.com/token", "https://accounts.google.com/o/oauth2/token")


def _fcm_credentials_problems(path: str) -> list[str]:
    """In production the service account must be Google's: a token_uri elsewhere is a test stand-in."""
    if not path:
        return []
    try:
        with open(path, encoding="utf-8") as f:
            token_uri = json.load(f).get("token_uri", _GOOGLE_TOKEN_URIS[0])
    except (OSError, ValueError, AttributeError):
        return ["FCM_CREDENTIALS_FILE is not a readable service-account JSON file"]
    if token_uri not in _GOOGLE_TOKEN_URIS:
        return [f"FCM_CREDENTIALS_FILE gets its tokens from {token_uri}, not from Google: a test credential"]
    return []
