"""Shared, lazily loaded content (loaded once per process)."""

from __future__ import annotations

from functools import lru_cache

from bot.config import load_settings
from bot.culture.formatting import WaitPhrases
from bot.culture.language_names import LanguageNames
from bot.culture.profiles import CultureProfiles
from bot.culture.topics import TopicCatalog
from bot.frustration import FrustrationSettings


@lru_cache(maxsize=1)
def language_names() -> LanguageNames:
    """Language names from data/culture/."""
    return LanguageNames.load(load_settings().culture_dir)


@lru_cache(maxsize=1)
def culture_profiles() -> CultureProfiles:
    """Culture profiles from data/culture/ (plus the deployment's overrides)."""
    return CultureProfiles.load(load_settings().culture_dir)


@lru_cache(maxsize=1)
def frustration_settings() -> FrustrationSettings:
    """Conversation-level frustration settings from data/frustration/common.yml."""
    return FrustrationSettings.load(load_settings().data_dir / "frustration" / "common.yml")


@lru_cache(maxsize=1)
def wait_phrases() -> WaitPhrases:
    """How each language says an expected wait, from data/culture/."""
    return WaitPhrases.load(load_settings().culture_dir)


@lru_cache(maxsize=1)
def topic_catalog() -> TopicCatalog:
    """Quick-reply topics from data/culture/ and data/suggestions.yml."""
    settings = load_settings()
    return TopicCatalog.load(settings.culture_dir, settings.data_dir / "suggestions.yml")
