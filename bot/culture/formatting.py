"""Dates in the form each language's customers expect."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

# Babel locale used for each language tag; hi-Latn readers expect Indian English dates.
BABEL_LOCALE: dict[str, str] = {
    "en": "en_GB", "hi": "hi_IN", "hi-Latn": "en_IN", "es": "es_ES", "fr": "fr_FR",
    "de": "de_DE", "pt": "pt_BR", "it": "it_IT", "ja": "ja_JP", "zh": "zh_Hans_CN",
    "ar": "ar_EG",
}


def long_date(day: date, language: str) -> str:
    """A date written out for `language`, e.g. "28. November 2026" or "2026年11月28日"."""
    return format_date(day, format="long", locale=BABEL_LOCALE.get(language, "en_GB"))
