"""The simulator's pool and the scripted conversations are test data, kept apart from training."""

from __future__ import annotations

import pytest
import yaml

from bot.languages import SUPPORTED_LANGUAGES
from bot.workspace.nlu_files import comparable_text
from tests.nlu_data import heldout_examples, training_examples
from tests.simulation.pool import LIST_CATEGORIES, language_pool
from tests.simulation.scripts import STORIES, load_scripts


def normal(text: str) -> str:
    """Case, accents, punctuation and spacing do not make a sentence new (emoji aside)."""
    return " ".join(word for word in comparable_text(text).split() if any(c.isalnum() for c in word))


def trained(language: str) -> set[str]:
    return {normal(text) for _, text, _ in training_examples(language)}


def sentence(text: str) -> bool:
    """Whether a text is a sentence of its own; "ok", "thanks!" or "?" are shared by all."""
    words = normal(text).split()
    return len(words) >= 3 or len("".join(words)) >= 12


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_the_pool_is_complete_and_no_training_data(language: str) -> None:
    pool = language_pool(language)
    assert all(pool.lists[category] for category in LIST_CATEGORIES)
    assert sorted(pool.ratings) == [1, 2, 3, 4, 5]
    assert set(pool.language_switch) == set(SUPPORTED_LANGUAGES) - {language}
    known = trained(language)
    copied = {text for text in pool.texts() if sentence(text) and normal(text) in known}
    assert copied == set()


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_scripted_conversations_are_neither_training_nor_held_out_data(language: str) -> None:
    texts = {turn.text for script in load_scripts(language) for turn in script.turns}
    known = trained(language) | {normal(text) for _, text, _ in heldout_examples(language)}
    assert {t for t in texts if sentence(t) and normal(t) in known} == set()


def test_every_language_has_the_same_eight_scripts() -> None:
    def shape(language: str) -> list[tuple[str, list[str]]]:
        content = yaml.safe_load((STORIES / f"scenarios_{language}.yml").read_text("utf-8"))
        return [
            (story["metadata"]["scenario"],
             [next(k for k in step if k != "user") if "user" in step else str(step)
              for step in story["steps"]])
            for story in content["stories"]
        ]

    english = shape("en")
    assert len(english) == 8
    for language in SUPPORTED_LANGUAGES:
        assert shape(language) == english, language
