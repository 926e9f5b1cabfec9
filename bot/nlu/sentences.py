"""Splits a customer's message into words and sentences, in its own language.

spaCy's rule-based sentencizer runs on the blank pipeline the tokenizer uses
(`blank_pipeline`), so Japanese and Chinese are split into words first (SudachiPy,
jieba) and "。" is a token of its own. A line break ends a sentence too: in chat it ends
a thought; and a short opening before a comma ("hey, u take paypal?", "ok thanks, and do
you ship to Austria?") is a sentence of its own, so that a greeting or a thank-you does not
hide the request. The words, joined by spaces, are what the intent model reads
(bot/nlu/intent_model.py): for ja/zh that is the only way it sees words at all.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.nlu.multilingual_tokenizer import blank_pipeline

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# A question in any of our scripts: the sentence ends in a question mark.
_QUESTION_END = re.compile(r"[?？؟][^\w]*$")
_OPENING_MARKS = frozenset("¿¡«“„‘「『(（[")
_CLAUSE_MARKS = frozenset(",，、،")
# An opening of at most this many words before a comma is a sentence of its own.
_SHORT_OPENING = 2


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text, its words separated by spaces, whether it asks."""

    text: str
    words: str
    is_question: bool


@dataclass(frozen=True)
class Segmented:
    """A whole message as words, and its sentences."""

    words: str
    sentences: list[Sentence]


def segment(text: str, spacy_language: str) -> Segmented:
    """Words and sentences of `text`; empty for a text without any."""
    nlp = blank_pipeline(spacy_language)
    found: list[Sentence] = []
    for line in text.splitlines():
        if line.strip():
            found += [_sentence(tokens) for tokens in _sentence_tokens(nlp(line.strip()))]
    return Segmented(" ".join(sentence.words for sentence in found), found)


def _sentence_tokens(doc: Doc) -> list[list[Token]]:
    """Tokens per sentence.

    An opening mark ("¿", "¡", "«") goes with the sentence it opens, where the sentencizer
    leaves it at the end of the one before.
    """
    groups = [[token for token in span if not token.is_space] for span in doc.sents]
    for before, after in itertools.pairwise(groups):
        while before and before[-1].text in _OPENING_MARKS:
            after.insert(0, before.pop())
    return [part for group in groups if group for part in _short_opening_apart(group)]


def _short_opening_apart(tokens: list[Token]) -> list[list[Token]]:
    """["hey", ",", "u", "take", "paypal", "?"] -> ["hey", ","], ["u", "take", "paypal", "?"]."""
    for index, token in enumerate(tokens[: _SHORT_OPENING + 1]):
        if token.text in _CLAUSE_MARKS:
            if index > 0 and len(tokens) - index > 2:
                return [tokens[: index + 1], tokens[index + 1 :]]
            break
    return [tokens]


def _sentence(tokens: list[Token]) -> Sentence:
    doc = tokens[0].doc
    text = doc.text[tokens[0].idx : tokens[-1].idx + len(tokens[-1].text)]
    return Sentence(text, " ".join(token.text for token in tokens), is_question(text))


def is_question(sentence: str) -> bool:
    """Whether the sentence ends in a question mark (? ？ ؟), emoji and spaces aside."""
    return bool(_QUESTION_END.search(sentence.strip()))
