"""Intents and knowledge answers from one linear model over sparse TF-IDF features.

Why: DIET (15 epochs) and a ResponseSelector (40 epochs) took about 12 of the 12.5 minutes of a
training on 2 cores, made a 169 MB model, and understood plain requests worse than a TF-IDF +
logistic-regression baseline (bench/nlu_eval, docs/understanding.md). One linear support vector
machine over the same TF-IDF features (rasa_ext/tfidf.py) trains in seconds and, over five
held-out splits, beats both.

How: every training example is labelled with its intent, and examples of the retrieval intent
(`faq`) with their full key (`faq/<answer>`), so intents and answers are told apart by one
one-vs-rest model. Scores become probabilities with a softmax at a fixed temperature, chosen on
held-out splits so that confidence tracks how often the model is right (docs/understanding.md);
FallbackClassifier and the "did you mean" threshold read those confidences.
- The intent is the best label's intent; its confidence adds up every label of that intent (all
  the answers, for `faq`), so a question the answers share between them is still a question.
- The answer is the best `faq/*` label; its confidence is its share among the answers, which is
  what a ResponseSelector reports, in the same output format (`response_selector.faq`).

Weights under `prune_below` are dropped and the rest kept as a sparse float32 matrix: on the
held-out splits this changes no prediction and keeps the model file a few megabytes.

Loaded by Rasa from config.yml; it must import nothing from `bot/`.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_DEFAULT_INTENT,
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.nlu.training_data.util import intent_response_key_to_template_key
from sklearn.svm import LinearSVC

logger = logging.getLogger(__name__)

WEIGHTS_FILE = "weights.npz"
LABELS_FILE = "labels.txt"


def label_of(message: Message, retrieval_intent: str) -> str | None:
    """`faq/<key>` for an example of the retrieval intent, else its intent."""
    intent = message.get(INTENT)
    if not intent:
        return None
    if intent == retrieval_intent and message.get(INTENT_RESPONSE_KEY):
        return str(message.get(INTENT_RESPONSE_KEY))
    return str(intent)


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    shifted = temperature * (scores - scores.max())
    exp = np.exp(shifted)
    return exp / exp.sum()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearClassifier(GraphComponent, IntentClassifier):
    """Intents and knowledge answers from a linear SVM over the named sparse sentence features."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "featurizers": [],  # aliases of the sparse featurizers to read; empty: all of them
            "retrieval_intent": "faq",
            "C": 1.0,
            "temperature": 6.0,
            "prune_below": 0.005,
            "ranking_length": 10,  # answers in the selector's ranking; intents are all ranked
            "random_seed": 42,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        labels: list[str] | None = None,
        weights: scipy.sparse.csr_matrix | None = None,
        bias: np.ndarray | None = None,
        responses: dict[str, list[dict[str, Any]]] | None = None,
    ) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._labels = labels or []
        self._weights = weights
        self._bias = bias
        self._responses = responses or {}
        # Features × labels, row-compressed once: multiplying by `weights.T` converted the whole
        # matrix (CSC to CSR) on every message, the largest single cost of a turn in Rasa
        # (docs/understanding.md, "CPU per turn").
        self._by_feature = None if weights is None else weights.T.tocsr()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearClassifier:
        if float(config["temperature"]) <= 0 or float(config["C"]) <= 0:
            raise ValueError("LinearClassifier: C and temperature must be positive")
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                stored = np.load(directory / WEIGHTS_FILE, allow_pickle=False)
                labels = (directory / LABELS_FILE).read_text(encoding="utf-8").split("\n")
                weights = scipy.sparse.csr_matrix(
                    (stored["data"], stored["indices"], stored["indptr"]), shape=tuple(stored["shape"])
                )
                bias = stored["bias"]
                responses = {}
                if "responses" in stored.files:
                    responses = json.loads(str(stored["responses"]))
        except (ValueError, FileNotFoundError):
            logger.warning("LinearClassifier: no trained weights found; it will classify nothing")
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, labels, weights, bias, responses)

    # -- features ------------------------------------------------------------------------------

    def _features(self, message: Message) -> scipy.sparse.spmatrix | None:
        featurizers = self._config["featurizers"] or None
        _, sentence = message.get_sparse_features(TEXT, featurizers)
        return None if sentence is None else sentence.features

    # -- training ------------------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        retrieval_intent = self._config["retrieval_intent"]
        rows: list[scipy.sparse.spmatrix] = []
        labels: list[str] = []
        for message in training_data.intent_examples:
            label = label_of(message, retrieval_intent)
            features = self._features(message)
            if label is None or features is None:
                continue
            rows.append(features)
            labels.append(label)
        if len(set(labels)) < 2:
            logger.warning("LinearClassifier: fewer than two labels to learn; skipping training")
            return self._resource

        model = LinearSVC(C=float(self._config["C"]), random_state=int(self._config["random_seed"]))
        model.fit(scipy.sparse.vstack(rows).tocsr(), labels)
        weights = np.asarray(model.coef_, dtype=np.float32)
        weights[np.abs(weights) < float(self._config["prune_below"])] = 0.0
        self._weights = scipy.sparse.csr_matrix(weights)
        self._by_feature = self._weights.T.tocsr()
        self._bias = np.asarray(model.intercept_, dtype=np.float32)
        self._labels = [str(label) for label in model.classes_]
        self._responses = {
            key: responses
            for key, responses in training_data.responses.items()
            if key.startswith(f"utter_{retrieval_intent}/")
        }
        self._persist()
        return self._resource

    def _persist(self) -> None:
        assert self._weights is not None and self._bias is not None
        with self._storage.write_to(self._resource) as directory:
            np.savez_compressed(
                directory / WEIGHTS_FILE,
                data=self._weights.data,
                indices=self._weights.indices,
                indptr=self._weights.indptr,
                shape=np.asarray(self._weights.shape),
                bias=self._bias,
                responses=np.asarray(json.dumps(self._responses, ensure_ascii=False)),
            )
            (directory / LABELS_FILE).write_text("\n".join(self._labels), encoding="utf-8")

    # -- prediction ----------------------------------------------------------------------------

    def _probabilities(self, message: Message) -> np.ndarray | None:
        features = self._features(message)
        if features is None or self._by_feature is None or self._bias is None:
            return None
        row = scipy.sparse.csr_matrix(features)
        scores = np.asarray((row @ self._by_feature).toarray()).ravel() + self._bias
        return softmax(scores, float(self._config["temperature"]))

    def _intents(self, probabilities: np.ndarray) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The best label's intent with the summed confidence of its labels, and the ranking."""
        totals: dict[str, float] = {}
        for label, probability in zip(self._labels, probabilities, strict=True):
            intent = label.split("/", 1)[0]
            totals[intent] = totals.get(intent, 0.0) + float(probability)
        best = self._labels[int(probabilities.argmax())].split("/", 1)[0]
        # Every intent, so that a later component (rasa_ext/expected.py) can reweigh them all.
        ranking = sorted(totals.items(), key=lambda item: (item[0] != best, -item[1]))
        listed = [
            {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence} for name, confidence in ranking
        ]
        return listed[0], listed

    def _answers(self, probabilities: np.ndarray) -> dict[str, Any] | None:
        """The best answer of the retrieval intent, as a ResponseSelector reports it."""
        prefix = f"{self._config['retrieval_intent']}/"
        columns = [i for i, label in enumerate(self._labels) if label.startswith(prefix)]
        if not columns:
            return None
        shares = probabilities[columns] / max(float(probabilities[columns].sum()), 1e-12)
        order = np.argsort(-shares)[: int(self._config["ranking_length"])]
        ranking = [
            {
                "id": int(columns[i]),
                PREDICTED_CONFIDENCE_KEY: float(shares[i]),
                INTENT_RESPONSE_KEY: self._labels[columns[i]],
            }
            for i in order
        ]
        best = ranking[0][INTENT_RESPONSE_KEY]
        utter_action = intent_response_key_to_template_key(best)
        return {
            RESPONSE_SELECTOR_PREDICTION_KEY: {
                RESPONSE_SELECTOR_RESPONSES_KEY: self._responses.get(utter_action) or [{TEXT: best}],
                PREDICTED_CONFIDENCE_KEY: ranking[0][PREDICTED_CONFIDENCE_KEY],
                INTENT_RESPONSE_KEY: best,
                RESPONSE_SELECTOR_UTTER_ACTION_KEY: utter_action,
            },
            RESPONSE_SELECTOR_RANKING_KEY: ranking,
        }

    def process(self, messages: list[Message]) -> list[Message]:
        retrieval_intent = self._config["retrieval_intent"] or RESPONSE_SELECTOR_DEFAULT_INTENT
        for message in messages:
            probabilities = self._probabilities(message)
            if probabilities is None:
                continue
            intent, ranking = self._intents(probabilities)
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            answers = self._answers(probabilities)
            if answers is not None:
                selectors = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
                selectors[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = [retrieval_intent]
                selectors[retrieval_intent] = answers
                message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selectors, add_to_output=True)
        return messages
