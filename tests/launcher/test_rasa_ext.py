"""rasa_ext, run inside Rasa's own venv (Python 3.10, Rasa 3.6): the cached validator
is installed and accepts and rejects exactly what Rasa's own check does, and responses are
filled in as before while JSON payloads no longer go through a KeyError; and the gateway's
language and elder mode reach their slots through Rasa's own slot extraction (rasa_ext.metadata);
and the selector's TF-IDF featurizer weighs, keeps and reloads what it learnt (rasa_ext.tfidf)."""

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parents[2]
RASA_PYTHON = PROJECT / ".venv-rasa" / "bin" / "python"


def in_rasa(script: str, *args: str) -> Any:
    """Runs `script` with Rasa's own Python from the project root; its last line of output, as JSON."""
    run = subprocess.run(
        [str(RASA_PYTHON), "-c", script, *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


SCRIPT = r"""
import json, sys
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
original = RemoteAction._validate_action_result
import rasa_ext.relay_channel  # loading the channel applies the speed-up
assert RemoteAction._validate_action_result is not original, "not applied"
action = RemoteAction("action_x", None)
schema = RemoteAction.action_response_format_spec()
verdicts = []
for result in json.loads(sys.argv[1]):
    try:
        validate(result, schema)
        expected = "ok"
    except ValidationError:
        expected = "rejected"
    try:
        action._validate_action_result(result)
        got = "ok"
    except ValidationError as error:
        got = "rejected"
        assert "Failed to validate Action server response" in error.message
    verdicts.append([expected, got])

from rasa.core.nlg import interpolator
from rasa_ext import speedups
response = {
    "text": "Case {case_number} is {status}.",
    "buttons": [{"title": "Neighbours", "payload": '/inform{"dispute_category":"neighbour"}'}],
}
filled = interpolator.interpolate(response, {"case_number": "DT-1", "status": "open"})
assert filled["text"] == "Case DT-1 is open.", filled
assert filled["buttons"][0]["payload"] == '/inform{"dispute_category":"neighbour"}', filled
assert interpolator.interpolate_text("{missing} stays", {}) == "{missing} stays"
def refuse(*args):
    raise AssertionError("JSON went through Rasa's interpolator")
speedups._interpolate_text = refuse
assert interpolator.interpolate_text('/faq_topics{"faq_topic":"law"}', {}) == '/faq_topics{"faq_topic":"law"}'
print(json.dumps(verdicts))
"""

RESULTS = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "language", "value": "en"}], "responses": [{"text": "hi"}]},
    {"events": [{"event": "followup", "name": "action_x"}]},
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},  # a slot event without a name
    {"events": [{"event": "no_such_event"}]},
    {"responses": ["not an object"]},
]


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa venv (make setup)")
def test_the_cached_validator_is_installed_and_judges_as_rasa_does() -> None:
    verdicts = in_rasa(SCRIPT, json.dumps(RESULTS))
    assert [got for _, got in verdicts] == [expected for expected, _ in verdicts]
    assert [got for _, got in verdicts] == ["ok", "ok", "ok"] + ["rejected"] * 4


METADATA_SCRIPT = r"""
import asyncio, json, sys
from rasa.core.actions.action import ActionExtractSlots
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message
from rasa_ext.metadata import MetadataEntities

domain = Domain.load("domain")
assert "action_validate_slot_mappings" not in domain.user_actions, "a per-turn action call is back"
component = MetadataEntities()
results = []
for metadata in json.loads(sys.argv[1]):
    intent = {"name": "greet", "confidence": 1.0}
    # an entity of the same name from another extractor is replaced, not doubled
    message = Message(data={"text": "hi", "metadata": metadata, "intent": intent,
                            "entities": [{"entity": "language", "value": "zh-Hans", "extractor": "DIET"}]})
    component.process([message])
    tracker = DialogueStateTracker.from_events(
        "web:meta-1",
        [ActionExecuted("action_listen"), UserUttered("hi", intent=intent, entities=message.get("entities"))],
        slots=domain.slots,
    )
    # Rasa's own slot extraction, with no action server at all
    events = asyncio.run(ActionExtractSlots(None).run(
        CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses), tracker, domain))
    results.append({e.key: e.value for e in events if isinstance(e, SlotSet)})

# A button payload skips the pipeline: Rasa unpacks it itself, with the values the relay put in.
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa_ext.metadata import into_payload
payload = into_payload('/faq_pick{"faq_key":"law_wages"}', {"language": "en", "elder_mode": True})
unpacked = YAMLStoryReader.unpack_regex_message(Message(data={"text": payload}), domain=domain)
intent = unpacked.get("intent")
tracker = DialogueStateTracker.from_events("web:meta-2", [
    ActionExecuted("action_listen"), UserUttered(payload, intent=intent, entities=unpacked.get("entities"))],
    slots=domain.slots)
events = asyncio.run(ActionExtractSlots(None).run(
    CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses), tracker, domain))
print(json.dumps({"results": results, "payload": {
    "intent": intent["name"],
    "entities": {e["entity"]: e["value"] for e in unpacked.get("entities")},
    "slots": {e.key: e.value for e in events
              if isinstance(e, SlotSet) and e.key in ("language", "elder_mode")},
    "typed": into_payload("你好", {"language": "en"}),
    "forged": into_payload("/greet", {"language": "fr", "elder_mode": "yes"}),
}}))
"""


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa venv (make setup)")
def test_the_gateways_language_and_elder_mode_fill_their_slots_without_an_action_call() -> None:
    """Typed text through the pipeline component, button payloads through their own entities."""
    cases = [
        {"language": "en", "elder_mode": True},
        {"language": "zh-Hant", "elder_mode": False},
        {"language": "fr", "elder_mode": "yes"},  # forged: not a language we answer in, not a bool
        None,
        ["en"],
    ]
    result = in_rasa(METADATA_SCRIPT, json.dumps(cases))
    assert result["payload"] == {
        "intent": "faq_pick",
        "entities": {"faq_key": "law_wages", "language": "en", "elder_mode": True},
        "slots": {"language": "en", "elder_mode": True},
        "typed": "你好",  # typed text goes through the pipeline instead
        "forged": "/greet",
    }
    assert result["results"] == [
        {"language": "en", "elder_mode": True},
        {"language": "zh-Hant", "elder_mode": False},
        {"language": "zh-Hans"},  # only the other extractor's entity is left
        {"language": "zh-Hans"},
        {"language": "zh-Hans"},
    ]


