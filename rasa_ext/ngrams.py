"""Character n-grams of the whole sentence, for the ResponseSelector.

Rasa's CountVectorsFeaturizer with `analyzer: char_wb` takes the n-grams of each jieba token on
its own, so no n-gram spans two words, and a typo or a homophone that makes jieba cut the
sentence differently (平幕共享, 客符) changes every n-gram around it. Chinese has no spaces, so
the n-grams of the whole sentence keep what a resident's phrase looks like however it is cut.
This featurizer adds their counts (character 1- to `max_ngram`-grams, vocabulary learnt from the
training examples) as one sentence-level sparse feature of TEXT, named `alias`. On the held-out
split (bench/nlu_eval, docs/knowledge.md) it lifted the ResponseSelector's answer macro-F1 by
about two points; TF-IDF weighting instead of counts did not help.

It sits after DIETClassifier in config.yml, so intents are classified on the same features as
before; the ResponseSelector after it picks it up by its alias.

Loaded by Rasa from config.yml; it must import nothing from `bot/`.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any, Dict, List, Optional, Text

import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import CountVectorizer

VECTORIZER_FILE = "vectorizer.pkl"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True
)
class SentenceCharNgrams(GraphComponent):
    """Character n-grams of the whole TEXT, as one sparse sentence feature."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"alias": "sentence_chars", "max_ngram": 4}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vectorizer: Optional[Any] = None,
    ) -> None:
        self._config = config  # Rasa has already filled in get_default_config()
        self._storage = model_storage
        self._resource = resource
        self._vectorizer = vectorizer

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceCharNgrams":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SentenceCharNgrams":
        try:
            with model_storage.read_from(resource) as directory:
                # Written by `train` below into this model's own storage, never from outside.
                vectorizer = pickle.loads((directory / VECTORIZER_FILE).read_bytes())  # noqa: S301
        except (ValueError, FileNotFoundError):
            vectorizer = None
        return cls(config, model_storage, resource, vectorizer)

    def _new_vectorizer(self) -> CountVectorizer:
        return CountVectorizer(analyzer="char_wb", ngram_range=(1, int(self._config["max_ngram"])), lowercase=True)

    def train(self, training_data: TrainingData) -> Resource:
        texts = [m.get(TEXT) for m in training_data.training_examples if m.get(TEXT)]
        if texts:
            self._vectorizer = self._new_vectorizer().fit(texts)
            with self._storage.write_to(self._resource) as directory:
                (directory / VECTORIZER_FILE).write_bytes(pickle.dumps(self._vectorizer))
        return self._resource

    def _featurized(self, message: Message) -> Message:
        text = message.get(TEXT)
        if not text or self._vectorizer is None:
            return message
        row = scipy.sparse.coo_matrix(self._vectorizer.transform([text]))
        # A copy: the components before this one (DIET) keep the message they were trained on.
        featurized = copy.copy(message)
        featurized.features = [*message.features, Features(row, FEATURE_TYPE_SENTENCE, TEXT, self._config["alias"])]
        featurized._cached_fingerprint = None  # the fingerprint covers the features
        return featurized

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return TrainingData(
            training_examples=[self._featurized(m) for m in training_data.training_examples],
            entity_synonyms=training_data.entity_synonyms,
            regex_features=training_data.regex_features,
            lookup_tables=training_data.lookup_tables,
            responses=training_data.responses,
        )

    def process(self, messages: List[Message]) -> List[Message]:
        return [self._featurized(m) for m in messages]
