"""`shuoshi backup` and `shuoshi restore`: the case store, Rasa's tracker store, the attachments
and the secrets file, in one .tar.gz.

Each database is copied with its own tool, so a backup can be taken while Shuoshi runs:
- SQLite: the online backup API (a consistent snapshot, the write-ahead log included);
- PostgreSQL: `pg_dump --format=custom` (one transaction's snapshot); restored with
  `pg_restore --clean --single-transaction` into the installation's (existing) database.
The attachments are in the case store (bot.cases.attachment_store); files still under the
attachments directory (the "directory" store, or not yet migrated) are added as files.

The manifest records every table's row count; a restore checks the restored store against it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from bot.config import Settings
from bot.db.session import dispose_engine

MANIFEST = "manifest.json"
ATTACHMENTS, SECRETS = "attachments", "secrets.json"
# Seconds pg_dump / pg_restore may take before the backup is given up.
PG_TOOL_TIMEOUT = 3600


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Database:
    """One database of the installation, as a backup sees it."""

    name: str  # "case store", "tracker store"
    stem: str  # file name in the archive, without its suffix: "shuoshi", "tracker"
    url: URL

    @property
    def postgres(self) -> bool:
        return self.url.drivername.startswith("postgresql")

    @property
    def member(self) -> str:
        return f"{self.stem}.pgdump" if self.postgres else f"{self.stem}.db"

    @property
    def path(self) -> Path:
        return Path(self.url.database or "")

    def exists(self) -> bool:
        return self.postgres or self.path.exists()


def _database(name: str, stem: str, url: str) -> Database:
    parsed = make_url(url)
    if not (parsed.drivername.startswith("sqlite") or parsed.drivername.startswith("postgresql")):
        raise BackupError(f"the {name} is on {parsed.drivername}; only SQLite and PostgreSQL are backed up")
    if parsed.drivername.startswith("sqlite") and not parsed.database:
        raise BackupError(f"the {name} is an in-memory SQLite database; there is nothing to back up")
    return Database(name=name, stem=stem, url=parsed)


def databases(settings: Settings) -> tuple[Database, Database]:
    return (
        _database("case store", "shuoshi", settings.database_url),
        _database("tracker store", "tracker", settings.tracker_url),
    )


# -- SQLite -----------------------------------------------------------------------------------


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy with SQLite's online backup API (safe while others write)."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _sqlite_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{database.name} fails SQLite's integrity check")
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        # The names come from the file's own schema, not from input.
        counts = {
            table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }
    connection.close()
    return counts


# -- PostgreSQL -------------------------------------------------------------------------------


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The URL pg_dump understands, without the password (passed in the environment, so it is
    not on the command line for `ps` to show)."""
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return plain, environment


def _pg_tool(*command: str, url: URL) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(
            f"{tool} is not installed; install PostgreSQL's client tools of the server's version "
            "(Debian: apt-get install postgresql-client)"
        )
    plain, environment = _libpq(url)
    try:
        done = subprocess.run(
            [*command, "--dbname", plain],
            env=environment,
            capture_output=True,
            text=True,
            timeout=PG_TOOL_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"{tool} took longer than {PG_TOOL_TIMEOUT} s") from None
    if done.returncode != 0:
        raise BackupError(f"{tool} failed ({done.returncode}): {done.stderr.strip()[-800:]}")


def _pg_engine(url: URL) -> Engine:
    return create_engine(url.set(drivername="postgresql+psycopg"), poolclass=NullPool)


def _count_tables(connection: Connection) -> dict[str, int]:
    tables = sorted(inspect(connection).get_table_names())
    # The names come from the database's own catalogue, not from input.
    return {
        table: int(connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())  # noqa: S608
        for table in tables
    }


def _pg_counts(url: URL) -> dict[str, int]:
    engine = _pg_engine(url)
    try:
        with engine.connect() as connection:
            return _count_tables(connection)
    finally:
        engine.dispose()


def _pg_dump(url: URL, target: Path) -> dict[str, int]:
    """pg_dump of the database, and its row counts from the same snapshot (a transaction that
    exports its snapshot to pg_dump and stays open until the dump is done)."""
    engine = _pg_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            snapshot = str(connection.execute(text("SELECT pg_export_snapshot()")).scalar_one())
            counts = _count_tables(connection)
            _pg_tool(
                "pg_dump",
                "--format=custom",
                "--compress=0",  # the archive is gzipped once, as a whole
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                "--file",
                str(target),
                url=url,
            )
            connection.rollback()
        return counts
    finally:
        engine.dispose()


# -- both ---------------------------------------------------------------------------------------


def _unreachable(database: Database, error: OperationalError) -> BackupError:
    where = database.url.render_as_string(hide_password=True)
    return BackupError(f"cannot reach the {database.name} at {where}: {str(error.orig).strip()[:300]}")


def _dump(database: Database, target: Path) -> dict[str, int]:
    if database.postgres:
        try:
            return _pg_dump(database.url, target)
        except OperationalError as error:
            raise _unreachable(database, error) from None
    _copy_sqlite(database.path, target)
    return _sqlite_counts(target)