# What the featurizer tests share: imports, a model storage and the jieba tokenizer.
TFIDF_PREAMBLE = r"""
import json, tempfile
from pathlib import Path
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa_ext.tfidf import SentenceTfidf, latin, reader

storage = LocalModelStorage(Path(tempfile.mkdtemp()))
context = ExecutionContext(GraphSchema({}), "model")
tokenizer = JiebaTokenizer.create(JiebaTokenizer.get_default_config(), storage, Resource("jieba"), context)

# The training data, as featurized in training, and the featurizer loaded back.
def train(config, name, texts, intent="x"):
    resource = Resource(name)
    component = SentenceTfidf.create(config, storage, resource, context)
    data = TrainingData(training_examples=[Message(data={"text": t, "intent": intent}) for t in texts])
    tokenizer.process_training_data(data)
    component.train(data)
    return data, component.process_training_data(data), SentenceTfidf.load(config, storage, resource, context)

# The sentence feature `loaded` gives one message.
def sentence(loaded, text):
    message = Message(data={"text": text})
    tokenizer.process([message])
    [seen] = loaded.process([message])
    return [f for f in seen.features if f.type == "sentence"][0].features.tocsr()
"""

TFIDF_SCRIPT = (
    TFIDF_PREAMBLE
    + r"""
config = {"alias": "sentence_tfidf", "max_ngram": 4, "chars_weight": 2.0}
texts = ["平台刷单返利", "屏幕共享", "12315是什么电话", "my money is gone", "my phone is broken"]
data, trained, loaded = train(config, "sentence_tfidf", texts, intent="faq")
examples = data.training_examples

def features(text):
    message = Message(data={"text": text})
    tokenizer.process([message])
    [seen] = loaded.process([message])
    return {f.type: f.features.tocsr() for f in seen.features}, message

typo, _ = features("平幕共享")  # a homophone typo
chars = loaded._vectorizers["chars"].get_feature_names_out()
words = loaded._vectorizers["words"].get_feature_names_out()
offset = len(words)
row = typo["sentence"]
one, message = features("my money")
weights = {str(words[i]): float(one["sentence"][0, i]) for i in one["sentence"].indices if i < offset}
long, _ = features("屏幕共享屏幕共享屏幕共享")
short, _ = features("屏幕共享")
# One message at a time (a resident's) takes a shortcut past scikit-learn; several (training)
# go through it: the rows must be the same.
several = [Message(data={"text": t}) for t in
           ["屏幕共享屏幕共享", "My money my MONEY", "完全没见过的字", "12315", "刷單返利 平台", "?"]]
tokenizer.process(several)
batch = [m.features[-2].features.tocsr() for m in loaded.process(several)]
alone = [loaded.process([m])[0].features[-2].features.tocsr() for m in several]
print(json.dumps({
    "shortcut_taken": loaded._one_row is not None,
    "one_by_one": [[b.indices.tolist() == a.indices.tolist(), float(abs(b - a).max()) if b.nnz else 0, b.nnz]
                   for b, a in zip(batch, alone)],
    "originals_untouched": [[f.origin for f in m.features] for m in examples],
    "trained": [[f.type, f.attribute, f.origin, f.is_sparse()]
                for m in trained.training_examples[:1] for f in m.features],
    "grams": sorted(str(chars[i - offset]) for i in row.indices if i >= offset),
    "block_lengths": [round(float(np.linalg.norm(one["sentence"][0, :offset].toarray())), 6),
                      round(float(np.linalg.norm(one["sentence"][0, offset:].toarray())), 6)],
    "weights": weights,
    "long_equals_short": bool(abs(long["sentence"][0, :offset] - short["sentence"][0, :offset]).max() < 1e-9),
    "sequence_shape": list(one["sequence"].shape), "tokens": len(message.get("text_tokens")),
    "sequence_values": int(one["sequence"].nnz),
    "same_after_loading": bool(abs(trained.training_examples[3].features[-2].features.tocsr()
                                   - features("my money is gone")[0]["sentence"]).max() < 1e-9),
}, ensure_ascii=False))
"""
)


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa venv (make setup)")
def test_sentence_tfidf_weighs_rare_words_spans_word_boundaries_and_survives_loading() -> None:
    result = in_rasa(TFIDF_SCRIPT)
    # The training data Rasa caches keeps its messages: only the tokenizer's features.
    assert all("sentence_tfidf" not in origins for origins in result["originals_untouched"])
    assert result["trained"] == [
        ["sentence", "text", "sentence_tfidf", True],
        ["sequence", "text", "sentence_tfidf", True],
    ]
    # The typo'd sentence still shares the n-grams of the trained one, across any word cut.
    assert {"共", "享", "共享", "幕共享", "幕共", " 平"} <= set(result["grams"])
    assert "平幕" not in result["grams"]  # never seen in training
    # Words are of unit length, character n-grams of length chars_weight; a word in two of the
    # five training examples ("my") weighs less than one in a single example ("money").
    assert result["block_lengths"] == [1.0, 2.0]
    # A message featurized alone gets the row it gets among others (the same columns, values
    # within rounding), also a text of characters never seen (only char_wb's padding space).
    assert all(same and difference < 1e-12 for same, difference, _ in result["one_by_one"])
    assert all(nnz > 0 for _, _, nnz in result["one_by_one"])
    assert result["shortcut_taken"] is True
    # (Rasa's jieba tokenizer keeps the space between English words as a token of its own.)
    assert set(result["weights"]) == {"my", "money", " "}
    assert result["weights"]["my"] < result["weights"]["money"]
    # Words said three times weigh no more than said once (the row is scaled to unit length).
    assert result["long_equals_short"] is True
    # The sequence feature is an empty placeholder, one row per token.
    assert result["sequence_shape"] == [result["tokens"], 1]
    assert result["sequence_values"] == 0
    assert result["same_after_loading"] is True


