"""The migrate job can run twice (deploy/k8s/30-migrate-job.yaml, compose's `migrate`): after
one run, or at the same time as another, `shuoshi db upgrade` leaves the store at head."""

from __future__ import annotations

import os
import subprocess
import sys

from alembic.script import ScriptDirectory

from bot.config import Settings
from bot.db.migrate import alembic_config, current_revision, upgrade
from bot.db.session import dispose_engine

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migrating_twice_changes_nothing_the_second_time(empty_settings: Settings) -> None:
    upgrade(empty_settings)
    upgrade(empty_settings)

    assert current_revision(empty_settings) == HEAD


def test_two_migrate_jobs_started_at_once_both_succeed(empty_settings: Settings) -> None:
    """Two processes, as two migrate jobs would be; on PostgreSQL an advisory lock makes them
    take turns (without it the second fails creating a table the first just made)."""
    dispose_engine(empty_settings.database_url)
    environment = {
        **os.environ,
        "DATABASE__URL": empty_settings.database_url,
        "VAR_DIR": str(empty_settings.var_dir),
    }
    jobs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "db", "upgrade"],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(job.wait(timeout=180), job.communicate()) for job in jobs]

    for code, (out, err) in results:
        assert code == 0, err[-2000:]
        assert "latest revision" in out
    assert current_revision(empty_settings) == HEAD
    dispose_engine(empty_settings.database_url)
