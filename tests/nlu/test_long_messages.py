"""The rule for messages of several sentences, and the sentence splitter in every language."""

from __future__ import annotations

import numpy as np
import pytest

from bot.languages import SPACY_LANGUAGE, SUPPORTED_LANGUAGES
from bot.nlu.long_messages import LongMessageRule, SentenceReading
from bot.nlu.sentences import is_question, segment

LABELS = ["greet", "thank", "goodbye", "request_human", "order_status", "faq/warranty",
          "faq/damaged_item", "cancel_handoff"]

# A context sentence, then the request, in every language: (message, the sentences, which
# of them asks a question).
TWO_SENTENCES: dict[str, tuple[str, list[str], list[bool]]] = {
    "en": ("My kettle broke after three months. How do I claim the warranty?",
           ["My kettle broke after three months.", "How do I claim the warranty?"],
           [False, True]),
    "hi": ("मेरी केतली तीन महीने में खराब हो गई। वारंटी कैसे क्लेम करूँ?",
           ["मेरी केतली तीन महीने में खराब हो गई।", "वारंटी कैसे क्लेम करूँ?"], [False, True]),
    "hi-Latn": ("Pura din waste ho gaya… Password reset kaise karun ab??",
                ["Pura din waste ho gaya…", "Password reset kaise karun ab??"], [False, True]),
    "es": ("Se me rompió el hervidor a los tres meses. ¿Cómo reclamo la garantía?",
           ["Se me rompió el hervidor a los tres meses.", "¿Cómo reclamo la garantía?"],
           [False, True]),
    "fr": ("Ma bouilloire est tombée en panne. Comment faire jouer la garantie ?",
           ["Ma bouilloire est tombée en panne.", "Comment faire jouer la garantie ?"],
           [False, True]),
    "de": ("Ich fasse es nicht. Schon der zweite Mixer kaputt!",
           ["Ich fasse es nicht.", "Schon der zweite Mixer kaputt!"], [False, False]),
    "pt": ("Minha chaleira quebrou. Como aciono a garantia?",
           ["Minha chaleira quebrou.", "Como aciono a garantia?"], [False, True]),
    "it": ("Il bollitore si è rotto dopo tre mesi. Come funziona la garanzia?",
           ["Il bollitore si è rotto dopo tre mesi.", "Come funziona la garanzia?"],
           [False, True]),
    "ja": ("荷物が届きません。担当者につないでください。",
           ["荷物が届きません。", "担当者につないでください。"], [False, False]),
    "zh": ("我三个月前买的电水壶坏了。怎么申请保修？",
           ["我三个月前买的电水壶坏了。", "怎么申请保修？"], [False, True]),
    "ar": ("طلبي ما وصل لحد الحين۔ ابغى اكلم موظف؟",
           ["طلبي ما وصل لحد الحين۔", "ابغى اكلم موظف؟"], [False, True]),
}


def probabilities(**weights: float) -> np.ndarray:
    """A probability row over LABELS; the rest of the mass spread evenly."""
    row = np.array([weights.get(label.replace("/", "__"), 0.0) for label in LABELS])
    rest = 1.0 - row.sum()
    return row + rest / len(LABELS)


def reading(text: str, question: bool = False, **weights: float) -> SentenceReading:
    return SentenceReading(text, probabilities(**weights), question)


def top(row: np.ndarray) -> str:
    return LABELS[int(np.argmax(row))]


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_a_message_splits_into_its_sentences_in_every_language(language: str) -> None:
    message, expected, questions = TWO_SENTENCES[language]
    found = segment(message, SPACY_LANGUAGE[language]).sentences
    assert [s.text for s in found] == expected
    assert [s.is_question for s in found] == questions


