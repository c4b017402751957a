"""Words and whole-sentence character n-grams as TF-IDF, for the intent and answer classifier.

Two weaknesses of plain counts, both measured on the held-out splits (bench/nlu_eval,
docs/knowledge.md):
- Rasa's CountVectorsFeaturizer with `analyzer: char_wb` takes the n-grams of each jieba token on
  its own, so no n-gram spans two words, and a typo or a homophone that makes jieba cut the
  sentence differently (平幕共享, 客符) changes every n-gram around it. Chinese has no spaces, so
  the n-grams of the whole sentence keep what a resident's phrase looks like however it is cut.
- Counts let the most common words and n-grams (my, the, "e ", 我) weigh most, and a long English
  story weigh more than a short question. TF-IDF weighs a word by how few of the training
  examples use it; sublinear term frequency and unit length keep a long message level with a
  short one. With counts the selector got English questions wrong that the baseline got right
  ("the police on the phone want me to install an app" went to the fake-app answer).

This featurizer adds one sentence-level sparse feature of TEXT, named `alias`: the jieba tokens'
TF-IDF (unit length) beside the whole sentence's character 1- to `max_ngram`-gram TF-IDF (of
length `chars_weight`), vocabularies and weights learnt from the training examples.

With `simplified` (config.yml sets it), Traditional characters are read as Simplified before
both blocks, character by character (rasa_ext/t2s.tsv, from OpenCC's table by
scripts/t2s_table.py): 發防騙提醒 and 发防骗提醒 then share every feature, so a zh-Hant message
learns from the zh-Hans examples and the other way round. Over five held-out splits this raised
intent macro-F1 by about 0.01 (docs/understanding.md).

With `long_numbers: N` (config.yml sets 6), every run of N or more digits is left out of both
blocks: a phone, QQ, ID or case number says that the resident wrote a number, not what they want.
Read as written, the digits' characters and pairs weighed for the intent with the most numbers
among its examples (the guardian code's): "先加我这个QQ 2876654301" went to the guardian link and
"我要登记纠纷 对方电话139…" to the fallback. Read as one placeholder, the number still spoke for
the guardian link. Hotlines (110, 12345, 96110) are shorter and keep their digits. The numbers
themselves are read elsewhere (rasa_ext/numbers.py, the forms), from the text as written.

With `latin_ngrams: [LOW, HIGH]` (config.yml sets [3, 5]), a third block of length
`latin_weight` holds the character LOW- to HIGH-grams of the message's Latin letters alone (each
English word padded with spaces, as `char_wb` pads it; anything not a letter or an apostrophe is a
space). Pairs of characters are what a Chinese word is made of, but for English they are less
than a syllable, and the word block matches a word only as written: "disappointing" learnt
nothing from an example's "disappointed" beyond letter pairs that every English sentence has.
English messages were read right less often than Chinese ones (0.84 against 0.92 of held-out
examples, docs/understanding.md); a Chinese message has no Latin letters and an empty third
block. Training data without any Latin letters makes no third block.

With `pairs_weight` above 0 (config.yml sets 0.5), a block of that length holds each two
neighbouring jieba words ("not satisfied", "legal aid how", "怎么 申请"; spaces and punctuation
left out). Over ten held-out splits it raised answer macro-F1 by 0.002-0.003 with intents level
(docs/understanding.md); at 1.0 answers gained more and intents lost.

Rasa's own classifiers (DIET, ResponseSelector) need a sequence feature from each featurizer
they read, so beside the sentence feature there is an empty one-column sequence matrix, one row
per token: it keeps the feature usable by them (bench/nlu_eval compares against them) and
carries nothing.

rasa_ext/linear.py classifies intents and answers on it, picking it up by its alias.

Loaded by Rasa from config.yml; it must import nothing from `bot/`.
"""

from __future__ import annotations

import copy
import pickle
import re
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer

from rasa_ext.t2s import simplified

VECTORIZERS_FILE = "vectorizers.pkl"
NOT_LATIN = re.compile(r"[^a-z']+")
NOT_A_WORD = re.compile(r"[\W_]*")  # spaces and punctuation: no word of a pair


def reader(config: dict[str, Any]) -> Callable[[str], str]:
    """How the featurizer reads a text or a word: as written, or (config) with Traditional
    characters read as Simplified and every run of at least `long_numbers` digits left out."""
    as_simplified = bool(config.get("simplified", False))
    shortest = int(config.get("long_numbers", 0))
    long_number = re.compile(rf"\d{{{shortest},}}") if shortest > 0 else None

    def read(text: str) -> str:
        if as_simplified:
            text = simplified(text)
        return long_number.sub(" ", text) if long_number is not None else text

    return read


def latin(text: str) -> str:
    """The text's Latin letters (and apostrophes), lowercased; anything else is one space."""
    return NOT_LATIN.sub(" ", text.lower())


def _words(message: Message) -> list[str]:
    """The tokenizer's (jieba's) words, lowercased."""
    return [token.text.lower() for token in message.get(TOKENS_NAMES[TEXT]) or []]


