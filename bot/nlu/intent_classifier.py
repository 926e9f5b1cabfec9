"""Rasa's logistic-regression intent classifier, made safe for messages without features."""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class SafeLogisticRegressionClassifier(LogisticRegressionClassifier):
    """LogisticRegressionClassifier that leaves featureless messages unclassified.

    The stock component raises on a message with no features (empty or whitespace-only
    text), which turns a customer's empty message into a server error. Such messages
    get confidence 0 here, so the FallbackClassifier answers them.
    """

    def process(self, messages: List[Message]) -> List[Message]:
        """See parent class for full docstring."""
        featured = [m for m in messages if m.features_present(TEXT, [])]
        if featured:
            super().process(featured)
        for message in messages:
            if message not in featured:
                message.set("intent", {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set("intent_ranking", [], add_to_output=True)
        return messages
