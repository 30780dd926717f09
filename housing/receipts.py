"""Payment receipts (收据) as PDF, in Chinese: a pure renderer, no database and no HTTP.

A resident who paid property bills online (微信支付 or 支付宝) downloads a receipt for each successful payment.
``render_receipt_pdf(doc)`` turns a ``ReceiptDocument`` (everything printed on it, gathered by the caller) into
PDF bytes:

- Amounts are integer fen, printed as yuan with two decimals and thousands separators (¥1,234.50); the total is
  also written in Chinese capital numerals (人民币大写, 壹仟贰佰叁拾肆元伍角整) by ``amount_in_words``.
- ``paid_at`` is an aware datetime, printed in Beijing time (Asia/Shanghai).
- The fee lines are a table whose header repeats on every page: 40 lines run onto a second page, long names
  wrap inside their column. Every page carries the receipt number and "第 n 页 / 共 m 页".
- The text is real text in a subset of a CJK TrueType font embedded in the file (a resident can search and copy
  it): ``find_receipt_font`` finds it at the Debian path of fonts-wqy-microhei (installed by
  scripts/bootstrap.sh and the Dockerfile), or where the environment variable ``CITYLOOP_RECEIPT_FONT`` says.
- The same document renders to the same bytes (reportlab's invariant mode: no creation date, a fixed file id).

The font is parsed once per process (about 130 ms) and registered with reportlab; a render then takes a few
milliseconds. Rendering is synchronous and CPU-bound: an async caller runs it in a thread
(``asyncio.to_thread``). Renders are serialised by a lock, because reportlab keeps per-document subset state
inside the shared font object.

The layout (the part that draws with reportlab) is ``housing.receipt_pdf``; it, reportlab and cn2an are imported
with the first receipt, not when the API starts, which renders none (issue 13).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal
from zoneinfo import ZoneInfo

import msgspec

from housing.money import MAX_FEN

#: the environment variable that names a font file to use instead of the Debian one
FONT_ENV: Final = "CITYLOOP_RECEIPT_FONT"
#: the Debian package that ships the font found by default (TrueType outlines, CJK and Latin glyphs)
FONT_PACKAGE: Final = "fonts-wqy-microhei"
#: where Debian puts it; the first face of the collection (WenQuanYi Micro Hei) is used
DEBIAN_FONT_PATHS: Final[tuple[Path, ...]] = (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),)
#: glyphs a usable font must have: a Latin-only font would print empty boxes for every Chinese character
_REQUIRED_GLYPHS: Final = "收据元角分整壹贰¥0123456789,.-"

#: the longest text printed in one field: far above the domain's limits (names of 50 or 100 characters), and
#: short enough that a wrapped cell always fits on one page
MAX_TEXT: Final = 200

BEIJING: Final = ZoneInfo("Asia/Shanghai")

Channel = Literal["wechat", "alipay"]
CHANNEL_NAMES: Final[Mapping[str, str]] = {"wechat": "微信支付", "alipay": "支付宝"}


class ReceiptFontError(RuntimeError):
    """No usable CJK font: the message says which file was tried and what to install or set."""


class ReceiptLine(msgspec.Struct, frozen=True, kw_only=True):
    """One paid fee line: the fee item's name (物业费), its period ("2026-11") and the fen paid for it."""

    item: str
    period: str
    amount_fen: int


class ReceiptDocument(msgspec.Struct, frozen=True, kw_only=True):
    """Everything printed on one receipt.

    ``total_fen`` is what the resident paid: the sum of the lines plus ``credit_fen``, the part held as a
    prepayment (预存). ``refunded_fen`` is 0 unless (part of) the payment was refunded; the receipt then says so.
    Construction refuses a document whose amounts do not add up, a naive ``paid_at``, an unknown channel or a
    text longer than ``MAX_TEXT`` (ValueError; msgspec reports it as a ValidationError when decoding).
    """

    receipt_no: str
    estate_name: str
    company_name: str
    home_label: str
    paid_at: datetime
    channel: Channel
    provider_transaction_id: str
    order_no: str
    lines: tuple[ReceiptLine, ...]
    total_fen: int
    credit_fen: int = 0
    refunded_fen: int = 0
    payer_name: str = ""

    def __post_init__(self) -> None:
        if not self.receipt_no.strip():
            raise ValueError("receipt_no is empty")
        texts = {
            "receipt_no": self.receipt_no,
            "estate_name": self.estate_name,
            "company_name": self.company_name,
            "home_label": self.home_label,
            "payer_name": self.payer_name,
            "provider_transaction_id": self.provider_transaction_id,
            "order_no": self.order_no,
        }
        for line in self.lines:
            texts |= {"a line's item": line.item, "a line's period": line.period}
        for name, text in texts.items():
            if len(text) > MAX_TEXT:
                raise ValueError(f"{name} is longer than {MAX_TEXT} characters")
        if self.paid_at.tzinfo is None or self.paid_at.utcoffset() is None:
            raise ValueError("paid_at must be an aware datetime")
        if self.channel not in CHANNEL_NAMES:
            raise ValueError(f"unknown channel {self.channel!r}")
        for line in self.lines:
            _check_fen(line.amount_fen, "a line's amount_fen")
        _check_fen(self.credit_fen, "credit_fen")
        _check_fen(self.total_fen, "total_fen")
        _check_fen(self.refunded_fen, "refunded_fen")
        if self.total_fen == 0:
            raise ValueError("total_fen is 0: a receipt is for a payment")
        paid = sum(line.amount_fen for line in self.lines) + self.credit_fen
        if paid != self.total_fen:
            raise ValueError(
                f"the lines ({paid} fen with credit_fen) do not add up to total_fen {self.total_fen}"
            )
        if self.refunded_fen > self.total_fen:
            raise ValueError("refunded_fen is more than total_fen")


