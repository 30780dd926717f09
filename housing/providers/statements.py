"""The providers' daily statements (对账单), parsed into typed rows and checked against their own summaries.

WeChat Pay's trade bill (交易账单, bill_type ALL): UTF-8 CSV; a header row, detail rows, a summary header row
and one summary row (the last two lines); every detail and summary cell starts with a backtick (so Excel keeps
long numbers). Columns are read by name (WeChat does not promise their order). A paid order is a row with
交易状态 SUCCESS (amount: 订单金额); a refund is its own row with 交易状态 REFUND (amount: 申请退款金额). The
summary's 总交易单数, 订单总金额 and 申请退款总金额 must equal the rows'.

Alipay's business statement (业务明细, bill_type trade): a ZIP holding the detail CSV (GBK, as Excel writes it),
with '#' lines around the table; each cell may end with a tab (again for Excel). 业务类型 交易 is a payment
(amount: 订单金额（元）), 退款 a refund (amount: the negative 商家实收（元）, with 退款批次号/请求号). The
'#交易合计：N笔，商家实收共X元' and '#退款合计：M笔，商家实收共-Y元' lines must equal the rows'.

Times are China Standard Time in the files, UTC in the rows.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, date, datetime
from typing import Final

from housing.providers.base import CHINA_TZ
from housing.providers.errors import StatementInvalid
from housing.providers.models import Channel, ProviderStatement, ProviderStatementRow, StatementKind
from housing.providers.money import signed_yuan_to_fen, yuan_to_fen

MAX_STATEMENT_FILE_BYTES: Final = 256 * 1024 * 1024

# WeChat ---------------------------------------------------------------------------------------------------------

WECHAT_COLUMNS: Final = (
    "交易时间",
    "公众账号ID",
    "商户号",
    "特约商户号",
    "设备号",
    "微信订单号",
    "商户订单号",
    "用户标识",
    "交易类型",
    "交易状态",
    "付款银行",
    "货币种类",
    "应结订单金额",
    "代金券金额",
    "微信退款单号",
    "商户退款单号",
    "退款金额",
    "充值券退款金额",
    "退款类型",
    "退款状态",
    "商品名称",
    "商户数据包",
    "手续费",
    "费率",
    "订单金额",
    "申请退款金额",
    "费率备注",
)
WECHAT_SUMMARY_COLUMNS: Final = (
    "总交易单数",
    "应结订单总金额",
    "退款总金额",
    "充值券退款总金额",
    "手续费总金额",
    "订单总金额",
    "申请退款总金额",
)
_WECHAT_NEEDED: Final = ("交易时间", "微信订单号", "商户订单号", "交易状态", "货币种类", "订单金额")


def parse_wechat_trade_bill(content: bytes, day: date) -> ProviderStatement:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _invalid("wechat", "the statement is not UTF-8") from exc
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 3:
        raise _invalid("wechat", "the statement has no header, summary header and summary")
    header = _cells(lines[0], tick=False)
    missing = [name for name in _WECHAT_NEEDED if name not in header]
    if missing:
        raise _invalid("wechat", f"the statement lacks the columns {missing}")
    summary_header, summary_cells = _cells(lines[-2], tick=False), _cells(lines[-1], tick=True)
    if len(summary_header) != len(summary_cells) or "总交易单数" not in summary_header:
        raise _invalid("wechat", "the summary does not read")
    summary = dict(zip(summary_header, summary_cells, strict=True))

    rows: list[ProviderStatementRow] = []
    for number, line in enumerate(lines[1:-2], start=2):
        cells = _cells(line, tick=True)
        if len(cells) != len(header):
            raise _invalid("wechat", f"line {number} has {len(cells)} cells, the header {len(header)}")
        raw = dict(zip(header, cells, strict=True))
        state = raw["交易状态"]
        kind: StatementKind
        if state == "SUCCESS":
            kind, amount, refund_no, refund_id = "payment", raw["订单金额"], "", ""
        elif state == "REFUND":
            kind = "refund"
            amount = raw.get("申请退款金额") or raw.get("退款金额", "")
            refund_no, refund_id = raw.get("商户退款单号", ""), raw.get("微信退款单号", "")
            if not refund_no:
                raise _invalid("wechat", f"line {number}: a refund without 商户退款单号")
        else:
            raise _invalid("wechat", f"line {number}: unknown 交易状态 {state!r}")
        rows.append(
            ProviderStatementRow(
                kind=kind,
                out_trade_no=raw["商户订单号"],
                provider_transaction_id=raw["微信订单号"],
                refund_no=refund_no,
                provider_refund_id=refund_id,
                amount_fen=_fen("wechat", amount, number),
                currency=raw["货币种类"] or "CNY",
                at=_china_time("wechat", raw["交易时间"], number),
                raw=raw,
            )
        )
    statement = _statement("wechat", day, rows)
    try:
        count = int(summary["总交易单数"])
        payments = yuan_to_fen(summary.get("订单总金额", ""))
        refunds = yuan_to_fen(summary.get("申请退款总金额", "") or summary.get("退款总金额", ""))
    except ValueError as exc:
        raise _invalid("wechat", f"the summary does not read: {exc}") from exc
    if (count, payments, refunds) != (len(rows), statement.payments_fen, statement.refunds_fen):
        raise _invalid(
            "wechat",
            f"the summary ({count} rows, {payments} fen paid, {refunds} fen refunded) does not match the rows "
            f"({len(rows)}, {statement.payments_fen}, {statement.refunds_fen})",
        )
    return statement


# Alipay ---------------------------------------------------------------------------------------------------------

ALIPAY_COLUMNS: Final = (
    "支付宝交易号",
    "商户订单号",
    "业务类型",
    "商品名称",
    "创建时间",
    "完成时间",
    "门店编号",
    "门店名称",
    "操作员",
    "终端号",
    "对方账户",
    "订单金额（元）",
    "商家实收（元）",
    "支付宝红包（元）",
    "集分宝（元）",
    "支付宝优惠（元）",
    "商家优惠（元）",
    "券核销金额（元）",
    "券名称",
    "商家红包消费金额（元）",
    "卡消费金额（元）",
    "退款批次号/请求号",
    "服务费（元）",
    "分润（元）",
    "备注",
)
_ALIPAY_NEEDED: Final = (
    "支付宝交易号",
    "商户订单号",
    "业务类型",
    "完成时间",
    "订单金额（元）",
    "商家实收（元）",
)
_ALIPAY_TOTAL: Final = re.compile(r"#(交易|退款)合计：([0-9]+)笔，商家实收共(-?[0-9.]+)元")


def parse_alipay_bill_zip(content: bytes, day: date) -> ProviderStatement:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = [n for n in archive.namelist() if n.endswith(".csv") and "汇总" not in n]
            if len(names) != 1:
                raise _invalid("alipay", f"expected one detail CSV in the archive, found {names}")
            info = archive.getinfo(names[0])
            if info.file_size > MAX_STATEMENT_FILE_BYTES:
                raise _invalid("alipay", "the statement is too large")
            data = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise _invalid("alipay", f"the statement is not a readable ZIP: {exc}") from exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _invalid("alipay", "the statement is not GBK") from exc
    return parse_alipay_bill_csv(text, day)


def parse_alipay_bill_csv(text: str, day: date) -> ProviderStatement:
    table: list[str] = []
    totals: dict[str, tuple[int, int]] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            match = _ALIPAY_TOTAL.match(line.strip())
            if match:
                try:
                    totals[match[1]] = (int(match[2]), signed_yuan_to_fen(match[3]))
                except ValueError as exc:
                    raise _invalid("alipay", f"the totals do not read: {line!r}") from exc
        elif line.strip():
            table.append(line)
    if not table:
        raise _invalid("alipay", "the statement has no table")
    records = list(csv.reader(table))
    header = [cell.strip() for cell in records[0]]
    missing = [name for name in _ALIPAY_NEEDED if name not in header]
    if missing:
        raise _invalid("alipay", f"the statement lacks the columns {missing}")
    rows: list[ProviderStatementRow] = []
    for number, record in enumerate(records[1:], start=2):
        cells = [cell.strip() for cell in record]  # the tabs Alipay appends, and spaces
        if len(cells) != len(header):
            raise _invalid("alipay", f"row {number} has {len(cells)} cells, the header {len(header)}")
        raw = dict(zip(header, cells, strict=True))
        kind_name = raw["业务类型"]
        if kind_name == "交易":
            kind: StatementKind = "payment"
            amount = _fen("alipay", raw["订单金额（元）"], number)
            refund_no = ""
        elif kind_name == "退款":
            kind = "refund"
            amount = -_signed_fen("alipay", raw["商家实收（元）"], number)
            refund_no = raw.get("退款批次号/请求号", "")
            if amount <= 0 or not refund_no:
                raise _invalid(
                    "alipay", f"row {number}: a refund needs a negative 商家实收 and its request no"
                )
        else:
            raise _invalid("alipay", f"row {number}: unknown 业务类型 {kind_name!r}")
        rows.append(
            ProviderStatementRow(
                kind=kind,
                out_trade_no=raw["商户订单号"],
                provider_transaction_id=raw["支付宝交易号"],
                refund_no=refund_no,
                provider_refund_id="",
                amount_fen=amount,
                currency="CNY",
                at=_china_time("alipay", raw["完成时间"], number),
                raw=raw,
            )
        )
    statement = _statement("alipay", day, rows)
    payments = [r for r in rows if r.kind == "payment"]
    refunds = [r for r in rows if r.kind == "refund"]
    expected = {
        "交易": (len(payments), sum(_signed_fen("alipay", r.raw["商家实收（元）"], 0) for r in payments)),
        "退款": (len(refunds), -statement.refunds_fen),
    }
    if set(totals) != set(expected):
        raise _invalid("alipay", "the statement lacks its 交易合计 / 退款合计 lines")
    for name, value in expected.items():
        if totals[name] != value:
            raise _invalid("alipay", f"{name}合计 says {totals[name]}, the rows {value}")
    return statement


# shared ---------------------------------------------------------------------------------------------------------


def _statement(channel: Channel, day: date, rows: list[ProviderStatementRow]) -> ProviderStatement:
    return ProviderStatement(
        channel=channel,
        day=day,
        rows=rows,
        payments_fen=sum(r.amount_fen for r in rows if r.kind == "payment"),
        refunds_fen=sum(r.amount_fen for r in rows if r.kind == "refund"),
    )


def _cells(line: str, *, tick: bool) -> list[str]:
    cells = next(csv.reader([line]))
    if tick:
        cells = [c[1:] if c.startswith("`") else c for c in cells]
    return [c.strip() for c in cells]


def _fen(channel: Channel, text: str, number: int) -> int:
    try:
        return yuan_to_fen(text)
    except ValueError as exc:
        raise _invalid(channel, f"row {number}: {exc}") from exc


def _signed_fen(channel: Channel, text: str, number: int) -> int:
    try:
        return signed_yuan_to_fen(text)
    except ValueError as exc:
        raise _invalid(channel, f"row {number}: {exc}") from exc


def _china_time(channel: Channel, text: str, number: int) -> datetime:
    try:
        local = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError as exc:
        raise _invalid(channel, f"row {number}: not a time: {text!r}") from exc
    return local.replace(tzinfo=CHINA_TZ).astimezone(UTC)


def _invalid(channel: Channel, detail: str) -> StatementInvalid:
    return StatementInvalid(detail, provider=channel)
