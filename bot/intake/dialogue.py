"""The two intake forms: which questions, in which order, and how each answer is read.

`read_answer(...)` is the whole of the answer handling, without Rasa: the form validation actions
pass it the requested slot, the message and the slots, and get back the slots to set and the
responses to send. It returns None when the message is not an answer at all (a question asked in
the middle of the form, "cancel", "go back"), so that the dialogue's rules can handle it and the
form resumes where it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.district import DistrictProfile
from bot.intake import choices, places
from bot.intake.choices import normalise
from bot.residents.privacy import InvalidPersonalData, normalise_phone, validate_id_number

# The privacy notice the resident agrees to before the first personal question (utter_ask_privacy_consent).
NOTICE_VERSION = "intake-2026-1"

DISPUTE_FORM = "dispute_form"
PETITION_FORM = "petition_form"
FORMS = (DISPUTE_FORM, PETITION_FORM)

DISPUTE_SLOTS = (
    "privacy_consent",
    "dispute_category",
    "township",
    "village",
    "dispute_description",
    "other_party",
    "dispute_request",
    "contact_phone",
    "mediation_preference",
    "intake_confirm",
)
PETITION_SLOTS = (
    "privacy_consent",
    "petition_subject",
    "township",
    "petition_facts",
    "other_body",
    "resident_name",
    "contact_phone",
    "id_number",
    "intake_confirm",
)
# Slots that help along the way and are cleared with the form.
HELPER_SLOTS = ("village_candidate", "intake_failures")
ALL_SLOTS = tuple(dict.fromkeys((*DISPUTE_SLOTS, *PETITION_SLOTS, *HELPER_SLOTS)))

# Short codes for the summary's edit buttons (`/choose{"c":"edit_what"}`): payloads stay short ASCII.
EDIT_CODES: dict[str, str] = {
    "dispute_category": "cat",
    "township": "place",
    "dispute_description": "what",
    "other_party": "party",
    "dispute_request": "want",
    "contact_phone": "phone",
    "mediation_preference": "how",
    "petition_subject": "subj",
    "petition_facts": "facts",
    "other_body": "body",
    "resident_name": "name",
    "id_number": "id",
}
SLOT_OF_EDIT = {code: slot for slot, code in EDIT_CODES.items()}
# Editing one answer also clears the answers that depend on it.
DEPENDENT: dict[str, tuple[str, ...]] = {"township": ("village", "village_candidate")}

# Intents that, in the middle of a form, are a question to answer before resuming (stories/intake.yml
# has a rule for each inside each form) rather than an answer.
INTERRUPTIONS = frozenset(
    {"faq", "faq_pick", "privacy", "help", "ask_intake_why_phone", "ask_intake_duration", "ask_human"}
)
CONTROLS = frozenset({"intake_cancel", "intake_back", "intake_restart"})
MAX_FAILURES = 3

_QUESTION = re.compile(
    r"[?？]\s*$|[吗呢嘛]\s*$|^(?:请问|问一下)|多久|多长时间|要不要|收费|免费|为什么|怎么|什么|能不能|可不可以|是不是|"
    r"^(?:is|are|do|does|can|could|how|what|why|when|where|who|should|will|would)\b",
    re.IGNORECASE,
)
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)")
_ID = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
_DIGITS = re.compile(r"\d{5,}")
_NAME_PREFIX = re.compile(
    r"^(?:我叫|我是|我的名字是|名字是|名字叫|姓名|my name is|i am|i'm|name)[:：\s]*", re.IGNORECASE
)


def required_slots(form: str, slots: Mapping[str, Any], profile: DistrictProfile) -> list[str]:
    """The questions of `form` still to be asked in order, given the answers so far.

    Nothing more once the resident declined the privacy notice, or (petitions) said a court or an
    arbitration body has the matter: the form ends and the submit action explains why.
    """
    if slots.get("privacy_consent") is False:
        return []
    if form == PETITION_FORM and slots.get("other_body") in choices.IN_LITIGATION:
        return []
    order: tuple[str, ...] = DISPUTE_SLOTS if form == DISPUTE_FORM else PETITION_SLOTS
    if form == PETITION_FORM and not profile.petition_requires_id_number:
        order = tuple(slot for slot in order if slot != "id_number")
    return list(order)


def next_slot(form: str, slots: Mapping[str, Any], profile: DistrictProfile) -> str | None:
    return next((slot for slot in required_slots(form, slots, profile) if slots.get(slot) is None), None)


def previous_slot(form: str, slots: Mapping[str, Any], profile: DistrictProfile) -> str | None:
    """The answered question before the current one ("go back"); never the privacy consent."""
    order = [slot for slot in required_slots(form, slots, profile) if slot != "privacy_consent"]
    current = next_slot(form, slots, profile)
    upto = order.index(current) if current in order else len(order)
    answered = [slot for slot in order[:upto] if slots.get(slot) is not None]
    return answered[-1] if answered else None


@dataclass
class Message:
    """What the resident sent, as the NLU saw it."""

    text: str
    intent: str | None = None
    confidence: float = 1.0
    # The key of a pressed `/choose{"c":...}` button, or a phone shared with `/share_phone`.
    pressed: str | None = None
    shared_phone: str | None = None
    # The text as the resident wrote it, when it differs from `text` (Traditional Chinese is read
    # as Simplified by the model): what a description stores.
    as_written: str | None = None


@dataclass
class Reading:
    """The outcome of reading one answer: slots to set and responses to send (key, variables)."""

    slots: dict[str, Any] = field(default_factory=dict)
    say: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    accepted: bool = True


def is_question(message: Message) -> bool:
    return bool(_QUESTION.search(message.text.strip()))


def _not_an_answer(message: Message) -> bool:
    """Cancel / back / start over, or a question for the knowledge base rather than an answer."""
    if message.intent in CONTROLS or choices.control_of(message.text):
        return True
    return interrupts(message)


def interrupts(message: Message) -> bool:
    """A question to answer before resuming. A knowledge question must look like one: a short
    answer ("毛营村", a name) that the classifier happens to read as `faq` is still an answer."""
    if message.intent not in INTERRUPTIONS or message.confidence < 0.5:
        return False
    return message.intent != "faq" or is_question(message)


def _invalid(slot: str, response: str, **variables: Any) -> Reading:
    return Reading(slots={slot: None}, say=[(response, variables)], accepted=False)


def read_answer(
    form: str, slot: str, message: Message, slots: Mapping[str, Any], profile: DistrictProfile
) -> Reading | None:
    """Reads the resident's answer to `slot`. None: not an answer (let the dialogue handle it)."""
    reader = _READERS[slot]
    return reader(form, slot, message, slots, profile)


