from __future__ import annotations

import statistics
import time

import pytest

from bot.culture.conversation_language import CONFIDENT, conversation_language
from bot.languages import SUPPORTED_LANGUAGES, locale_languages
from bot.nlu.language_identifier import LanguageIdentifier, function_word_evidence
from bot.nlu.scripts import han_forms
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
    """A floor, not the benchmark: bench/ measures accuracy against anchors (dev split)."""
    for language in SUPPORTED_LANGUAGES:
        rows = heldout_examples(language, split="dev")
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


@pytest.mark.parametrize("text", ["hi", "Hi!", "hello", "hiii", "ok", "okay 👍", "bye", "thanks",
                                  "thank you", "thx", "ok thanks, bye"])
def test_greetings_and_closings_every_language_uses_are_english_without_context(
    identifier: LanguageIdentifier, text: str
) -> None:
    guess = identifier.identify(text)
    assert (guess.name, guess.supported) == ("en", True)  # a bare "hi" is not Hinglish
    assert guess.confidence < CONFIDENT  # never enough to switch a conversation


@pytest.mark.parametrize("text", ["hi", "ok", "bye", "thanks"])
def test_the_conversation_or_the_locale_decides_a_greeting(
    identifier: LanguageIdentifier, text: str
) -> None:
    assert identifier.identify(text, previous="fr").name == "fr"
    assert identifier.identify(text, locale_language="de", previous="pt").name == "pt"
    assert identifier.identify(text, locale_language=locale_languages("de-DE")).name == "de"
    assert identifier.identify(text, locale_language=locale_languages("en-IN")).name == "en"
    assert identifier.identify(text, locale_language=locale_languages("hi-IN")).name == "hi-Latn"
    assert identifier.identify(text, previous="hi-Latn").name == "hi-Latn"


def test_ciao_is_italian_without_context(identifier: LanguageIdentifier) -> None:
    assert identifier.identify("ciao").name == "it"
    assert identifier.identify("ciao", previous="de").name == "de"


def test_a_greeting_does_not_take_over_a_conversation() -> None:
    identifier = LanguageIdentifier()
    first = identifier.identify("hi").as_dict()
    second = identifier.identify("Wo bleibt meine Bestellung? Ich warte schon eine Woche.",
                                 previous="en").as_dict()
    assert conversation_language([first, second], "en") == "de"
    later = identifier.identify("ok", previous="de").as_dict()
    assert conversation_language([first, second, later], "de") == "de"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("iniciar o alarme", "pt"),
        ("confirma o pedido", "pt"),
        ("não chegou ainda", "pt"),
        ("cadê o meu pedido", "pt"),
        ("quero cancelar a compra", "pt"),
        ("valeu, tchau", "pt"),
        ("dónde está mi pedido", "es"),
        ("cuanto cuesta el envio", "es"),
        ("quiero cancelar el pedido", "es"),
        ("va a llegar mañana?", "es"),
        ("vale, gracias", "es"),
        ("non è ancora arrivato", "it"),
        ("voglio annullare l'ordine", "it"),
        ("dov'è il pacco", "it"),
        ("je veux annuler ma commande", "fr"),
        ("où est mon colis", "fr"),
    ],
)
def test_short_romance_messages(identifier: LanguageIdentifier, text: str, expected: str) -> None:
    assert identifier.identify(text).name == expected


def test_function_words_shared_by_languages_count_for_each_in_part() -> None:
    evidence = function_word_evidence(["o", "pedido"])
    assert evidence == {"pt": 1.0}
    shared = function_word_evidence(["de"])
    assert set(shared) == {"es", "pt", "fr"} and sum(shared.values()) == pytest.approx(1.0)
    assert function_word_evidence(["nao"]) == function_word_evidence(["não"])  # no accents
    assert function_word_evidence(["dankeee"]) == function_word_evidence(["danke"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [("電話", "ja"), ("評価", "ja"), ("掃除機", "ja"), ("来週予定", "ja"), ("电话", "zh"),
     ("谢谢", "zh"), ("退货", "zh")],
)
def test_han_character_forms_tell_japanese_from_chinese(
    identifier: LanguageIdentifier, text: str, expected: str
) -> None:
    assert identifier.identify(text).name == expected


def test_han_forms_counts_japanese_and_simplified_forms() -> None:
    assert han_forms("電話") == (2, 0)
    assert han_forms("电话") == (0, 2)
    assert han_forms("料理") == (0, 0)
    assert han_forms("mail 送信") == (0, 0)


def test_a_chinese_locale_keeps_traditional_characters_chinese(
    identifier: LanguageIdentifier,
) -> None:
    assert identifier.identify("訂單", locale_language="zh").name == "zh"
    assert identifier.identify("我的訂單在哪裡", locale_language="zh").name == "zh"


def test_a_short_han_text_is_not_sure_enough_to_keep_a_conversation(
    identifier: LanguageIdentifier,
) -> None:
    assert identifier.identify("料理").confidence < CONFIDENT


def test_english_with_hindi_words_stays_english_and_hinglish_stays_hinglish(
    identifier: LanguageIdentifier,
) -> None:
    assert identifier.identify("please tune the radio channel").name == "en"
    assert identifier.identify("start radio").name == "en"
    assert identifier.identify("mera order abhi tak nahi aaya").name == "hi-Latn"
    assert identifier.identify("refund kab milega bhai").name == "hi-Latn"


def test_the_median_cost_per_message_is_a_few_milliseconds(
    identifier: LanguageIdentifier,
) -> None:
    texts = [text for language in SUPPORTED_LANGUAGES
             for _, text, _ in heldout_examples(language, split="dev")[:20]]
    for text in texts[:5]:
        identifier.identify(text)  # lingua loads its models on first use
    timings = []
    for text in texts:
        started = time.perf_counter()
        identifier.identify(text)
        timings.append(time.perf_counter() - started)
    assert statistics.median(timings) < 0.003