SIMPLIFIED_SCRIPT = (
    TFIDF_PREAMBLE
    + r"""
texts = ["给我发防骗提醒", "关闭长辈模式", "没解决", "not solved"]
result = {}
for simplified in (True, False):
    config = {**SentenceTfidf.get_default_config(), "max_ngram": 2, "simplified": simplified}
    _, _, loaded = train(config, f"tfidf-{simplified}", texts)
    row = lambda text: sentence(loaded, text)

    hant, hans = row("給我發防騙提醒"), row("给我发防骗提醒")
    # The character block (after the words'); jieba may cut the two scripts' words differently.
    offset = len(loaded._vectorizers["words"].get_feature_names_out())
    result[str(simplified)] = {
        "same": bool(abs(hant[:, offset:] - hans[:, offset:]).max() < 1e-9),
        "hant_features": int(hant[:, offset:].nnz),
        "english_same": bool(abs(row("Not Solved") - row("not solved")).max() < 1e-9),
    }
# Long numbers: read as left out, in both blocks, when configured; short ones as written.
config = {**SentenceTfidf.get_default_config(), "max_ngram": 2, "simplified": True, "long_numbers": 6}
_, _, loaded = train(config, "tfidf-numbers", texts + ["绑定码 20481937", "96110打来的"])
same = lambda a, b: bool(abs(row(a) - row(b)).max() < 1e-9)
read = reader(config)
result["numbers"] = {
    "qq_or_phone": same("加我QQ 2876654301", "加我QQ 13900001111"),
    "hotline": same("96110打来的", "12345打来的"),
    "read": [read("先加我QQ 2876654301 有急"), read("查詢 DT-JF-2026-000123"), reader({})("QQ 2876654301")],
}
print(json.dumps(result, ensure_ascii=False))
"""
)


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa venv (make setup)")
def test_traditional_reads_as_simplified_and_long_numbers_as_left_out_when_configured() -> None:
    result = in_rasa(SIMPLIFIED_SCRIPT)
    # A zh-Hant message gets exactly the character features its zh-Hans twin gets.
    assert result["True"]["same"] is True
    # Without the option, its Traditional characters are characters the model never saw: fewer
    # of its characters and pairs are features at all.
    assert result["False"]["same"] is False
    assert result["False"]["hant_features"] < result["True"]["hant_features"]
    assert result["True"]["english_same"] is True
    # A phone or QQ number says nothing of what the resident wants: any one reads as another.
    numbers = result["numbers"]
    assert numbers["qq_or_phone"] is True
    assert numbers["hotline"] is False  # 96110 and 12345 are different hotlines
    assert numbers["read"] == ["先加我QQ   有急", "查询 DT-JF-2026- ", "QQ 2876654301"]


LATIN_SCRIPT = (
    TFIDF_PREAMBLE
    + r"""
texts = ["very disappointed", "not satisfied at all", "没解决", "I'm satisfied"]
result = {}
for latin_ngrams in ([3, 5], None):
    config = {**SentenceTfidf.get_default_config(), "max_ngram": 2, "simplified": True,
              "latin_ngrams": latin_ngrams, "latin_weight": 1.0}
    SentenceTfidf.validate_config(config)
    _, trained, loaded = train(config, f"tfidf-{latin_ngrams}", texts)
    row = lambda text: sentence(loaded, text)

    vectorizers = loaded._vectorizers
    offset = sum(len(vectorizers[k].get_feature_names_out()) for k in ("words", "chars"))
    grams = list(vectorizers["latin"].get_feature_names_out()) if "latin" in vectorizers else []
    unseen = row("disappointing")  # a word no example has, whose stem one has
    result[str(latin_ngrams)] = {
        "blocks": sorted(vectorizers),
        "width": row("没解决").shape[1],
        "shared": sorted(grams[i - offset] for i in unseen.indices if i >= offset),
        "latin_length": round(float(np.linalg.norm(unseen[0, offset:].toarray())), 6),
        "chinese_latin_values": int(row("没解决")[:, offset:].nnz),
        "same_after_loading": bool(abs(trained.training_examples[0].features[-2].features.tocsr()
                                       - row("very disappointed")).max() < 1e-9),
    }
    # A message alone (the shortcut past scikit-learn) gets the row it gets among others.
    several = [Message(data={"text": t}) for t in ["so disappointing", "没解决 not at ALL", "没解决", "?"]]
    tokenizer.process(several)
    batch = [m.features[-2].features.tocsr() for m in loaded.process(several)]
    alone = [loaded.process([m])[0].features[-2].features.tocsr() for m in several]
    result[str(latin_ngrams)]["one_by_one"] = all(
        b.indices.tolist() == a.indices.tolist() and (not b.nnz or abs(b - a).max() < 1e-12)
        for b, a in zip(batch, alone))
for bad in ([5, 3], [0, 2]):
    try:
        SentenceTfidf.validate_config({**SentenceTfidf.get_default_config(), "latin_ngrams": bad})
        result[str(bad)] = "accepted"
    except ValueError:
        result[str(bad)] = "refused"
# Training data with no Latin letters at all makes no third block (and no error).
config = {**SentenceTfidf.get_default_config(), "latin_ngrams": [3, 5]}
component = SentenceTfidf.create(config, storage, Resource("tfidf-chinese"), context)
chinese = [Message(data={"text": t, "intent": "x"}) for t in ["没解决", "已解决"]]
data = TrainingData(training_examples=chinese)
tokenizer.process_training_data(data)
component.train(data)
result["chinese_only_blocks"] = sorted(component._vectorizers)
result["read"] = latin("I'm NOT satisfied, 没解决 2026!")
print(json.dumps(result, ensure_ascii=False))
"""
)


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa venv (make setup)")
def test_latin_letters_make_a_block_of_their_own_when_configured() -> None:
    result = in_rasa(LATIN_SCRIPT)
    on, off = result["[3, 5]"], result["None"]
    assert on["blocks"] == ["chars", "latin", "words"]
    assert off["blocks"] == ["chars", "words"]
    # An English word never seen shares its stem's 3-5-grams with a trained one ...
    assert {"dis", "disa", "disap", "ppoi", "poin"} <= set(on["shared"])
    assert on["latin_length"] == 1.0  # the block is of length latin_weight
    assert off["shared"] == []
    # ... and a Chinese message has no Latin letters: nothing in the block, only more columns.
    assert on["chinese_latin_values"] == 0
    assert on["width"] > off["width"]
    assert on["same_after_loading"] is True
    assert off["same_after_loading"] is True
    assert on["one_by_one"] is True and off["one_by_one"] is True
    assert result["[5, 3]"] == result["[0, 2]"] == "refused"
    assert result["chinese_only_blocks"] == ["chars", "words"]
    assert result["read"] == "i'm not satisfied "


