"""Tokenizer that segments each message with the spaCy blank pipeline of its language.

Blank pipelines need no model download. Japanese uses SudachiPy and Chinese jieba (both
ship their dictionaries in the wheel), so neither is treated as one long token.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING, Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.languages import SPACY_LANGUAGE
from bot.nlu import MAX_ANALYSED_CHARS
from bot.nlu.scripts import dominant_script, script_counts

if TYPE_CHECKING:
    from spacy.language import Language

LANGUAGE = "language"
# Language to tokenize with when nothing better is known, by dominant script.
_SCRIPT_LANGUAGE = {"kana": "ja", "han": "zh", "devanagari": "hi", "arabic": "ar"}


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class MultilingualTokenizer(Tokenizer):
    """Splits text into tokens with a per-language spaCy blank pipeline."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the default config (see parent class for full docstring)."""
        return {
            # Flag to check whether to split intents
            "intent_tokenization_flag": False,
            # Symbol on which intent should be split
            "intent_split_symbol": "_",
            # Regular expression to detect tokens
            "token_pattern": None,
            # Symbol on which prefix should be split
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        """Packages this component imports."""
        return ["spacy", "sudachipy", "sudachidict_core", "jieba"]

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Creates the tokenizer; pipelines are built on first use per language."""
        super().__init__(config)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MultilingualTokenizer:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Tokenizes the attribute's text in the message's language."""
        text = message.get(attribute)[:MAX_ANALYSED_CHARS]
        nlp = blank_pipeline(tokenizer_language(message, text))
        tokens = [
            Token(token.text, token.idx)
            for token in nlp.make_doc(text)
            if not token.is_space
        ]
        return self._apply_token_pattern(tokens)


def tokenizer_language(message: Message, text: str) -> str:
    """The spaCy language code to tokenize `text` with."""
    detected = message.get(LANGUAGE) or {}
    if detected.get("name") in SPACY_LANGUAGE:
        return SPACY_LANGUAGE[detected["name"]]
    counts = script_counts(text)
    return _SCRIPT_LANGUAGE.get(dominant_script(counts), "xx") if counts else "xx"


@cache
def blank_pipeline(spacy_language: str) -> Language:
    """A spaCy blank pipeline with the rule-based sentencizer.

    Chinese segments words with jieba instead of characters. One pipeline per language
    and process (SudachiPy's dictionary alone is tens of MB), shared by the tokenizer
    (which only calls `make_doc`) and the sentence splitter (bot/nlu/sentences.py).
    """
    import spacy
    from spacy.pipeline.sentencizer import Sentencizer

    if spacy_language == "zh":
        import jieba

        jieba.setLogLevel(logging.WARNING)
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    else:
        nlp = spacy.blank(spacy_language)
    # The default list already has . ? ! । 。 ！ ？ ۔ ؟; people also end a thought with an
    # ellipsis ("Pura din waste ho gaya… Password reset kaise karun ab??").
    punct_chars = [*Sentencizer.default_punct_chars, "…", "..."]
    nlp.add_pipe("sentencizer", config={"punct_chars": punct_chars})
    return nlp
