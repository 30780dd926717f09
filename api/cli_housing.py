"""`cityloop housing | ledger | votes | billing | payments`: the housing commands of the command line (api/cli.py
registers them with `add_commands`)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from api.cli_common import TerminalProgress, with_conn
from api.db import connect
from api.settings import Settings
from identity import service
from identity.models import RequestContext


def cmd_ledger_check(settings: Settings, args: argparse.Namespace) -> int:
    """Prove the ledger (housing/ledger.py): every entry balances, every stored balance equals its lines, every
    home's receivable equals its open bills. One snapshot (REPEATABLE READ); exit 1 on any difference."""
    from housing import ledger

    progress = TerminalProgress(sys.stderr)

    async def run() -> ledger.CheckReport:
        conn = await connect(settings)
        try:
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                return await ledger.check(conn, progress, chunk_entries=args.chunk)
        finally:
            await conn.close()

    report = asyncio.run(run())
    progress.close()
    if args.json:
        print(msgspec.json.encode(report).decode())
    else:
        print(ledger.describe(report))
    return 0 if report.ok else 1


def cmd_votes_recount(settings: Settings, args: argparse.Namespace) -> int:
    """Recompute a matter's tally from its roll and ballots (housing/votes.py) and print it; exit 1 when it differs
    from the published one (or none was published), 0 when they are equal."""
    from housing import votes
    from housing.errors import HousingError

    async def run() -> tuple[dict[str, Any], dict[str, Any] | None]:
        conn = await connect(settings)
        try:
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                return await votes.recount(conn, args.matter_id)
        finally:
            await conn.close()

    try:
        fresh, published = asyncio.run(run())
    except HousingError as exc:
        print(f"cityloop: {exc.code}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(fresh, ensure_ascii=False, indent=2, sort_keys=True))
    if published is None:
        print("cityloop: no result was published for this matter", file=sys.stderr)
        return 1
    if json.loads(json.dumps(published, sort_keys=True)) != json.loads(json.dumps(fresh, sort_keys=True)):
        print("cityloop: the recount DIFFERS from the published result", file=sys.stderr)
        return 1
    print("the recount equals the published result", file=sys.stderr)
    return 0


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("a date is YYYY-MM-DD, e.g. 2026-11-01") from exc


def cmd_housing_import(settings: Settings, args: argparse.Namespace) -> int:
    """The owners register of an estate from CSV or XLSX (housing/register.py): all or nothing."""
    from zoneinfo import ZoneInfo

    from housing import register
    from housing.errors import HousingError, RegisterImportRefused
    from housing.models import RegisterImportReport

    try:
        raw = args.file.read_bytes()
    except OSError as exc:
        print(f"cityloop: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    progress = TerminalProgress(sys.stderr)
    ctx = RequestContext(actor_label=f"cli:{os.environ.get('USER', 'operator')}")
    effective = args.effective or datetime.now(ZoneInfo(settings.city_timezone)).date()

    async def run(conn: asyncpg.Connection) -> RegisterImportReport:
        try:
            report = await register.import_register(
                conn,
                args.estate,
                raw,
                file_name=args.file.name,
                effective_date=effective,
                dry_run=args.dry_run,
                default_region=settings.default_phone_region,
                actor_label=ctx.actor_label,
                progress=progress,
            )
        except RegisterImportRefused as exc:  # the refusal's log row is committed with the audit entry
            report = register.refused_report(exc)
        details = register.audit_details(report)
        await service.audit(conn, ctx, None, "register.import", "register_import", str(report.id), **details)
        return report

    try:
        report = asyncio.run(with_conn(settings, run))
    except HousingError as exc:
        progress.close()
        print(f"cityloop: {exc.code}: {exc}", file=sys.stderr)
        return 1
    progress.close()
    print(register.describe(report))
    return 1 if report.outcome == "refused" else 0


def cmd_billing_run(settings: Settings, args: argparse.Namespace) -> int:
    """Make (or go on with) the bills of an estate for a period (housing/billing.py), with a progress bar."""
    from api.db import create_pool
    from housing import billing
    from housing.errors import HousingError

    progress = TerminalProgress(sys.stderr)

    async def run() -> billing.BillingRun:
        made = await with_conn(
            settings, lambda conn: billing.create_run(conn, args.estate, args.period, None)
        )
        pool = await create_pool(settings)
        try:
            return await billing.execute_run(pool, made[0].id, progress=progress)
        finally:
            await pool.close()

    try:
        result = asyncio.run(run())
    except HousingError as exc:
        progress.close()
        print(f"cityloop: {exc.code}: {exc}", file=sys.stderr)
        return 1
    progress.close()
    print(msgspec.json.encode(result).decode())
    return 0 if result.state == "completed" else 1


def cmd_readings_import(settings: Settings, args: argparse.Namespace) -> int:
    """Water meter readings of an estate from CSV or XLSX (housing/readings.py): all or nothing, a report, --dry-run."""
    from zoneinfo import ZoneInfo

    from housing import readings
    from housing.errors import HousingError, ReadingImportRefused

    try:
        raw = args.file.read_bytes()
    except OSError as exc:
        print(f"cityloop: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    progress = TerminalProgress(sys.stderr)
    ctx = RequestContext(actor_label=f"cli:{os.environ.get('USER', 'operator')}")

    async def run(conn: asyncpg.Connection) -> readings.ReadingImportReport:
        try:
            report = await readings.import_readings(
                conn,
                args.fee_item,
                raw,
                file_name=args.file.name,
                dry_run=args.dry_run,
                actor_label=ctx.actor_label,
                today=datetime.now(ZoneInfo(settings.city_timezone)).date(),
                progress=progress,
            )
        except ReadingImportRefused as exc:  # the refusal's log row is committed with the audit entry
            report = readings.refused_report(exc)
        details = readings.audit_details(report)
        await service.audit(conn, ctx, None, "readings.import", "reading_import", str(report.id), **details)
        return report

    try:
        report = asyncio.run(with_conn(settings, run))
    except HousingError as exc:
        progress.close()
        print(f"cityloop: {exc.code}: {exc}", file=sys.stderr)
        return 1
    progress.close()
    print(readings.describe(report))
    return 1 if report.outcome == "refused" else 0


def cmd_payments_reconcile(settings: Settings, args: argparse.Namespace) -> int:
    """The daily reconciliation (对账, housing/reconcile.py) of every configured channel (or --channel) against
    its provider's statement of a China Standard Time day (default: yesterday). Statements are fetched first,
    then each channel is compared and stored in its own transaction. Exit 0 when nothing differs, 1 when
    something differs, 2 when a provider is not configured or could not give its statement (that channel is
    not reconciled; the others still are)."""
    from datetime import timedelta

    from api.payment_providers import build_providers
    from housing import reconcile
    from housing.providers import ProviderStatement
    from housing.providers.base import CHINA_TZ
    from housing.providers.errors import ProviderError
    from housing.providers.models import Channel

    today = datetime.now(CHINA_TZ).date()
    day: date = args.date or today - timedelta(days=1)
    if day > today:
        print(f"cityloop: {day} has not come yet in China Standard Time (today is {today})", file=sys.stderr)
        return 2
    try:
        providers = build_providers(settings)
    except ProviderError as exc:
        print(f"cityloop: {exc.code}: {exc}", file=sys.stderr)
        return 2
    channels: list[Channel] = (
        [args.channel] if args.channel else [c for c in reconcile.CHANNELS if c in providers]
    )
    missing = [c for c in channels if c not in providers]
    if not channels or missing:
        which = f"for {', '.join(missing)} " if missing else ""
        print(
            f"cityloop: no payment provider is configured {which}(PAYMENTS_CONFIG_FILE names "
            f"{', '.join(sorted(providers)) or 'none'}): nothing reconciled",
            file=sys.stderr,
        )
        return 2
    if day == today:
        print(f"cityloop: {day} is not over yet: its statement may still grow", file=sys.stderr)

    async def run() -> tuple[list[str], bool, bool]:
        statements: dict[Channel, ProviderStatement] = {}
        failed = False
        for channel in channels:
            try:
                statements[channel] = await providers[channel].statement(day)
            except ProviderError as exc:
                failed = True
                print(
                    f"cityloop: {channel}: {exc.code}: {exc}: no statement of {day}, not reconciled",
                    file=sys.stderr,
                )
        reports: list[str] = []
        differs = False
        if not statements:
            return reports, failed, differs
        conn = await connect(settings)
        try:
            for channel, statement in statements.items():
                async with conn.transaction(isolation="repeatable_read"):
                    result = await reconcile.reconcile(conn, channel, day, statement)
                differs = differs or not reconcile.is_clean(result)
                reports.append(reconcile.describe(result, statement))
        finally:
            await conn.close()
        return reports, failed, differs

    reports, failed, differs = asyncio.run(run())
    print("\n\n".join(reports))
    return 2 if failed else 1 if differs else 0


def add_commands(sub: Any) -> None:
    housing = sub.add_parser("housing", help="estates and homes").add_subparsers(
        dest="command", required=True
    )
    register_import = housing.add_parser(
        "import", help="import an estate's owners register (业主名册) from CSV or XLSX; all or nothing"
    )
    register_import.add_argument(
        "file", type=Path, help="a CSV (UTF-8 or GBK/GB18030, as Excel saves it) or XLSX file"
    )
    register_import.add_argument("--estate", required=True, type=UUID, help="the estate's id")
    register_import.add_argument(
        "--effective",
        type=_iso_date,
        help="the date changed owners own from (default: today, in the city's zone)",
    )
    register_import.add_argument(
        "--dry-run", action="store_true", help="check and count, write nothing (the run is logged)"
    )
    register_import.set_defaults(fn=cmd_housing_import)

    ledger_group = sub.add_parser("ledger", help="the housing ledger").add_subparsers(
        dest="command", required=True
    )
    ledger_check = ledger_group.add_parser(
        "check", help="prove every entry balances and every stored balance equals its entries (exit 1 if not)"
    )
    ledger_check.add_argument("--json", action="store_true", help="print the report as JSON")
    ledger_check.add_argument(
        "--chunk", type=int, default=250_000, help="entries read per step (default 250,000)"
    )
    ledger_check.set_defaults(fn=cmd_ledger_check)

    votes_group = sub.add_parser("votes", help="owners' assembly votes").add_subparsers(
        dest="command", required=True
    )
    votes_recount = votes_group.add_parser(
        "recount",
        help="recompute a matter's tally from its ballots; exit 1 if it differs from the published one",
    )
    votes_recount.add_argument("matter_id", type=UUID, help="the matter's id")
    votes_recount.set_defaults(fn=cmd_votes_recount)

    billing_group = sub.add_parser("billing", help="bills of estates").add_subparsers(
        dest="command", required=True
    )
    billing_run = billing_group.add_parser(
        "run", help="make the bills of an estate for a period (idempotent; goes on with a stopped run)"
    )
    billing_run.add_argument("--estate", required=True, type=UUID, help="the estate's id")
    billing_run.add_argument("--period", required=True, help="YYYY-MM or YYYY-Qn")
    billing_run.set_defaults(fn=cmd_billing_run)
    readings_import = billing_group.add_parser(
        "readings", help="import water meter readings from CSV or XLSX (all or nothing)"
    )
    readings_import.add_argument(
        "file", type=Path, help="CSV or XLSX: building, entrance, room, read_on, reading"
    )
    readings_import.add_argument("--fee-item", required=True, type=UUID, help="the water fee item's id")
    readings_import.add_argument(
        "--dry-run", action="store_true", help="check and count, write nothing (the run is logged)"
    )
    readings_import.set_defaults(fn=cmd_readings_import)

    payments_group = sub.add_parser("payments", help="online payments of bills").add_subparsers(
        dest="command", required=True
    )
    payments_reconcile = payments_group.add_parser(
        "reconcile",
        help="compare a day's payments and refunds with the providers' statements (exit 1 on a difference, "
        "2 when a provider is missing or unavailable)",
    )
    payments_reconcile.add_argument(
        "--date",
        type=_iso_date,
        default=None,
        help="the China Standard Time day, YYYY-MM-DD (default: yesterday)",
    )
    payments_reconcile.add_argument(
        "--channel",
        choices=["wechat", "alipay"],
        default=None,
        help="one channel (default: every configured one)",
    )
    payments_reconcile.set_defaults(fn=cmd_payments_reconcile)
