from __future__ import annotations

import pytest

from bot.languages import SUPPORTED_LANGUAGES, locale_languages
from bot.nlu.language_identifier import LanguageIdentifier
from tests.nlu_data import heldout_examples


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("注文した商品はいつ届きますか", "ja"),
        ("我的订单什么时候到", "zh"),
        ("मेरा ऑर्डर कब आएगा?", "hi"),
        ("मेरा order कब आएगा", "hi"),
        ("أين طلبي؟", "ar"),
        ("mera order kab aayega bhai", "hi-Latn"),
        ("Wo bleibt meine Bestellung?", "de"),
        ("où est ma commande s'il vous plaît", "fr"),
        ("dónde está mi pedido", "es"),
        ("cadê meu pedido, já faz uma semana", "pt"),
        ("dov'è il mio ordine", "it"),
        ("where is my order", "en"),
    ],
)
def test_identifies_supported_languages(
    identifier: LanguageIdentifier, text: str, expected: str
) -> None:
    guess = identifier.identify(text)
    assert (guess.name, guess.supported) == (expected, True)


def test_text_without_letters_has_no_evidence(identifier: LanguageIdentifier) -> None:
    for text in ("", "   ", "12345", "👍👍", "\x00\x07"):
        guess = identifier.identify(text, previous="hi")
        assert (guess.name, guess.confidence) == ("hi", 0.0)


@pytest.mark.parametrize("text", ["二", "三", "了解", "大丈夫"])
def test_a_few_han_characters_keep_the_conversation_in_japanese_or_chinese(
    identifier: LanguageIdentifier, text: str
) -> None:
    assert identifier.identify(text, locale_language="fr", previous="ja").name == "ja"
    assert identifier.identify(text, locale_language="ja").name == "ja"
    assert identifier.identify(text, previous="zh").name == "zh"
    assert identifier.identify(text, previous="ja").confidence < 0.8  # no evidence to switch


def test_a_longer_han_sentence_is_still_read_as_chinese(identifier: LanguageIdentifier) -> None:
    guess = identifier.identify("我的订单什么时候到？", previous="ja")
    assert (guess.name, guess.confidence >= 0.8) == ("zh", True)


def test_locale_decides_an_ambiguous_message(identifier: LanguageIdentifier) -> None:
    assert identifier.identify("ok", locale_language="de").name == "de"
    assert identifier.identify("ok", locale_language="it").name == "it"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Siparişim nerede, üç gündür bekliyorum", "tr"),
        ("제 주문은 언제 도착하나요?", "ko"),
        ("Где мой заказ? Я жду уже неделю", "ru"),
    ],
)
def test_flags_unsupported_languages(identifier: LanguageIdentifier, text: str, code: str) -> None:
    guess = identifier.identify(text)
    assert (guess.name, guess.supported) == (code, False)


def test_huge_input_is_analysed_quickly_and_safely(identifier: LanguageIdentifier) -> None:
    assert identifier.identify("Bestellung " * 10_000).name == "de"


def test_most_heldout_messages_are_identified(identifier: LanguageIdentifier) -> None:
    """A floor, not the benchmark: bench/ measures accuracy against anchors."""
    for language in SUPPORTED_LANGUAGES:
        rows = heldout_examples(language)
        correct = sum(identifier.identify(text).name == language for _, text, _ in rows)
        assert correct / len(rows) >= 0.85, language


def test_works_without_a_trained_model() -> None:
    assert LanguageIdentifier().identify("Wo bleibt meine Bestellung?").name == "de"


@pytest.mark.parametrize("locale, expected", [
    ("en-IN", {"en", "hi-Latn"}), ("hi-IN", {"hi", "hi-Latn"}), ("hi", {"hi", "hi-Latn"}),
    ("de-AT", {"de"}), ("pt_BR", {"pt"}), ("tr-TR", set()), (None, set()),
])
def test_the_languages_a_locale_makes_likely(locale: str | None, expected: set[str]) -> None:
    assert locale_languages(locale) == expected


def test_an_indian_english_browser_still_gets_hinglish_read_as_hinglish(
    identifier: LanguageIdentifier,
) -> None:
    guess = identifier.identify("google pay se payment hota hai kya yahan?",
                                locale_language=locale_languages("en-IN"))
    assert guess.name == "hi-Latn"
