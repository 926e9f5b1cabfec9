"""NLU component that adds `language` ({"name", "confidence"}) to every parse result."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.languages import SUPPORTED_LANGUAGES, language_from_locale
from bot.nlu.language_identifier import LanguageIdentifier

logger = logging.getLogger(__name__)

LANGUAGE = "language"
LOCALE_WEIGHT_KEY = "locale_weight"
TRUSTED_TYPE_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True
)
class LanguageDetector(GraphComponent):
    """Detects each message's language; training examples take it from their metadata."""

    MODEL_FILENAME = "char_model.skops"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the default config (see parent class for full docstring)."""
        return {
            # How many times likelier the language of the channel's locale is.
            LOCALE_WEIGHT_KEY: 3.0,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        """Packages this component imports."""
        return ["langdetect", "sklearn", "skops"]

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
        self.identifier = identifier or LanguageIdentifier(
            locale_weight=config[LOCALE_WEIGHT_KEY]
        )

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

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds `language` to each message's parse result."""
        for message in messages:
            text = message.get(TEXT) or ""
            metadata = message.get("metadata") or {}
            locale = metadata.get("locale") if isinstance(metadata, dict) else None
            guess = self.identifier.identify(text, locale_language=language_from_locale(locale))
            message.set(LANGUAGE, guess.as_dict(), add_to_output=True)
        return messages

    def _persist(self) -> None:
        if self.identifier.char_model is None:
            return
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as model_dir:
            sio.dump(self.identifier.char_model, model_dir / self.MODEL_FILENAME)

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
        import skops.io as sio

        identifier = LanguageIdentifier(locale_weight=config[LOCALE_WEIGHT_KEY])
        try:
            with model_storage.read_from(resource) as model_dir:
                path = model_dir / cls.MODEL_FILENAME
                untrusted = sio.get_untrusted_types(file=path)
                unexpected = [t for t in untrusted if not t.startswith(TRUSTED_TYPE_PREFIXES)]
                if unexpected:
                    raise ValueError(f"unexpected types in {path}: {unexpected}")
                identifier.char_model = sio.load(path, trusted=untrusted)
        except (ValueError, FileNotFoundError) as error:
            logger.warning("%s loads without its n-gram model: %s", cls.__name__, error)
        return cls(config, model_storage, resource, identifier)


def example_language(example: Message) -> str | None:
    """The language a training example's metadata declares, if it is supported."""
    metadata = example.get("metadata") or {}
    for level in ("example", "intent"):
        declared = (metadata.get(level) or {}).get(LANGUAGE)
        if declared in SUPPORTED_LANGUAGES:
            return declared
    return None
