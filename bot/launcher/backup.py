"""`shuoshi backup` and `shuoshi restore` for one machine: the SQLite case store, Rasa's SQLite
tracker store, the attachments and the secrets file, in one .tar.gz.

The databases are copied with SQLite's online backup API, so a backup can be taken while
Shuoshi runs (a consistent snapshot, the write-ahead log included). A restore writes into the
stopped installation's files the same way. A case store on PostgreSQL is backed up with
pg_dump instead (docs/operations.md).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.db.session import dispose_engine

MANIFEST = "manifest.json"
CASE_STORE, TRACKER_STORE, ATTACHMENTS, SECRETS = "shuoshi.db", "tracker.db", "attachments", "secrets.json"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


def _sqlite_path(url: str, what: str) -> Path:
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        raise BackupError(
            f"the {what} is not an SQLite file ({parsed.drivername}); back it up with the database's own "
            "tools (PostgreSQL: pg_dump), see docs/operations.md"
        )
    return Path(parsed.database)


def _optional_sqlite_path(url: str) -> Path | None:
    """Rasa's tracker store, if it is an SQLite file (on PostgreSQL, pg_dump backs it up)."""
    try:
        return _sqlite_path(url, "tracker store")
    except BackupError:
        return None


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy with SQLite's online backup API (safe while others write)."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _row_counts(database: Path) -> dict[str, int]:
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


def backup(settings: Settings, *, output: Path | None = None) -> Path:
    """Writes the backup file and returns its path (default: var/backups/shuoshi-<UTC time>.tar.gz)."""
    case_store = _sqlite_path(settings.database_url, "case store")
    if not case_store.exists():
        raise BackupError(f"there is no case store at {case_store}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    output = output or settings.var_dir / "backups" / f"shuoshi-{stamp}.tar.gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="shuoshi-backup-") as work:
        staging = Path(work)
        _copy_database(case_store, staging / CASE_STORE)
        contents = {CASE_STORE: _row_counts(staging / CASE_STORE)}
        tracker = _optional_sqlite_path(settings.tracker_url)
        if tracker is not None and tracker.exists():
            _copy_database(tracker, staging / TRACKER_STORE)
            contents[TRACKER_STORE] = _row_counts(staging / TRACKER_STORE)
        attachments = settings.var_dir / ATTACHMENTS
        files = sorted(p for p in attachments.rglob("*") if p.is_file()) if attachments.exists() else []
        secrets = settings.var_dir / SECRETS
        manifest = {
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "tables": contents,
            "attachments": len(files),
            "secrets": secrets.exists(),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(staging / MANIFEST, arcname=MANIFEST)
            for name in (CASE_STORE, TRACKER_STORE):
                if (staging / name).exists():
                    archive.add(staging / name, arcname=name)
            for path in files:
                archive.add(path, arcname=f"{ATTACHMENTS}/{path.relative_to(attachments).as_posix()}")
            if secrets.exists():
                archive.add(secrets, arcname=SECRETS)
        partial.chmod(0o600)  # it holds personal data and the secrets
        partial.replace(output)
    return output


def restore(settings: Settings, archive_path: Path, *, force: bool = False) -> dict[str, Any]:
    """Puts a backup back into this installation (stop Shuoshi first); returns its manifest.

    Refuses to overwrite a case store that holds cases unless `force`."""
    case_store = _sqlite_path(settings.database_url, "case store")
    tracker = _optional_sqlite_path(settings.tracker_url)
    if case_store.exists() and not force and _row_counts(case_store).get("cases", 0):
        raise BackupError(f"{case_store} already holds cases; give --force to replace them with the backup")
    with tempfile.TemporaryDirectory(prefix="shuoshi-restore-") as work:
        staging = Path(work)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(staging, filter="data")  # refuses absolute paths and ../
        if not (staging / MANIFEST).exists() or not (staging / CASE_STORE).exists():
            raise BackupError(f"{archive_path} is not a Shuoshi backup (no {MANIFEST} or {CASE_STORE})")
        manifest: dict[str, Any] = json.loads((staging / MANIFEST).read_text())
        if _row_counts(staging / CASE_STORE) != (manifest.get("tables") or {}).get(CASE_STORE):
            raise BackupError(f"{archive_path}: the case store does not match its manifest")
        dispose_engine(settings.database_url)
        case_store.parent.mkdir(parents=True, exist_ok=True)
        _copy_database(staging / CASE_STORE, case_store)
        if (staging / TRACKER_STORE).exists() and tracker is not None:
            tracker.parent.mkdir(parents=True, exist_ok=True)
            _copy_database(staging / TRACKER_STORE, tracker)
        attachments = settings.var_dir / ATTACHMENTS
        if (staging / ATTACHMENTS).exists():
            if attachments.exists():
                shutil.rmtree(attachments)
            shutil.copytree(staging / ATTACHMENTS, attachments)
        if (staging / SECRETS).exists():
            settings.var_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staging / SECRETS, settings.var_dir / SECRETS)
            (settings.var_dir / SECRETS).chmod(0o600)
    return manifest
