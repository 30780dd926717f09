"""`cityloop`: the operators' command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID

import asyncpg
import msgspec

from api import cli_open311
from api.config import auth_config
from api.db import connect, migrate
from api.demo import seed_demo
from api.settings import Settings, SettingsError, load_settings
from cases.grids import geojson as grids_geojson
from cases.grids import imports as grids_imports
from cases.grids.errors import GridImportRefused
from identity import service, store
from identity.errors import IdentityError
from identity.models import ROLES, RequestContext, RoleGrant
from mobile_contract import contract


async def _with_conn(
    settings: Settings, fn: Callable[[asyncpg.Connection], Awaitable[Any]], *, transaction: bool = True
) -> Any:
    conn = await connect(settings)
    try:
        if not transaction:
            return await fn(conn)
        async with conn.transaction():
            return await fn(conn)
    finally:
        await conn.close()


def _grant(spec: str) -> RoleGrant:
    """`role` or `role@kind:id`, e.g. `inspector@district:110101`."""
    role, _, scope = spec.partition("@")
    kind, _, scope_id = scope.partition(":")
    raw = {"role": role, "scope_kind": kind or None, "scope_id": scope_id or None}
    try:
        return msgspec.convert(raw, RoleGrant)
    except msgspec.ValidationError as exc:
        raise argparse.ArgumentTypeError(
            f"{exc}: a role is one of {', '.join(ROLES)}, optionally @district:ID, @department:ID or @estate:ID"
        ) from exc


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    # migrate() runs each file in its own transaction
    applied = asyncio.run(_with_conn(settings, migrate, transaction=False))
    print(
        f"applied {len(applied)} migration(s)"
        + (": " + ", ".join(applied) if applied else "; database is current")
    )
    return 0


def cmd_seed_demo(settings: Settings, args: argparse.Namespace) -> int:
    users = asyncio.run(_with_conn(settings, lambda conn: seed_demo(conn, auth_config(settings))))
    print("Demo users (sign in with an SMS code, or print a token with `cityloop users token PHONE`):")
    for phone, name, role in users:
        print(f"  {role:<20} {phone}  {name}")
    return 0


def cmd_users_create(settings: Settings, args: argparse.Namespace) -> int:
    ctx = RequestContext(actor_label=f"cli:{os.environ.get('USER', 'operator')}")
    user = asyncio.run(
        _with_conn(
            settings,
            lambda conn: service.create_user(
                conn, auth_config(settings), args.phone, args.role, ctx, args.name
            ),
        )
    )
    print(json.dumps({"id": str(user.id), "phone": user.phone, "roles": [r.role for r in user.roles]}))
    return 0


def cmd_users_token(settings: Settings, args: argparse.Namespace) -> int:
    ctx = RequestContext(actor_label=f"cli:{os.environ.get('USER', 'operator')}")
    tokens = asyncio.run(
        _with_conn(
            settings, lambda conn: service.issue_tokens_for(conn, auth_config(settings), args.phone, ctx)
        )
    )
    print(
        json.dumps({"access_token": tokens.access_token, "refresh_token": tokens.refresh_token})
        if args.json
        else tokens.access_token
    )
    return 0


def cmd_sms_last(settings: Settings, args: argparse.Namespace) -> int:
    from identity.phone import normalize_phone

    phone = normalize_phone(args.phone, settings.default_phone_region)
    row = asyncio.run(_with_conn(settings, lambda conn: store.last_sms(conn, phone)))
    if row is None:
        print(f"no message was sent to {phone}", file=sys.stderr)
        return 1
    print(f"{row['created_at']:%Y-%m-%d %H:%M:%S}Z  {row['phone']}  [{row['status']}]  {row['body']}")
    return 0


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    from api.observability import configure_logging
    from api.worker import run_worker

    configure_logging(settings.log_level)
    asyncio.run(run_worker(settings))
    return 0


#: The longest request head (request line and headers) the server buffers. A longer one is answered 400 and its
#: connection closed as soon as this much has arrived: a 50 MB header used to hold the event loop for seconds.
#: A reverse proxy refuses long heads earlier still (deploy/README.md).
MAX_REQUEST_HEAD_BYTES = 32 * 1024


def server_options() -> dict[str, Any]:
    """uvicorn's options for the API, besides where it listens (tests/security run the same)."""
    return {
        # h11 bounds the head it buffers (its max incomplete event size); httptools buffers any length of header
        # line, copying it again for each packet that arrives
        "http": "h11",
        "h11_max_incomplete_event_size": MAX_REQUEST_HEAD_BYTES,
        # X-Forwarded-For is read by api.proxies from TRUSTED_PROXIES only; uvicorn's own handling would
        # believe it from any loopback peer
        "proxy_headers": False,
        "log_config": None,
        "access_log": False,
    }


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    """The API under uvicorn in this process (--no-worker); else a supervisor that runs the API (`serve
    --no-worker`) and the worker as child processes and restarts either when it dies (api/supervisor.py)."""
    if not args.no_worker:
        from api.observability import configure_logging
        from api.supervisor import supervise_serve

        configure_logging(settings.log_level)
        return supervise_serve()
    import uvicorn

    print(
        f"CityLoop API on http://{settings.host}:{settings.port}  (OpenAPI: /schema, metrics: /metrics)",
        flush=True,
    )
    uvicorn.run(
        "api.asgi:app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        **server_options(),
    )
    return 0