def _already_split(words: list[str]) -> list[str]:
    return words  # module level, so that the fitted vectorizer can be pickled


def pairs(words: list[str]) -> list[str]:
    """Each two neighbouring words ("not satisfied", "legal aid", "怎么 申请"), spaces and
    punctuation left out."""
    kept = [w for w in words if not NOT_A_WORD.fullmatch(w)]
    return [f"{first} {second}" for first, second in pairwise(kept)]


def _documents(config: dict[str, Any], words: list[list[str]], texts: list[str]) -> dict[str, list[Any]]:
    """Each configured block's name and the texts as it reads them, in the blocks' order: the
    words, the characters, the neighbouring words (`pairs_weight`), the Latin letters
    (`latin_ngrams`)."""
    read = reader(config)
    read_words = [[read(w) for w in ws] for ws in words]
    documents: dict[str, list[Any]] = {"words": read_words, "chars": [read(t) for t in texts]}
    if float(config.get("pairs_weight", 0.0)) > 0:
        documents["pairs"] = [pairs(ws) for ws in read_words]
    if config.get("latin_ngrams"):
        documents["latin"] = [latin(t) for t in texts]
    return documents


def _vectorizer(config: dict[str, Any], name: str) -> TfidfVectorizer:
    if name == "chars":
        ngrams = (1, int(config["max_ngram"]))
        return TfidfVectorizer(analyzer="char_wb", ngram_range=ngrams, sublinear_tf=True, lowercase=True)
    if name == "latin":
        low, high = (int(n) for n in config["latin_ngrams"])
        return TfidfVectorizer(analyzer="char_wb", ngram_range=(low, high), sublinear_tf=True)
    return TfidfVectorizer(analyzer=_already_split, sublinear_tf=True)  # words, pairs


def fit_vectorizers(config: dict[str, Any], words: list[list[str]], texts: list[str]) -> dict[str, Any]:
    """The blocks' vectorizers, fitted on these texts and their lowercased words. An optional
    block the texts give nothing to (no Latin letters, no two words) is left out: an empty
    vocabulary cannot be fitted."""
    vectorizers = {}
    for name, documents in _documents(config, words, texts).items():
        if name in ("pairs", "latin") and not any(
            doc.strip() if isinstance(doc, str) else doc for doc in documents
        ):
            continue
        vectorizers[name] = _vectorizer(config, name).fit(documents)
    return vectorizers


def blocks(
    config: dict[str, Any], vectorizers: dict[str, Any], words: list[list[str]], texts: list[str]
) -> list[tuple[str, list[Any], float]]:
    """Each fitted block's vectorizer name, the texts as it reads them, and its weight."""
    weights = {
        "words": 1.0,
        "chars": float(config["chars_weight"]),
        "pairs": float(config.get("pairs_weight", 0.0)),
        "latin": float(config.get("latin_weight", 1.0)),
    }
    return [
        (name, documents, weights[name])
        for name, documents in _documents(config, words, texts).items()
        if name in vectorizers
    ]


def rows(
    config: dict[str, Any], vectorizers: dict[str, Any], words: list[list[str]], texts: list[str]
) -> scipy.sparse.csr_matrix:
    """The texts' features, one row each, the blocks side by side (scikit-learn's transform)."""
    found = blocks(config, vectorizers, words, texts)
    return scipy.sparse.hstack([vectorizers[name].transform(d) * weight for name, d, weight in found]).tocsr()


