"""NLU component that adds `frustration` ({"score", ...}) to every parse result.

It fuses the lexicons in data/frustration/ (read when the model loads, so support leads'
edits need a restart, not a retraining) with a supervised classifier that Rasa trains with
the rest of the model (bot/nlu/frustration_classifier.py).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.config import load_settings
from bot.languages import DEFAULT_LANGUAGE
from bot.nlu.frustration_classifier import (
    ClassifierConfig,
    FrustrationClassifier,
    fingerprint,
    nlu_calm_corpus,
    train_default,
)
from bot.nlu.frustration_scorer import FRUSTRATED_SCORE, FrustrationScorer
from bot.nlu.language_detector import LANGUAGE, example_language
from bot.nlu.pivot_translator import TRANSLATION

logger = logging.getLogger(__name__)

FRUSTRATION = "frustration"
LEXICON_DIR_KEY = "lexicon_dir"
# False: the lexicons alone, as before the classifier existed (nothing is trained).
CLASSIFIER_KEY = "classifier"
# Folder of the public data sets; None: $KESTREL_DATASETS or <project>/../shared/datasets.
DATASETS_KEY = "datasets_dir"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class FrustrationDetector(GraphComponent):
    """Scores frustration from the lexicons plus a classifier trained with the model."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the default config (see parent class for full docstring)."""
        # lexicon_dir None: the project's data/frustration directory.
        return {LEXICON_DIR_KEY: None, CLASSIFIER_KEY: True, DATASETS_KEY: None}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        scorer: FrustrationScorer,
    ) -> None:
        """Creates the component around a scorer (with or without its classifier)."""
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self.scorer = scorer

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FrustrationDetector:
        """Creates an untrained component: the lexicons alone."""
        return cls(config, model_storage, resource, _lexicon_scorer(config))

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Training reads files Rasa does not know about; their digest makes it retrain."""
        if not config.get(CLASSIFIER_KEY, True):
            return None
        return fingerprint(datasets=_datasets_dir(config))

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the classifier on our examples, the public training splits and calm NLU data.

        The NLU training examples of intents that are not complaints serve as calm support
        messages (minus those the lexicons find frustrated); see `nlu_calm_corpus`.
        """
        if not self._config.get(CLASSIFIER_KEY, True):
            return self._resource
        rows = [
            (str(example.get(INTENT)), example.get(TEXT), example_language(example))
            for example in training_data.intent_examples
            if example.get(TEXT)
        ]
        lexicons = self.scorer

        def looks_frustrated(text: str, language: str) -> bool:
            return lexicons.score(text, language).score >= FRUSTRATED_SCORE

        classifier, _ = train_default(
            datasets=_datasets_dir(self._config),
            config=ClassifierConfig(),
            extra=nlu_calm_corpus(rows, looks_frustrated),
        )
        logger.info(
            "Frustration classifier trained in %.1f s on %s.",
            classifier.info.get("train_seconds", 0.0), classifier.info.get("trained_on"),
        )
        with self._model_storage.write_to(self._resource) as model_dir:
            classifier.save(model_dir)
        self.scorer = self.scorer.with_classifier(classifier)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> FrustrationDetector:
        """Loads the lexicons and the trained classifier (lexicons alone when it is missing)."""
        scorer = _lexicon_scorer(config)
        if config.get(CLASSIFIER_KEY, True):
            try:
                with model_storage.read_from(resource) as model_dir:
                    scorer = scorer.with_classifier(FrustrationClassifier.load(model_dir))
            except (ValueError, FileNotFoundError, KeyError) as error:
                logger.warning("%s loads without its classifier: %s", cls.__name__, error)
        return cls(config, model_storage, resource, scorer)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves training data alone: nothing downstream learns from frustration."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds `frustration` to each message's parse result.

        A machine-translated message is scored in English, on its translation.
        """
        for message in messages:
            language = (message.get(LANGUAGE) or {}).get("name") or DEFAULT_LANGUAGE
            translation = message.get(TRANSLATION) or {}
            if translation.get("status") == "ok":
                language = DEFAULT_LANGUAGE
            result = self.scorer.score(message.get(TEXT) or "", language)
            message.set(FRUSTRATION, result.as_dict(), add_to_output=True)
        return messages


def _lexicon_scorer(config: Dict[Text, Any]) -> FrustrationScorer:
    directory = config.get(LEXICON_DIR_KEY)
    lexicon_dir = Path(directory) if directory else load_settings().data_dir / "frustration"
    return FrustrationScorer.from_directory(lexicon_dir)


def _datasets_dir(config: Dict[Text, Any]) -> Optional[Path]:
    directory = config.get(DATASETS_KEY)
    return Path(directory) if directory else None
