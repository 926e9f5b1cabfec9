from __future__ import annotations

from bot.text_match import PhraseMatcher, words


def test_words_keep_joined_words_and_devanagari_signs() -> None:
    assert words("Ça ne marche pas!!! rendez-vous t'aider") == [
        "ça", "ne", "marche", "pas", "rendez-vous", "t'aider",
    ]
    assert words("मुझे अंतरराष्ट्रीय समाचार बताओ") == ["मुझे", "अंतरराष्ट्रीय", "समाचार", "बताओ"]


def test_phrases_match_whole_words_with_wildcards() -> None:
    matcher = PhraseMatcher(["frustrat*", "fed up", "vous", "f*ck"])
    assert matcher.find("I'm FRUSTRATED and fed up, f*ck") == ["frustrated", "fed up", "f*ck"]
    assert matcher.find("rendez-vous demain, fed-up") == []
    assert matcher.count("vous vous") == 2


def test_unspaced_languages_match_anywhere() -> None:
    matcher = PhraseMatcher(["ふざけ", "您"], spaced=False)
    assert matcher.find("ふざけるな") == ["ふざけ"]
    assert matcher.find("请问您好") == ["您"]
    assert PhraseMatcher(["*", ""], spaced=False).find("anything") == []


def test_doubled_marks_and_decomposed_letters_match() -> None:
    matcher = PhraseMatcher(["तुम्हें", "café"])
    assert matcher.find("तुम्हेंं क्या चाहिए") == ["तुम्हें"]
    assert matcher.find("un cafe\u0301 noir") == ["café"]
