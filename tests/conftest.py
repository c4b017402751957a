"""Database fixtures: the case store built by its migrations, on SQLite and on PostgreSQL.

Tests that take `session` (or `settings`) run once per database. PostgreSQL runs when
`--postgres-url` or SHUOSHI_TEST_POSTGRES_URL gives an admin URL of a server (`make test` sets
it); each test run then creates a throwaway database there and drops it at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, delete
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.cases import service as cases
from bot.cases.models import Case
from bot.cases.schemas import CaseCreate
from bot.config import DatabaseSettings, Settings
from bot.db.migrate import upgrade
from bot.db.session import dispose_engine, get_engine, session_scope
from bot.district import DistrictProfile, attach_profile, load_profile
from bot.registry import metadata
from bot.residents import service as residents
from bot.residents.models import Resident
from bot.staff import service as staff
from bot.staff.models import StaffUser

POSTGRES_ENV = "SHUOSHI_TEST_POSTGRES_URL"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--postgres-url",
        default=None,
        help=f"admin URL of a PostgreSQL server for the store tests (or set {POSTGRES_ENV})",
    )


@pytest.fixture(scope="session")
def postgres_admin_url(request: pytest.FixtureRequest) -> str | None:
    return request.config.getoption("--postgres-url") or os.environ.get(POSTGRES_ENV) or None


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, postgres_admin_url: str | None) -> str:
    if request.param == "postgresql" and postgres_admin_url is None:
        pytest.skip(f"PostgreSQL store tests need --postgres-url or {POSTGRES_ENV} (make test sets it)")
    return str(request.param)


@pytest.fixture(scope="session")
def new_database(
    backend: str, postgres_admin_url: str | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], str]]:
    """Makes empty databases on the backend under test; drops them when the run ends."""
    made: list[str] = []

    def make() -> str:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'shuoshi.db'}"
        else:
            assert postgres_admin_url is not None
            name = f"shuoshi_test_{uuid.uuid4().hex[:12]}"
            admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
            admin.dispose()
            url = make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
        made.append(url)
        return url

    yield make

    for url in made:
        dispose_engine(url)
        if backend == "postgresql":
            assert postgres_admin_url is not None
            admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
            admin.dispose()


def settings_for(url: str, var_dir: Path) -> Settings:
    return Settings(var_dir=var_dir, database=DatabaseSettings(url=url))


@pytest.fixture(scope="session")
def settings(new_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the shared test database, built by the migrations."""
    settings = settings_for(new_database(), tmp_path_factory.mktemp("var"))
    upgrade(settings)
    return settings


@pytest.fixture
def empty_settings(new_database: Callable[[], str], tmp_path: Path) -> Settings:
    """Settings for a new database with no tables yet."""
    return settings_for(new_database(), tmp_path / "var")


@pytest.fixture
def profile(settings: Settings) -> DistrictProfile:
    return load_profile(settings)


@pytest.fixture
def session(settings: Settings, profile: DistrictProfile) -> Iterator[Session]:
    """A session in a transaction that is rolled back after the test (services' own commits
    become savepoints)."""
    with get_engine(settings).connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        attach_profile(session, profile)
        try:
            yield session
        finally:
            session.close()
            transaction.rollback()


@pytest.fixture
def committed(settings: Settings) -> Iterator[Settings]:
    """For tests that need real commits from several connections: empties every table afterwards."""
    yield settings
    with session_scope(settings) as session:
        for table in reversed(metadata.sorted_tables):
            session.execute(delete(table))


_CASES: dict[str, dict[str, object]] = {
    "dispute": {
        "kind": "dispute",
        "category": "neighbours",
        "township": "洛河镇",
        "title": "邻居装修噪音",
        "description": "楼上邻居每天晚上十点以后还在装修，多次沟通无果。",
        "other_party": "楼上住户",
        "request": "希望调解，晚上十点后停止施工",
        "contact_phone": "13812345678",
        "channel": "web",
    },
    "petition": {
        "kind": "petition",
        "category": "social_security",
        "township": "孔店乡",
        "village": "毛郢村",
        "title": "养老保险待遇核定",
        "description": "去年办理退休后，养老金核定金额与缴费记录不符。",
        "request": "重新核定养老金",
        "contact_phone": "0554-6661234",
        "id_number": "11010519491231002X",
        "channel": "telegram",
    },
    "consultation": {
        "kind": "consultation",
        "category": "other",
        "township": "大通街道",
        "title": "想找工作人员咨询",
        "description": "想当面问问宅基地确权的事。",
        "channel": "web",
    },
}


def build_case_input(kind: str = "dispute", **changes: object) -> CaseCreate:
    """A valid case as the intake would send it; keyword arguments change fields."""
    return CaseCreate.model_validate({**_CASES[kind], **changes})


@pytest.fixture
def case_input() -> Callable[..., CaseCreate]:
    return build_case_input


@pytest.fixture
def resident(session: Session) -> Resident:
    return residents.for_channel(session=session, channel="web", external_id="resident-1")


@pytest.fixture
def make_case(session: Session, resident: Resident) -> Callable[..., Case]:
    """Registers a case (a dispute unless `kind` says otherwise) for `resident` or another."""

    def make(kind: str = "dispute", *, owner: Resident | None = None, **changes: object) -> Case:
        return cases.create(
            session=session, case_in=build_case_input(kind, **changes), resident=owner or resident
        )

    return make


@pytest.fixture
def make_staff(session: Session, monkeypatch: pytest.MonkeyPatch) -> Callable[..., StaffUser]:
    """Adds a staff member: make_staff("supervisor"), make_staff("caseworker", township="洛河镇")."""
    # Still argon2id, with the smallest cost: the default cost is for attackers, not test runs.
    monkeypatch.setattr(staff, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    counter = iter(range(1, 1000))

    def make(
        role: str = "caseworker", *, township: str | None = None, username: str | None = None
    ) -> StaffUser:
        return staff.create(
            session=session,
            username=username or f"{role}{next(counter)}",
            password="correct horse battery",
            role=role,
            township=township,
        )

    return make