PAIRS_SCRIPT = (
    TFIDF_PREAMBLE
    + r"""
from rasa_ext.tfidf import pairs
texts = ["not satisfied at all", "very satisfied", "没解决，还在漏水", "法律援助怎么申请"]
config = {**SentenceTfidf.get_default_config(), "max_ngram": 2, "simplified": True,
          "latin_ngrams": [3, 5], "pairs_weight": 0.5}
SentenceTfidf.validate_config(config)
_, trained, loaded = train(config, "tfidf-pairs", texts)
vectorizers = loaded._vectorizers
offset = sum(len(vectorizers[k].get_feature_names_out()) for k in ("words", "chars"))
names = list(vectorizers["pairs"].get_feature_names_out())
width = len(names)
row = sentence(loaded, "Not satisfied, at ALL")
block = row[:, offset:offset + width]
several = [Message(data={"text": t}) for t in ["not satisfied", "法律援助 怎么申请", "没解决", "?"]]
tokenizer.process(several)
batch = [m.features[-2].features.tocsr() for m in loaded.process(several)]
alone = [loaded.process([m])[0].features[-2].features.tocsr() for m in several]
refused = []
for bad in (-1, -0.5):
    try:
        SentenceTfidf.validate_config({**config, "pairs_weight": bad})
    except ValueError:
        refused.append(bad)
print(json.dumps({
    "blocks": sorted(vectorizers),
    "vocabulary": sorted(names),
    "seen": sorted(names[i - offset] for i in block.indices + offset),
    "length": round(float(np.linalg.norm(block.toarray())), 6),
    "one_by_one": all(b.indices.tolist() == a.indices.tolist() and (not b.nnz or abs(b - a).max() < 1e-12)
                      for b, a in zip(batch, alone)),
    "same_after_loading": bool(abs(trained.training_examples[0].features[-2].features.tocsr()
                                   - sentence(loaded, "not satisfied at all")).max() < 1e-9),
    "refused": refused,
    "off": sorted(train({**config, "pairs_weight": 0.0}, "tfidf-no-pairs", texts)[2]._vectorizers),
    # Training messages of one word each give no pairs: no block (an empty one cannot be fitted).
    "one_word_each": sorted(train(config, "tfidf-one-word", ["谢谢", "hello", "再见"])[2]._vectorizers),
    "pairs": pairs(["i", " ", "am", "，", "not", "ok", "!", "_"]),
}, ensure_ascii=False))
"""
)


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa venv (make setup)")
def test_neighbouring_words_make_a_block_of_their_own_when_configured() -> None:
    result = in_rasa(PAIRS_SCRIPT)
    assert result["blocks"] == ["chars", "latin", "pairs", "words"]
    assert result["off"] == ["chars", "latin", "words"]
    assert result["one_word_each"] == ["chars", "latin", "words"]
    # Neighbours across spaces and punctuation, never with them; lowercased like the words.
    assert {"not satisfied", "satisfied at", "at all", "very satisfied", "没 解决", "还 在"} <= set(
        result["vocabulary"]
    )
    assert not any("，" in name or "  " in name for name in result["vocabulary"])
    assert result["seen"] == ["at all", "not satisfied", "satisfied at"]
    assert result["length"] == 0.5  # the block is of length pairs_weight
    assert result["one_by_one"] is True
    assert result["same_after_loading"] is True
    assert result["refused"] == [-1, -0.5]
    assert result["pairs"] == ["i am", "am not", "not ok"]


