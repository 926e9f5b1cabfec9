"""The languages the assistant speaks, as BCP 47 tags, and helpers around them."""

from __future__ import annotations

SUPPORTED_LANGUAGES: tuple[str, ...] = (
    "en", "hi", "hi-Latn", "es", "fr", "de", "pt", "it", "ja", "zh", "ar",
)
DEFAULT_LANGUAGE = "en"

# Languages whose replies exist in a formal and an informal register.
REGISTER_LANGUAGES: frozenset[str] = frozenset(
    {"de", "fr", "es", "pt", "it", "hi", "hi-Latn", "ja", "zh"}
)

# spaCy blank pipeline used to tokenize each language ("xx" is spaCy's multi-language).
SPACY_LANGUAGE: dict[str, str] = {
    "en": "en", "hi": "hi", "hi-Latn": "xx", "es": "es", "fr": "fr", "de": "de",
    "pt": "pt", "it": "it", "ja": "ja", "zh": "zh", "ar": "ar",
}


def language_from_locale(locale: str | None) -> str | None:
    """Maps a locale such as "de-DE", "pt_BR" or "hi-Latn-IN" to a supported tag.

    Args:
        locale: a locale string from a channel or browser, or None.

    Returns:
        The supported language tag, or None when the locale names none of them.
    """
    if not locale or not isinstance(locale, str):
        return None
    parts = locale.replace("_", "-").split("-")
    language = parts[0].lower()
    if language == "hi" and any(part.lower() == "latn" for part in parts[1:]):
        return "hi-Latn"
    return language if language in SUPPORTED_LANGUAGES else None



def locale_languages(locale: str | None) -> frozenset[str]:
    """The supported tags a customer with this locale likely writes in.

    The locale's own language, plus romanized Hindi for India: Indian customers with an
    English or Hindi browser often type Hinglish ("en-IN", "hi-IN").
    """
    language = language_from_locale(locale)
    if language is None:
        return frozenset()
    parts = str(locale).replace("_", "-").upper().split("-")
    if language in ("en", "hi") and "IN" in parts[1:]:
        return frozenset({language, "hi-Latn"})
    if language == "hi":
        return frozenset({"hi", "hi-Latn"})
    return frozenset({language})
