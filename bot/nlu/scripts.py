"""Counts which writing systems a text uses; the strongest cheap language signal."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping

# This many letters of a non-Latin script outweigh any number of Latin ones: customers
# mix in Latin brand names and English words ("Apple Payは対応してる？", "shipping fee 多少").
_MIN_NON_LATIN_LETTERS = 2

# (first code point, last code point, script name); checked in order.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x005A, "latin"), (0x0061, 0x007A, "latin"), (0x00C0, 0x024F, "latin"),
    (0x1E00, 0x1EFF, "latin"),
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"), (0x0750, 0x077F, "arabic"), (0x08A0, 0x08FF, "arabic"),
    (0xFB50, 0xFDFF, "arabic"), (0xFE70, 0xFEFF, "arabic"),
    (0x0900, 0x097F, "devanagari"), (0xA8E0, 0xA8FF, "devanagari"),
    (0x0980, 0x0DFF, "indic_other"),
    (0x0E00, 0x0E7F, "thai"),
    (0x10A0, 0x10FF, "georgian"),
    (0x1100, 0x11FF, "hangul"), (0x3130, 0x318F, "hangul"), (0xAC00, 0xD7AF, "hangul"),
    (0x3040, 0x309F, "kana"), (0x30A0, 0x30FF, "kana"), (0x31F0, 0x31FF, "kana"),
    (0xFF66, 0xFF9F, "kana"),
    (0x3400, 0x4DBF, "han"), (0x4E00, 0x9FFF, "han"), (0xF900, 0xFAFF, "han"),
    (0x20000, 0x2FA1F, "han"),
)


def script_of(char: str) -> str | None:
    """Returns the script name of one character, or None for digits, punctuation, emoji."""
    code = ord(char)
    if code < 0x41:
        return None
    for first, last, name in _RANGES:
        if first <= code <= last:
            return name
    return "other" if char.isalpha() else None


def script_counts(text: str) -> Counter[str]:
    """Counts the letters of each script in `text`."""
    counts: Counter[str] = Counter()
    for char in text:
        name = script_of(char)
        if name:
            counts[name] += 1
    return counts


def dominant_script(counts: Mapping[str, int]) -> str:
    """The script that decides the language; kana and Han count together for Japanese."""
    non_latin = {s: n for s, n in counts.items() if s != "latin"}
    if "kana" in non_latin and "han" in non_latin:
        non_latin["kana"] += non_latin.pop("han")
    if non_latin:
        script, letters = max(non_latin.items(), key=lambda item: item[1])
        if letters >= _MIN_NON_LATIN_LETTERS or "latin" not in counts:
            return script
    return "latin"


def has_content(text: str) -> bool:
    """Whether a text holds a letter, a digit or a symbol such as an emoji (not just "?!")."""
    return any(char.isalnum() or unicodedata.category(char) == "So" for char in text)


# Only the start of a long text is checked for Han character forms: a few characters decide.
_HAN_FORMS_CHARS = 64


def han_forms(text: str) -> tuple[int, int]:
    """Counts the Han characters that only Japanese or only Simplified Chinese writes.

    A character that Shift JIS (Japanese) can encode but GB 2312 (Simplified Chinese)
    cannot is a Japanese or traditional form ("電", "価", "気"); the reverse is a
    simplified form ("电", "们", "订"). Both charsets ship with Python, so this costs no
    model and tells "電話" (Japanese) from "电话" (Chinese) where n-grams cannot.

    Returns:
        (Japanese or traditional forms, simplified forms) among the first 64 Han characters.
    """
    japanese = simplified = 0
    seen = 0
    for char in text:
        if script_of(char) != "han":
            continue
        seen += 1
        if seen > _HAN_FORMS_CHARS:
            break
        in_japanese, in_simplified = _encodable(char, "shift_jis"), _encodable(char, "gb2312")
        japanese += in_japanese and not in_simplified
        simplified += in_simplified and not in_japanese
    return japanese, simplified


def _encodable(char: str, charset: str) -> bool:
    try:
        char.encode(charset)
    except UnicodeEncodeError:
        return False
    return True
