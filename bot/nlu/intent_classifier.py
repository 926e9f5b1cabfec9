"""Rasa's logistic-regression intent classifier, made safe for messages without features."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

REGULARISATION_KEY = "C"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class SafeLogisticRegressionClassifier(LogisticRegressionClassifier):
    """LogisticRegressionClassifier that leaves featureless messages unclassified.

    The stock component raises on a message with no features (empty or whitespace-only
    text), which turns a customer's empty message into a server error. Such messages
    get confidence 0 here, so the FallbackClassifier answers them. It also exposes the
    regularisation strength `C`, which the stock component fixes at 1.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the default config (see parent class for full docstring)."""
        return {
            **LogisticRegressionClassifier.get_default_config(),
            # Inverse regularisation strength; higher fits the training data more closely.
            REGULARISATION_KEY: 1.0,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        name: Text,
        model_storage: ModelStorage,
        resource: Resource,
    ) -> None:
        """See parent class for full docstring."""
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=self.config[REGULARISATION_KEY])

    def process(self, messages: List[Message]) -> List[Message]:
        """See parent class for full docstring."""
        featured, featureless = [], []
        for message in messages:
            (featured if message.features_present(TEXT, []) else featureless).append(message)
        if featured:
            super().process(featured)
        for message in featureless:
            message.set("intent", {"name": None, "confidence": 0.0}, add_to_output=True)
            message.set("intent_ranking", [], add_to_output=True)
        return messages