class _OneRow:
    """`vectorizer.transform([document])` for one document, computed directly: the same
    analyzer, counts, sublinear tf, idf and unit length as scikit-learn's. Rasa parses one
    message at a time, and the library's checks and sparse steps cost more than the sums."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        # The sums below are these settings' (the ones `train` fits with).
        if not (vectorizer.sublinear_tf and vectorizer.use_idf and vectorizer.norm == "l2"):
            raise ValueError("the one-row shortcut needs sublinear tf, idf and l2 norm")
        self._analyze = vectorizer.build_analyzer()
        self._vocabulary: dict[str, int] = vectorizer.vocabulary_
        self._idf: np.ndarray = vectorizer.idf_

    @property
    def width(self) -> int:
        return len(self._idf)

    def __call__(self, document: Any) -> tuple[np.ndarray, np.ndarray]:
        """The row's column indices (ascending) and values."""
        counts: dict[int, int] = {}
        for feature in self._analyze(document):
            index = self._vocabulary.get(feature)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        order = sorted(counts)
        data = np.log(np.array([counts[i] for i in order], dtype=np.float64)) + 1.0
        indices = np.array(order, dtype=np.int32)
        data *= self._idf[indices]
        norm = float(np.sqrt(np.dot(data, data)))
        if norm > 0:
            data /= norm
        return indices, data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class SentenceTfidf(SparseFeaturizer, GraphComponent):
    """Jieba words and whole-sentence character n-grams, each as TF-IDF of unit length."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # The character block weighs twice the words: over five held-out splits (bench/nlu_eval,
        # docs/understanding.md) that classified intents and answers best (1, 1.5, 2 and 3 tried).
        return {
            "alias": "sentence_tfidf",
            "max_ngram": 4,
            "chars_weight": 2.0,
            "simplified": False,
            "long_numbers": 0,  # off: digits are read as written
            "latin_ngrams": None,  # off: no block of Latin letters' n-grams
            "latin_weight": 1.0,
            "pairs_weight": 0.0,  # off: no block of neighbouring words
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vectorizers: dict[str, Any] | None = None,
    ) -> None:
        # Not Featurizer.__init__: Rasa has already filled in get_default_config().
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._vectorizers = vectorizers
        self._one_row: dict[str, _OneRow] | None = None

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if int(config["max_ngram"]) < 1:
            raise ValueError(f"max_ngram must be at least 1, not {config['max_ngram']}")
        if float(config["chars_weight"]) <= 0:
            raise ValueError(f"chars_weight must be positive, not {config['chars_weight']}")
        if config.get("latin_ngrams"):
            low, high = (int(n) for n in config["latin_ngrams"])
            if not 1 <= low <= high:
                raise ValueError(f"latin_ngrams must be [low, high], not {config['latin_ngrams']}")
            if float(config.get("latin_weight", 1.0)) <= 0:
                raise ValueError(f"latin_weight must be positive, not {config['latin_weight']}")
        if float(config.get("pairs_weight", 0.0)) < 0:
            raise ValueError(f"pairs_weight must be 0 (off) or positive, not {config['pairs_weight']}")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceTfidf:
        cls.validate_config(config)
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceTfidf:
        try:
            with model_storage.read_from(resource) as directory:
                # Written by `train` below into this model's own storage, never from outside.
                vectorizers = pickle.loads((directory / VECTORIZERS_FILE).read_bytes())  # noqa: S301
        except (ValueError, FileNotFoundError):
            vectorizers = None
        return cls(config, model_storage, resource, vectorizers)

    def train(self, training_data: TrainingData) -> Resource:
        messages = [m for m in training_data.training_examples if m.get(TEXT)]
        if not messages:
            return self._resource
        self._one_row = None
        self._vectorizers = fit_vectorizers(
            self._config, [_words(m) for m in messages], [m.get(TEXT) for m in messages]
        )
        with self._storage.write_to(self._resource) as directory:
            (directory / VECTORIZERS_FILE).write_bytes(pickle.dumps(self._vectorizers))
        return self._resource

    def _rows(self, with_text: list[Message]) -> scipy.sparse.csr_matrix:
        """The messages' features, one row each, the blocks side by side."""
        assert self._vectorizers is not None
        words, texts = [_words(m) for m in with_text], [m.get(TEXT) for m in with_text]
        if len(with_text) > 1:
            return rows(self._config, self._vectorizers, words, texts)
        # A resident's message: the same row without scikit-learn's per-call overhead.
        if self._one_row is None:
            self._one_row = {name: _OneRow(v) for name, v in self._vectorizers.items()}
        columns, values, width = [], [], 0
        for name, [document], weight in blocks(self._config, self._vectorizers, words, texts):
            block = self._one_row[name]
            block_columns, block_values = block(document)
            columns.append(block_columns + width)
            values.append(block_values * weight)
            width += block.width
        row_columns = np.concatenate(columns)
        pointers = np.array([0, len(row_columns)], dtype=np.int32)
        return scipy.sparse.csr_matrix((np.concatenate(values), row_columns, pointers), shape=(1, width))

    def _featurized(self, messages: list[Message]) -> list[Message]:
        """Copies of the messages with the TF-IDF blocks as one sentence feature (one
        vectorizer call for all of them: a training set featurizes in a second, not ten)."""
        with_text = [m for m in messages if m.get(TEXT)]
        if not with_text or not self._vectorizers:
            return messages
        rows = self._rows(with_text)
        alias = self._config["alias"]
        done: dict[int, Message] = {}
        for index, message in enumerate(with_text):
            tokens = max(1, len(message.get(TOKENS_NAMES[TEXT]) or []))
            empty = scipy.sparse.coo_matrix((tokens, 1), dtype=np.float32)
            # A copy: the training data Rasa caches keeps the message it was given.
            featurized = copy.copy(message)
            featurized.features = [
                *message.features,
                Features(rows[index].tocoo(), FEATURE_TYPE_SENTENCE, TEXT, alias),
                Features(empty, FEATURE_TYPE_SEQUENCE, TEXT, alias),
            ]
            featurized._cached_fingerprint = None  # the fingerprint covers the features
            done[id(message)] = featurized
        return [done.get(id(m), m) for m in messages]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return TrainingData(
            training_examples=self._featurized(training_data.training_examples),
            entity_synonyms=training_data.entity_synonyms,
            regex_features=training_data.regex_features,
            lookup_tables=training_data.lookup_tables,
            responses=training_data.responses,
        )

    def process(self, messages: list[Message]) -> list[Message]:
        return self._featurized(messages)
