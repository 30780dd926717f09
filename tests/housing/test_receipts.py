"""Payment receipts (收据) as PDF: what a resident sees when the file is opened, read back as text.

The text is extracted with pypdf, so it proves the CJK font is embedded as real text (a picture of text would
extract as nothing). No database is needed.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import msgspec
import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from housing import receipts
from housing.receipts import (
    DEBIAN_FONT_PATHS,
    FONT_ENV,
    FONT_PACKAGE,
    MAX_TEXT,
    ReceiptDocument,
    ReceiptFontError,
    ReceiptLine,
    amount_in_words,
    find_receipt_font,
    format_yuan,
    render_receipt_pdf,
)


def _doc(**changes: Any) -> ReceiptDocument:
    lines = changes.pop(
        "lines",
        (
            ReceiptLine(item="物业服务费", period="2026-11", amount_fen=41_150),
            ReceiptLine(item="公共能耗分摊", period="2026-11", amount_fen=2_300),
        ),
    )
    credit = changes.pop("credit_fen", 80_000)
    fields: dict[str, Any] = {
        "receipt_no": "HP-2026-000123",
        "estate_name": "海棠花园",
        "company_name": "北京海棠物业服务有限公司",
        "home_label": "3号楼 2单元 1502",
        "payer_name": "张三",
        "paid_at": datetime(2026, 11, 5, 6, 3, 22, tzinfo=UTC),
        "channel": "wechat",
        "provider_transaction_id": "4200002026110512345678901234",
        "order_no": "CL20261105140322000123",
        "lines": tuple(lines),
        "credit_fen": credit,
        "total_fen": sum(line.amount_fen for line in lines) + credit,
    }
    fields.update(changes)
    return ReceiptDocument(**fields)


@dataclass
class Pdf:
    reader: PdfReader
    pages: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    @property
    def flat(self) -> str:
        """The text without line breaks and spaces: wrapped names read whole again."""
        return re.sub(r"\s+", "", self.text)


def _read(pdf: bytes) -> Pdf:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    return Pdf(reader, [page.extract_text() for page in reader.pages])


# --- amounts in words (人民币大写) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (1, "壹分"),
        (10, "壹角整"),
        (1_000, "壹拾元整"),
        (10_005, "壹佰元零伍分"),
        (100_000_000, "壹佰万元整"),
        (100_110, "壹仟零壹元壹角整"),
        (1_001_000, "壹万零壹拾元整"),
        (123_450, "壹仟贰佰叁拾肆元伍角整"),
        (0, "零元整"),
        (2_000_000_000, "贰仟万元整"),
        (101_010_101, "壹佰零壹万零壹佰零壹元零壹分"),
        (1_640_902, "壹万陆仟肆佰零玖元零贰分"),
        # a zero 元 digit before a non-zero 角 may go without 零 (壹仟陆佰捌拾元叁角贰分 is the rules' own example)
        (168_032, "壹仟陆佰捌拾元叁角贰分"),
        (10**12, "壹佰亿元整"),
    ],
)
def test_amount_in_words(fen: int, words: str) -> None:
    assert amount_in_words(fen) == words


@pytest.mark.parametrize(
    ("fen", "text"), [(1, "¥0.01"), (123_450, "¥1,234.50"), (10**12, "¥10,000,000,000.00")]
)
def test_format_yuan(fen: int, text: str) -> None:
    assert format_yuan(fen) == text


@pytest.mark.parametrize("bad", [-1, 10**12 + 1, 1.5, True])
def test_amounts_refuse_what_is_not_fen(bad: Any) -> None:
    with pytest.raises(ValueError, match="fen"):
        amount_in_words(bad)
    with pytest.raises(ValueError, match="fen"):
        format_yuan(bad)


# --- the receipt ---------------------------------------------------------------------------------------------


def test_receipt_is_real_chinese_text() -> None:
    pdf = _read(render_receipt_pdf(_doc()))
    assert len(pdf.pages) == 1
    text = pdf.text
    for expected in (
        "收据",
        "HP-2026-000123",
        "海棠花园",
        "北京海棠物业服务有限公司",
        "3号楼 2单元 1502",
        "张三",
        "2026-11-05 14:03:22",  # 06:03:22 UTC printed in Beijing time
        "北京时间",
        "微信支付",
        "4200002026110512345678901234",
        "CL20261105140322000123",
        "物业服务费",
        "2026-11",
        "¥411.50",
        "公共能耗分摊",
        "¥23.00",
        "预存",
        "¥800.00",
        "¥1,234.50",
        "壹仟贰佰叁拾肆元伍角整",
        "第 1 页 / 共 1 页",
    ):
        assert expected in text, expected
    assert "已退款" not in text
    # the font is embedded as a subset (a prefix like ABCDEF+ on its name), not referenced by name only
    page = pdf.reader.pages[0]
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    assert any(re.fullmatch(r"/[A-Z]{6}\+.+", str(f["/BaseFont"])) for f in fonts)
    assert pdf.reader.metadata is not None and pdf.reader.metadata.title == "收据 HP-2026-000123"


def test_alipay_other_zone_no_payer_no_credit() -> None:
    doc = _doc(
        channel="alipay",
        paid_at=datetime(2026, 12, 31, 20, 30, tzinfo=timezone(timedelta(hours=-5))),
        payer_name="",
        credit_fen=0,
    )
    text = _read(render_receipt_pdf(doc)).text
    assert "支付宝" in text and "微信支付" not in text
    assert "2027-01-01 09:30:00" in text  # the next day in Beijing
    assert "缴费人" not in text
    assert "预存" not in text
    assert "¥434.50" in text and "肆佰叁拾肆元伍角整" in text


def test_prepayment_only() -> None:
    text = _read(render_receipt_pdf(_doc(lines=(), credit_fen=50_000))).text
    assert "预存" in text and "¥500.00" in text and "伍佰元整" in text


def test_partial_refund_is_noted() -> None:
    text = _read(render_receipt_pdf(_doc(refunded_fen=2_300))).text
    assert "已退款：¥23.00" in text
    assert "部分退款" in text and "¥1,211.50" in text
    assert "壹仟贰佰叁拾肆元伍角整" in text  # the receipt still shows what was paid


def test_full_refund_is_noted() -> None:
    text = _read(render_receipt_pdf(_doc(refunded_fen=123_450))).text
    assert "已退款：¥1,234.50" in text and "全额退款" in text


def test_forty_lines_run_onto_a_second_page() -> None:
    lines = tuple(
        ReceiptLine(item=f"物业服务费{n:02d}", period=f"{2024 + n // 12}-{n % 12 + 1:02d}", amount_fen=41_150)
        for n in range(40)
    )
    pdf = _read(render_receipt_pdf(_doc(lines=lines, credit_fen=0)))
    assert len(pdf.pages) == 2
    first, second = pdf.pages
    assert "第 1 页 / 共 2 页" in first and "第 2 页 / 共 2 页" in second
    assert "HP-2026-000123" in second  # every page says which receipt it belongs to
    assert "收费项目" in second  # the table's header repeats
    for n in range(40):
        assert sum(page.count(f"物业服务费{n:02d}") for page in pdf.pages) == 1, n
    assert "¥16,460.00" in second and "壹万陆仟肆佰陆拾元整" in second
    _assert_inside_pages(pdf.reader)


def test_long_names_wrap_inside_the_page() -> None:
    estate = "阳光" * 49 + "花园"  # the longest estate and company names the API takes: 100 characters
    company = ("某某市某某区" * 17)[:92] + "物业服务有限公司"
    item = "公共区域电梯运行维护费及二次供水设施清洗消毒费用分摊"
    item = (item * 2)[:50]  # fee item names: at most 50
    doc = _doc(
        estate_name=estate,
        company_name=company,
        home_label="第十一期 A 区 28 号楼 3 单元 2802",
        payer_name="欧阳" * 32,
        provider_transaction_id="2026110522001412345678901234",
        lines=(
            ReceiptLine(
                item=item, period="2026-2027 采暖季（11月15日至次年3月15日）", amount_fen=987_654_321
            ),
            ReceiptLine(item="X" * 50, period="2026-11", amount_fen=1),
        ),
    )
    pdf = _read(render_receipt_pdf(doc))
    for whole in (estate, company, item, "欧阳" * 32, "X" * 50, "¥9,876,543.21"):
        assert whole in pdf.flat
    assert amount_in_words(doc.total_fen) in pdf.flat
    _assert_inside_pages(pdf.reader)


def test_same_document_same_bytes() -> None:
    first = render_receipt_pdf(_doc())
    assert render_receipt_pdf(_doc()) == first
    assert render_receipt_pdf(_doc(order_no="CL20261105140322000124")) != first


def _text_runs(page: Any) -> list[tuple[str, float, float, float]]:
    """(text, x, y, font size) of each run of text on a page, in points from the bottom left."""
    runs: list[tuple[str, float, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font_dict: Any, size: float) -> None:
        if text.strip():
            runs.append((text.strip(), cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3], size * tm[0] * cm[0]))

    page.extract_text(visitor_text=visit)
    return runs


def _assert_inside_pages(reader: PdfReader) -> None:
    """Every run of text starts and ends inside the page's margins: nothing is cut off at an edge."""
    font = receipts._registered_font(str(find_receipt_font()))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        runs = _text_runs(page)
        assert runs
        for text, x, y, size in runs:
            right = x + pdfmetrics.stringWidth(text, font, size)
            assert 12 * mm - 0.5 <= x and right <= width - 12 * mm + 0.5, (text, x, right)
            assert 5 * mm <= y <= height - 12 * mm, (text, y)