def _choice(options: tuple[choices.Option, ...], invalid_response: str) -> Any:
    def read(
        form: str, slot: str, message: Message, slots: Mapping[str, Any], profile: DistrictProfile
    ) -> Reading | None:
        option = choices.pick(message.text, options, pressed=message.pressed)
        if option is not None:
            return Reading(slots={slot: option.key})
        if _not_an_answer(message):
            return None
        return _invalid(slot, invalid_response)

    return read


def _read_consent(
    form: str, slot: str, message: Message, slots: Mapping[str, Any], profile: DistrictProfile
) -> Reading | None:
    option = choices.pick(message.text, choices.YES_NO, pressed=message.pressed)
    if (
        option is None
        and message.intent in ("privacy_agree", "privacy_decline")
        and message.confidence >= 0.5
    ):
        option = choices.by_key(choices.YES_NO, "yes" if message.intent == "privacy_agree" else "no")
    if option is not None:
        return Reading(slots={slot: option.key == "yes"})
    if _not_an_answer(message):
        return None
    return _invalid(slot, "utter_intake_invalid_consent")


def _read_township(
    form: str, slot: str, message: Message, slots: Mapping[str, Any], profile: DistrictProfile
) -> Reading | None:
    township = places.match_township(profile, message.text, pressed=message.pressed)
    if township is not None:
        changed = slots.get("township") not in (None, township.name)
        return Reading(slots={slot: township.name, **({"village": None} if changed else {})})
    if _not_an_answer(message):
        return None
    return _invalid(slot, "utter_intake_invalid_township")


def _read_village(
    form: str, slot: str, message: Message, slots: Mapping[str, Any], profile: DistrictProfile
) -> Reading | None:
    township = profile.township(str(slots.get("township") or ""))
    if township is None:  # the township was cleared: ask it again first
        return Reading(slots={"township": None, slot: None}, accepted=False)
    candidate = slots.get("village_candidate")
    if candidate:
        # Answering a "did you mean": a number picks a suggestion, the last number keeps the name as typed.
        suggestions = places.match_village(township, str(candidate)).suggestions
        number = choices.typed_number(message.pressed or message.text)
        if (
            message.pressed == "keep"
            or number == len(suggestions) + 1
            or normalise(message.text) == normalise(str(candidate))
        ):
            return Reading(slots={slot: str(candidate), "village_candidate": None})
        if number is not None and 1 <= number <= len(suggestions):
            return Reading(slots={slot: suggestions[number - 1], "village_candidate": None})
    else:
        number = choices.typed_number(message.pressed or message.text)
        if number is not None and 1 <= number <= len(township.villages):
            return Reading(slots={slot: township.villages[number - 1]})
    if _not_an_answer(message) or (message.pressed is not None):
        return None
    found = places.match_village(township, message.text)
    if found.name is not None:
        return Reading(slots={slot: found.name, "village_candidate": None})
    if found.suggestions:
        return Reading(
            slots={slot: None, "village_candidate": " ".join(message.text.split())[:50]},
            say=[("utter_intake_village_did_you_mean", {"typed": " ".join(message.text.split())[:50]})],
        )
    return _invalid(slot, "utter_intake_invalid_village", township=township.name)


