"""NLU component that translates messages in unsupported languages into English for NLU."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.culture.conversation_language import CONFIDENT
from bot.languages import DEFAULT_LANGUAGE
from bot.nlu.language_detector import LANGUAGE
from bot.nlu.language_identifier import UNDETERMINED
from bot.translation import Translator

TRANSLATION = "translation"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class PivotTranslator(GraphComponent):
    """Replaces the text of an unsupported-language message by its English translation.

    The parse result gets `translation`: {"source", "status": "ok"|"unavailable",
    "original"}; the NLG endpoint uses it to answer in the customer's language or to
    apologise in English.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the default config (see parent class for full docstring)."""
        return {}

    def __init__(self, translator: Translator) -> None:
        """Creates the component around a translator (configured from the environment)."""
        self.translator = translator

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PivotTranslator:
        """Creates the component (see parent class for full docstring)."""
        return cls(Translator())

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data is in supported languages only: nothing to translate."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Translates each message whose language we do not speak."""
        for message in messages:
            language = message.get(LANGUAGE) or {}
            source = language.get("name")
            if (
                language.get("supported", True)
                or source in (None, UNDETERMINED)
                or float(language.get("confidence") or 0.0) < CONFIDENT
            ):
                continue
            original = message.get(TEXT) or ""
            english = self.translator.translate(original, source, DEFAULT_LANGUAGE)
            status = "unavailable" if english is None else "ok"
            if english is not None:
                message.set(TEXT, english)
            message.set(
                TRANSLATION,
                {"source": source, "status": status, "original": original},
                add_to_output=True,
            )
        return messages
