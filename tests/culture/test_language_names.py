from __future__ import annotations

import pytest

from bot.config import load_settings
from bot.culture.language_names import LanguageNames


@pytest.fixture(scope="module")
def names() -> LanguageNames:
    return LanguageNames.load(load_settings().culture_dir)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("can we speak French?", "fr"),
        ("हिंदी में बात करें", "hi"),
        ("auf Deutsch bitte", "de"),
        ("¿podemos hablar en español?", "es"),
        ("日本語でお願いします", "ja"),
        ("请用中文", "zh"),
        ("بالعربي لو سمحت", "ar"),
        ("hinglish me baat karo", "hi-Latn"),
        ("in italiano per favore", "it"),
        ("pode falar em português?", "pt"),
    ],
)
def test_finds_the_requested_language(names: LanguageNames, text: str, expected: str) -> None:
    assert names.requested_language(text) == expected


def test_prefers_a_language_other_than_the_current_one(names: LanguageNames) -> None:
    assert names.requested_language("English is hard, French please", current="en") == "fr"


def test_hindi_and_english_named_beside_hinglish_mean_hinglish(names: LanguageNames) -> None:
    text = "اكتب لي هندي بس بحروف إنجليزية، يعني Hinglish"
    assert names.requested_language(text, current="ar") == "hi-Latn"
    assert names.requested_language("Hindi please, not English", current="en") == "hi"


def test_no_language_named(names: LanguageNames) -> None:
    assert names.requested_language("can we switch the language?") is None