def _check_fen(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FEN:
        raise ValueError(f"{name} must be an integer number of fen in 0..{MAX_FEN}, not {value!r}")


# --- amounts ------------------------------------------------------------------------------------------------


def format_yuan(fen: int) -> str:
    """123450 -> '¥1,234.50'."""
    _check_fen(fen, "fen")
    whole, cents = divmod(fen, 100)
    return f"¥{whole:,}.{cents:02d}"


def amount_in_words(fen: int) -> str:
    """The amount in Chinese capital numerals (人民币大写) as written on receipts and cheques (财务大写).

    123450 -> '壹仟贰佰叁拾肆元伍角整', 10005 -> '壹佰元零伍分', 1001000 -> '壹万零壹拾元整', 1 -> '壹分'.
    cn2an does the work. It writes '整' after 元 and leaves it out after 角, which the rules allow (「在"角"之后
    可以不写"整"字」); we add it after 角 too, as most receipts do. Where the rules allow a 零 to be left out
    (a zero 元 or 万 digit followed by a non-zero 角 or 千 digit: 壹仟陆佰捌拾元叁角贰分), cn2an leaves it out.
    """
    import cn2an  # about 3 MB and 0.3 s to import: loaded with the first receipt, not when the API starts

    _check_fen(fen, "fen")
    whole, cents = divmod(fen, 100)
    words: str = cn2an.an2cn(f"{whole}.{cents:02d}", "rmb")
    return words + "整" if words.endswith("角") else words


# --- the font -----------------------------------------------------------------------------------------------


def find_receipt_font(
    environ: Mapping[str, str] | None = None, candidates: Sequence[Path] = DEBIAN_FONT_PATHS
) -> Path:
    """The CJK font file for receipts: ``$CITYLOOP_RECEIPT_FONT`` when set, else the first of ``candidates``
    that exists. ReceiptFontError names the package to install (or the variable to fix) when there is none."""
    env = os.environ if environ is None else environ
    override = env.get(FONT_ENV, "").strip()
    if override:
        path = Path(override)
        if not path.is_file():
            raise ReceiptFontError(f"{FONT_ENV}={override!r} is not a font file")
        return path
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    tried = ", ".join(str(c) for c in candidates) or "no path"
    raise ReceiptFontError(
        f"no CJK font for receipts (tried {tried}): install the Debian package {FONT_PACKAGE} "
        f"(apt-get install {FONT_PACKAGE}, as scripts/bootstrap.sh does), or set {FONT_ENV} to a TrueType "
        "font file with Chinese glyphs"
    )


@lru_cache(maxsize=4)
def _registered_font(path: str) -> str:
    """Parse the font once per path and register it with reportlab; the name to use it under."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    name = "CityLoopReceipt-" + hashlib.sha256(path.encode()).hexdigest()[:12]
    try:
        font = TTFont(name, path, subfontIndex=0)
    except (TTFError, OSError, ValueError) as exc:
        raise ReceiptFontError(
            f"cannot load the receipt font {path} ({exc}); it must be a TrueType font (glyf outlines, .ttf or "
            f".ttc) with Chinese glyphs, such as the one in {FONT_PACKAGE}"
        ) from exc
    missing = [ch for ch in _REQUIRED_GLYPHS if ord(ch) not in font.face.charToGlyph]
    if missing:
        raise ReceiptFontError(
            f"the receipt font {path} has no glyph for {''.join(missing)!r}: use a CJK font such as the one in "
            f"{FONT_PACKAGE}"
        )
    pdfmetrics.registerFont(font)
    return name


_RENDER_LOCK = threading.Lock()


def render_receipt_pdf(doc: ReceiptDocument) -> bytes:
    """The receipt as PDF bytes (A5 portrait, as many pages as the lines need).

    Raises ReceiptFontError when no usable CJK font is installed (see ``find_receipt_font``).
    """
    path = find_receipt_font()
    # reportlab (about 7 MB) loads with the first receipt, not when the API starts (issue 13)
    from housing import receipt_pdf

    with _RENDER_LOCK:
        font = _registered_font(str(path))
        # "共 m 页" needs the page count: lay the story out once to count, then again to print it (a few ms)
        pdf, pages = receipt_pdf.build(doc, font, pages=0)
        if pages > 1:
            pdf, _ = receipt_pdf.build(doc, font, pages=pages)
    return pdf