def _counts(database: Database) -> dict[str, int]:
    if database.postgres:
        try:
            return _pg_counts(database.url)
        except OperationalError as error:
            raise _unreachable(database, error) from None
    return _sqlite_counts(database.path) if database.path.exists() else {}


def _load(database: Database, source: Path) -> None:
    if database.postgres:
        _pg_tool(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(source),
            url=database.url,
        )
    else:
        database.path.parent.mkdir(parents=True, exist_ok=True)
        _copy_sqlite(source, database.path)


def _attachment_files(settings: Settings) -> list[Path]:
    directory = settings.attachments_dir
    if not directory.exists():
        return []
    return sorted(p for p in directory.rglob("*") if p.is_file() and not p.name.endswith(".partial"))


def backup(settings: Settings, *, output: Path | None = None) -> Path:
    """Writes the backup file and returns its path (default: var/backups/shuoshi-<UTC time>.tar.gz)."""
    case_store, tracker = databases(settings)
    if not case_store.exists():
        raise BackupError(f"there is no case store at {case_store.path}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    output = output or settings.var_dir / "backups" / f"shuoshi-{stamp}.tar.gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="shuoshi-backup-") as work:
        staging = Path(work)
        tables = {case_store.member: _dump(case_store, staging / case_store.member)}
        if tracker.exists():
            tables[tracker.member] = _dump(tracker, staging / tracker.member)
        files = _attachment_files(settings)
        secrets = settings.var_dir / SECRETS
        manifest = {
            "format": 2,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "case_store": case_store.member,
            "tracker_store": tracker.member if tracker.exists() else None,
            "tables": tables,
            "attachments": tables[case_store.member].get("attachment_files", 0) + len(files),
            "attachment_files_on_disk": len(files),
            "secrets": secrets.exists(),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = output.with_name(output.name + ".partial")
        # Level 6: nearly level 9's size on text, in a fraction of the time; photos do not shrink.
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            archive.add(staging / MANIFEST, arcname=MANIFEST)
            for member in tables:
                archive.add(staging / member, arcname=member)
            for path in files:
                relative = path.relative_to(settings.attachments_dir).as_posix()
                archive.add(path, arcname=f"{ATTACHMENTS}/{relative}")
            if secrets.exists():
                archive.add(secrets, arcname=SECRETS)
        partial.chmod(0o600)  # it holds personal data and the secrets
        partial.replace(output)
    return output


def case_count(manifest: dict[str, Any]) -> int:
    member = manifest.get("case_store", "shuoshi.db")
    return int(manifest["tables"][member].get("cases", 0))


def restore(settings: Settings, archive_path: Path, *, force: bool = False) -> dict[str, Any]:
    """Puts a backup back into this installation (stop Shuoshi first); returns its manifest.

    A PostgreSQL database must exist (empty, or with the installation's tables: they are
    replaced). Refuses to overwrite a case store that holds cases unless `force`."""
    case_store, tracker = databases(settings)
    if case_store.exists() and not force and _counts(case_store).get("cases", 0):
        raise BackupError(
            f"the {case_store.name} already holds cases; give --force to replace them with the backup"
        )
    with tempfile.TemporaryDirectory(prefix="shuoshi-restore-") as work:
        staging = Path(work)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(staging, filter="data")  # refuses absolute paths and ../
        if not (staging / MANIFEST).exists():
            raise BackupError(f"{archive_path} is not a Shuoshi backup (no {MANIFEST})")
        manifest: dict[str, Any] = json.loads((staging / MANIFEST).read_text())
        manifest.setdefault("case_store", "shuoshi.db")  # backups before format 2: SQLite only
        manifest.setdefault("tracker_store", "tracker.db" if (staging / "tracker.db").exists() else None)
        if manifest["case_store"] != case_store.member:
            raise BackupError(
                f"{archive_path} holds a case store of the other kind ({manifest['case_store']}); this "
                f"installation's is {'PostgreSQL' if case_store.postgres else 'SQLite'}: restore it into "
                "an installation of the same kind"
            )
        if not (staging / case_store.member).exists():
            raise BackupError(f"{archive_path} has no {case_store.member}")
        if manifest["tracker_store"] and not (staging / tracker.member).exists():
            raise BackupError(
                f"{archive_path} holds Rasa's tracker store as {manifest['tracker_store']}; this installation"
                f" keeps it as {tracker.member}: set TRACKER__URL to a database of the backup's kind"
            )
        dispose_engine(settings.database_url)
        _load(case_store, staging / case_store.member)
        if _counts(case_store) != manifest["tables"][case_store.member]:
            raise BackupError(f"{archive_path}: the restored case store does not match its manifest")
        if manifest["tracker_store"]:
            _load(tracker, staging / tracker.member)
        if (staging / ATTACHMENTS).exists():
            target = settings.attachments_dir
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(staging / ATTACHMENTS, target)
        if (staging / SECRETS).exists():
            settings.var_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staging / SECRETS, settings.var_dir / SECRETS)
            (settings.var_dir / SECRETS).chmod(0o600)
    return manifest
