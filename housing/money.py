"""Every rounding rule of housing money, written once (DOMAIN.md §11).

Amounts are integer fen (1/100 yuan). Areas are integer hundredths of m² (0.01 m²); water quantities are
integer hundredths of m³. A price per m² (or per m³) is in fen. Nothing here ever touches a float.

The rules, by name:

- ``round_half_up`` (四舍五入): a non-negative exact quotient rounded to the nearest fen, halves up. A bill
  line is rounded once, never the sum of lines: ``area_line(area, price)`` is
  ``round_half_up(area_hundredths × price_fen / 100)``.
- ``prorate_by_days``: a line's whole-period amount, computed from its exact quantities, shared between the
  owners of the period by their days with the largest-remainder method (below), so that the parts always add up
  to the amount a home with one owner would pay. The whole-period amount is itself rounded once
  (``round_half_up``).
- ``share_largest_remainder`` (最大余额法): a sum shared by weights (areas, days). Each part is the floor of its
  exact share; the fen left over go one each to the largest remainders, ties broken by the key (home id,
  then the order given). The parts always add up to the whole.
- ``tiered_lines``: water used in a year, split into the tiers of the price (0–180 m³, 181–260 m³, over 260 m³
  in Beijing) by the household's cumulative use of the year; one line per tier, each rounded once.
- ``below_ratio``: the fund's top-up rule (a balance below 30 % of the first deposit), compared in integers.
- ``late_fee``: outstanding × rate (in 1/10,000 per day, 万分之) × days, rounded once per overdue bill.

Quantities in text (meter readings) are parsed with ``Decimal`` by ``parse_hundredths``: a third decimal or
a sign is refused, never rounded away. (Yuan on the wire: housing/providers/money.py.)
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Final, NamedTuple, TypeVar

K = TypeVar("K", bound=Hashable)

#: hundredths in one m² (areas) or one m³ (water)
HUNDREDTHS: Final = 100
#: the fund's top-up threshold: a balance below 30 % of the first deposit (DOMAIN.md §9)
TOPUP_THRESHOLD: Final = Fraction(30, 100)
#: late fees are priced in 1/10,000 of the outstanding amount per day (万分之)
PER_MYRIAD: Final = 10_000
#: the largest amount of one line or one payment: 10^12 fen (10 billion yuan), far inside int64
MAX_FEN: Final = 10**12


def round_half_up(numerator: int, denominator: int = 1) -> int:
    """numerator / denominator rounded to the nearest integer, halves away from zero (四舍五入).

    Exact in integers: ``round_half_up(5, 2) == 3``, ``round_half_up(-5, 2) == -3``.
    """
    if denominator <= 0:
        raise ValueError("the denominator must be positive")
    magnitude = (2 * abs(numerator) + denominator) // (2 * denominator)
    return magnitude if numerator >= 0 else -magnitude


def round_fraction(value: Fraction) -> int:
    """An exact ratio rounded half up once (the ratio is made in integers or Fraction, never a float)."""
    return round_half_up(value.numerator, value.denominator)


def area_line(area_hundredths: int, price_fen_per_m2: int, multiplier: Fraction | int = 1) -> int:
    """One bill line priced by area: round_half_up(area_hundredths × price × multiplier / 100).

    ``multiplier`` is the number of months of a quarterly bill (3), for example; it is applied before the one
    rounding.
    """
    _non_negative(area_hundredths, "area")
    _non_negative(price_fen_per_m2, "price")
    if isinstance(multiplier, int):  # the common case, in integers alone
        return round_half_up(area_hundredths * price_fen_per_m2 * multiplier, HUNDREDTHS)
    return round_fraction(Fraction(area_hundredths * price_fen_per_m2, HUNDREDTHS) * multiplier)


def share_largest_remainder(total: int, weights: Sequence[tuple[K, int]]) -> dict[K, int]:
    """Share ``total`` fen among keys by integer weights with the largest-remainder method.

    1. Each key gets the floor of total × weight / Σ weights.
    2. The fen left over go one each to the largest remainders; ties go to the smaller key (then the earlier
       position, for keys that compare equal).

    The parts always add up to ``total``. Zero weights get nothing (unless every weight is zero, which is
    refused). ``total`` may be negative (a reversal): the parts are the negated parts of ``-total``.
    """
    if not weights:
        raise ValueError("nothing to share among")
    if total < 0:
        return {k: -v for k, v in share_largest_remainder(-total, weights).items()}
    for _, w in weights:
        _non_negative(w, "weight")
    whole = sum(w for _, w in weights)
    if whole == 0:
        raise ValueError("the weights add up to zero")
    parts: dict[K, int] = {}
    remainders: list[tuple[int, int, K]] = []
    for position, (key, weight) in enumerate(weights):
        if key in parts:
            raise ValueError(f"key {key!r} given twice")
        quotient, remainder = divmod(total * weight, whole)
        parts[key] = quotient
        remainders.append((remainder, position, key))
    left = total - sum(parts.values())
    # the largest remainder first; among equal remainders the smaller key, then the earlier position
    remainders.sort(key=lambda r: (-r[0], _sort_key(r[2]), r[1]))
    for _, _, key in remainders[:left]:
        parts[key] += 1
    return parts


def _sort_key(key: object) -> tuple[str, object]:
    # keys of one call are of one type (UUIDs, ints, strings); compare them as they are
    return (type(key).__name__, key)


def prorate_by_days(amount: int, spans: Sequence[tuple[K, int]]) -> dict[K, int]:
    """A whole-period line shared among the owners of the period by their days (largest remainder).

    ``spans`` are (owner key, days owned in the period); a period with one owner gives them everything.
    """
    for _, days in spans:
        if days <= 0:
            raise ValueError("each span has at least one day")
    return share_largest_remainder(amount, spans)


class TierLine(NamedTuple):
    tier: int  # 1, 2, 3 ...
    quantity: int  # hundredths of m³ billed at this tier
    price: int  # fen per m³
    amount: int  # fen, rounded once


def tiered_lines(
    used_before: int, used_now: int, bounds: Sequence[int], prices: Sequence[int]
) -> list[TierLine]:
    """Split this bill's use by the tiers of the year and price each tier's part once.

    ``used_before`` is the household's use earlier in the same year, ``used_now`` this bill's use (both
    hundredths of m³); ``bounds`` are the upper ends of every tier but the last (Beijing: 18000, 26000), and
    ``prices`` one price per tier (fen per m³). Tiers with no use give no line.
    """
    _non_negative(used_before, "earlier use")
    _non_negative(used_now, "use")
    if len(prices) != len(bounds) + 1 or list(bounds) != sorted(set(bounds)) or any(b <= 0 for b in bounds):
        raise ValueError("tiers need increasing positive bounds and one price more than bounds")
    lines: list[TierLine] = []
    start, end = used_before, used_before + used_now
    lower = 0
    for tier, price in enumerate(prices, start=1):
        upper = bounds[tier - 1] if tier <= len(bounds) else None
        low = max(start, lower)
        high = end if upper is None else min(end, upper)
        if high > low:
            quantity = high - low
            lines.append(TierLine(tier, quantity, price, round_half_up(quantity * price, HUNDREDTHS)))
        if upper is not None:
            lower = upper
    return lines


def below_ratio(balance: int, first_deposit: int, ratio: Fraction = TOPUP_THRESHOLD) -> bool:
    """True when balance < ratio × first_deposit, compared exactly (30 % of 333 fen is 99.9 fen)."""
    return balance * ratio.denominator < first_deposit * ratio.numerator


def late_fee(outstanding: int, rate_per_myriad_per_day: int, days: int) -> int:
    """Late fee of one overdue bill: round_half_up(outstanding × rate / 10,000 × days), rounded once."""
    _non_negative(outstanding, "outstanding")
    _non_negative(rate_per_myriad_per_day, "rate")
    _non_negative(days, "days")
    return round_half_up(outstanding * rate_per_myriad_per_day * days, PER_MYRIAD)


def parse_hundredths(text: str) -> int:
    """'1234.5' (m³ on a water meter) -> 123450 hundredths, with Decimal; ASCII digits with at most two decimals
    and no sign, else ValueError (never rounded)."""
    cleaned = text.strip()
    if not cleaned or not cleaned.isascii() or not all(c.isdigit() or c == "." for c in cleaned):
        raise ValueError(f"not a non-negative number: {text!r}")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"not a non-negative number: {text!r}") from exc
    hundredths = value * HUNDREDTHS
    if hundredths != hundredths.to_integral_value():
        raise ValueError(f"more than two decimals: {text!r}")
    if hundredths > MAX_FEN:
        raise ValueError(f"too large: {text!r}")
    return int(hundredths)


def _non_negative(value: int, what: str) -> None:
    if value < 0:
        raise ValueError(f"{what} may not be negative")