class TerminalProgress:
    """A progress bar for `progress` on a terminal; one line per finished phase when not a terminal."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = self.stream.isatty()
        self._phase = ""
        self._drawn = 0.0
        self._started = time.perf_counter()

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if phase != self._phase:
            self._finish()
            self._phase, self._started = phase, now
        finished = done >= total
        if self.tty and (finished or now - self._drawn > 0.1):
            share = done / total if total else 1.0
            filled = int(share * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r{phase:<6} [{bar}] {share:4.0%} {done:,}/{total:,}")
            self.stream.flush()
            self._drawn = now

    def _finish(self) -> None:
        if not self._phase:
            return
        took = time.perf_counter() - self._started
        if self.tty:
            self.stream.write(f"  {took:.2f} s\n")
        else:
            self.stream.write(f"{self._phase:<6} done in {took:.2f} s\n")
        self.stream.flush()

    def close(self) -> None:
        self._finish()
        self._phase = ""


def format_report(report: grids_geojson.ImportReport, max_lines: int = 200) -> str:
    """A summary for people: the outcome, the counts, and every problem (up to `max_lines`)."""
    what = "unit grids" if report.kind == "unit" else "responsibility grids"
    head = f"{report.file_name} ({what}, sha256 {report.sha256[:12]}): "
    lines: list[str] = []
    if report.outcome == "refused":
        offenders = len({p.index for p in report.problems if p.index is not None})
        lines.append(
            head
            + f"REFUSED, {report.problems_total} problem(s) in {offenders} of {report.features} feature(s); "
            "nothing was imported"
        )
        for p in report.problems[:max_lines]:
            where = f"feature {p.index}" if p.index is not None else "file"
            lines.append(f"  {where}{f' ({p.code})' if p.code else ''}: {p.problem}: {p.detail}")
        if report.problems_total > max_lines:
            lines.append(f"  ... and {report.problems_total - max_lines} more (import log {report.id})")
        return "\n".join(lines)
    lines.append(head + ("checked (dry run, nothing written)" if report.dry_run else "imported"))
    lines.append(
        f"  features {report.features:,}: created {report.created:,}, updated {report.updated:,}, "
        f"unchanged {report.unchanged:,}; stored but not in the file (kept): {report.not_in_file:,}"
    )
    lines.append(
        f"  unit grids whose responsibility grid changed: {report.links_changed:,}; "
        f"without a responsibility grid: {report.units_unassigned:,}"
    )
    lines.append(f"  separate parts: {report.parts:,}; gaps larger than the tolerance: {report.gaps_total:,}")
    for g in report.gaps[:20]:
        lines.append(f"    gap of {g.area_m2:,.1f} m² at ({g.lat}, {g.lon}), between {', '.join(g.around)}")
    for p in report.repaired[:max_lines]:
        lines.append(f"  repaired feature {p.index} ({p.code}): {p.detail}")
    for p in report.warnings[:max_lines]:
        lines.append(f"  warning, feature {p.index} ({p.code}): {p.detail}")
    lines.append("  seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in report.seconds.items()))
    lines.append(f"  import log {report.id}")
    return "\n".join(lines)


def cmd_grids_import(settings: Settings, args: argparse.Namespace) -> int:
    try:
        raw = args.file.read_bytes()
    except OSError as exc:
        print(f"cityloop: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    progress = TerminalProgress(sys.stderr)
    ctx = RequestContext(actor_label=f"cli:{os.environ.get('USER', 'operator')}")

    async def run(conn: asyncpg.Connection) -> grids_geojson.ImportReport:
        try:
            report = await grids_imports.import_grids(
                conn,
                args.kind,
                raw,
                file_name=args.file.name,
                make_valid=args.make_valid,
                dry_run=args.dry_run,
                actor_label=ctx.actor_label,
                progress=progress,
            )
        except GridImportRefused as exc:  # the refusal's log row is committed with the audit entry
            report = grids_imports.refused_report(exc)
        details = grids_imports.audit_details(report)
        await service.audit(conn, ctx, None, "grids.import", "grid_import", str(report.id), **details)
        return report

    report = asyncio.run(_with_conn(settings, run))
    progress.close()
    print(format_report(report))
    return 1 if report.outcome == "refused" else 0


def _aware_datetime(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time zone, e.g. 2026-11-22T08:00:00+08:00")
    return value


def cmd_grids_route(settings: Settings, args: argparse.Namespace) -> int:
    from cases.common import CasesError
    from cases.grids.routing import route

    at = args.at or datetime.now(UTC)
    try:
        decision = asyncio.run(
            _with_conn(settings, lambda conn: route(conn, args.lat, args.lon, args.category, at))
        )
    except CasesError as exc:
        print(f"cityloop: {exc.code}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(msgspec.to_builtins(decision), ensure_ascii=False, indent=2))
    return 0


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
        report = asyncio.run(_with_conn(settings, run))
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
        made = await _with_conn(
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
        report = asyncio.run(_with_conn(settings, run))
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


def cmd_contract(settings: Settings, args: argparse.Namespace) -> int:
    from api.app import create_app  # the routes make the document; no other command needs a controller

    document = contract.render(create_app(settings, connect=False))
    if args.action == "write":
        contract.CONTRACT_PATH.write_text(document, encoding="utf-8")
        print(f"wrote {contract.CONTRACT_PATH}")
        return 0
    problems = contract.check(document)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("mobile_contract/openapi.json is current")
    return 1 if problems else 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cityloop", description="CityLoop operators' command line")
    sub = p.add_subparsers(dest="group", required=True)

    db = sub.add_parser("db", help="database").add_subparsers(dest="command", required=True)
    db.add_parser("migrate", help="apply pending migrations").set_defaults(fn=cmd_migrate)
    db.add_parser("seed-demo", help="load the demo city and its users").set_defaults(fn=cmd_seed_demo)

    users = sub.add_parser("users", help="users").add_subparsers(dest="command", required=True)
    create = users.add_parser("create", help="create a user with roles (or add roles to one)")
    create.add_argument("--phone", required=True)
    create.add_argument(
        "--role",
        required=True,
        action="append",
        type=_grant,
        help="role, or role@kind:id (repeatable), e.g. inspector@district:110101",
    )
    create.add_argument("--name", default="")
    create.set_defaults(fn=cmd_users_create)
    token = users.add_parser("token", help="print an access token for a user (audited)")
    token.add_argument("phone")
    token.add_argument("--json", action="store_true", help="print both tokens as JSON")
    token.set_defaults(fn=cmd_users_token)

    sms = sub.add_parser("sms", help="text messages").add_subparsers(dest="command", required=True)
    last = sms.add_parser("last", help="print the last message sent to a phone (dev and test)")
    last.add_argument("phone")
    last.set_defaults(fn=cmd_sms_last)

    sub.add_parser("worker", help="run the background worker").set_defaults(fn=cmd_worker)
    serve = sub.add_parser(
        "serve", help="serve the API and the worker, each restarted with backoff when it dies"
    )
    serve.add_argument(
        "--no-worker", action="store_true", help="serve only the API, in this process (no supervisor)"
    )
    serve.set_defaults(fn=cmd_serve)

    grids = sub.add_parser("grids", help="grids and routing").add_subparsers(dest="command", required=True)
    grid_import = grids.add_parser("import", help="import unit or responsibility grids from a GeoJSON file")
    grid_import.add_argument("file", type=Path, help="a GeoJSON FeatureCollection (WGS-84 or CGCS2000)")
    grid_import.add_argument("--kind", required=True, choices=["unit", "responsibility"])
    grid_import.add_argument(
        "--make-valid", action="store_true", help="repair invalid polygons with ST_MakeValid"
    )
    grid_import.add_argument(
        "--dry-run", action="store_true", help="check and count, write nothing (the run is logged)"
    )
    grid_import.set_defaults(fn=cmd_grids_import)
    grid_route = grids.add_parser("route", help="where a case at a point would be routed (stores nothing)")
    grid_route.add_argument("lat", type=float, help="WGS-84 latitude")
    grid_route.add_argument("lon", type=float, help="WGS-84 longitude")
    grid_route.add_argument("category", help="category code, e.g. E0102")
    grid_route.add_argument("--at", type=_aware_datetime, help="ISO time with a zone (default: now)")
    grid_route.set_defaults(fn=cmd_grids_route)

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

    cli_open311.add_commands(sub)

    c = sub.add_parser("contract", help="the published OpenAPI document")
    c.add_argument("action", choices=["write", "check"])
    c.set_defaults(fn=cmd_contract)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        # the contract is rendered from the code alone: it needs no named environment or secret
        settings = (
            load_settings(env=os.environ.get("CITYLOOP_ENV") or "dev")
            if args.fn is cmd_contract
            else load_settings()
        )
    except SettingsError as exc:
        print(f"cityloop: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.fn(settings, args))
    except IdentityError as exc:
        print(f"cityloop: {exc.code}: {exc}", file=sys.stderr)
        return 1
    except (OSError, asyncpg.PostgresError) as exc:
        print(
            f"cityloop: cannot reach the database ({settings.database_url.split('@')[-1]}): {exc}",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
