"""Sign-in, the caller's account, people, roles and the audit log.

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

OPERATIONS: dict[str, str] = {
    # sign-in and the caller's account
    "requestOtp": (
        "Sends a 6-digit sign-in code by SMS to a phone number (a mainland number may be sent without +86), "
        "in the language of Accept-Language (zh-CN or en). The code is valid for 5 minutes (`expires_in`) and "
        "a new one may be asked for after 60 seconds (`resend_after`); asking again replaces the previous code. "
        "By default at most 1 code per phone per minute, 10 per phone per day and 30 per client address per hour. "
        "Needs no token."
    ),
    "issueToken": (
        "Signs in or refreshes, chosen by `grant_type`: `otp` exchanges a phone and its SMS code (the first "
        "sign-in of a phone creates a citizen account), `refresh_token` rotates a refresh token, `firebase` "
        "exchanges a Firebase ID token. The answer is a new access token, valid `expires_in` seconds (15 "
        "minutes by default), and a new refresh token, valid 30 days. Each refresh token works once: using one "
        "a second time revokes the whole session (a sign-in on one phone), so a stolen copy is useless. A "
        "code allows 5 wrong tries. "
        "Needs no token."
    ),
    "logout": (
        "Ends the current session: its refresh token stops working at once and its access token is refused "
        "from the next request on. Other sessions of the same user (other phones) stay signed in. Call "
        "removeDevice first to stop pushes to this phone."
    ),
    "getMe": (
        "The signed-in user: id, phone number, display name, locale, and roles with their scopes (a district, "
        "a department or an estate). Apps use the roles to choose what to show: a citizen's reporting app, an "
        "inspector's field app (监督员), a department's queue. Any signed-in user."
    ),
    "updateMe": (
        "Changes the caller's display name (at most 64 characters, trimmed) or locale (zh-CN or en, the "
        "language of inbox messages and problem titles); fields left out stay as they are. Answers the updated "
        "user. Any signed-in user, for their own account only; safe to repeat."
    ),
    "getUser": (
        "A user as staff see them: display name, locale, roles with scopes, and whether the account is "
        "disabled. The phone number comes whole only to admins, intake clerks (受理员, who call reporters back) "
        "and the user themself; everyone else gets it masked (138****1234). Staff roles only."
    ),
    "setUserRoles": (
        "Replaces all of a user's roles and their scopes: a district by its 6-digit code (GB/T 2260), a "
        "department by its code, or an estate; a role without a scope applies everywhere. Duplicate grants are "
        "merged. Admins only; audited with the roles before and after. Safe to repeat (PUT)."
    ),
    "disableUser": (
        "Disables an account (停用账号), for example of staff who left or of an abusive reporter: every session "
        "of the user ends at once, so their refresh tokens answer refresh_token_invalid and their access tokens "
        "session_revoked, and they cannot sign in (user_disabled) until enabled again. Answers the user. Admins "
        "only; audited (user.disable, with the number of sessions ended). Safe to repeat."
    ),
    "enableUser": (
        "Enables a disabled account (启用账号). The sessions that disabling ended stay ended: the user signs in "
        "anew with an SMS code, and no old refresh or access token works again. Answers the user. Admins only; "
        "audited (user.enable). Safe to repeat."
    ),
    "listAudit": (
        "The audit log, newest first: who did what to which target, when, from which address and in which "
        "request, with the details of the change (before and after). Filter by target type and id, for "
        "example `user` and a user id. Paging: pass `next_cursor` (the id of the last entry) as `before`; it "
        "is null on the last page. Admins only. Deprecated: use listAuditV2, which pages with an opaque cursor."
    ),
}


PARAMETERS: dict[str, str] = {
    # people
    "user_id": "The user's id (a UUID).",
    "target_type": "Only entries about this kind of target, for example user, report, category or webhook.",
    "target_id": "Only entries about this target, by its id as text (a UUID, a category code, a day).",
}


PARAMETER_EXAMPLES: dict[str, Any] = {
    "user_id": "01936a10-2b3c-7d4e-8f5a-6b7c8d9e0f11",
    "target_type": "user",
    "target_id": "01936a10-2b3c-7d4e-8f5a-6b7c8d9e0f11",
}


SCHEMAS: dict[str, str] = {
    # sign-in and people
    "OtpRequest": "Ask for a sign-in code by SMS.",
    "OtpSent": "A sign-in code was sent: how long it is valid and when another may be asked for.",
    "OtpGrant": "Sign in with a phone number and the 6-digit code it received by SMS (grant_type otp).",
    "RefreshGrant": (
        "Rotate a refresh token (grant_type refresh_token): the answer holds a new pair and the old refresh "
        "token stops working."
    ),
    "FirebaseGrant": (
        "Sign in with a Firebase ID token (grant_type firebase), for apps that sign in with Firebase "
        "Authentication; the Firebase user is linked to a CityLoop user, by phone number when it has one."
    ),
    "TokenPair": (
        "The tokens of a session: a short-lived access token for the Authorization header (Bearer) and a "
        "refresh token to get the next pair. Keep the refresh token in the platform's secure storage."
    ),
    "User": "The signed-in user's own account, with the phone number in full.",
    "UserView": (
        "A user as staff see them: the phone number whole only for admins, intake clerks (受理员) and the user "
        "themself, masked (138****1234) for everyone."
    ),
    "UserUpdate": "A change to the caller's own account; fields left out stay as they are.",
    "RoleGrant": (
        "One role of a user, optionally limited to a scope: a district (6-digit GB/T 2260 code), a department "
        "(its code) or an estate. Without a scope the role applies everywhere."
    ),
    "RolesUpdate": "Every role a user is to have; it replaces the roles they had.",
    "AuditEntry": "One entry of the audit log: a privileged or sensitive action, who took it and what changed.",
    "AuditPage": "A page of the audit log, newest first.",
}


PROPERTIES: dict[str, str] = {
    # OtpRequest, OtpSent, grants, TokenPair
    "OtpRequest.phone": (
        "The phone number to send the code to, up to 32 characters: E.164 (+8613812341234) or a mainland "
        "number without the country code (13812341234). The server normalises it to E.164."
    ),
    "OtpSent.expires_in": "Seconds the code stays valid (300: 5 minutes).",
    "OtpSent.resend_after": "Seconds to wait before asking for another code for this phone (60).",
    "OtpGrant.grant_type": "Always otp.",
    "OtpGrant.phone": "The phone number the code was sent to, as in requestOtp.",
    "OtpGrant.code": "The 6-digit code from the SMS. Five wrong tries use the code up: ask for a new one.",
    "RefreshGrant.grant_type": "Always refresh_token.",
    "RefreshGrant.refresh_token": (
        "The refresh token of the last pair (at most 256 characters). It works once; sending it again revokes "
        "the session."
    ),
    "FirebaseGrant.grant_type": "Always firebase.",
    "FirebaseGrant.id_token": (
        "The Firebase ID token from the Firebase SDK (getIdToken), at most 8,192 characters; it must belong to "
        "the server's Firebase project and be unexpired."
    ),
    "TokenPair.access_token": (
        "The access token (a JWT): send it as `Authorization: Bearer <token>` on every request. Treat it as "
        "opaque."
    ),
    "TokenPair.refresh_token": (
        "The refresh token, valid 30 days and usable once: exchange it with issueToken (grant_type "
        "refresh_token) shortly before the access token expires. Store it securely."
    ),
    "TokenPair.expires_in": "Seconds until the access token expires (900: 15 minutes by default).",
    "TokenPair.token_type": "Always Bearer.",
    "TokenPair.user_id": "The signed-in user's id.",
    # User, UserView, UserUpdate, RoleGrant, RolesUpdate
    "User.id": "The user's id (UUIDv7).",
    "User.phone": "The user's phone number in E.164 (+8613812341234); null for an account without one.",
    "User.display_name": "The name shown to staff (at most 64 characters); empty until the user sets one.",
    "User.locale": "The user's language, zh-CN or en: inbox messages and problem titles are written in it.",
    "User.created_at": "When the account was created (the first sign-in), UTC.",
    "User.roles": "The user's roles with their scopes; a first sign-in by phone gives the citizen role.",
    "User.disabled": "true when an admin has disabled the account: it can no longer sign in.",
    "UserView.id": "The user's id.",
    "UserView.display_name": "The user's display name; may be empty.",
    "UserView.locale": "The user's language, zh-CN or en.",
    "UserView.created_at": "When the account was created, UTC.",
    "UserView.roles": "The user's roles with their scopes.",
    "UserView.disabled": "true when the account is disabled and can no longer sign in.",
    "UserView.phone": (
        "The whole phone number in E.164, only for admins, intake clerks (受理员) and the user themself; "
        "null for everyone else, and when the account has no phone."
    ),
    "UserView.phone_masked": (
        "The phone number masked for display: 138****1234 for a mainland mobile, the country code and the "
        "last four digits otherwise; null when the account has no phone."
    ),
    "UserUpdate.display_name": "The new display name, at most 64 characters; spaces around it are trimmed.",
    "UserUpdate.locale": "The new language: zh-CN (简体中文) or en.",
    "RoleGrant.role": (
        "The role: citizen, inspector (监督员/网格员), intake_clerk (受理员), shift_lead (值班长), dispatcher "
        "(派遣员), department_handler (专业部门), leader, property_manager, resident, admin, property_staff (物业人员, scope an estate) or "
        "housing_officer (房管部门, scope a district: oversight of its estates, read-only on money)."
    ),
    "RoleGrant.scope_kind": (
        "What the role is limited to: district, department or estate; null (or left out) for no limit. Goes "
        "with scope_id."
    ),
    "RoleGrant.scope_id": (
        "The district's 6-digit code (110101), the department's code (sanitation) or the estate's id, 1 to 64 "
        "characters; null (or left out) exactly when scope_kind is."
    ),
    "RolesUpdate.roles": "Every grant the user is to hold (at most 50); an empty list removes every role.",
    # AuditEntry, AuditPage
    "AuditEntry.id": "The entry's id, increasing; the paging cursor of the audit log.",
    "AuditEntry.at": "When the action was taken, UTC.",
    "AuditEntry.actor_id": "Who took the action; null for the system or an operator's command.",
    "AuditEntry.actor_label": "A readable label of the actor at the time (their role and name).",
    "AuditEntry.action": "What was done, for example user.roles.set, report.hide, category.update.",
    "AuditEntry.target_type": "What kind of thing it was done to, for example user, report, category.",
    "AuditEntry.target_id": "Which one, as text: a UUID, a category code, a day.",
    "AuditEntry.details": "What changed, by action: usually `before` and `after`, and a reason or note.",
    "AuditEntry.client_ip": "The client's IP address as the server saw it; null when unknown.",
    "AuditEntry.request_id": "The id of the HTTP request (X-Request-ID), to find it in the logs; null when none.",
    "AuditPage.items": "The entries of this page, newest first.",
    "AuditPage.next_cursor": (
        "Pass it as `before` for the next page (the id of the last entry); null on the last page."
    ),
}


EXAMPLES: dict[str, Any] = {
    # sign-in and people
    "OtpRequest": {"phone": "13812341234"},
    "OtpSent": {"expires_in": 300, "resend_after": 60},
    "OtpGrant": {"grant_type": "otp", "phone": "13812341234", "code": "482913"},
    "RefreshGrant": {
        "grant_type": "refresh_token",
        "refresh_token": "Xq3v9LmT2pR8sK1nB6yW4cZ0dF7gH5jA_e-uN3oQ2iM",
    },
    "FirebaseGrant": {
        "grant_type": "firebase",
        "id_token": (
            "eyJhbGciOiJSUzI1NiIsImtpZCI6IjFlOTczZWUwIiwidHlwIjoiSldUIn0."
            "eyJpc3MiOiJodHRwczovL3NlY3VyZXRva2VuLmdvb2dsZS5jb20vY2l0eWxvb3AtZGVtbyIsImF1ZCI6ImNpdHlsb29wLWRlbW8i"
            "LCJwaG9uZV9udW1iZXIiOiIrODYxMzgxMjM0MTIzNCJ9.c2lnbmF0dXJlLW9mLXRoZS1maXJlYmFzZS10b2tlbg"
        ),
    },
    "TokenPair": {
        "access_token": (
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
            "eyJzdWIiOiIwMTkzNmExMC0yYjNjLTdkNGUtOGY1YS02YjdjOGQ5ZTBmMTEiLCJleHAiOjE3OTQ3OTEyODh9."
            "4sQm0xY2b9v1cJ3kT7wZ5nR8pL2dF6gH0aE1iU3oY9s"
        ),
        "refresh_token": "Xq3v9LmT2pR8sK1nB6yW4cZ0dF7gH5jA_e-uN3oQ2iM",
        "expires_in": 900,
        "token_type": "Bearer",
        "user_id": "01936a10-2b3c-7d4e-8f5a-6b7c8d9e0f11",
    },
    "User": {
        "id": "01936a10-2b3c-7d4e-8f5a-6b7c8d9e0f11",
        "phone": "+8613812341234",
        "display_name": "王女士",
        "locale": "zh-CN",
        "created_at": "2026-11-20T12:03:44.218Z",
        "roles": [{"role": "citizen"}],
        "disabled": False,
    },
    "UserView": {
        "id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
        "display_name": "李建国",
        "locale": "zh-CN",
        "created_at": "2026-03-02T01:15:09.771Z",
        "roles": [{"role": "inspector", "scope_kind": "district", "scope_id": "110101"}],
        "disabled": False,
        "phone": None,
        "phone_masked": "139****5678",
    },
    "UserUpdate": {"display_name": "王女士", "locale": "zh-CN"},
    "RoleGrant": {"role": "department_handler", "scope_kind": "department", "scope_id": "sanitation"},
    "RolesUpdate": {
        "roles": [
            {"role": "inspector", "scope_kind": "district", "scope_id": "110101"},
            {"role": "citizen"},
        ]
    },
    "AuditEntry": {
        "id": 48213,
        "at": "2026-11-22T02:31:15.402Z",
        "actor_id": "01935e00-1a2b-7c3d-8e4f-5a6b7c8d9e01",
        "actor_label": "admin 张伟",
        "action": "user.roles.set",
        "target_type": "user",
        "target_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
        "details": {
            "before": [{"role": "citizen"}],
            "after": [{"role": "inspector", "scope_kind": "district", "scope_id": "110101"}],
        },
        "client_ip": "10.20.3.41",
        "request_id": "c1f0a9d2e8b74f36",
    },
    "AuditPage": {
        "items": [
            {
                "id": 48213,
                "at": "2026-11-22T02:31:15.402Z",
                "actor_id": "01935e00-1a2b-7c3d-8e4f-5a6b7c8d9e01",
                "actor_label": "admin 张伟",
                "action": "report.hide",
                "target_type": "report",
                "target_id": "01936c2e-5a10-7d2f-8b1e-3c4d5e6f7a81",
                "details": {
                    "reason": "照片含有可识别的人脸",
                    "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
                },
                "client_ip": "10.20.3.41",
                "request_id": "c1f0a9d2e8b74f36",
            }
        ],
        "next_cursor": 48213,
    },
}
