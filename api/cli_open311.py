"""`cityloop open311 ...`: Open311 applications from the command line (issue a key, list, revoke), audited as the
operator. api/cli.py registers the group with `add_commands`."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from api.db import connect
from api.settings import Settings
from identity.models import RequestContext
from open311 import applications
from open311.errors import Open311Error
from open311.models import ApplicationCreate


def _ctx() -> RequestContext:
    return RequestContext(actor_label=f"cli:{os.environ.get('USER', 'operator')}")


def _run(settings: Settings, fn: Any) -> Any:
    async def run() -> Any:
        conn: asyncpg.Connection = await connect(settings)
        try:
            async with conn.transaction():
                return await fn(conn)
        finally:
            await conn.close()

    return asyncio.run(run())


def cmd_issue(settings: Settings, args: argparse.Namespace) -> int:
    try:
        data = msgspec.convert(
            {
                "name": args.name,
                "contact": args.contact,
                "requests_per_hour": args.requests_per_hour,
                "reports_per_day": args.reports_per_day,
            },
            ApplicationCreate,
        )
    except msgspec.ValidationError as exc:
        print(f"cityloop: {exc}", file=sys.stderr)
        return 2
    issued = _run(settings, lambda conn: applications.issue(conn, data, _ctx(), None))
    print(json.dumps(msgspec.to_builtins(issued), ensure_ascii=False))
    print("cityloop: the api_key is shown this once; only its sha256 is kept", file=sys.stderr)
    return 0


def cmd_list(settings: Settings, args: argparse.Namespace) -> int:
    page = _run(settings, lambda conn: applications.list_applications(conn, None, 1000))
    for app in page.items:
        print(json.dumps(msgspec.to_builtins(app), ensure_ascii=False))
    return 0


def cmd_revoke(settings: Settings, args: argparse.Namespace) -> int:
    try:
        app = _run(settings, lambda conn: applications.revoke(conn, args.application_id, _ctx(), None))
    except Open311Error as exc:
        print(f"cityloop: {exc.code}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(msgspec.to_builtins(app), ensure_ascii=False))
    return 0


def add_commands(sub: Any) -> None:
    """The `open311` group of the CLI's parser."""
    group = sub.add_parser("open311", help="Open311 GeoReport applications and their keys").add_subparsers(
        dest="command", required=True
    )
    issue = group.add_parser("issue", help="register an application and print its api_key (shown once)")
    issue.add_argument("name", help="the application's name (1 to 64 characters)")
    issue.add_argument("--contact", default="", help="who runs it (e-mail, phone)")
    issue.add_argument("--requests-per-hour", type=int, default=120, help="its POST requests an hour")
    issue.add_argument("--reports-per-day", type=int, default=500, help="its reports in 24 hours")
    issue.set_defaults(fn=cmd_issue)
    group.add_parser(
        "list", help="every application, one JSON line each (keys are never shown)"
    ).set_defaults(fn=cmd_list)
    revoke = group.add_parser("revoke", help="revoke an application's key and disable its service account")
    revoke.add_argument("application_id", type=UUID)
    revoke.set_defaults(fn=cmd_revoke)
