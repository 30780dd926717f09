"""Yuan strings on the wire to integer fen and back, exactly (DOMAIN.md §11): Decimal, never float.

Alipay sends amounts as yuan strings ('12.30'); statements of both providers do too. The parser is strict on
purpose: what a provider sends is ASCII digits with at most two decimals, so anything else (an exponent, a sign,
spaces, non-ASCII digits that ``Decimal`` would happily read, the '0.30000000000000004' of a float that went
through someone's code) is refused, never rounded.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

#: 10^12 fen (10 billion yuan): far more than any payment, far inside int64
MAX_FEN: Final = 10**12

_YUAN = re.compile(r"(?:0|[1-9][0-9]{0,10})(?:\.[0-9]{1,2})?", re.ASCII)
_SIGNED_YUAN = re.compile(r"-?(?:0|[1-9][0-9]{0,10})(?:\.[0-9]{1,2})?", re.ASCII)


def yuan_to_fen(text: str) -> int:
    """'12.30' -> 1230, '0.1' -> 10; ValueError for anything that is not a non-negative yuan amount with at most
    two decimals written in ASCII digits."""
    if not isinstance(text, str) or _YUAN.fullmatch(text) is None:
        raise ValueError(f"not an amount in yuan: {text!r}")
    return _to_fen(text)


def signed_yuan_to_fen(text: str) -> int:
    """As ``yuan_to_fen``, with an optional leading '-' (statements write refunds as negative amounts)."""
    if not isinstance(text, str) or _SIGNED_YUAN.fullmatch(text) is None:
        raise ValueError(f"not an amount in yuan: {text!r}")
    return _to_fen(text)


def _to_fen(text: str) -> int:
    fen = Decimal(text) * 100
    if (
        fen != fen.to_integral_value() or abs(fen) > MAX_FEN
    ):  # cannot happen after the pattern; kept as a guard
        raise ValueError(f"not an amount in yuan: {text!r}")
    return int(fen)


def fen_to_yuan(fen: int) -> str:
    """1230 -> '12.30' (what Alipay's total_amount and refund_amount expect); fen must be a non-negative int."""
    if isinstance(fen, bool) or not isinstance(fen, int) or fen < 0 or fen > MAX_FEN:
        raise ValueError(f"not an amount in fen: {fen!r}")
    whole, cents = divmod(fen, 100)
    return f"{whole}.{cents:02d}"