def _free_text(max_length: int, min_length: int = 2) -> Any:
    def read(
        form: str, slot: str, message: Message, slots: Mapping[str, Any], profile: DistrictProfile
    ) -> Reading | None:
        if message.pressed is not None or message.intent in CONTROLS or choices.control_of(message.text):
            return None
        if interrupts(message) and (is_question(message) or message.intent == "faq_pick"):
            return None
        text = (message.as_written or message.text).strip()
        if len(normalise(text)) < min_length:
            return _invalid(slot, "utter_intake_invalid_too_short")
        if len(text) > max_length:
            return _invalid(slot, "utter_intake_invalid_too_long", limit=max_length)
        return Reading(slots={slot: text})

    return read


def find_phone(text: str) -> str | None:
    found = _MOBILE.search(text) or _LANDLINE.search(text)
    return found.group(0) if found else None


def _read_phone(
    form: str, slot: str, message: Message, slots: Mapping[str, Any], profile: DistrictProfile
) -> Reading | None:
    raw = message.shared_phone or find_phone(message.text)
    if raw is None and _DIGITS.search(message.text):
        raw = _DIGITS.search(message.text).group(0)  # type: ignore[union-attr]
    if raw is not None:
        try:
            return Reading(slots={slot: normalise_phone(raw)})
        except InvalidPersonalData:
            return _invalid(slot, "utter_intake_invalid_phone")
    if _not_an_answer(message):
        return None
    return _invalid(slot, "utter_intake_invalid_phone")


def _read_id_number(
    form: str, slot: str, message: Message, slots: Mapping[str, Any], profile: DistrictProfile
) -> Reading | None:
    found = _ID.search(message.text)
    if found is not None:
        try:
            return Reading(slots={slot: validate_id_number(found.group(0))})
        except InvalidPersonalData as error:
            if "check digit" in str(error):
                return _invalid(slot, "utter_intake_invalid_id_check_digit")
            return _invalid(slot, "utter_intake_invalid_id_number")
    if _DIGITS.search(message.text):
        return _invalid(slot, "utter_intake_invalid_id_number")
    if _not_an_answer(message):
        return None
    return _invalid(slot, "utter_intake_invalid_id_number")


def _read_name(
    form: str, slot: str, message: Message, slots: Mapping[str, Any], profile: DistrictProfile
) -> Reading | None:
    if message.pressed is not None or _not_an_answer(message):
        return None
    name = _NAME_PREFIX.sub("", message.text.strip()).strip(" 。.,，!！")
    if not name or len(name) > 30 or any(character.isdigit() for character in name):
        return _invalid(slot, "utter_intake_invalid_name")
    return Reading(slots={slot: name})


def _read_confirm(
    form: str, slot: str, message: Message, slots: Mapping[str, Any], profile: DistrictProfile
) -> Reading | None:
    options = confirm_options(form, slots, profile)
    option = choices.pick(message.text, options, pressed=message.pressed)
    if option is None:
        # "改电话" / "change the phone": an edit named by its field.
        text = normalise(message.text)
        option = next(
            (
                candidate
                for candidate in options[1:]
                if candidate.words and any(word in text for word in candidate.words)
            ),
            None,
        )
    if option is None:
        if _not_an_answer(message):
            return None
        return _invalid(slot, "utter_intake_invalid_confirm")
    if option.key == "submit":
        return Reading(slots={slot: "submit"})
    edited = SLOT_OF_EDIT[option.key.removeprefix("edit_")]
    cleared = {edited: None, slot: None, **dict.fromkeys(DEPENDENT.get(edited, ()), None)}
    return Reading(slots=cleared)


