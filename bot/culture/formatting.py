"""Dates and waits written as each language's (and, when known, each country's) customers expect."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from bot.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, language_from_locale

# Babel locale used for each language tag; hi-Latn readers expect Indian English dates.
BABEL_LOCALE: dict[str, str] = {
    "en": "en_GB", "hi": "hi_IN", "hi-Latn": "en_IN", "es": "es_ES", "fr": "fr_FR",
    "de": "de_DE", "pt": "pt_BR", "it": "it_IT", "ja": "ja_JP", "zh": "zh_Hans_CN",
    "ar": "ar_EG",
}
# The waits a promise is rounded to, in minutes; a longer one is `longer` ("more than 4 hours").
WAIT_STEPS: tuple[int, ...] = (5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240)
LONGER_WAIT = "longer"


def long_date(day: date, language: str, locale: str | None = None) -> str:
    """A date written out for `language`, e.g. "28. November 2026" or "2026年11月28日".

    Args:
        day: the date.
        language: the conversation's language tag.
        locale: the customer's locale ("de-AT", "en-US", "pt-PT"); used when it is a
            variant of `language`, so Austrians read "Jänner" and Americans "November 28".
    """
    return format_date(day, format="long", locale=babel_locale(language, locale))


def babel_locale(language: str, locale: str | None = None) -> str:
    """The Babel locale for a language, refined by the customer's locale when it fits."""
    if locale and language != "hi-Latn" and language_from_locale(locale) == language:
        candidate = locale.replace("-", "_")
        try:
            Locale.parse(candidate)
            return candidate
        except (ValueError, UnknownLocaleError):
            pass
    return BABEL_LOCALE.get(language, "en_GB")


@dataclass(frozen=True)
class WaitPhrases:
    """How each language says a rounded wait ("about 1½ hours"): `wait_times` in data/culture/."""

    phrases: Mapping[str, Mapping[str, str]]

    @classmethod
    def load(cls, culture_dir: Path) -> WaitPhrases:
        """Reads `wait_times` from every language's culture file."""
        phrases = {}
        for language in SUPPORTED_LANGUAGES:
            path = culture_dir / f"{language}.yml"
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            phrases[language] = {
                str(key): str(value) for key, value in (content.get("wait_times") or {}).items()
            }
        return cls(phrases)

    def phrase(self, minutes: int, language: str) -> str:
        """The wait rounded to the nearest step and written out, e.g. 81 -> "about 1½ hours"."""
        step = rounded_wait(minutes)
        key = LONGER_WAIT if step is None else str(step)
        for lang in (language, DEFAULT_LANGUAGE):
            text = self.phrases.get(lang, {}).get(key)
            if text:
                return text
        return f"{minutes} min"  # only when data lacks the phrase (the content check fails)

    def problems(self) -> list[str]:
        """Missing phrases, one line each (checked in tests/test_content.py)."""
        wanted = {*(str(step) for step in WAIT_STEPS), LONGER_WAIT}
        missing = {
            language: sorted(wanted - set(self.phrases.get(language, {})))
            for language in SUPPORTED_LANGUAGES
        }
        return [f"{lang}: wait_times: missing {keys}" for lang, keys in missing.items() if keys]


def rounded_wait(minutes: int) -> int | None:
    """The nearest of WAIT_STEPS (ties go to the longer wait); None beyond the last step."""
    if minutes > WAIT_STEPS[-1]:
        return None
    return min(WAIT_STEPS, key=lambda step: (abs(step - minutes), -step))
