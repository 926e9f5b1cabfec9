"""Shared fixtures: the real content, a language identifier trained on our data."""

from __future__ import annotations

import pytest

from bot.config import load_settings
from bot.culture.catalog import ResponseCatalog
from bot.culture.profiles import CultureProfiles
from bot.languages import SUPPORTED_LANGUAGES
from bot.nlu.language_identifier import LanguageIdentifier
from tests.browser import browser, chromium  # noqa: F401 - session fixtures for browser tests
from tests.nlu_data import training_examples


@pytest.fixture(scope="session")
def catalog() -> ResponseCatalog:
    settings = load_settings()
    return ResponseCatalog.load(settings.domain_path, settings.responses_dir)


@pytest.fixture(scope="session")
def identifier() -> LanguageIdentifier:
    texts, labels = [], []
    for language in SUPPORTED_LANGUAGES:
        for _, text, _ in training_examples(language):
            texts.append(text)
            labels.append(language)
    return LanguageIdentifier(LanguageIdentifier.fit_char_model(texts, labels))


@pytest.fixture(scope="session")
def profiles() -> CultureProfiles:
    return CultureProfiles.load(load_settings().culture_dir)