LINEAR_SCRIPT = r"""
import json, tempfile
from pathlib import Path
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa_ext.linear import LinearClassifier
from rasa_ext.tfidf import SentenceTfidf

storage = LocalModelStorage(Path(tempfile.mkdtemp()))
context = ExecutionContext(GraphSchema({}), "model")
tokenizer = JiebaTokenizer.create(JiebaTokenizer.get_default_config(), storage, Resource("jieba"), context)
tfidf_config = SentenceTfidf.get_default_config()
tfidf = SentenceTfidf.create(tfidf_config, storage, Resource("tfidf"), context)
config = {**LinearClassifier.get_default_config(), "featurizers": ["sentence_tfidf"], "prune_below": 0.05}
classifier = LinearClassifier.create(config, storage, Resource("linear"), context)
labelled = {
    "greet": ["你好", "您好啊", "hello", "hi there", "早上好"],
    "register_dispute": [
        "我要登记纠纷", "我想申请调解", "帮我调解邻居的事", "register a dispute", "I want mediation",
    ],
    "faq/fraud_police": [
        "冒充公安让我转账", "说我涉嫌洗钱的电话", "fake police call", "公检法电话要我转钱",
        "警察说我的卡涉案",
    ],
    "faq/law_wages": [
        "老板拖欠工资怎么办", "工资不发", "my boss owes me wages", "欠薪去哪投诉", "拿不到工钱",
    ],
}
examples = []
for label, texts in labelled.items():
    intent, _, key = label.partition("/")
    for text in texts:
        data = {"text": text, "intent": intent}
        if key:
            data["intent_response_key"] = label
        examples.append(Message(data=data))
responses = {
    "utter_faq/fraud_police": [{"text": "公检法不会电话办案"}],
    "utter_faq/law_wages": [{"text": "欠薪可以投诉"}],
}
data = TrainingData(training_examples=examples, responses=responses)
tokenizer.process_training_data(data)
tfidf.train(data)
classifier.train(tfidf.process_training_data(data))
loaded_tfidf = SentenceTfidf.load(tfidf_config, storage, Resource("tfidf"), context)

def parse(component, text):
    message = Message(data={"text": text})
    tokenizer.process([message])
    [message] = component.process(loaded_tfidf.process([message]))
    return message.as_dict(only_output_properties=True)

loaded = LinearClassifier.load(config, storage, Resource("linear"), context)
texts = ["你好呀", "我想找人调解一下", "有人冒充警察打电话让我转账", "老板欠我三个月工资"]
print(json.dumps({
    "fresh": [parse(classifier, t) for t in texts],
    "loaded": [parse(loaded, t) for t in texts],
    "stored_nonzero": int(loaded._weights.nnz),
    "stored_size": int(loaded._weights.shape[0] * loaded._weights.shape[1]),
}, ensure_ascii=False, default=float))
"""


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa venv (make setup)")
def test_the_linear_classifier_names_intents_and_answers_as_rasa_does_and_survives_loading() -> None:
    result = in_rasa(LINEAR_SCRIPT)
    _, _, police, wages = result["loaded"]
    assert [m["intent"]["name"] for m in result["loaded"]] == ["greet", "register_dispute", "faq", "faq"]
    # Confidences are probabilities: the ranking's add up to one at most, best first.
    for parsed in result["loaded"]:
        confidences = [item["confidence"] for item in parsed["intent_ranking"]]
        assert parsed["intent"]["confidence"] == confidences[0] == max(confidences)
        assert sum(confidences) <= 1.0 + 1e-6
    # The answer comes as a ResponseSelector's output, with the domain's response.
    selected = police["response_selector"]["faq"]["response"]
    assert selected["intent_response_key"] == "faq/fraud_police"
    assert selected["utter_action"] == "utter_faq/fraud_police"
    assert selected["responses"] == [{"text": "公检法不会电话办案"}]
    assert police["response_selector"]["all_retrieval_intents"] == ["faq"]
    assert wages["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/law_wages"
    ranking = wages["response_selector"]["faq"]["ranking"]
    assert [item["confidence"] for item in ranking] == sorted(
        (item["confidence"] for item in ranking), reverse=True
    )
    assert abs(sum(item["confidence"] for item in ranking) - 1.0) < 1e-6  # shares among the answers
    # What was stored predicts what was trained, and small weights are left out.
    assert result["loaded"] == result["fresh"]
    assert 0 < result["stored_nonzero"] < result["stored_size"]


CONTEXT_SCRIPT = r"""
import json
from rasa.shared.nlu.training_data.message import Message
from rasa_ext.expected import ExpectedIntents
from rasa_ext.numbers import NumberMessages

numbers = NumberMessages({**NumberMessages.get_default_config()})
expected = ExpectedIntents({"prior_weight": 10.0, "answers_only": ["scam_paid_no", "solved_no"]})

def classified(text, ranking, metadata=None):
    message = Message(data={"text": text, "metadata": metadata or {}})
    message.set("intent", dict(ranking[0]), add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)
    [message] = numbers.process(expected.process([message]))
    out = message.as_dict(only_output_properties=True)
    runner_up = [i["confidence"] for i in out["intent_ranking"][1:2]]
    return {"intent": out["intent"]["name"], "confidence": round(out["intent"]["confidence"], 3),
            "runner_up": runner_up[0] if runner_up else None,
            "entities": {e["entity"]: e["value"] for e in out.get("entities", [])}}

faq_first = [{"name": "faq", "confidence": 0.6}, {"name": "solved_no", "confidence": 0.2},
             {"name": "solved_yes", "confidence": 0.1}, {"name": "greet", "confidence": 0.1}]
question = [{"name": "faq", "confidence": 0.97}, {"name": "solved_no", "confidence": 0.01},
            {"name": "solved_yes", "confidence": 0.01}, {"name": "greet", "confidence": 0.01}]
survey = {"expected_intents": ["solved_yes", "solved_partly", "solved_no"]}
not_yet = [{"name": "scam_paid_no", "confidence": 0.92}, {"name": "solved_no", "confidence": 0.07},
           {"name": "faq", "confidence": 0.01}]
print(json.dumps({
    "phone": classified("138 1234 5678", faq_first),
    "fullwidth_phone": classified("１３８１２３４５６７８", faq_first),
    "id": classified("34040319800101123X", faq_first),
    "landline": classified("0554-6661234", faq_first),
    "labelled": classified("我的电话是 139 5540 1188", faq_first),
    "labelled_en": classified("my number is 13955401188", faq_first),
    "not_bare": classified("13812345678这个号码天天给我打电话", faq_first),
    "case": classified("帮我查一下dt-jf-2026-000123", faq_first),
    "withdraw_case": classified("撤回 DT-JF-2026-000123", [{"name": "withdraw_case", "confidence": 0.8}]),
    "typed_answer": classified("没有解决，希望重新处理", faq_first, survey),
    "question_in_survey": classified("法律援助怎么申请", question, survey),
    "no_context": classified("没有解决，希望重新处理", faq_first),
    # Already the classifier's first choice, but unsure: the offered context makes it sure.
    "unsure_yes": classified(
        "是的",
        [
            {"name": "confirm_delete_my_data", "confidence": 0.44},
            {"name": "withdraw_confirm", "confidence": 0.37},
            {"name": "faq", "confidence": 0.19},
        ],
        {"expected_intents": ["confirm_delete_my_data", "deny"]},
    ),
    "forged_metadata": classified("没有解决", faq_first, {"expected_intents": "solved_no"}),
    # "Not yet": an answer to "have you paid them?" first, but the survey asked "was it solved?".
    "answer_to_another_question": classified("还没有", not_yet, survey),
    "answer_without_buttons": classified("还没有", not_yet),
}, ensure_ascii=False))
"""


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa venv (make setup)")
def test_bare_numbers_and_case_numbers_and_typed_answers_to_offered_buttons_are_read_in_context() -> None:
    result = in_rasa(CONTEXT_SCRIPT)
    # A number alone is never a question for the knowledge answers; the number is not kept.
    for name, kind in (
        ("phone", "phone"),
        ("fullwidth_phone", "phone"),
        ("id", "id_number"),
        ("landline", "phone"),
        ("labelled", "phone"),
        ("labelled_en", "phone"),
    ):
        assert result[name] == {
            "intent": "give_number",
            "confidence": 1.0,
            # The model's guesses keep no weight, so nothing is "ambiguous" for the fallback.
            "runner_up": 0.0,
            "entities": {"number_kind": kind},
        }, name
    assert result["not_bare"]["intent"] == "faq"  # a sentence with a number is read as a sentence
    # A case number leads to the resident's cases, and stays a withdrawal where it was one.
    assert result["case"] == {
        "intent": "my_cases",
        "confidence": 1.0,
        "runner_up": 0.0,
        "entities": {"case_number": "DT-JF-2026-000123"},
    }
    assert result["withdraw_case"]["intent"] == "withdraw_case"
    assert result["withdraw_case"]["entities"] == {"case_number": "DT-JF-2026-000123"}
    # Typed where the survey offered 解决了 / 部分解决 / 没解决: read as the third button.
    assert result["typed_answer"]["intent"] == "solved_no"
    assert result["typed_answer"]["confidence"] == round(2.0 / 3.7, 3)  # 0.2 x 10, renormalised
    # A real question in the middle of the survey keeps its own intent, a little less sure.
    assert result["question_in_survey"]["intent"] == "faq"
    assert result["question_in_survey"]["confidence"] == round(0.97 / (0.97 + 0.1 + 0.1 + 0.01), 3)
    assert result["unsure_yes"]["intent"] == "confirm_delete_my_data"
    assert result["unsure_yes"]["confidence"] == round(4.4 / (4.4 + 0.37 + 0.19), 3)
    # Without the gateway's context, or with a malformed one, nothing changes.
    assert result["no_context"]["intent"] == "faq"
    assert result["forged_metadata"]["intent"] == "faq"
    # An answer to a question not asked now gives way to the buttons that were offered ...
    assert result["answer_to_another_question"]["intent"] == "solved_no"
    assert result["answer_to_another_question"]["confidence"] == round(0.07 * 10 / (0.092 + 0.7 + 0.01), 3)
    # ... and without buttons nothing is weighed.
    assert result["answer_without_buttons"]["intent"] == "scam_paid_no"
    assert result["answer_without_buttons"]["confidence"] == 0.92


EVENT_TYPES_SCRIPT = r"""
import json
from rasa.shared.core.events import Event, UserUttered, SlotSet, ActionExecuted, BotUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses
original = Event.resolve_by_type
import rasa_ext.relay_channel  # loading the channel applies the speed-ups
assert Event.resolve_by_type is not original, "not applied"
names = sorted({cls.type_name for cls in all_subclasses(Event)})
same = [name for name in names if Event.resolve_by_type(name) is original(name)]
again = [name for name in names if Event.resolve_by_type(name) is original(name)]  # from the cache
unknown = []
try:
    Event.resolve_by_type("no_such_event")
except ValueError as error:
    unknown.append(str(error))
unknown.append(Event.resolve_by_type("no_such_event", SlotSet) is SlotSet)
unknown.append(Event.resolve_by_type("topic") is None)
events = [ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet", "confidence": 1.0}),
          SlotSet("language", "en"), BotUttered("hello")]
dumped = [e.as_dict() for e in events]
back = [Event.from_parameters(d).as_dict() for d in dumped]
print(json.dumps({"names": len(names), "same": len(same), "again": len(again), "unknown": unknown,
                  "round_trip": back == dumped}))
"""


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa venv (make setup)")
def test_event_types_from_the_tracker_store_resolve_to_the_classes_rasa_picks() -> None:
    found = in_rasa(EVENT_TYPES_SCRIPT)
    assert found["names"] > 20
    assert found["same"] == found["again"] == found["names"]
    assert found["unknown"][0].startswith("Unknown event name 'no_such_event'")
    assert found["unknown"][1:] == [True, True]
    assert found["round_trip"] is True


LOADING_SCRIPT = r"""
import hashlib, json, shutil, tarfile, tempfile
from pathlib import Path
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.graph_components.providers.domain_provider import DomainProvider
from rasa.shared.core.domain import Domain
from rasa.shared.exceptions import YamlException
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.utils import io as rasa_io

# Rasa's own reading, before the speed-ups: a domain of two files (the whole one takes Rasa's
# parser ten seconds) and a training data file.
part = Path(tempfile.mkdtemp())
for name in ("claims.yml", "account.yml"):
    shutil.copy(Path("domain") / name, part / name)
plain_domain = Domain.load(str(part)).as_dict()
plain_fingerprint = load_data("nlu_data/account.yml").fingerprint()

from rasa_ext import speedups
speedups.apply()
speedups.apply()  # idempotent

# Rasa's parser and schema check, counted from here on.
calls = {"parse": 0, "check": 0}
parse, check = speedups._read_yaml, speedups._validate_yaml_schema
def counted(name, function):
    def call(*args, **kwargs):
        calls[name] += 1
        return function(*args, **kwargs)
    return call
speedups._read_yaml, speedups._validate_yaml_schema = counted("parse", parse), counted("check", check)
def cost(action):
    before = dict(calls)
    result = action()
    return result, {name: calls[name] - before[name] for name in calls}

# The domain, twice, is the domain Rasa reads; the second time nothing is parsed or checked.
first, first_cost = cost(lambda: Domain.load(str(part)).as_dict())
second, second_cost = cost(lambda: Domain.load(str(part)).as_dict())
# What the memory hands out is a copy: changing it changes nothing for the next reader.
text = (part / "claims.yml").read_text()
parsed = rasa_io.read_yaml(text)
parsed.clear()
again = rasa_io.read_yaml(text)
# A domain that breaks the schema is refused every time, not only the first.
broken = "version: '3.1'\nintents:\n  - greet: {use_entities: 7}\nslots: 5\n"
refused = []
for _ in range(2):
    try:
        Domain.from_yaml(broken)
        refused.append(False)
    except YamlException:
        refused.append(True)
# The trained model's own domain loaded as the server loads it (no schema check) is the one
# Rasa's checked reading of the same file gives.
with tempfile.TemporaryDirectory() as storage_dir, tempfile.TemporaryDirectory() as unpacked:
    model = Path("models/shuoshi.tar.gz")
    storage, _ = LocalModelStorage.from_model_archive(Path(storage_dir), model)
    context = ExecutionContext(GraphSchema({}), "m")
    provider, served_cost = cost(
        lambda: DomainProvider.load({}, storage, Resource("domain_provider"), context)
    )
    served = provider.provide_inference().as_dict()
    with tarfile.open(model) as archive:
        archive.extractall(unpacked)
    [persisted] = Path(unpacked).glob("components/domain_provider/domain.yml")
    checked, checked_cost = cost(lambda: Domain.from_path(persisted.parent).as_dict())
fingerprint = load_data("nlu_data/account.yml").fingerprint()
print(json.dumps({
    "domain": first == plain_domain and second == plain_domain,
    "costs": [first_cost["check"] > 0, second_cost, served_cost["check"], checked_cost["check"] > 0],
    "md5_remembered": speedups._short_md5.cache_info().hits > 0,
    "copy": bool(again) and again == rasa_io.read_yaml(text),
    "refused": refused,
    "model_domain": served == checked and len(served["intents"]) > 40,
    "fingerprint": fingerprint == plain_fingerprint,
    "md5": rasa_io.get_text_hash("说事 text") == hashlib.md5("说事 text".encode()).hexdigest(),
}))
"""


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa venv (make setup)")
@pytest.mark.skipif(not (PROJECT / "models" / "shuoshi.tar.gz").exists(), reason="needs the trained model")
def test_reading_yaml_from_memory_gives_rasa_the_same_domain_data_and_fingerprints() -> None:
    assert in_rasa(LOADING_SCRIPT) == {
        "domain": True,
        # checked the first time; parsed and checked no more the second; the model's own domain
        # loaded without a check, the same file read by Rasa's checked path with one
        "costs": [True, {"parse": 0, "check": 0}, 0, True],
        "md5_remembered": True,
        "copy": True,
        "refused": [True, True],
        "model_domain": True,
        "fingerprint": True,
        "md5": True,
    }


TRACKER_SCRIPT = r"""
import asyncio, json, tempfile
import sqlalchemy.event
from pathlib import Path
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

domain = Domain.from_dict({
    "intents": ["greet"],
    "slots": {"language": {"type": "text", "mappings": [{"type": "custom"}]}},
})
store = SQLTrackerStore(domain, dialect="sqlite", db=str(Path(tempfile.mkdtemp()) / "tracker.db"))

def turn(text, language):
    return [ActionExecuted("action_listen"), UserUttered(text, {"name": "greet", "confidence": 1.0}),
            SlotSet("language", language), BotUttered(f"re: {text}")]

async def main():
    tracker = DialogueStateTracker.from_events("web:a", [ActionExecuted("action_session_start"),
        SessionStarted(timestamp=1.0), *turn("你好", "zh-Hans")], domain.slots)
    await store.save(tracker)
    # A second session: the store returns only it (with the slot it carried over), unless asked for all.
    for event in [ActionExecuted("action_session_start"), SessionStarted(timestamp=2.0),
                  SlotSet("language", "zh-Hans"), *turn("hello", "en")]:
        tracker.update(event)
    await store.save(tracker)
    state = lambda t: t.current_state(EventVerbosity.ALL) if t else None
    # Every event row SQLAlchemy makes into an ORM object, counted.
    rows = []
    sqlalchemy.event.listen(store.SQLEvent, "load", lambda target, context: rows.append(target))
    async def read():
        return [state(await store.retrieve("web:a")), state(await store.retrieve_full_tracker("web:a")),
                state(await store.retrieve("web:nobody"))]
    plain = await read()
    plain_rows = len(rows)
    from rasa_ext import speedups
    speedups.apply()
    fast = await read()
    print(json.dumps({"same": fast == plain, "events": [len(s["events"]) if s else 0 for s in fast],
                      "slot": fast[0]["slots"]["language"], "rows": [plain_rows, len(rows) - plain_rows]}))

asyncio.run(main())
"""


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa venv (make setup)")
def test_a_conversation_read_back_column_only_is_the_one_rasa_reads() -> None:
    found = in_rasa(TRACKER_SCRIPT)
    assert found["same"] is True
    assert found["events"][0] < found["events"][1]  # the latest session only, unless all asked for
    assert found["events"][2] == 0  # an unknown conversation is none
    assert found["slot"] == "en"
    # Rasa's own read made an ORM object of every event row; the column-only read makes none.
    plain_rows, fast_rows = found["rows"]
    assert plain_rows >= sum(found["events"]) and fast_rows == 0


SAVE_SCRIPT = r"""
import asyncio, copy, json, tempfile
import sqlalchemy.event
from pathlib import Path
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

domain = Domain.from_dict({
    "intents": ["greet"],
    "slots": {"language": {"type": "text", "mappings": [{"type": "custom"}]}},
})

def turn(text):
    return [ActionExecuted("action_listen"), UserUttered(text, {"name": "greet", "confidence": 1.0}),
            SlotSet("language", "zh-Hans"), BotUttered(f"re: {text}")]

def new_session():
    return [ActionExecuted("action_session_start"), SessionStarted(), SlotSet("language", "zh-Hans")]

async def scenario(store, counted):
    counts = []  # each save's count queries
    async def save(tracker):
        before = len(counted)
        await store.save(tracker)
        counts.append(len(counted) - before)
    await save(DialogueStateTracker.from_events("web:a", [*new_session(), *turn("一")], domain.slots))
    tracker = await store.retrieve("web:a")  # read, one turn more, saved
    for event in turn("二"):
        tracker.update(event)
    await save(tracker)
    tracker = await store.retrieve("web:a")  # a new session starts in the turn
    for event in [*new_session(), *turn("三")]:
        tracker.update(event)
    await save(tracker)
    tracker = await store.retrieve("web:a")  # one tracker saved twice
    for event in turn("四"):
        tracker.update(event)
    await save(tracker)
    for event in turn("五"):
        tracker.update(event)
    await save(tracker)
    tracker = copy.deepcopy(await store.retrieve("web:a"))  # a copy is saved
    for event in turn("六"):
        tracker.update(event)
    await save(tracker)
    await store.retrieve("web:a")  # read and never saved (as the HTTP API does)
    full = (await store.retrieve_full_tracker("web:a")).current_state(EventVerbosity.ALL)["events"]
    return [[e["event"], e.get("text") or e.get("name")] for e in full], counts

def new_store():
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(Path(tempfile.mkdtemp()) / "tracker.db"))
    counted = []
    sqlalchemy.event.listen(store.engine, "before_cursor_execute",
        lambda conn, cursor, statement, *rest: counted.append(1) if "count(" in statement.lower() else None)
    return store, counted

async def main():
    plain = await scenario(*new_store())
    from rasa_ext import speedups
    speedups.apply()
    fast = await scenario(*new_store())
    print(json.dumps({"plain": plain, "fast": fast, "left": len(speedups._stored_counts)}))

asyncio.run(main())
"""


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa venv (make setup)")
def test_a_conversation_saved_without_counting_stores_what_rasa_stores() -> None:
    found = in_rasa(SAVE_SCRIPT)
    (plain_events, plain_counts), (fast_events, fast_counts) = found["plain"], found["fast"]
    # Every event once, in order, the same as Rasa's own save stores them.
    assert fast_events == plain_events
    assert [text for kind, text in fast_events if kind == "user"] == ["一", "二", "三", "四", "五", "六"]
    # Rasa counts the stored events before every save; a tracker this process just read needs no
    # count (the second save of one tracker and the save of a copy still count, as Rasa does).
    assert plain_counts == [1, 1, 1, 1, 1, 1]
    assert fast_counts == [1, 0, 0, 0, 1, 1]
    assert found["left"] == 0  # nothing kept for trackers that are gone


SESSION_SCRIPT = r"""
import asyncio, json
from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

async def main():
    seen = []
    async def webhook(request):
        seen.append([request.transport.get_extra_info("peername")[1], await request.json(),
                     request.headers.get("X-Secret"), "邻居" in await request.text()])
        return web.json_response({"events": [], "responses": [{"text": "好"}]})
    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"X-Secret": "s3"})
    body = {"next_action": "action_x", "tracker": {"text": "邻居漏水 a/b \"q\"", "n": 0.1 + 0.2}}

    async def three_calls():
        replies = [await endpoint.request(json=body, method="post") for _ in range(3)]
        calls, seen[:] = list(seen), []
        return {"replies": replies, "ports": len({port for port, _, _, _ in calls}),
                "bodies_same": all(got == body for _, got, _, _ in calls),
                "headers": [secret for _, _, secret, _ in calls],
                "chinese_as_written": [raw for _, _, _, raw in calls]}

    plain = await three_calls()
    from rasa_ext import speedups
    speedups.apply()
    fast = await three_calls()
    kept = len(speedups._kept)
    await speedups.close_sessions()
    await runner.cleanup()
    print(json.dumps({"plain": plain, "fast": fast, "kept": kept, "left": len(speedups._kept)}))

asyncio.run(main())
"""


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa venv (make setup)")
def test_action_calls_share_one_kept_connection_and_send_the_same_json() -> None:
    found = in_rasa(SESSION_SCRIPT)
    plain, fast = found["plain"], found["fast"]
    assert fast["replies"] == plain["replies"] == [{"events": [], "responses": [{"text": "好"}]}] * 3
    assert fast["bodies_same"] and plain["bodies_same"]
    assert fast["headers"] == plain["headers"] == ["s3"] * 3
    # ujson writes the Chinese as UTF-8 (a third of the bytes of Rasa's \uXXXX escapes).
    assert (plain["chinese_as_written"], fast["chinese_as_written"]) == ([False] * 3, [True] * 3)
    # Rasa opened a connection for every call; now one connection serves all three.
    assert plain["ports"] == 3 and fast["ports"] == 1
    assert found["kept"] == 1 and found["left"] == 0  # closed when the server stops


SQLITE_SCRIPT = r"""
import asyncio, json, sqlite3, tempfile
from pathlib import Path
import sqlalchemy
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

def modes(store):
    with store.session_scope() as session:
        return [session.execute(sqlalchemy.text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "synchronous")]

def connections(store):
    # DBAPI connections opened for five reads
    opened = []
    sqlalchemy.event.listen(store.engine, "connect", lambda *_: opened.append(1))
    for _ in range(5):
        modes(store)
    return len(opened)

domain = Domain.from_dict({"intents": ["greet"]})
store = SQLTrackerStore(domain, dialect="sqlite", db=str(Path(tempfile.mkdtemp()) / "t.db"))
plain = [modes(store), connections(store)]
from rasa_ext import speedups
speedups.apply()
path = Path(tempfile.mkdtemp()) / "t.db"
store = SQLTrackerStore(domain, dialect="sqlite", db=str(path))
fast = [modes(store), connections(store)]
memory = SQLTrackerStore(domain, dialect="sqlite", db=":memory:")  # one database kept in memory
asyncio.run(memory.save(DialogueStateTracker.from_events("web:m", [ActionExecuted("action_listen")])))
print(json.dumps({"plain": plain, "fast": fast,
                  "file": sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0],
                  "memory": len((asyncio.run(memory.retrieve("web:m"))).events)}))
"""


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa venv (make setup)")
def test_a_sqlite_tracker_store_keeps_its_connections_written_ahead_and_synced_at_checkpoints() -> None:
    found = in_rasa(SQLITE_SCRIPT)
    # SQLite's "synchronous": 2 = FULL (a sync on every commit), 1 = NORMAL (at checkpoints).
    # Rasa opened a connection for every read; the pool keeps one.
    assert found["plain"] == [["delete", 2], 5]
    assert found["fast"] == [["wal", 1], 0]
    assert found["file"] == "wal"  # kept in the file, for every later connection
    assert found["memory"] == 1  # an in-memory store is left as Rasa makes it