# --- documents refused -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"total_fen": 999}, "do not add up"),
        ({"refunded_fen": 123_451}, "refunded_fen"),
        ({"credit_fen": -1}, "credit_fen"),
        (
            {"lines": (ReceiptLine(item="物业费", period="2026-11", amount_fen=-5),), "credit_fen": 5},
            "amount_fen",
        ),
        ({"lines": (), "credit_fen": 0, "total_fen": 0}, "total_fen is 0"),
        ({"paid_at": datetime(2026, 11, 5, 14, 3)}, "aware"),
        ({"channel": "unionpay"}, "channel"),
        ({"receipt_no": " "}, "receipt_no"),
        ({"estate_name": "园" * (MAX_TEXT + 1)}, "estate_name"),
        ({"lines": (ReceiptLine(item="费" * (MAX_TEXT + 1), period="2026-11", amount_fen=5),)}, "item"),
    ],
)
def test_inconsistent_documents_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _doc(**changes)


def test_decoding_validates_too() -> None:
    raw = msgspec.json.encode(_doc())
    assert msgspec.json.decode(raw, type=ReceiptDocument) == _doc()
    bad = raw.replace(b'"total_fen":123450', b'"total_fen":123451')
    with pytest.raises(msgspec.ValidationError, match="do not add up"):
        msgspec.json.decode(bad, type=ReceiptDocument)


