"""Finds the words and phrases of a support lead's lexicon (data/) in a customer message."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Languages written without spaces: lexicon entries match anywhere in the text.
UNSPACED_LANGUAGES = frozenset({"ja", "zh"})
_JOINERS = frozenset("'’-")


def words(text: str) -> list[str]:
    """Lower-cased words; apostrophes and hyphens inside a word keep it whole ("rendez-vous").

    Unlike the regex class for word characters, this keeps Devanagari vowel signs inside their word.
    """
    tokens: list[str] = []
    current: list[str] = []
    lowered = normalized(text).lower()
    for index, char in enumerate(lowered):
        if _is_separator(char):
            inside_word = (
                char in _JOINERS
                and current
                and index + 1 < len(lowered)
                and not _is_separator(lowered[index + 1])
            )
            if inside_word:
                current.append(char)
                continue
            if current:
                tokens.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        tokens.append("".join(current))
    return tokens


class PhraseMatcher:
    """Matches whole words and phrases; a trailing `*` on a word matches any ending."""

    def __init__(self, phrases: Iterable[str], spaced: bool = True) -> None:
        """Compiles the phrases.

        Args:
            phrases: entries such as "fed up", "frustrat*", "n't".
            spaced: False for languages written without spaces (match anywhere).
        """
        self.spaced = spaced
        alternatives = sorted(
            {alt for alt in (self._compile(p) for p in phrases) if alt}, key=len, reverse=True
        )
        self._regex = re.compile("|".join(alternatives)) if alternatives else None

    def find(self, text: str) -> list[str]:
        """Every match in `text`, in order (overlaps not counted twice)."""
        if self._regex is None:
            return []
        if self.spaced:
            haystack = " " + " ".join(words(text)) + " "
            return [m.group(0).strip() for m in self._regex.finditer(haystack)]
        return [m.group(0) for m in self._regex.finditer(normalized(text).lower())]

    def count(self, text: str) -> int:
        """How many matches `text` has."""
        return len(self.find(text))

    def _compile(self, phrase: str) -> str:
        if not self.spaced:
            return re.escape(normalized(str(phrase)).lower().strip().rstrip("*"))
        parts = words(str(phrase))
        if not parts:
            return ""
        pattern = " ".join(
            re.escape(part[:-1]) + r"\S*" if part.endswith("*") else re.escape(part)
            for part in parts
        )
        return rf"(?<= ){pattern}(?= )"


def normalized(text: str) -> str:
    """NFC form without doubled vowel signs or marks ("तुम्हेंं" -> "तुम्हें").

    Keyboards differ in how they compose letters such as ज़ or é, and some repeat a
    combining mark when a key is pressed twice; both look the same on screen.
    """
    composed = unicodedata.normalize("NFC", text)
    kept: list[str] = []
    for char in composed:
        if kept and char == kept[-1] and unicodedata.category(char) in ("Mn", "Mc"):
            continue
        kept.append(char)
    return "".join(kept)


def _is_separator(char: str) -> bool:
    if char.isspace():
        return True
    category = unicodedata.category(char)
    return category[0] in "PSZC" and char != "*"
