"""A receipt's PDF layout with reportlab: what ``housing.receipts.render_receipt_pdf`` draws.

Imported with the first receipt rendered, not when the API starts: reportlab weighs about 7 MB that a process
which renders no receipt does not need (issue 13). Everything else of receipts (the document, the amounts, the
font) is in ``housing.receipts``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Final
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
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

from housing.receipts import BEIJING, CHANNEL_NAMES, ReceiptDocument, amount_in_words, format_yuan

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


def build(doc: ReceiptDocument, font: str, pages: int) -> tuple[bytes, int]:
    """The PDF of ``doc`` in the registered ``font`` with "共 ``pages`` 页" in its footers, and the pages it took."""
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
