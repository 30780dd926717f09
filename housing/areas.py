"""Areas of homes: integer hundredths of m² (8,950 is 89.50 m²), never floats, and the one area that counts."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Final

from housing.models import AreaSource

#: the largest area one home may have in the register: 10,000.00 m²
MAX_AREA_HUNDREDTHS: Final = 1_000_000
_UNIT_SUFFIX: Final = re.compile(r"\s*(㎡|m²|m2|平方米|平米)\s*$", re.IGNORECASE)


def counted_area(
    register: int | None, surveyed: int | None, contract: int | None
) -> tuple[int, AreaSource] | None:
    """The area of a home that counts, and which one it is: the area in the property register (产权面积) when
    present, else the surveyed area (实测面积), else the contract area (合同面积).

    This is the Supreme People's Court's rule for counting the exclusive area of an owner (DOMAIN.md §8,
    "Counting"), used alike for votes, for fees charged by area and for sharing sums among homes. The database
    applies the same rule in the generated column ``homes.area_counted``. None when the home has no area at all.
    """
    if register is not None:
        return register, "register"
    if surveyed is not None:
        return surveyed, "surveyed"
    if contract is not None:
        return contract, "contract"
    return None


class BadArea(ValueError):
    """An area that is not a positive number of m² with at most two decimals, or that is too large."""


def parse_area(text: str) -> int | None:
    """Hundredths of m² from a register cell ("89.5", "89.50", "1,203.25 ㎡"); None for an empty cell.

    Read with Decimal, never float: "89.50" is exactly 8,950. More than two decimals, zero, a negative number
    or more than 10,000 m² raise BadArea.
    """
    cleaned = _UNIT_SUFFIX.sub("", text.strip()).replace(",", "").replace("，", "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise BadArea(f"{text!r} is not a number of m²") from exc
    if not value.is_finite():
        raise BadArea(f"{text!r} is not a number of m²")
    hundredths = value * 100
    if hundredths != hundredths.to_integral_value():
        raise BadArea(f"{text!r} has more than two decimals")
    if hundredths <= 0:
        raise BadArea(f"{text!r} is not a positive area")
    if hundredths > MAX_AREA_HUNDREDTHS:
        raise BadArea(f"{text!r} is more than 10,000 m²")
    return int(hundredths)


def format_area(hundredths: int) -> str:
    """89.50 for 8,950: the area in m² with two decimals, as registers print it."""
    return f"{hundredths // 100}.{hundredths % 100:02d}"
