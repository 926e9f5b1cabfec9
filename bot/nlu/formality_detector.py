"""NLU component that adds the customer's own register (`formality`) to every parse result."""

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
from bot.nlu.language_detector import LANGUAGE
from bot.nlu.register_identifier import RegisterIdentifier

FORMALITY = "formality"
CULTURE_DIR_KEY = "culture_dir"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class FormalityDetector(GraphComponent):
    """Recognises du/Sie, tu/vous, ... from the markers in data/culture/.

    The markers are read when the model loads, so support leads' edits apply after a
    restart without retraining.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the default config (see parent class for full docstring)."""
        # None: the project's data/culture directory.
        return {CULTURE_DIR_KEY: None}

    def __init__(self, identifier: RegisterIdentifier) -> None:
        """Creates the component around a register identifier."""
        self.identifier = identifier

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FormalityDetector:
        """Creates the component (see parent class for full docstring)."""
        directory = config.get(CULTURE_DIR_KEY)
        culture_dir = Path(directory) if directory else load_settings().culture_dir
        return cls(RegisterIdentifier.from_culture_dir(culture_dir))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves training data alone: nothing downstream learns from the register."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds `formality` to each message's parse result."""
        for message in messages:
            language = (message.get(LANGUAGE) or {}).get("name") or DEFAULT_LANGUAGE
            guess = self.identifier.identify(message.get(TEXT) or "", language)
            message.set(FORMALITY, guess.as_dict(), add_to_output=True)
        return messages
