"""Identity schemas and the roles of CityLoop."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

Role = Literal[
    "citizen",
    "inspector",
    "intake_clerk",
    "shift_lead",
    "dispatcher",
    "department_handler",
    "leader",
    "property_manager",
    "resident",
    "admin",
    "property_staff",
    "housing_officer",
    "owners_committee",
]
ROLES: tuple[Role, ...] = (
    "citizen",
    "inspector",
    "intake_clerk",
    "shift_lead",
    "dispatcher",
    "department_handler",
    "leader",
    "property_manager",
    "resident",
    "admin",
    "property_staff",
    "housing_officer",
    "owners_committee",
)
#: Housing roles (housing/access.py): property staff of an estate (scope: estate), housing officers of a district
#: (scope: district; oversight of its estates, read-only on money), members of an estate's owners' committee
#: (业主委员会, scope: estate; they run its assembly's votes). They are not staff of the city's case loop.
HOUSING_ROLES: frozenset[Role] = frozenset({"property_staff", "housing_officer", "owners_committee"})
STAFF_ROLES: frozenset[Role] = frozenset(ROLES) - {"citizen", "resident"} - HOUSING_ROLES
#: Staff roles that need a person's full phone number (calling a reporter back, managing accounts).
FULL_PHONE_ROLES: frozenset[Role] = frozenset({"admin", "intake_clerk"})

ScopeKind = Literal["district", "department", "estate"]
Locale = Literal["zh-CN", "en"]


class AuthConfig(msgspec.Struct, frozen=True, kw_only=True):
    jwt_secret: str
    access_token_ttl_s: int = 900
    refresh_token_ttl_s: int = 30 * 24 * 3600
    otp_ttl_s: int = 300
    otp_max_attempts: int = 5
    otp_per_phone_per_minute: int = 1
    otp_per_phone_per_day: int = 10
    otp_per_ip_per_hour: int = 30
    default_phone_region: str = "CN"


class RoleGrant(msgspec.Struct, frozen=True, omit_defaults=True, forbid_unknown_fields=True):
    role: Role
    scope_kind: ScopeKind | None = None
    scope_id: str | None = None


class Principal(msgspec.Struct, frozen=True):
    """The signed-in caller of a request, with fresh roles from the database."""

    user_id: UUID
    session_id: UUID
    roles: tuple[RoleGrant, ...]
    locale: Locale

    def has_role(self, *roles: Role) -> bool:
        return any(grant.role in roles for grant in self.roles)

    @property
    def is_staff(self) -> bool:
        return any(grant.role in STAFF_ROLES for grant in self.roles)

    def scopes(self, role: Role, kind: ScopeKind) -> set[str] | None:
        """Scope ids of `kind` this caller holds `role` in; None when one grant of the role is unscoped."""
        ids: set[str] = set()
        for grant in self.roles:
            if grant.role != role:
                continue
            if grant.scope_kind is None:
                return None
            if grant.scope_kind == kind and grant.scope_id is not None:
                ids.add(grant.scope_id)
        return ids


class User(msgspec.Struct, frozen=True):
    id: UUID
    phone: str | None
    display_name: str
    locale: Locale
    created_at: datetime
    roles: list[RoleGrant]
    disabled: bool = False


class RoleHolder(msgspec.Struct, frozen=True):
    """An enabled user holding a role, as a picker lists them: the phone masked (138****1234)."""

    id: UUID
    display_name: str
    phone_hint: str | None


DisplayName = Annotated[str, msgspec.Meta(max_length=64)]


class UserUpdate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    display_name: DisplayName | msgspec.UnsetType = msgspec.UNSET
    locale: Locale | msgspec.UnsetType = msgspec.UNSET


class TokenPair(msgspec.Struct, frozen=True):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105
    user_id: UUID | None = None


class OtpSent(msgspec.Struct, frozen=True):
    expires_in: int
    resend_after: int


class AuditEntry(msgspec.Struct, frozen=True):
    id: int
    at: datetime
    actor_id: UUID | None
    actor_label: str
    action: str
    target_type: str
    target_id: str
    details: dict[str, object]
    client_ip: str | None
    request_id: str | None


class AuditPage(msgspec.Struct, frozen=True):
    """The deprecated v1 page: `next_cursor` is the last id seen, sent back as `before`."""

    items: list[AuditEntry]
    next_cursor: int | None


class AuditPageV2(msgspec.Struct, frozen=True):
    """A page of the audit log: `next_cursor` (opaque) is sent back as `cursor`; null at the end."""

    items: list[AuditEntry]
    next_cursor: str | None


class RequestContext(msgspec.Struct, frozen=True):
    """Where a use case was called from, for the audit log and rate limits."""

    client_ip: str | None = None  # a valid IP address, or None
    client_addr: str | None = None  # the peer as the server saw it, for per-address limits
    user_agent: str | None = None
    request_id: str | None = None
    actor_label: str = ""


PhoneText = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]


class OtpRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    phone: PhoneText


class OtpGrant(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="grant_type", tag="otp"):
    phone: PhoneText
    code: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{6}$")]


class RefreshGrant(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="grant_type", tag="refresh_token"
):
    refresh_token: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class FirebaseGrant(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="grant_type", tag="firebase"
):
    id_token: Annotated[str, msgspec.Meta(min_length=1, max_length=8192)]


TokenRequest = OtpGrant | RefreshGrant | FirebaseGrant


class RolesUpdate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    roles: Annotated[list[RoleGrant], msgspec.Meta(max_length=50)]


class UserView(msgspec.Struct, frozen=True):
    """A user as another person sees them: the phone masked unless the viewer's role needs it whole."""

    id: UUID
    display_name: str
    locale: Locale
    created_at: datetime
    roles: list[RoleGrant]
    disabled: bool
    phone: str | None = None
    phone_masked: str | None = None
