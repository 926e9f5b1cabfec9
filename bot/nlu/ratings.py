"""Reads a 1-5 rating typed as a reply: "4", "٤", "२", "二", "zwei", "4/5", "★★★★"."""

from __future__ import annotations

import re
import unicodedata

MAX_RATING_CHARS = 40
# Number words customers type for 1-5, per language; lower case, without accents where
# people often drop them too.
_NUMBER_WORDS: dict[int, frozenset[str]] = {
    1: frozenset("one eins ein un une uno una um ek एक واحد واحدة".split()),
    2: frozenset("two zwei deux dos dois duas due do दो اثنان اثنين اتنين تنين".split()),
    3: frozenset("three drei trois tres três tre teen tin तीन ثلاثة ثلاث تلاتة".split()),
    4: frozenset("four vier quatre cuatro quatro quattro char chaar चार أربعة اربعة أربع".split()),
    5: frozenset("five fünf fuenf cinq cinco cinque paanch panch पांच पाँच خمسة خمس".split()),
}
_CJK_NUMERALS = {"一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5}
# A short CJK reply with one numeral is a rating ("四分吧", "五星好评", "四です"), unless the
# numeral is part of a word ("一般" ordinary, "一下" a moment, "一点" a little).
_MAX_CJK_RATING_CHARS = 6
_CJK_WORDS_WITH_ONE = re.compile(r"一[般下点點样樣直起些定共]")
_DIGITS = re.compile(r"\d+")  # any script's decimal digits: 4, ٤, ४, ４
_STARS = frozenset("★⭐🌟")
_SEPARATORS = re.compile(r"[\s/.,;:!?¡¿()\-،؟。、！？]+")


def rating_value(text: str) -> int | None:
    """The rating 1-5 a short reply gives, or None when it gives none.

    The first number in the text counts, so "3 von 5" and "4/5" read as 3 and 4; a row
    of stars counts its stars.
    """
    text = text.strip()
    if not text or len(text) > MAX_RATING_CHARS:
        return None
    stars = sum(1 for char in text if char in _STARS)
    if stars and not any(char.isalnum() for char in text):
        return stars if stars <= 5 else None
    digits = _DIGITS.search(text)
    if digits:
        value = int("".join(str(unicodedata.decimal(char)) for char in digits.group(0)))
        return value if 1 <= value <= 5 else None
    for token in filter(None, _SEPARATORS.split(text.lower())):
        for value, words in _NUMBER_WORDS.items():
            if token in words:
                return value
    numerals = [char for char in text if char in _CJK_NUMERALS]
    if (len(numerals) == 1 and len(text) <= _MAX_CJK_RATING_CHARS
            and not _CJK_WORDS_WITH_ONE.search(text)):
        return _CJK_NUMERALS[numerals[0]]
    return None
