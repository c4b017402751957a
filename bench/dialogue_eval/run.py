"""Held-out dialogue evaluation: does each resident message reach the flow it should?

    .venv/bin/python bench/dialogue_eval/run.py                      # against `make run`'s stack
    .venv/bin/python bench/dialogue_eval/run.py --json out.json --only s-hans-01,f-en-03

Each case of cases.yml (written before the training data was looked at; never train on it) is
played in a fresh conversation: its setup turns, then the resident's message through the
gateway's `POST /api/chat` (as a resident types it: language detection, Traditional read as
Simplified, pasted messages sent to the scam check). The flow is then read from Rasa's tracker
(`GET /conversations/web:<sender>/tracker`) by `classify`, a pure function of the tracker.

Setup steps: a string is typed; `{privacy: agree}` presses the "I agree" button of the privacy
notice if one is waiting; `{survey: <number>, at: rating|solved}` opens a real satisfaction survey
for this resident: seed_survey.py (run with the project's Python) files a resolved case whose
survey is due now, the stack's own dispatcher asks it as it asks every survey three days after a
resolution (Rasa writes the question, the outbox delivers it to the web chat and puts it in the
transcript, buttons and all), the evaluation reads it from `GET /api/chat/pending` and, for
`at: solved`, presses its "satisfied" button through the gateway. So a typed answer to the
survey has the offered buttons' context, as a resident's has. (With `--direct`, which has no
gateway, the survey is marked sent and started with `trigger_intent` instead.)

`--direct` skips the gateway: messages go to Rasa's relay webhook with the shared secret and the
case's language as metadata (no Traditional-to-Simplified reading, no pasted-message detection).

Standard library, httpx and PyYAML only. Exits 0 whatever the score: it is a benchmark.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CASES = HERE / "cases.yml"
SEED = HERE / "seed_survey.py"

# --------------------------------------------------------------------------------------------
# Reading the tracker (pure)
# --------------------------------------------------------------------------------------------

# Actions that run inside any turn and say nothing about the flow.
HOUSEKEEPING = frozenset(
    {"action_listen", "action_session_start", "action_extract_slots", "action_unlikely_intent"}
)
# A turn whose names (intent, actions, responses) contain one of these went to the danger flow.
DANGER_WORDS = (
    "danger",
    "emergenc",
    "violence",
    "self_harm",
    "selfharm",
    "suicid",
    "crisis",
    "threat",
    "call_110",
)
# A dedicated "you sent only a number: what do you want?" reply.
ASK_WHAT_WORDS = (
    "what_you_want",
    "bare_number",
    "bare_identifier",
    "bare_id",
    "only_number",
    "ask_purpose",
    "which_service",
)
FALLBACK_NAMES = frozenset(
    {"nlu_fallback", "action_default_fallback", "utter_default", "action_two_stage_fallback"}
)
FORMS = {
    "dispute_form": "dispute_form",
    "petition_form": "petition_form",
    "scam_check_form": "scam_check",
    "survey_form": "survey",
}
INTAKE_FORMS = frozenset({"dispute_form", "petition_form"})
SUBMIT = {"action_submit_dispute": "dispute_form", "action_submit_petition": "petition_form"}
SURVEY_INTENTS = {
    "rate_satisfied": "survey_rating:satisfied",
    "rate_basically_satisfied": "survey_rating:basically_satisfied",
    "rate_not_satisfied": "survey_rating:not_satisfied",
    "solved_yes": "survey_solved:yes",
    "solved_partly": "survey_solved:partly",
    "solved_no": "survey_solved:no",
}
# (flow, action names, intent names): a handler that ran in the turn decides the flow.
HANDLERS: tuple[tuple[str, frozenset[str], frozenset[str]], ...] = (
    (
        "scam_check",
        frozenset({"action_check_scam", "action_scam_paid", "action_scam_open_case"}),
        frozenset({"check_scam"}),
    ),
    ("my_cases", frozenset({"action_my_cases"}), frozenset({"my_cases"})),
    ("human", frozenset({"action_ask_human"}), frozenset({"ask_human"})),
    ("subscribe_alerts", frozenset({"action_subscribe_alerts"}), frozenset({"subscribe_alerts"})),
    ("guardian_setup", frozenset({"action_guardian_setup"}), frozenset({"guardian_setup"})),
    (
        "faq",
        frozenset(
            {
                "action_faq_answer",
                "action_faq_more",
                "action_faq_article",
                "action_faq_pick",
                "action_faq_topics",
            }
        ),
        frozenset({"faq", "faq_more", "faq_article", "faq_pick", "faq_topics"}),
    ),
)
HANDLER_ACTIONS = frozenset({"action_faq_did_you_mean", *(a for _, actions, _ in HANDLERS for a in actions)})
# 110 as a number of its own (not 96110, the anti-fraud line).
POLICE = re.compile(r"(?<!\d)110(?!\d)")
SMALL_TALK = {
    "greet": ("greet", "utter_greet"),
    "thank": ("thank", "utter_thank"),
    "goodbye": ("goodbye", "utter_goodbye"),
    "help": ("help", "utter_menu"),
    "out_of_scope": ("out_of_scope", "utter_out_of_scope"),
}
# What else counts as reaching the expected flow (see README.md).
# An erased conversation leaves no tracker to read: only a confirmed "delete my data" does that.
ALSO_ACCEPTED = {"confirm_yes": frozenset({"erased"})}


@dataclass
class Turn:
    """The last resident turn of a tracker: what was understood and what the assistant did."""

    intent: str | None
    text: str | None
    actions: list[str]
    responses: list[str]  # utter_* names, from actions and from bot events' metadata
    bot_texts: list[str]
    slots_set: dict[str, Any]
    rejected: list[str]  # forms that rejected the message (it was not an answer)
    loop_before: str | None
    loop_after: str | None
    requested_slot: str | None
    faq_key: str | None = None


def last_turn(tracker: Mapping[str, Any]) -> Turn:
    """Splits the tracker at its last `user` event (the message under test)."""
    events = list(tracker.get("events") or [])
    start = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    loop_before: str | None = None
    for event in events[: max(start, 0)]:
        if event.get("event") == "active_loop":
            loop_before = event.get("name") or None
    latest = tracker.get("latest_message") or {}
    user = events[start] if start >= 0 else latest
    parse = latest if latest.get("intent") else (user.get("parse_data") or {})
    intent = (parse.get("intent") or {}).get("name")
    turn = Turn(
        intent=intent,
        text=user.get("text"),
        actions=[],
        responses=[],
        bot_texts=[],
        slots_set={},
        rejected=[],
        loop_before=loop_before,
        loop_after=((tracker.get("active_loop") or {}).get("name")) or None,
        requested_slot=(tracker.get("slots") or {}).get("requested_slot"),
        faq_key=_faq_key(parse),
    )
    for event in events[start + 1 :]:
        kind, name = event.get("event"), event.get("name")
        if kind == "action" and name and name not in HOUSEKEEPING:
            turn.actions.append(name)
            if name.startswith("utter_"):
                turn.responses.append(name)
        elif kind == "bot":
            utter = (event.get("metadata") or {}).get("utter_action")
            if utter and utter not in turn.responses:
                turn.responses.append(utter)
            if event.get("text"):
                turn.bot_texts.append(str(event["text"]))
        elif kind == "slot" and name:
            turn.slots_set[name] = event.get("value")
        elif kind == "action_execution_rejected" and name:
            turn.rejected.append(name)
    return turn


def _faq_key(parse: Mapping[str, Any]) -> str | None:
    selector = parse.get("response_selector") or {}
    for value in selector.values() if isinstance(selector, dict) else []:
        if not isinstance(value, dict):
            continue  # all_retrieval_intents: a list of names
        response = value.get("response") or {}
        key = response.get("intent_response_key")
        if key:
            return str(key)
    return None


def _any_word(names: Iterable[str | None], words: Iterable[str]) -> bool:
    lowered = [n.lower() for n in names if n]
    return any(w in n for n in lowered for w in words)


def _first_sentence(text: str) -> str:
    for stop in ("。", "！", "!", "\n", ". "):
        text = text.split(stop, 1)[0]
    return text


def classify(tracker: Mapping[str, Any]) -> str:
    """The flow the tracker's last resident message reached (one of the `expect` values of
    cases.yml, or `survey` (still in the survey, nothing filled), `fallback`, `other:<intent>`).

    Reads `latest_message.intent.name`, `active_loop.name`, `slots.requested_slot` and, after the
    last `user` event, the `action` events (names), `bot` events (`metadata.utter_action`, text),
    `slot` events and `action_execution_rejected` events."""
    turn = last_turn(tracker)
    names = [turn.intent, *turn.actions, *turn.responses]

    # 1. Danger: a dedicated intent/action/response, or 110 in the first sentence of the first
    #    reply (the resident must get 110 first), unless the turn was a scam check.
    if _any_word(names, DANGER_WORDS):
        return "danger"
    handled = set(turn.actions) & HANDLER_ACTIONS or turn.intent in {"goodbye", "check_scam"}
    if turn.bot_texts and POLICE.search(_first_sentence(turn.bot_texts[0])) and not handled:
        return "danger"

    # The form (if any) that took the message as an answer, or that the message started.
    loop = turn.loop_after or (turn.loop_before if not turn.rejected else None)
    form = loop if loop in FORMS and loop not in turn.rejected else None

    # 2. A survey answer: the survey slot this message filled (or, with no other form taking the
    #    message, a survey intent the survey did not reject).
    for slot in ("survey_rating", "survey_solved"):
        if turn.slots_set.get(slot):
            return f"{slot}:{turn.slots_set[slot]}"
    if turn.intent in SURVEY_INTENTS and not turn.rejected and form in {None, "survey_form"}:
        return SURVEY_INTENTS[turn.intent]

    # 3. Answers to a yes/no question: the privacy notice, deleting one's data, withdrawing.
    if turn.slots_set.get("privacy_consent") is True or "action_record_consent" in turn.actions:
        return "confirm_yes"
    if turn.slots_set.get("privacy_consent") is False or "utter_privacy_declined" in turn.responses:
        return "confirm_no"
    if {"action_delete_my_data", "action_withdraw_case"} & set(turn.actions) or turn.intent in {
        "confirm_delete_my_data",
        "withdraw_confirm",
    }:
        return "confirm_yes"
    if "utter_nothing_changed" in turn.responses or (turn.intent == "deny" and form is None):
        return "confirm_no"

    # 4. A dedicated "what do you want?" reply to a bare number.
    if _any_word(names, ASK_WHAT_WORDS):
        return "ask_what_you_want"

    # 5. Elder mode: the slot the action set (or the intent).
    if "action_set_elder_mode" in turn.actions and "elder_mode" in turn.slots_set:
        return "elder_mode_on" if turn.slots_set["elder_mode"] else "elder_mode_off"
    if turn.intent in {"elder_mode_on", "elder_mode_off"}:
        return turn.intent

    # 6. A scam told as it happens, warned about before any answer; then a handler that ran
    #    (outside or interrupting a form).
    if any(response.startswith("utter_scam_now") for response in turn.responses):
        return "scam_check"
    actions = set(turn.actions)
    for flow, handler_actions, _ in HANDLERS:
        if actions & handler_actions:
            return flow
    if "action_faq_did_you_mean" in actions and "utter_faq_did_you_mean_none" not in turn.responses:
        return "faq"

    # 7. A form that took the message (or was started by it).
    for action, flow in SUBMIT.items():
        if action in actions:
            return flow
    if form is not None:
        return FORMS[form]

    # 8. The intent alone (a handler that ran under another name, small talk); a knowledge
    #    search that found nothing is a fallback whatever the intent.
    if "utter_faq_did_you_mean_none" in turn.responses:
        return "fallback"
    for flow, _, handler_intents in HANDLERS:
        if turn.intent in handler_intents or (turn.intent or "").split("/")[0] in handler_intents:
            return flow
    for flow, (intent, response) in SMALL_TALK.items():
        if response in turn.responses or turn.intent == intent:
            return flow
    if turn.intent in {"register_dispute", "register_petition"}:
        return "dispute_form" if turn.intent == "register_dispute" else "petition_form"
    if any(n in FALLBACK_NAMES for n in names):
        return "fallback"
    return f"other:{turn.intent}"


def reached(expected: str, got: str) -> bool:
    return got == expected or got in ALSO_ACCEPTED.get(expected, frozenset())


def describe(tracker: Mapping[str, Any]) -> dict[str, Any]:
    """What happened instead, for the failure list."""
    turn = last_turn(tracker)
    return {
        "intent": turn.intent,
        "faq_key": turn.faq_key,
        "actions": turn.actions,
        "loop": turn.loop_after,
        "requested_slot": turn.requested_slot,
        "rejected": turn.rejected,
        "slots_set": {k: v for k, v in turn.slots_set.items() if k != "requested_slot"},
        "reply": (turn.bot_texts[0][:120] if turn.bot_texts else ""),
    }


# --------------------------------------------------------------------------------------------
# Cases and the report (pure)
# --------------------------------------------------------------------------------------------


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    ids = [c["id"] for c in cases]
    if len(set(ids)) != len(ids):
        raise SystemExit("cases.yml: duplicate ids")
    return cases


def flow_family(expected: str) -> str:
    return expected.split(":", 1)[0]


@dataclass
class Result:
    id: str
    lang: str
    kind: str
    expect: str
    message: str
    got: str
    ok: bool
    setup_ok: bool = True
    error: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def shares(results: list[Result], key: str) -> dict[str, tuple[int, int]]:
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        group = flow_family(r.expect) if key == "flow" else (r.expect if key == "expect" else getattr(r, key))
        table[group][0] += r.ok
        table[group][1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(table.items())}


def report(results: list[Result]) -> str:
    lines = []
    total = len(results)
    right = sum(r.ok for r in results)
    lines.append(f"Routed right: {right}/{total} ({right / total:.1%})" if total else "No cases run.")
    for key, title in (
        ("lang", "language"),
        ("kind", "kind"),
        ("flow", "flow"),
        ("expect", "expected value"),
    ):
        lines.append(f"\nBy {title}:")
        for group, (ok, n) in shares(results, key).items():
            lines.append(f"  {group:<36} {ok:>3}/{n:<3} {ok / n:6.1%}")
    bad_setup = [r for r in results if not r.setup_ok]
    if bad_setup:
        lines.append(
            f"\nSetup did not reach its state in {len(bad_setup)} cases: {', '.join(r.id for r in bad_setup)}"
        )
    failures = [r for r in results if not r.ok]
    if failures:
        lines.append(f"\nFailures ({len(failures)}):")
        for r in failures:
            d = r.detail
            what = r.error or (
                f"intent={d.get('intent')} actions={d.get('actions')} loop={d.get('loop')}"
                f" slot={d.get('requested_slot')} reply={d.get('reply')!r}"
                + (f" (after setup: {d['setup_flow']})" if d.get("setup_flow") else "")
            )
            lines.append(
                f"  {r.id} [{r.lang}/{r.kind}] {r.message[:40]!r}: expected {r.expect}, got {r.got}; {what}"
            )
    return "\n".join(lines)


def instance_for(conversation_id: str, urls: list[str]) -> str:
    """The Rasa instance the gateway sends this conversation to (bot/conversation/rasa_client.py)."""
    digest = hashlib.sha256(conversation_id.encode()).digest()
    return urls[int.from_bytes(digest[:8], "big") % len(urls)]


# --------------------------------------------------------------------------------------------
# Talking to the stack
# --------------------------------------------------------------------------------------------


class SetupFailed(RuntimeError):
    pass


class Stack:
    def __init__(self, args: argparse.Namespace, http: httpx.Client) -> None:
        self.args = args
        self.http = http
        self.rasa_urls = [u.rstrip("/") for u in args.rasa_url]
        self.gateway = args.gateway.rstrip("/")
        secrets = _secrets(Path(args.secrets))
        self.token = args.rasa_token or os.environ.get("SHUOSHI_RASA_TOKEN") or secrets.get("rasa_token", "")
        self.relay_secret = os.environ.get("RELAY__SECRET") or secrets.get("relay_secret", "")
        self.api_key = args.api_key or os.environ.get("SHUOSHI_API_KEY")

    @staticmethod
    def conversation_id(sender: str) -> str:
        """As the gateway names it; the actions find the resident by it (actions/common.py)."""
        return f"web:{sender}"

    def say(
        self, sender: str, lang: str, text: str | None = None, payload: str | None = None
    ) -> list[dict[str, Any]]:
        """One resident turn; the replies (with buttons) as the resident gets them."""
        if self.args.direct:
            conv = self.conversation_id(sender)
            response = self.http.post(
                f"{instance_for(conv, self.rasa_urls)}/webhooks/relay/webhook",
                json={
                    "sender": conv,
                    "message": text if text is not None else payload,
                    "input_channel": "web",
                    "metadata": {"channel": "web", "sender": sender, "language": lang, "elder_mode": False},
                },
                headers={"X-Shuoshi-Secret": self.relay_secret},
            )
            response.raise_for_status()
            return list(response.json())
        body: dict[str, Any] = {"sender": sender}
        if text is not None:
            body["text"] = text
        else:
            body["payload"] = payload
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        response = self.http.post(f"{self.gateway}/api/chat", json=body, headers=headers)
        response.raise_for_status()
        return list(response.json().get("replies") or [])

    def trigger(self, sender: str, intent: str, entities: dict[str, Any]) -> list[dict[str, Any]]:
        conv = self.conversation_id(sender)
        response = self.http.post(
            f"{instance_for(conv, self.rasa_urls)}/conversations/{conv}/trigger_intent",
            params={"token": self.token},
            json={"name": intent, "entities": entities},
        )
        response.raise_for_status()
        return list(response.json().get("messages") or [])

    def delivered(self, sender: str, payload: str, timeout: float = 60.0) -> list[dict[str, Any]]:
        """What the assistant sent this web resident on its own (notices, a survey), once a reply
        with a button for `payload` is among it."""
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.http.get(
                f"{self.gateway}/api/chat/pending", params={"sender": sender}, headers=headers
            )
            response.raise_for_status()
            seen.extend(response.json().get("replies") or [])
            if button_for(seen, payload) is not None:
                return seen
            time.sleep(0.3)
        raise SetupFailed(
            f"no reply with {payload} arrived within {timeout:.0f} s (is the dispatcher running?)"
        )

    def tracker(self, sender: str) -> dict[str, Any]:
        conv = self.conversation_id(sender)
        response = self.http.get(
            f"{instance_for(conv, self.rasa_urls)}/conversations/{conv}/tracker",
            params={"token": self.token, "include_events": "ALL"},
        )
        response.raise_for_status()
        return dict(response.json())


def _secrets(path: Path) -> dict[str, str]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def agree_button(replies: list[dict[str, Any]]) -> str | None:
    """The privacy notice's "I agree" button (signed by the gateway: payload~signature)."""
    return button_for(replies, '/choose{"c":"yes"}', "/privacy_agree")


