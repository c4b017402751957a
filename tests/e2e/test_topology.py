"""Beyond one machine, on this one: two Rasa instances and two gateways on separate ports, the case
store and Rasa's tracker store on PostgreSQL, one action server for both Rasa instances, and a
hundred residents at once whose turns alternate between the gateways.

What must hold: every message is answered once, the transcript holds every turn once and in order,
the tracker store holds every message once, and each conversation reached exactly one Rasa
instance (the one `RASA__INSTANCES` routing picks, in either gateway). deploy/ describes the same
topology for docker compose and Kubernetes (docs/deploy.md); Docker cannot run here, so the last
tests check those files' structure instead.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import yaml
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot import transcript
from bot.config import PROJECT_DIR, Settings
from bot.conversation.rasa_client import RasaClient
from bot.db import migrate
from bot.db.session import dispose_engine, session_scope
from bot.launcher.processes import (
    GATEWAY_KEEP_ALIVE_SECONDS,
    Service,
    actions_service,
    gateway_service,
    rasa_service,
    stop_all,
    wait_until_ready,
)
from bot.launcher.training import ensure_model
from bot.residents import service as residents
from bot.staff import api_keys
from bot.transcript.enums import Direction
from tests.e2e.proxy import TcpProxy
from tests.e2e.stack import fast_profile, free_port

RESIDENTS = 100
BUSY = ("系统正忙", "The service is busy")


@dataclass
class Topology:
    settings: Settings  # what the gateways run with
    tracker_dsn: str  # Rasa's tracker database, for psycopg
    gateways: list[str]
    proxies: list[TcpProxy]  # one in front of each Rasa instance, noting whom it served
    services: list[Service] = field(default_factory=list)


def _create_database(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()


def _drop_database(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _named(service: Service, name: str, var_dir: Path) -> Service:
    service.name = name
    service.log_path = var_dir / "log" / f"{name}.log"
    return service


@pytest.fixture(scope="module")
def topology(postgres_admin_url: str | None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    if postgres_admin_url is None:
        pytest.skip("the topology runs on PostgreSQL: set SHUOSHI_TEST_POSTGRES_URL (make test does)")
    var_dir = tmp_path_factory.mktemp("topology")
    suffix = uuid.uuid4().hex[:10]
    store_db, tracker_db = f"shuoshi_topo_{suffix}", f"rasa_topo_{suffix}"
    admin = make_url(postgres_admin_url)
    store_url = admin.set(database=store_db).render_as_string(hide_password=False)
    # Rasa's own SQLAlchemy 1.4 with psycopg2: a plain postgresql:// URL (what TRACKER__URL takes).
    tracker_url = admin.set(drivername="postgresql", database=tracker_db).render_as_string(
        hide_password=False
    )
    for name in (store_db, tracker_db):
        _create_database(postgres_admin_url, name)

    rasa_ports = [free_port(), free_port()]
    base = Settings(
        var_dir=var_dir,
        rasa={"port": rasa_ports[0]},
        actions={"port": free_port()},
        district={"profile": fast_profile(var_dir)},
        database={"url": store_url},
        tracker={"url": tracker_url},
        dispatcher={"interval": 1.0},
    ).with_secrets()
    ensure_model(base)
    migrate.upgrade(base)

    proxies = [TcpProxy(port, note_senders=True).start() for port in rasa_ports]
    routed = base.model_copy(
        update={
            "rasa": base.rasa.model_copy(
                update={"instances": [f"http://127.0.0.1:{p.port}" for p in proxies]}
            )
        }
    )
    services = [_named(actions_service(base), "actions", var_dir)]
    for i, port in enumerate(rasa_ports):
        one = base.model_copy(update={"rasa": base.rasa.model_copy(update={"port": port})})
        services.append(_named(rasa_service(one), f"rasa-{i}", var_dir))
    gateway_ports = [free_port(), free_port()]
    for i, port in enumerate(gateway_ports):
        one = routed.model_copy(update={"gateway": routed.gateway.model_copy(update={"port": port})})
        services.append(_named(gateway_service(one), f"gateway-{i}", var_dir))
    running = Topology(
        settings=routed,
        tracker_dsn=admin.set(drivername="postgresql", database=tracker_db).render_as_string(
            hide_password=False
        ),
        gateways=[f"http://127.0.0.1:{port}" for port in gateway_ports],
        proxies=proxies,
        services=services,
    )
    try:
        for service in services:
            service.start(base.project_dir)
        wait_until_ready(services, timeout=240)
        yield running
    finally:
        stop_all(services)
        for proxy in proxies:
            proxy.stop()
        dispose_engine(store_url)
        for name in (store_db, tracker_db):
            _drop_database(postgres_admin_url, name)


@dataclass
class Turn:
    text: str | None = None
    press: str | None = None  # the title of a button in the previous reply
    expect: str | None = None  # something the reply must say


SCRIPTS = {
    "zh": [
        Turn(text="你好", expect="说事"),
        Turn(press="我能做什么", expect="登记矛盾纠纷"),
        Turn(text="接到自称公安的电话说我涉嫌洗钱，要我转账到安全账户"),
        Turn(text="谢谢"),
    ],
    "en": [
        Turn(text="hello there", expect="I am Shuoshi"),
        Turn(press="What can you do?", expect="register a dispute"),
        Turn(text="How do I report a scam?"),
        Turn(text="thank you"),
    ],
}


@dataclass
class Exchange:
    gateway: int
    sent_text: str
    pressed: str | None
    replies: list[dict[str, Any]]


async def _resident(clients: list[httpx.AsyncClient], index: int, sender: str) -> list[Exchange]:
    """One resident's conversation, each turn through the other gateway than the one before."""
    script = SCRIPTS["zh" if index % 2 == 0 else "en"]
    exchanges: list[Exchange] = []
    previous: list[dict[str, Any]] = []
    for number, turn in enumerate(script):
        gateway = (index + number) % 2
        body: dict[str, Any] = {"sender": sender}
        pressed = None
        if turn.press is not None:
            [pressed] = [
                b["payload"] for m in previous for b in m.get("buttons", []) if b["title"] == turn.press
            ][-1:]
            body["payload"] = pressed
        else:
            body["text"] = turn.text
        response = await clients[gateway].post("/api/chat", json=body)
        assert response.status_code == 200, (sender, number, response.text)
        previous = response.json()["replies"]
        said = "\n".join(m.get("text", "") for m in previous)
        assert previous and said.strip(), (sender, number, previous)
        assert not any(busy in said for busy in BUSY), (sender, number, said)
        if turn.expect is not None:
            assert turn.expect in said, (sender, number, said)
        exchanges.append(Exchange(gateway, turn.text or "", pressed, previous))
    return exchanges


