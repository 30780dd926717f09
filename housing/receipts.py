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
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import cn2an
import msgspec
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import BaseDocTemplate

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


# --- the layout ---------------------------------------------------------------------------------------------

_PAGE_W, _PAGE_H = A5
_MARGIN: Final = 12 * mm
_BOTTOM: Final = 16 * mm  # room for the footer
_WIDTH: Final = _PAGE_W - 2 * _MARGIN
#: 序号 | 收费项目 | 所属期间 | 金额（元）
_LINE_COLS: Final = (12 * mm, _WIDTH - 12 * mm - 30 * mm - 36 * mm, 30 * mm, 36 * mm)
_INFO_COLS: Final = (26 * mm, _WIDTH - 26 * mm)
_GRID: Final = colors.Color(0.55, 0.55, 0.55)
_SHADE: Final = colors.Color(0.93, 0.93, 0.93)
_RED: Final = colors.Color(0.75, 0.1, 0.1)

_RENDER_LOCK = threading.Lock()


class _Styles:
    def __init__(self, font: str) -> None:
        base = ParagraphStyle(
            "base", fontName=font, fontSize=9, leading=12, wordWrap="CJK", alignment=TA_LEFT
        )
        self.text = base
        self.right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
        self.center = ParagraphStyle("center", parent=base, alignment=TA_CENTER)
        self.label = ParagraphStyle("label", parent=base, textColor=colors.Color(0.3, 0.3, 0.3))
        self.company = ParagraphStyle("company", parent=base, fontSize=12, leading=16, alignment=TA_CENTER)
        self.title = ParagraphStyle("title", parent=base, fontSize=20, leading=26, alignment=TA_CENTER)
        self.number = ParagraphStyle("number", parent=base, alignment=TA_RIGHT)
        self.total = ParagraphStyle("total", parent=base, fontSize=10, leading=14)
        self.total_right = ParagraphStyle("total_right", parent=self.total, alignment=TA_RIGHT)
        self.refund = ParagraphStyle("refund", parent=base, fontSize=10, leading=14, textColor=_RED)
        self.note = ParagraphStyle("note", parent=base, fontSize=7.5, leading=10, textColor=colors.grey)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _story(doc: ReceiptDocument, st: _Styles) -> list[Flowable]:
    story: list[Flowable] = [
        _p(doc.company_name, st.company),
        _p("收据", st.title),
        _p(f"收据编号：{doc.receipt_no}", st.number),
        Spacer(1, 2 * mm),
    ]

    info = [
        ("小区", doc.estate_name),
        ("房屋", doc.home_label),
        *([("缴费人", doc.payer_name)] if doc.payer_name.strip() else []),
        ("缴费时间", doc.paid_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S") + "（北京时间）"),
        ("支付方式", CHANNEL_NAMES[doc.channel]),
        ("支付交易号", doc.provider_transaction_id),
        ("商户订单号", doc.order_no),
    ]
    info_table = Table(
        [[_p(label, st.label), _p(value, st.text)] for label, value in info], colWidths=_INFO_COLS
    )
    info_table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story += [info_table, Spacer(1, 3 * mm)]

    rows: list[list[Flowable]] = [
        [_p("序号", st.center), _p("收费项目", st.text), _p("所属期间", st.text), _p("金额（元）", st.right)]
    ]
    for n, line in enumerate(doc.lines, start=1):
        rows.append(
            [
                _p(str(n), st.center),
                _p(line.item, st.text),
                _p(line.period, st.text),
                _p(format_yuan(line.amount_fen), st.right),
            ]
        )
    if doc.credit_fen:
        rows.append(
            [
                _p("", st.center),
                _p("预存（转入预存款）", st.text),
                _p("—", st.text),
                _p(format_yuan(doc.credit_fen), st.right),
            ]
        )
    lines_table = Table(rows, colWidths=_LINE_COLS, repeatRows=1)
    lines_table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, _GRID),
                ("BACKGROUND", (0, 0), (-1, 0), _SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    totals = Table(
        [
            [_p("合计", st.total), _p(format_yuan(doc.total_fen), st.total_right)],
            [_p(f"人民币（大写）：{amount_in_words(doc.total_fen)}", st.total), ""],
        ],
        colWidths=(_WIDTH - _LINE_COLS[3], _LINE_COLS[3]),
    )
    totals.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, _GRID),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, _GRID),
                ("SPAN", (0, 1), (-1, 1)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    # the total, the refund note and the payee stay together on the last page
    closing: list[Flowable] = [totals]
    if doc.refunded_fen:
        if doc.refunded_fen == doc.total_fen:
            refund = f"已退款：{format_yuan(doc.refunded_fen)}（全额退款）"
        else:
            kept = format_yuan(doc.total_fen - doc.refunded_fen)
            refund = f"已退款：{format_yuan(doc.refunded_fen)}（部分退款，退款后实收 {kept}）"
        closing += [Spacer(1, 2 * mm), _p(refund, st.refund)]
    closing += [
        Spacer(1, 4 * mm),
        _p(f"收款单位：{doc.company_name}", st.text),
        Spacer(1, 2 * mm),
        _p("本收据为缴费凭证，不作发票使用。", st.note),
    ]
    story += [lines_table, KeepTogether(closing)]
    return story


def _footer(doc: ReceiptDocument, font: str, pages: int) -> Callable[[Canvas, BaseDocTemplate], None]:
    def draw(canvas: Canvas, template: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.grey)
        page = canvas.getPageNumber()
        canvas.drawCentredString(
            _PAGE_W / 2, 8 * mm, f"收据编号 {doc.receipt_no}　第 {page} 页 / 共 {max(pages, page)} 页"
        )
        canvas.restoreState()

    return draw


def _build(doc: ReceiptDocument, font: str, pages: int) -> tuple[bytes, int]:
    out = io.BytesIO()
    template = SimpleDocTemplate(
        out,
        pagesize=A5,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_BOTTOM,
        title=f"收据 {doc.receipt_no}",
        author=doc.company_name,
        subject=f"{doc.estate_name} {doc.home_label}",
        creator="CityLoop",
        invariant=True,
    )
    footer = _footer(doc, font, pages)
    template.build(_story(doc, _Styles(font)), onFirstPage=footer, onLaterPages=footer)
    return out.getvalue(), int(template.page)


def render_receipt_pdf(doc: ReceiptDocument) -> bytes:
    """The receipt as PDF bytes (A5 portrait, as many pages as the lines need).

    Raises ReceiptFontError when no usable CJK font is installed (see ``find_receipt_font``).
    """
    path = find_receipt_font()
    with _RENDER_LOCK:
        font = _registered_font(str(path))
        # "共 m 页" needs the page count: lay the story out once to count, then again to print it (a few ms)
        pdf, pages = _build(doc, font, pages=0)
        if pages > 1:
            pdf, _ = _build(doc, font, pages=pages)
    return pdf