# What the resident may change on the summary, in the order shown, and words that name each field.
_FIELD_WORDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "dispute_category": ("改纠纷类型", "Change the kind", ("类型", "类别", "kind", "category")),
    "township": (
        "改地点",
        "Change the place",
        ("地点", "乡镇", "街道", "村", "社区", "place", "village", "township"),
    ),
    "dispute_description": ("改经过", "Change what happened", ("经过", "情况", "what happened")),
    "other_party": ("改对方", "Change the other party", ("对方", "other party")),
    "dispute_request": ("改诉求", "Change what you want", ("诉求", "要求", "希望", "want")),
    "contact_phone": ("改电话", "Change the phone", ("电话", "手机", "号码", "phone")),
    "mediation_preference": ("改调解方式", "Change how to mediate", ("调解方式", "方式", "mediat")),
    "petition_subject": ("改事项", "Change the subject", ("事项", "主题", "标题", "subject")),
    "petition_facts": ("改事实和诉求", "Change facts and request", ("事实", "诉求", "facts", "request")),
    "other_body": ("改处理情况", "Change who is handling it", ("处理", "法院", "仲裁", "handling")),
    "resident_name": ("改姓名", "Change the name", ("姓名", "名字", "name")),
    "id_number": ("改身份证号", "Change the ID number", ("身份证", "证件", "id")),
}


def confirm_options(
    form: str, slots: Mapping[str, Any], profile: DistrictProfile
) -> tuple[choices.Option, ...]:
    """Submit first, then one edit per answered field (the summary's buttons, in order)."""
    fields = [
        slot for slot in required_slots(form, slots, profile) if slot in _FIELD_WORDS and slot != "village"
    ]
    edits = tuple(
        choices.Option(
            f"edit_{EDIT_CODES[slot]}", _FIELD_WORDS[slot][0], _FIELD_WORDS[slot][1], _FIELD_WORDS[slot][2]
        )
        for slot in fields
    )
    return (
        choices.Option(
            "submit", "确认提交", "Submit", ("提交", "确认", "没问题", "对的", "submit", "confirm")
        ),
        *edits,
    )


_READERS: dict[str, Any] = {
    "privacy_consent": _read_consent,
    "dispute_category": _choice(choices.CATEGORIES, "utter_intake_invalid_category"),
    "township": _read_township,
    "village": _read_village,
    "dispute_description": _free_text(2000),
    "other_party": _free_text(200, min_length=1),
    "dispute_request": _free_text(2000),
    "contact_phone": _read_phone,
    "mediation_preference": _choice(choices.MEDIATION, "utter_intake_invalid_choice"),
    "petition_subject": _free_text(200),
    "petition_facts": _free_text(2000),
    "other_body": _choice(choices.OTHER_BODY, "utter_intake_invalid_choice"),
    "resident_name": _read_name,
    "id_number": _read_id_number,
    "intake_confirm": _read_confirm,
}


# The request itself at the start of an opening message: "我要登记一个纠纷，", "帮我调解一下：",
# "I want to report a dispute with my neighbour," — what follows it is the resident's story.
_REQUEST_ZH = re.compile(
    r"^\s*(?:你好|您好)?[，,。\s]*(?:我|俺)?(?:要|想|想要|需要|希望)?(?:帮我|请|麻烦)?"
    r"(?:登记|申请|反映|投诉|报|提交|办|找人|请人)?(?:一个|一件|一下|个)?"
    r"(?:矛盾纠纷|纠纷|调解|信访事项|信访|事项|问题|事)"
    r"(?:登记|一下)?\s*[，,。.:：;；!！\s]+"
)
_REQUEST_EN = re.compile(
    r"^\s*(?:hi|hello)?[,.!\s]*(?:i(?:'d| would)? (?:want|like|need) to |please |can you |i want |help me )?"
    r"(?:register|report|file|submit|lodge|make|start)\s+(?:a |an )?"
    r"(?:dispute|petition|complaint|case|mediation request)\b[^,.:;!]*[,.:;!]\s*",
    re.IGNORECASE,
)
# Shorter than this, what follows the request is no story (a "please", a "thanks").
STORY_MIN_LENGTH = 6


def opening_story(text: str) -> str | None:
    """What the resident already told in the message that started the form, without the request
    itself: "我要登记一个纠纷，邻居家天天漏水到我家" → "邻居家天天漏水到我家". None when the message
    was only the request."""
    for pattern in (_REQUEST_ZH, _REQUEST_EN):
        match = pattern.match(text)
        if match:
            story = text[match.end() :].strip(" ，,。.:：;；!！")
            return story if len(story) >= STORY_MIN_LENGTH else None
    return None


def category_hint(text: str) -> str | None:
    """A category named in the message that started the dispute form ("邻居装修太吵想调解")."""
    option = choices.pick(text, choices.CATEGORIES)
    if option is None or choices.typed_number(text) is not None or option.key == "other":
        return None
    return option.key