# --- the font ----------------------------------------------------------------------------------------------------


@pytest.fixture
def debian_font() -> Path:
    path = DEBIAN_FONT_PATHS[0]
    if not path.is_file() and os.environ.get(FONT_ENV):  # bootstrap.sh accepts the override instead
        pytest.skip(f"{FONT_PACKAGE} is not installed; {FONT_ENV} names the font")
    return path


def test_font_is_found_at_the_debian_path(debian_font: Path) -> None:
    assert debian_font == Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
    assert find_receipt_font(environ={}) == debian_font


def test_missing_font_names_the_package(tmp_path: Path) -> None:
    with pytest.raises(ReceiptFontError) as caught:
        find_receipt_font(environ={}, candidates=[tmp_path / "absent.ttc"])
    assert f"apt-get install {FONT_PACKAGE}" in str(caught.value)
    assert FONT_ENV in str(caught.value)


def test_override_by_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "receipt-font.ttc"
    copy.write_bytes(find_receipt_font().read_bytes())
    assert find_receipt_font(environ={FONT_ENV: str(copy)}, candidates=[]) == copy

    monkeypatch.setenv(FONT_ENV, str(copy))
    assert "海棠花园" in _read(render_receipt_pdf(_doc())).text

    monkeypatch.setenv(FONT_ENV, str(tmp_path / "absent.ttf"))
    with pytest.raises(ReceiptFontError, match=FONT_ENV):
        render_receipt_pdf(_doc())


def test_unusable_override_is_refused_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    not_a_font = tmp_path / "notes.ttf"
    not_a_font.write_bytes(b"this is not a font")
    monkeypatch.setenv(FONT_ENV, str(not_a_font))
    with pytest.raises(ReceiptFontError, match="cannot load the receipt font"):
        render_receipt_pdf(_doc())

    latin_only = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if latin_only.is_file():  # a font without Chinese glyphs would print empty boxes
        monkeypatch.setenv(FONT_ENV, str(latin_only))
        with pytest.raises(ReceiptFontError, match="no glyph"):
            render_receipt_pdf(_doc())