def button_for(replies: list[dict[str, Any]], *payloads: str) -> str | None:
    """The (signed) payload of the last offered button that sends one of `payloads`."""
    found = None
    for reply in replies:
        for button in reply.get("buttons") or []:
            payload = str(button.get("payload") or "")
            if payload.split("~", 1)[0] in payloads:
                found = payload
    return found


def seed_surveys(args: argparse.Namespace, wanted: list[tuple[str, str]]) -> dict[str, str]:
    """Real open surveys for these (sender, language) pairs: {sender: case number}."""
    if not wanted or args.no_seed:
        return {}
    # Through the gateway the stack's dispatcher asks the survey; with --direct nothing would.
    command = [args.seed_python, str(SEED), *(["--mark-sent"] if args.direct else [])]
    try:
        done = subprocess.run(
            command,
            input=json.dumps([{"sender": s, "lang": lang} for s, lang in wanted]),
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=600,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        print(f"seeding surveys failed: {error}", file=sys.stderr)
        return {}
    if done.returncode != 0:
        print(f"seeding surveys failed:\n{done.stderr[-2000:]}", file=sys.stderr)
        return {}
    try:
        return dict(json.loads(done.stdout))
    except ValueError:
        print(f"seeding surveys printed no JSON:\n{done.stdout[-2000:]}", file=sys.stderr)
        return {}


def make_api_key(args: argparse.Namespace, run_id: str) -> str | None:
    """A key for this run from `shuoshi api-key add` on the local installation (the gateway lets
    only a program with a key name its senders); None if that fails (then give --api-key)."""
    command = [args.seed_python, "-m", "bot.cli", "api-key", "add", f"dialogue-eval-{run_id}"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        print(f"making an API key failed: {error}", file=sys.stderr)
        return None
    if done.returncode != 0 or not done.stdout.strip():
        print(f"making an API key failed (give --api-key):\n{done.stderr[-2000:]}", file=sys.stderr)
        return None
    return done.stdout.strip().splitlines()[-1]


def play(stack: Stack, case: dict[str, Any], sender: str, seeded: dict[str, str]) -> Result:
    result = Result(
        id=case["id"],
        lang=case["lang"],
        kind=case["kind"],
        expect=str(case["expect"]),
        message=case["message"],
        got="error",
        ok=False,
    )
    replies: list[dict[str, Any]] = []
    try:
        for step in case.get("setup") or []:
            if isinstance(step, str):
                replies = stack.say(sender, case["lang"], text=step)
            elif isinstance(step, dict) and "privacy" in step:
                button = agree_button(replies)
                if button is not None:
                    replies = stack.say(sender, case["lang"], payload=button)
                elif (stack.tracker(sender).get("slots") or {}).get("requested_slot") == "privacy_consent":
                    raise SetupFailed("the privacy notice had no agree button")
                if (stack.tracker(sender).get("active_loop") or {}).get("name") not in INTAKE_FORMS:
                    result.setup_ok = False  # the opening message did not start an intake form
            elif isinstance(step, dict) and "survey" in step:
                number = seeded.get(sender)
                if number is None:
                    result.setup_ok = False  # the message is still sent: the intent is still read
                    continue
                if stack.args.direct:
                    stack.trigger(sender, "followup_survey", {"case_number": number})
                    if step.get("at") == "solved":
                        stack.trigger(sender, "rate_satisfied", {})
                else:
                    replies = stack.delivered(sender, "/rate_satisfied")
                    if step.get("at") == "solved":
                        replies = stack.say(
                            sender, case["lang"], payload=button_for(replies, "/rate_satisfied")
                        )
                state = stack.tracker(sender)
                wanted = "survey_solved" if step.get("at") == "solved" else "survey_rating"
                if (state.get("active_loop") or {}).get("name") != "survey_form" or (
                    (state.get("slots") or {}).get("requested_slot") != wanted
                ):
                    result.setup_ok = False
            else:
                raise SetupFailed(f"unknown setup step {step!r}")
        before = stack.tracker(sender)
        users_before = _user_events(before)
        setup_flow = classify(before) if case.get("setup") else None
        stack.say(sender, case["lang"], text=case["message"])
        tracker = stack.tracker(sender)
        if users_before and not _user_events(tracker):
            result.got = "erased"  # the resident's conversation is gone from Rasa's tracker store
            result.ok = reached(result.expect, result.got)
            return result
        if _user_events(tracker) <= users_before:
            result.error = "the message never reached Rasa (busy, rate-limited or held back)"
            return result
        result.got = classify(tracker)
        result.ok = reached(result.expect, result.got)
        result.detail = {**describe(tracker), "setup_flow": setup_flow}
    except Exception as error:  # one broken case must not end the run: it is reported
        result.error = f"{type(error).__name__}: {error}"
        result.setup_ok = result.setup_ok and not isinstance(error, SetupFailed)
    return result


def _user_events(tracker: Mapping[str, Any]) -> int:
    return sum(1 for e in tracker.get("events") or [] if e.get("event") == "user")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gateway", default="http://127.0.0.1:8000", help="the gateway's base URL")
    parser.add_argument(
        "--rasa-url",
        action="append",
        default=None,
        help="a Rasa instance's base URL; repeat for several, in the gateway's RASA__INSTANCES order",
    )
    parser.add_argument(
        "--rasa-token", help="Rasa's --auth-token (default: $SHUOSHI_RASA_TOKEN or var/secrets.json)"
    )
    parser.add_argument(
        "--api-key",
        help="the gateway's API key, sent as a bearer token (default: $SHUOSHI_API_KEY, else one made"
        " with `shuoshi api-key add` on this installation)",
    )
    parser.add_argument("--secrets", default=str(ROOT / "var" / "secrets.json"))
    parser.add_argument(
        "--direct", action="store_true", help="send messages to Rasa's relay webhook, not the gateway"
    )
    parser.add_argument(
        "--seed-python", default=sys.executable, help="the project's Python, for seed_survey.py"
    )
    parser.add_argument(
        "--no-seed", action="store_true", help="do not open real surveys (survey cases then fail setup)"
    )
    parser.add_argument("--cases", default=str(CASES))
    parser.add_argument(
        "--only", help="comma-separated case ids, or a kind (first, mid_form, mid_survey, confirm)"
    )
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    args.rasa_url = args.rasa_url or ["http://127.0.0.1:5005"]
    return args


def select(cases: list[dict[str, Any]], only: str | None) -> list[dict[str, Any]]:
    if not only:
        return cases
    wanted = {w.strip() for w in only.split(",") if w.strip()}
    return [c for c in cases if c["id"] in wanted or c["kind"] in wanted]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cases = select(load_cases(Path(args.cases)), args.only)
    run_id = uuid.uuid4().hex[:8]
    senders = {c["id"]: f"deval-{run_id}-{c['id']}" for c in cases}
    wanted = [
        (senders[c["id"]], c["lang"])
        for c in cases
        if any(isinstance(s, dict) and "survey" in s for s in c.get("setup") or [])
    ]
    seeded = seed_surveys(args, wanted)
    if not (args.direct or args.no_seed or args.api_key or os.environ.get("SHUOSHI_API_KEY")):
        args.api_key = make_api_key(args, run_id)
    results: list[Result] = []
    started = time.monotonic()
    with httpx.Client(timeout=args.timeout) as http:
        stack = Stack(args, http)
        for case in cases:
            result = play(stack, case, senders[case["id"]], seeded)
            results.append(result)
            mark = "ok " if result.ok else "BAD"
            print(f"{mark} {result.id:<11} expected {result.expect:<34} got {result.got}", file=sys.stderr)
    print(report(results))
    print(f"\n{len(results)} cases in {time.monotonic() - started:.0f} s (run {run_id})")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "run": run_id,
                    "mode": "direct" if args.direct else "gateway",
                    "total": len(results),
                    "right": sum(r.ok for r in results),
                    "by": {key: shares(results, key) for key in ("lang", "kind", "flow", "expect")},
                    "results": [asdict(r) for r in results],
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
