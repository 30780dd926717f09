"""`cityloop`: the operators' command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import msgspec

from api import cli_console, cli_housing, cli_open311
from api.cli_common import TerminalProgress, with_conn
from api.config import auth_config
from api.db import migrate
from api.demo import seed_demo
from api.settings import Settings, SettingsError, load_settings
from cases.grids import geojson as grids_geojson
from cases.grids import imports as grids_imports
from cases.grids.errors import GridImportRefused
from identity import service, store
from identity.errors import IdentityError
from identity.models import ROLES, RequestContext, RoleGrant
from mobile_contract import contract


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
    applied = asyncio.run(with_conn(settings, migrate, transaction=False))
    print(
        f"applied {len(applied)} migration(s)"
        + (": " + ", ".join(applied) if applied else "; database is current")
    )
    return 0


def cmd_seed_demo(settings: Settings, args: argparse.Namespace) -> int:
    users = asyncio.run(with_conn(settings, lambda conn: seed_demo(conn, auth_config(settings))))
    print("Demo users (sign in with an SMS code, or print a token with `cityloop users token PHONE`):")
    for phone, name, role in users:
        print(f"  {role:<20} {phone}  {name}")
    return 0


def cmd_users_create(settings: Settings, args: argparse.Namespace) -> int:
    ctx = RequestContext(actor_label=f"cli:{os.environ.get('USER', 'operator')}")
    user = asyncio.run(
        with_conn(
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
        with_conn(
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
    row = asyncio.run(with_conn(settings, lambda conn: store.last_sms(conn, phone)))
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

    report = asyncio.run(with_conn(settings, run))
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
            with_conn(settings, lambda conn: route(conn, args.lat, args.lon, args.category, at))
        )
    except CasesError as exc:
        print(f"cityloop: {exc.code}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(msgspec.to_builtins(decision), ensure_ascii=False, indent=2))
    return 0


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

    cli_housing.add_commands(sub)
    cli_open311.add_commands(sub)
    cli_console.add_commands(sub)

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