@pytest.mark.parametrize("language", ["ja", "zh"])
def test_japanese_and_chinese_are_read_as_words(language: str) -> None:
    message = TWO_SENTENCES[language][0]
    words = segment(message, SPACY_LANGUAGE[language]).words.split()
    assert len(words) >= 6  # segmented into words, not one run of characters
    assert "".join(words) == message.replace(" ", "")


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("hey, u guys take paypal?", "en", ["hey,", "u guys take paypal?"]),
    ("Hola, ¿cómo va mi pedido?", "es", ["Hola,", "¿cómo va mi pedido?"]),
    ("مرحبا، وين طلبي؟", "ar", ["مرحبا،", "وين طلبي؟"]),
    ("你好，我的快递到哪了", "zh", ["你好，", "我的快递到哪了"]),
    # Not an opening: too long before the comma, or too little after it.
    ("thanks, bye", "en", ["thanks, bye"]),
    ("my parcel from last week, where is it", "en", ["my parcel from last week, where is it"]),
])
def test_a_short_opening_before_a_comma_is_a_sentence_of_its_own(
    text: str, language: str, expected: list[str]
) -> None:
    assert [s.text for s in segment(text, language).sentences] == expected


def test_a_line_break_ends_a_sentence_and_empty_text_has_none() -> None:
    assert [s.text for s in segment("hi\nwhere is my order 482913", "en").sentences] == [
        "hi", "where is my order 482913"]
    assert segment("  \n ", "en").sentences == []
    assert segment("", "xx").words == ""


@pytest.mark.parametrize("text", ["Where is it?", "كيف؟", "どこ？", "really?? 😡", "why ?!"])
def test_questions_end_in_a_question_mark_in_any_script(text: str) -> None:
    assert is_question(text)


def test_a_single_sentence_is_read_as_a_whole() -> None:
    whole = probabilities(order_status=0.6)
    assert LongMessageRule().read(LABELS, whole, [reading("x", order_status=0.9)]) is whole


def test_a_request_for_a_person_anywhere_wins() -> None:
    whole = probabilities(faq__damaged_item=0.7)  # the context sentence dominates the whole
    sentences = [reading("荷物が届きません。", faq__damaged_item=0.8),
                 reading("担当者につないでください。", request_human=0.6)]
    result = LongMessageRule(human_min=0.5).read(LABELS, whole, sentences)
    assert top(result) == "request_human"
    assert result.sum() == pytest.approx(1.0)


def test_a_message_read_as_a_request_for_a_person_stays_one() -> None:
    whole = probabilities(request_human=0.33, order_status=0.3)
    sentences = [reading("my order should have come on monday.", order_status=0.8),
                 reading("i want to talk to someone.", request_human=0.45)]
    assert top(LongMessageRule().read(LABELS, whole, sentences)) == "request_human"


def test_a_weak_hint_of_a_person_does_not_win() -> None:
    whole = probabilities(faq__warranty=0.7)
    sentences = [reading("a", request_human=0.3), reading("b?", True, faq__warranty=0.8)]
    assert top(LongMessageRule(human_min=0.5).read(LABELS, whole, sentences)) == "faq/warranty"


def test_the_question_wins_over_context_and_venting() -> None:
    whole = probabilities(cancel_handoff=0.5, faq__warranty=0.3)
    sentences = [reading("I bought a kettle three months ago.", order_status=0.7),
                 reading("Ugh!!", cancel_handoff=0.6),
                 reading("How do I claim?", True, faq__warranty=0.8)]
    result = LongMessageRule(whole_weight=0.4).read(LABELS, whole, sentences)
    assert top(result) == "faq/warranty"


def test_without_a_question_the_clearest_request_wins_and_small_talk_loses() -> None:
    whole = probabilities(greet=0.5, order_status=0.4)
    sentences = [reading("hi!", greet=0.95), reading("my order 482913 is late", order_status=0.7)]
    assert top(LongMessageRule(whole_weight=0.4).read(LABELS, whole, sentences)) == "order_status"


def test_a_message_of_small_talk_only_stays_small_talk() -> None:
    whole = probabilities(goodbye=0.6, thank=0.3)
    sentences = [reading("thanks!", thank=0.8), reading("bye", goodbye=0.9)]
    assert LongMessageRule().read(LABELS, whole, sentences) is whole
