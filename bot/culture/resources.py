"""Shared, lazily loaded content for the action server (loaded once per process)."""

from __future__ import annotations

from functools import lru_cache

from bot.config import load_settings
from bot.culture.language_names import LanguageNames
from bot.culture.profiles import CultureProfiles
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
