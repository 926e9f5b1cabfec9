"""NLU component that adds `language` ({"name", "confidence"}) to every parse result."""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.languages import SUPPORTED_LANGUAGES, locale_languages
from bot.nlu.char_ngram_model import CharNgramModel
from bot.nlu.language_identifier import LanguageIdentifier

logger = logging.getLogger(__name__)

LANGUAGE = "language"
LOCALE_WEIGHT_KEY = "locale_weight"
PREVIOUS_WEIGHT_KEY = "previous_weight"
# Rasa's button payloads: "/intent" with optional entities, e.g. '/affirm{"csat_score": "4"}'.
_INTENT_PAYLOAD = re.compile(r"^/[\w\-/]+(\{.*\})?$", re.DOTALL)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True
)
class LanguageDetector(GraphComponent):
    """Detects each message's language; training examples take it from their metadata."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the default config (see parent class for full docstring)."""
        return {
            # How many times likelier the language of the channel's locale is.
            LOCALE_WEIGHT_KEY: 3.0,
            # How many times likelier the conversation's language so far is ("ok" keeps it).
            PREVIOUS_WEIGHT_KEY: 3.0,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        """Packages this component imports."""
        return ["langdetect", "sklearn"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        identifier: LanguageIdentifier | None = None,
    ) -> None:
        """Creates the component around an identifier (untrained when None)."""
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self.identifier = identifier or _identifier(config)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        """Creates an untrained component (see parent class for full docstring)."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Learns character n-grams per language from the labelled training examples."""
        texts, labels = [], []
        for example in training_data.intent_examples:
            language = example_language(example)
            if language:
                texts.append(example.get(TEXT))
                labels.append(language)
        if len(set(labels)) >= 2:
            self.identifier.char_model = LanguageIdentifier.fit_char_model(texts, labels)
            logger.info(
                "Language model trained on %d examples in %d languages.",
                len(texts), len(set(labels)),
            )
        else:
            logger.warning("Too few labelled examples; language detection uses no n-grams.")
        self._persist()
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Sets `language` on training examples: from metadata, else detected."""
        for example in training_data.training_examples:
            if not example.get(TEXT):
                continue
            language = example_language(example)
            if language:
                example.set(LANGUAGE, {"name": language, "confidence": 1.0, "supported": True})
            else:
                example.set(LANGUAGE, self.identifier.identify(example.get(TEXT)).as_dict())
        return training_data

    def process(
        self, messages: List[Message], tracker: Optional[DialogueStateTracker] = None
    ) -> List[Message]:
        """Adds `language` to each message's parse result.

        The channel's locale and the conversation's language so far (the `language` slot
        of `tracker`, which Rasa passes in) are priors: they decide short messages.
        """
        previous = tracker.get_slot(LANGUAGE) if tracker is not None else None
        previous = previous if previous in SUPPORTED_LANGUAGES else None
        for message in messages:
            text = message.get(TEXT) or ""
            if _INTENT_PAYLOAD.match(text):
                text = ""  # a button payload such as "/greet" is no language at all
            metadata = message.get("metadata") or {}
            locale = metadata.get("locale") if isinstance(metadata, dict) else None
            guess = self.identifier.identify(
                text, locale_language=locale_languages(locale), previous=previous
            )
            message.set(LANGUAGE, guess.as_dict(), add_to_output=True)
        return messages

    def _persist(self) -> None:
        if self.identifier.char_model is None:
            return
        with self._model_storage.write_to(self._resource) as model_dir:
            self.identifier.char_model.save(model_dir)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LanguageDetector:
        """Loads the trained n-gram model (see parent class for full docstring)."""
        identifier = _identifier(config)
        try:
            with model_storage.read_from(resource) as model_dir:
                identifier.char_model = CharNgramModel.load(model_dir)
        except (ValueError, FileNotFoundError) as error:
            logger.warning("%s loads without its n-gram model: %s", cls.__name__, error)
        return cls(config, model_storage, resource, identifier)


def _identifier(config: Dict[Text, Any]) -> LanguageIdentifier:
    return LanguageIdentifier(
        locale_weight=config[LOCALE_WEIGHT_KEY], previous_weight=config[PREVIOUS_WEIGHT_KEY]
    )


def example_language(example: Message) -> str | None:
    """The language a training example's metadata declares, if it is supported."""
    metadata = example.get("metadata") or {}
    for level in ("example", "intent"):
        declared = (metadata.get(level) or {}).get(LANGUAGE)
        if declared in SUPPORTED_LANGUAGES:
            return declared
    return None