async def _everyone(gateways: list[str], senders: list[str], settings: Settings) -> list[list[Exchange]]:
    limits = httpx.Limits(max_connections=RESIDENTS, max_keepalive_connections=RESIDENTS)
    # A program naming its residents (sender) needs an API key.
    with session_scope(settings) as session:
        key = api_keys.add(session=session, name=f"topology-{uuid.uuid4().hex[:8]}")
    headers = {"Authorization": f"Bearer {key}"}
    async with (
        httpx.AsyncClient(base_url=gateways[0], timeout=180.0, limits=limits, headers=headers) as first,
        httpx.AsyncClient(base_url=gateways[1], timeout=180.0, limits=limits, headers=headers) as second,
    ):
        return list(await asyncio.gather(*(_resident([first, second], i, s) for i, s in enumerate(senders))))


def _user_messages_in_tracker(dsn: str) -> dict[str, list[str]]:
    with psycopg.connect(dsn) as connection:
        rows = connection.execute(
            "SELECT sender_id, data FROM events WHERE type_name = 'user' ORDER BY id"
        ).fetchall()
    seen: dict[str, list[str]] = {}
    for sender_id, data in rows:
        seen.setdefault(sender_id, []).append(json.loads(data).get("text") or "")
    return seen


@pytest.mark.e2e
def test_a_hundred_residents_across_two_gateways_and_two_rasa_instances_lose_and_duplicate_nothing(
    topology: Topology,
) -> None:
    run = uuid.uuid4().hex[:6]
    senders = [f"topo-{run}-{i}" for i in range(RESIDENTS)]
    conversations = asyncio.run(_everyone(topology.gateways, senders, topology.settings))

    # Both gateways served every resident (turns alternate), so both route alike.
    assert all({e.gateway for e in exchanges} == {0, 1} for exchanges in conversations)

    # The transcript: every message in once and in order, every reply out once.
    with session_scope(topology.settings) as session:
        for sender, exchanges in zip(senders, conversations, strict=True):
            resident = residents.find_by_channel(session=session, channel="web", external_id=sender)
            assert resident is not None, sender
            messages = transcript.for_resident(session=session, resident=resident)
            inbound = [(m.text, m.payload is not None) for m in messages if m.direction is Direction.IN]
            assert inbound == [(e.sent_text, e.pressed is not None) for e in exchanges], sender
            outbound = [m.text for m in messages if m.direction is Direction.OUT]
            assert outbound == [r.get("text", "") for e in exchanges for r in e.replies], sender

    # Rasa's tracker store: each conversation holds each message once.
    tracked = _user_messages_in_tracker(topology.tracker_dsn)
    for sender, exchanges in zip(senders, conversations, strict=True):
        user_texts = tracked.get(f"web:{sender}", [])
        assert len(user_texts) == len(exchanges), (sender, user_texts)
        typed = [e.sent_text for e in exchanges if e.pressed is None]
        assert [t for t in user_texts if not t.startswith("/")] == typed, (sender, user_texts)

    # Each conversation reached exactly one Rasa instance, the one the hash names.
    rasa = RasaClient(settings=topology.settings, http=httpx.AsyncClient())
    owners: dict[str, set[int]] = {}
    for number, proxy in enumerate(topology.proxies):
        for conversation_id in proxy.senders:
            owners.setdefault(conversation_id, set()).add(number)
    per_instance = [0, 0]
    for sender in senders:
        conversation_id = f"web:{sender}"
        expected = topology.settings.rasa.urls.index(rasa.instance_for(conversation_id))
        assert owners.get(conversation_id) == {expected}, (conversation_id, owners.get(conversation_id))
        assert topology.proxies[expected].senders[conversation_id] == len(SCRIPTS["zh"])
        per_instance[expected] += 1
    assert min(per_instance) >= RESIDENTS // 4, per_instance  # both instances did real work


