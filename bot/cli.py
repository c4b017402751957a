"""The `shuoshi` command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

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


def _followups_dispatch(args: argparse.Namespace) -> int:
    from bot.outbox.dispatch_once import dispatch_once

    report = asyncio.run(dispatch_once(load_settings()))
    print(report)
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

    followups = commands.add_parser("followups", help="surveys and notices").add_subparsers(
        dest="followups_command", required=True
    )
    followups.add_parser("dispatch", help="one pass over the due outbox items").set_defaults(
        handler=_followups_dispatch
    )
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=load_settings().log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
