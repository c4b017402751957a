"""The `shuoshi` command."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot import logs
from bot.config import load_settings


def _run(args: argparse.Namespace) -> int:
    from bot.launcher.run import run

    return run(load_settings())


def _train(args: argparse.Namespace) -> int:
    from bot.launcher.training import TrainingFailed, ensure_model

    try:
        print(ensure_model(load_settings(), force=args.force))
    except TrainingFailed as failure:
        print(failure, file=sys.stderr)
        return 1
    return 0


def _chat(args: argparse.Namespace) -> int:
    from bot.channels.terminal import chat

    return asyncio.run(chat(load_settings(), sender=args.sender))


def _db_upgrade(args: argparse.Namespace) -> int:
    from bot.db import migrate

    migrate.upgrade(load_settings())
    print("database is at the latest revision")
    return 0


def _attachments_migrate(args: argparse.Namespace) -> int:
    from bot.cases import attachment_store
    from bot.db.session import session_scope

    settings = load_settings()
    with session_scope(settings) as session:
        moved = attachment_store.migrate_directory(session=session, settings=settings)
    with session_scope(settings) as session:  # only once the files are committed to the store
        removed = attachment_store.remove_moved(session=session, settings=settings)
    print(f"{moved.moved} files moved into the case store, {removed} removed from {settings.attachments_dir}")
    for key in moved.missing:
        print(f"missing on disk (row kept as it was): {key}", file=sys.stderr)
    for key in moved.damaged:
        print(f"does not match its recorded hash (left on disk): {key}", file=sys.stderr)
    return 1 if moved.damaged else 0


def _followups_dispatch(args: argparse.Namespace) -> int:
    from bot.delivery.dispatch_once import dispatch_once

    report = asyncio.run(dispatch_once(load_settings()))
    print(report)
    return 0


def _staff_add(args: argparse.Namespace) -> int:
    from bot.db.errors import DomainError
    from bot.db.session import session_scope
    from bot.staff import accounts

    if not args.password_stdin:
        print("give the password on standard input, with --password-stdin", file=sys.stderr)
        return 2
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        with session_scope(load_settings()) as session:
            staff = accounts.add_staff(
                session=session,
                username=args.username,
                password=password,
                role=args.role,
                township=args.township,
                display_name=args.name,
                villages=args.village or (),
            )
            villages = "、".join(row.village for row in staff.villages)
            scope = f"{staff.township or 'whole district'}" + (f": {villages}" if villages else "")
            print(f"added {staff.username} ({staff.role.value}, {scope})")
    except DomainError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def _staff_token(args: argparse.Namespace) -> int:
    from bot.db.errors import DomainError
    from bot.db.session import session_scope
    from bot.staff import auth
    from bot.staff import service as staff_service

    try:
        settings = load_settings()
        with session_scope(settings) as session:
            token = auth.issue_token(
                session=session,
                staff=staff_service.get(session=session, username=args.username),
                by=None,
                days=settings.console.token_days,
            )
    except DomainError as error:
        print(error, file=sys.stderr)
        return 1
    print(token)
    return 0


def _api_key_add(args: argparse.Namespace) -> int:
    from bot.db.errors import DomainError
    from bot.db.session import session_scope
    from bot.staff import api_keys

    try:
        with session_scope(load_settings()) as session:
            key = api_keys.add(session=session, name=args.name)
    except DomainError as error:
        print(error, file=sys.stderr)
        return 1
    print(key)  # shown this once: only its hash is kept
    return 0


def _api_key_revoke(args: argparse.Namespace) -> int:
    from bot.db.errors import DomainError
    from bot.db.session import session_scope
    from bot.staff import api_keys

    try:
        with session_scope(load_settings()) as session:
            api_keys.revoke(session=session, name=args.name)
    except DomainError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"revoked the API key {args.name}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from bot.cases import queue as case_queue
    from bot.console import exports
    from bot.console.i18n import language_of
    from bot.db.session import session_scope

    try:
        filters = case_queue.CaseFilter(
            status=args.status,
            kind=args.kind,
            township=args.township,
            category=args.category,
            received_from=args.received_from,
            received_to=args.received_to,
            text=args.text,
        )
    except ValidationError as error:
        print(error, file=sys.stderr)
        return 2
    with session_scope(load_settings()) as session:
        rows = exports.export_rows(session=session, staff=None, filters=filters, channel=f"cli {args.format}")
    language = language_of(args.language)
    data = exports.to_xlsx(rows, language) if args.format == "xlsx" else exports.to_csv(rows, language)
    if args.output == "-":
        sys.stdout.buffer.write(data)
    else:
        with open(args.output, "wb") as out:
            out.write(data)
        print(f"{len(rows)} cases written to {args.output}", file=sys.stderr)
    return 0


def _backup(args: argparse.Namespace) -> int:
    from bot.launcher.backup import BackupError, backup

    try:
        path = backup(load_settings(), output=args.output)
    except BackupError as error:
        print(error, file=sys.stderr)
        return 1
    print(path)
    return 0


def _restore(args: argparse.Namespace) -> int:
    from bot.launcher.backup import BackupError, case_count, restore

    try:
        manifest = restore(load_settings(), args.archive, force=args.force)
    except BackupError as error:
        print(error, file=sys.stderr)
        return 1
    cases = case_count(manifest)
    attachments = manifest["attachments"]
    print(f"restored the backup of {manifest['created_at']}: {cases} cases, {attachments} attachments")
    return 0


def _import_cases(args: argparse.Namespace) -> int:
    from bot.db.session import session_scope
    from bot.flows import backlog

    if not args.file.is_file():
        print(f"{args.file}: no such file", file=sys.stderr)
        return 2
    with session_scope(load_settings()) as session:
        report = backlog.import_cases(session=session, path=args.file)
        if args.dry_run or not report.ok:
            session.rollback()
    for line in report.lines():
        print(line)
    bad = len(report.rows_with_problems())
    if not report.ok:
        print(
            f"{report.rows} rows read, {bad} with problems ({len(report.problems)} in all): nothing imported",
            file=sys.stderr,
        )
        return 1
    if args.dry_run:
        print(f"{report.rows} rows read, no problems: `shuoshi import cases {args.file}` imports them")
        return 0
    for row, reference, number in report.imported:
        print(f"row {row}: {reference} → {number}")
    print(f"{len(report.imported)} cases imported")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="shuoshi", description="Shuoshi (说事): the district residents' assistant"
    )
    commands = root.add_subparsers(dest="command", required=True)

    commands.add_parser(
        "run", help="train if needed, migrate, start Rasa, actions and the gateway"
    ).set_defaults(handler=_run)
    train = commands.add_parser("train", help="train the Rasa model if its inputs changed")
    train.add_argument("--force", action="store_true", help="train even if nothing changed")
    train.set_defaults(handler=_train)
    chat = commands.add_parser("chat", help="chat with the running assistant in this terminal")
    chat.add_argument("--sender", default="local", help="conversation id (default: local)")
    chat.set_defaults(handler=_chat)

    db = commands.add_parser("db", help="the case store").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply the database migrations").set_defaults(handler=_db_upgrade)

    staff = commands.add_parser("staff", help="staff accounts of the console").add_subparsers(
        dest="staff_command", required=True
    )
    add = staff.add_parser("add", help="add a staff account (the password is read from standard input)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=["admin", "supervisor", "caseworker", "grid_worker"])
    add.add_argument("--township", help="limit the account to one township (required for caseworkers)")
    add.add_argument(
        "--village",
        action="append",
        help="a grid worker's village (repeatable; TOWNSHIP/VILLAGE where the name is ambiguous)",
    )
    add.add_argument("--name", help="the name shown in the console")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(handler=_staff_add)
    token = staff.add_parser("token", help="print a new bearer token for /api/staff")
    token.add_argument("username")
    token.set_defaults(handler=_staff_token)

    api_key = commands.add_parser(
        "api-key", help="keys for programs that name a web-chat sender (kiosks, integrations, benchmarks)"
    ).add_subparsers(dest="api_key_command", required=True)
    key_add = api_key.add_parser("add", help="print a new API key for the program NAME (shown once)")
    key_add.add_argument("name")
    key_add.set_defaults(handler=_api_key_add)
    key_revoke = api_key.add_parser("revoke", help="end the API key of the program NAME")
    key_revoke.add_argument("name")
    key_revoke.set_defaults(handler=_api_key_revoke)

    export = commands.add_parser("export", help="write the case list (whole district) as CSV or XLSX")
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument(
        "--language", choices=["zh", "en"], default="zh", help="headers and values (default: Chinese)"
    )
    export.add_argument("--output", "-o", default="-", help="file to write (default: standard output)")
    for name in ("status", "kind", "township", "category", "text"):
        export.add_argument(f"--{name}")
    export.add_argument("--from", dest="received_from", help="received on or after this day (YYYY-MM-DD)")
    export.add_argument("--to", dest="received_to", help="received on or before this day (YYYY-MM-DD)")
    export.set_defaults(handler=_export)

    backup = commands.add_parser(
        "backup", help="the case store, tracker store, attachments and secrets in one .tar.gz"
    )
    backup.add_argument(
        "--output", "-o", type=Path, help="file to write (default: var/backups/shuoshi-<time>.tar.gz)"
    )
    backup.set_defaults(handler=_backup)
    restore = commands.add_parser("restore", help="put a backup back (stop Shuoshi first)")
    restore.add_argument("archive", type=Path, help="a file `shuoshi backup` wrote")
    restore.add_argument("--force", action="store_true", help="replace a case store that holds cases")
    restore.set_defaults(handler=_restore)

    attachments = commands.add_parser("attachments", help="files residents sent").add_subparsers(
        dest="attachments_command", required=True
    )
    attachments.add_parser(
        "migrate", help="move files under var/attachments/ (before 0014) into the case store"
    ).set_defaults(handler=_attachments_migrate)

    followups = commands.add_parser("followups", help="surveys and notices").add_subparsers(
        dest="followups_command", required=True
    )
    followups.add_parser("dispatch", help="one pass over the due outbox items").set_defaults(
        handler=_followups_dispatch
    )

    importing = commands.add_parser("import", help="bring in cases from elsewhere").add_subparsers(
        dest="import_command", required=True
    )
    import_cases = importing.add_parser(
        "cases", help="the backlog from an XLSX or CSV file, one row a case (README lists the columns)"
    )
    import_cases.add_argument("file", type=Path, help="an .xlsx or .csv file")
    import_cases.add_argument(
        "--dry-run", action="store_true", help="check every row and list the problems; import nothing"
    )
    import_cases.set_defaults(handler=_import_cases)
    return root


def main(argv: list[str] | None = None) -> int:
    from bot.config import InsecureSettings

    args = parser().parse_args(argv)
    try:
        settings = load_settings()
    except InsecureSettings as error:
        print(error, file=sys.stderr)
        return 2
    # Standard error: standard output carries what a command prints (`export -o -`, `chat`).
    logs.configure(process="shuoshi", level=settings.log_level, stream=sys.stderr)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