# -- the deployment files describe the same topology ------------------------------------------------

DEPLOY = PROJECT_DIR / "deploy"


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8")))


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    return dict(env) if isinstance(env, dict) else dict(item.split("=", 1) for item in env)


def test_the_compose_file_runs_two_rasa_instances_two_gateways_and_postgresql() -> None:
    services = _compose()["services"]
    assert {
        "postgres",
        "migrate",
        "actions",
        "rasa-0",
        "rasa-1",
        "gateway-0",
        "gateway-1",
        "balancer",
    } <= set(services)
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        for dependency in service.get("depends_on") or []:
            assert dependency in services, (name, dependency)
    # Only the balancer is published; Rasa and the action server stay on the internal network.
    assert [name for name, service in services.items() if service.get("ports")] == ["balancer"]

    rasa_names = sorted(name for name in services if name.startswith("rasa-"))
    for name in ("gateway-0", "gateway-1", "actions"):
        env = _env(services[name])
        settings = Settings.model_validate({"rasa": {"instances": yaml.safe_load(env["RASA__INSTANCES"])}})
        assert settings.rasa.urls == [f"http://{rasa}:5005" for rasa in rasa_names]
        assert env["DATABASE__URL"].startswith("postgresql+psycopg://")
        assert env["ACTIONS__HOST"] == "actions"
    for rasa in rasa_names:
        env = _env(services[rasa])
        assert env["SHUOSHI_TRACKER_URL"].startswith("postgresql://")  # Rasa's own psycopg2
        assert env["SHUOSHI_ACTION_URL"] == "http://actions:5055/webhook"
        assert "--enable-api" in services[rasa]["command"]
        # Rasa sends the secret the action server checks (actions/auth.py).
        assert env["SHUOSHI_ACTION_SECRET"] == _env(services["actions"])["ACTIONS__SECRET"]
    # The secrets every gateway must share come from the same variables.
    shared = (
        "RELAY__SECRET",
        "RELAY__PAYLOAD_KEY",
        "CONSOLE__SECRET",
        "RASA__TOKEN",
        "GATEWAY__IDENTITY_KEY",  # a cookie one gateway issued is good at the other
        "ACTIONS__SECRET",
    )
    assert {tuple(_env(services[g])[k] for k in shared) for g in ("gateway-0", "gateway-1")} == {
        tuple(_env(services["gateway-0"])[k] for k in shared)
    }
    upstreams = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert "server gateway-0:8000" in upstreams and "server gateway-1:8000" in upstreams
    for gateway in ("gateway-0", "gateway-1"):
        assert _keep_alive(services[gateway]["command"]) == GATEWAY_KEEP_ALIVE_SECONDS  # as `shuoshi run`


def _keep_alive(command: list[str]) -> int:
    return int(command[command.index("--timeout-keep-alive") + 1])


def test_the_kubernetes_manifests_parse_and_route_to_each_rasa_pod() -> None:
    documents = [
        doc
        for path in sorted((DEPLOY / "k8s").glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8"))
        if doc
    ]
    for doc in documents:
        assert {"apiVersion", "kind", "metadata"} <= set(doc), doc
        assert doc["metadata"]["name"]
    by_kind = {(doc["kind"], doc["metadata"]["name"]): doc for doc in documents}
    rasa = by_kind[("StatefulSet", "rasa")]
    headless = by_kind[("Service", "rasa")]
    assert headless["spec"]["clusterIP"] == "None" and rasa["spec"]["serviceName"] == "rasa"
    config = by_kind[("ConfigMap", "shuoshi-config")]["data"]
    instances = Settings.model_validate(
        {"rasa": {"instances": yaml.safe_load(config["RASA__INSTANCES"])}}
    ).rasa.urls
    assert instances == [f"http://rasa-{i}.rasa:5005" for i in range(rasa["spec"]["replicas"])]
    assert by_kind[("Deployment", "gateway")]["spec"]["replicas"] >= 2
    [gateway] = by_kind[("Deployment", "gateway")]["spec"]["template"]["spec"]["containers"]
    assert _keep_alive(gateway["command"]) == GATEWAY_KEEP_ALIVE_SECONDS  # as `shuoshi run`
    for workload in (by_kind[("Deployment", "gateway")], by_kind[("Deployment", "actions")]):
        for container in workload["spec"]["template"]["spec"]["containers"]:
            sources = {next(iter(source.values()))["name"] for source in container["envFrom"]}
            assert sources == {"shuoshi-config", "shuoshi-secrets"}
    secret = by_kind[("Secret", "shuoshi-secrets")]["stringData"]
    assert secret["DATABASE__URL"].startswith("postgresql+psycopg://")
    assert secret["TRACKER_URL"].startswith("postgresql://")
