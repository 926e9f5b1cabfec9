"""Dates in the form each language's (and, when known, each country's) customers expect."""

from __future__ import annotations

from datetime import date

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from bot.languages import language_from_locale

# Babel locale used for each language tag; hi-Latn readers expect Indian English dates.
BABEL_LOCALE: dict[str, str] = {
    "en": "en_GB", "hi": "hi_IN", "hi-Latn": "en_IN", "es": "es_ES", "fr": "fr_FR",
    "de": "de_DE", "pt": "pt_BR", "it": "it_IT", "ja": "ja_JP", "zh": "zh_Hans_CN",
    "ar": "ar_EG",
}


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
