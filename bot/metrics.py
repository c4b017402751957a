"""`GET /metrics` in Prometheus text: what the gateway counts as it works, and what the case
store holds, read at each scrape.

Counted in this process (each gateway has its own; Prometheus adds them up):
  shuoshi_turns_total{channel,outcome}        resident messages: answered | busy (the busy or
                                              slow-down notice instead of the assistant)
  shuoshi_turn_seconds{channel}               time to answer one message (histogram)
  shuoshi_rasa_errors_total{call}             Rasa unreachable or failing (send, trigger_intent, tracker)
  shuoshi_action_server_down_total            times the action server was found down
Read from the store at the scrape (the same for every gateway; take one, e.g. max):
  shuoshi_outbox_items{status}                outbox items by status (pending, failed, ...)
  shuoshi_outbox_oldest_due_seconds           how long the oldest due, unsent item has waited
  shuoshi_surveys{status}                     surveys by status (sent, answered, unanswered, ...)
  shuoshi_cases_open{township}, shuoshi_cases_overdue{township}
  shuoshi_sign_in_failures_last_hour          failed staff sign-ins in the last hour
  shuoshi_store_up                            1 if the store answered the scrape's queries
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.cases import gauges as case_gauges
from bot.config import Settings
from bot.conversation.rasa_client import RasaClient, RasaUnavailable
from bot.conversation.relay import Inbound, Outcome, Relay
from bot.db.session import session_scope
from bot.followups import gauges as survey_gauges
from bot.outbox import gauges as outbox_gauges
from bot.staff import gauges as staff_gauges

logger = logging.getLogger(__name__)

TURN_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0)


class Metrics:
    """The gateway's metrics, in a registry of its own (one per app)."""

    def __init__(self, settings: Settings) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.turns = Counter(
            "shuoshi_turns", "Resident messages handled", ["channel", "outcome"], registry=self.registry
        )
        self.turn_seconds = Histogram(
            "shuoshi_turn_seconds",
            "Seconds to answer one resident message",
            ["channel"],
            buckets=TURN_BUCKETS,
            registry=self.registry,
        )
        self.rasa_errors = Counter(
            "shuoshi_rasa_errors", "Calls to Rasa that failed", ["call"], registry=self.registry
        )
        self.actions_down = Counter(
            "shuoshi_action_server_down", "Times the action server was found down", registry=self.registry
        )
        self.registry.register(StoreCollector(settings))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class StoreCollector(Collector):
    """Gauges read from the case store at each scrape."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def describe(self) -> list[Any]:
        return []  # read at scrape time only; nothing to describe ahead

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("shuoshi_store_up", "1 if the case store answered this scrape")
        try:
            with session_scope(self._settings) as session:
                backlog = outbox_gauges.backlog(session=session)
                surveys = survey_gauges.surveys_by_status(session=session)
                townships = case_gauges.open_by_township(session=session)
                failed_sign_ins = staff_gauges.failed_sign_ins(session=session)
        except Exception as error:  # a scrape must answer even with the store away
            logger.warning("metrics: the case store did not answer (%s)", type(error).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        outbox = GaugeMetricFamily("shuoshi_outbox_items", "Outbox items by status", labels=["status"])
        for status, count in backlog.by_status.items():
            outbox.add_metric([status], count)
        yield outbox
        yield GaugeMetricFamily(
            "shuoshi_outbox_oldest_due_seconds",
            "Seconds the oldest due, unsent outbox item has waited",
            value=backlog.oldest_due_seconds,
        )
        by_status = GaugeMetricFamily("shuoshi_surveys", "Follow-up surveys by status", labels=["status"])
        for status, count in surveys.items():
            by_status.add_metric([status], count)
        yield by_status
        open_cases = GaugeMetricFamily("shuoshi_cases_open", "Open cases by township", labels=["township"])
        overdue = GaugeMetricFamily(
            "shuoshi_cases_overdue", "Open cases past their current deadline", labels=["township"]
        )
        for township, load in sorted(townships.items()):
            open_cases.add_metric([township], load.open)
            overdue.add_metric([township], load.overdue)
        yield open_cases
        yield overdue
        yield GaugeMetricFamily(
            "shuoshi_sign_in_failures_last_hour",
            "Failed staff sign-ins in the last hour",
            value=failed_sign_ins,
        )


class MeteredRasaClient(RasaClient):
    """The Rasa client, counting failed calls and an action server found down."""

    def __init__(self, *, metrics: Metrics, **options: Any) -> None:
        super().__init__(**options)
        self._metrics = metrics

    async def send(
        self, *, conversation_id: str, message: str, channel: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        try:
            return await super().send(
                conversation_id=conversation_id, message=message, channel=channel, metadata=metadata
            )
        except RasaUnavailable:
            self._metrics.rasa_errors.labels(call="send").inc()
            raise

    async def trigger_intent(
        self, *, conversation_id: str, intent: str, entities: dict[str, Any]
    ) -> list[dict[str, Any]]:
        try:
            return await super().trigger_intent(
                conversation_id=conversation_id, intent=intent, entities=entities
            )
        except RasaUnavailable:
            self._metrics.rasa_errors.labels(call="trigger_intent").inc()
            raise

    async def active_form(self, *, conversation_id: str) -> str | None:
        try:
            return await super().active_form(conversation_id=conversation_id)
        except RasaUnavailable:
            self._metrics.rasa_errors.labels(call="tracker").inc()
            raise

    async def actions_alive(self, *, fresh: bool = False) -> bool:
        alive = await super().actions_alive(fresh=fresh)
        if not alive:
            self._metrics.actions_down.inc()
        return alive


class MeteredRelay(Relay):
    """The relay, counting turns by channel and outcome and timing them."""

    def __init__(self, *, metrics: Metrics, **options: Any) -> None:
        super().__init__(**options)
        self._metrics = metrics

    async def handle(self, inbound: Inbound) -> Outcome:
        started = time.monotonic()
        outcome = await super().handle(inbound)  # an invalid message raises and is not a turn
        seconds = time.monotonic() - started
        answered = "answered" if outcome.delivered else "busy"
        self._metrics.turns.labels(channel=inbound.channel, outcome=answered).inc()
        self._metrics.turn_seconds.labels(channel=inbound.channel).observe(seconds)
        logger.info("turn on %s %s in %.2f s", inbound.channel, answered, seconds)
        return outcome
