"""NLU component that adds `frustration` ({"score", ...}) to every parse result."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.config import load_settings
from bot.languages import DEFAULT_LANGUAGE
from bot.nlu.frustration_scorer import FrustrationScorer
from bot.nlu.language_detector import LANGUAGE
from bot.nlu.pivot_translator import TRANSLATION

FRUSTRATION = "frustration"
LEXICON_DIR_KEY = "lexicon_dir"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class FrustrationDetector(GraphComponent):
    """Scores frustration from the lexicons in data/frustration/ (read when the model loads)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the default config (see parent class for full docstring)."""
        # None: the project's data/frustration directory.
        return {LEXICON_DIR_KEY: None}

    def __init__(self, scorer: FrustrationScorer) -> None:
        """Creates the component around a scorer."""
        self.scorer = scorer

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FrustrationDetector:
        """Creates the component (see parent class for full docstring)."""
        directory = config.get(LEXICON_DIR_KEY)
        lexicon_dir = Path(directory) if directory else load_settings().data_dir / "frustration"
        return cls(FrustrationScorer.from_directory(lexicon_dir))

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
