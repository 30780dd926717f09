"""Phone numbers: E.164 normalization with `phonenumbers` (mainland China by default) and masking."""

from __future__ import annotations

import phonenumbers

from identity.errors import InvalidPhone


def normalize_phone(raw: str, default_region: str = "CN") -> str:
    """Return the E.164 form of a phone number, or raise InvalidPhone."""
    if not raw or len(raw) > 32:
        raise InvalidPhone(
            "phone number is empty or too long", fields=[{"field": "phone", "code": "invalid"}]
        )
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(str(exc), fields=[{"field": "phone", "code": "invalid"}]) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone("not a valid phone number", fields=[{"field": "phone", "code": "invalid"}])
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str | None) -> str | None:
    """138****1234 for a mainland mobile; for others keep the country code and the last four digits."""
    if e164 is None:
        return None
    if e164.startswith("+86") and len(e164) == 14:
        national = e164[3:]
        return f"{national[:3]}****{national[-4:]}"
    return f"{e164[:3]}{'*' * max(len(e164) - 7, 0)}{e164[-4:]}"
