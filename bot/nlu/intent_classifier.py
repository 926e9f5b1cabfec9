"""Intent and FAQ topic in one step, for short and long messages (bot/nlu/intent_model.py).

Replaces Rasa's intent classifier plus ResponseSelector: one calibrated linear model over
intents and FAQ topics reads the whole message and each of its sentences, and
bot/nlu/long_messages.py decides which sentence says what the customer wants. The output
has Rasa's shapes, so rules, `utter_faq` and everything downstream read it as usual:
`intent` and `intent_ranking` (`faq` as likely as its likeliest topic), and
`response_selector` for the retrieval intent with the topic and its ranking.
"""

from __future__ import annotations

import logging
import pickle
from collections import defaultdict
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import MAX_ANALYSED_CHARS
from bot.nlu.intent_model import IntentModel
from bot.nlu.long_messages import LongMessageRule, SentenceReading
from bot.nlu.multilingual_tokenizer import tokenizer_language
from bot.nlu.sentences import segment

logger = logging.getLogger(__name__)

MODEL_FILE = "intent_model.pkl"
RESPONSE_SELECTOR = "response_selector"
RANKING_LENGTH = 10


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class IntentTopicClassifier(GraphComponent, IntentClassifier):
    """Predicts the intent and, for the retrieval intent, the FAQ topic."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the default config (see parent class for full docstring)."""
        return {
            # Regularisation of the linear SVM (higher fits the training data closer).
            "C": 1.0,
            # Longest character n-gram.
            "max_char_ngram": 4,
            # Cross-validation folds for the probability calibration.
            "calibration_folds": 3,
            # The retrieval intent whose sub-labels are FAQ topics.
            "retrieval_intent": "faq",
            # bot/nlu/long_messages.py
            "human_min": 0.5,
            "whole_weight": 0.4,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[IntentModel] = None,
    ) -> None:
        """Creates the component around a trained model (or none yet)."""
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model
        self.rule = LongMessageRule(
            human_min=float(self.config["human_min"]),
            whole_weight=float(self.config["whole_weight"]),
        )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentTopicClassifier:
        """Creates a new untrained component (see parent class for full docstring)."""
        return cls(config, model_storage, resource)

    @staticmethod
    def required_packages() -> List[Text]:
        """Packages this component imports."""
        return ["sklearn", "spacy"]

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the model on every intent example; FAQ examples carry their topic."""
        texts, labels = [], []
        for example in training_data.intent_examples:
            words = _words(example)
            if words:
                texts.append(words)
                labels.append(example.get_full_intent())
        if len(set(labels)) < 2:
            logger.warning("Fewer than two intents in the training data: nothing to learn.")
            return self._resource
        self.model = IntentModel(
            c=float(self.config["C"]),
            max_char_ngram=int(self.config["max_char_ngram"]),
            folds=int(self.config["calibration_folds"]),
        ).fit(texts, labels)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / MODEL_FILE).write_bytes(pickle.dumps(self.model))
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> IntentTopicClassifier:
        """Loads the trained model (see parent class for full docstring)."""
        model = None
        try:
            with model_storage.read_from(resource) as directory:
                # Our own artefact, written by `train` into Rasa's model archive.
                model = pickle.loads((directory / MODEL_FILE).read_bytes())
        except (ValueError, FileNotFoundError):
            logger.warning("No trained intent model in this archive; messages stay unclassified.")
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets `intent`, `intent_ranking` and the FAQ `response_selector` output."""
        for message in messages:
            self._set_prediction(message, self.predict(message))
        return messages

    def predict(self, message: Message) -> dict[str, float]:
        """Label probabilities of the message, whole and sentence by sentence."""
        text = (message.get(TEXT) or "")[:MAX_ANALYSED_CHARS]
        if self.model is None or not text.strip():
            return {}
        message_words = segment(text, tokenizer_language(message, text))
        parts = message_words.sentences if len(message_words.sentences) > 1 else []
        probabilities = self.model.probabilities(
            [message_words.words, *(part.words for part in parts)]
        )
        readings = [
            SentenceReading(part.text, row, part.is_question)
            for part, row in zip(parts, probabilities[1:], strict=False)
        ]
        labels = self.model.labels
        reading = self.rule.read(labels, probabilities[0], readings)
        return {label: float(p) for label, p in zip(labels, reading, strict=True) if p > 0}

    def _set_prediction(self, message: Message, labels: dict[str, float]) -> None:
        retrieval = str(self.config["retrieval_intent"])
        # An intent is as likely as its likeliest label: summing the 20 FAQ topics' small
        # probabilities would make `faq` win every message the model is unsure about.
        intents: dict[str, float] = defaultdict(float)
        topics: dict[str, float] = {}
        for label, probability in labels.items():
            intent = label.split("/", 1)[0]
            intents[intent] = max(intents[intent], probability)
            if intent == retrieval:
                topics[label] = probability
        ranking = sorted(intents.items(), key=lambda item: -item[1])[:RANKING_LENGTH]
        top = {"name": ranking[0][0], "confidence": ranking[0][1]} if ranking else None
        message.set(INTENT, top or {"name": None, "confidence": 0.0}, add_to_output=True)
        message.set(
            INTENT_RANKING_KEY,
            [{"name": name, "confidence": confidence} for name, confidence in ranking],
            add_to_output=True,
        )
        if topics:
            message.set(
                RESPONSE_SELECTOR, self._selector_output(retrieval, topics), add_to_output=True
            )

    @staticmethod
    def _selector_output(retrieval: str, topics: dict[str, float]) -> dict[str, Any]:
        """Rasa's ResponseSelector output: topic confidences within the retrieval intent."""
        total = sum(topics.values())
        ranked = sorted(topics.items(), key=lambda item: -item[1])[:RANKING_LENGTH]
        best, confidence = ranked[0]
        return {
            "all_retrieval_intents": [retrieval],
            retrieval: {
                "response": {
                    "responses": [],
                    "confidence": confidence / total,
                    "intent_response_key": best,
                    "utter_action": f"utter_{best}",
                },
                "ranking": [
                    {"confidence": p / total, "intent_response_key": label}
                    for label, p in ranked
                ],
            },
        }


def _words(message: Message) -> str:
    """The message's words separated by spaces, segmented in its language."""
    text = (message.get(TEXT) or "")[:MAX_ANALYSED_CHARS]
    return segment(text, tokenizer_language(message, text)).words if text.strip() else ""
