"""Scores how frustrated one customer message sounds, in every supported language.

Signals come from the lexicons support leads keep in data/frustration/<lang>.yml (anger,
complaints about waiting or repeated contact, insults, profanity, sarcasm, rejected
answers), from the way the message is written (ALL CAPS, "!!!", angry emoji) and, for
English, from VADER. Negation turns a negative word off ("not bad", "nicht schlecht").
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.nlu import MAX_ANALYSED_CHARS
from bot.text_match import UNSPACED_LANGUAGES, PhraseMatcher, normalized, words

# A message at or above this score counts as frustrated (one clear signal is enough;
# "where is my order??" alone is not).
FRUSTRATED_SCORE = 0.35
STRONG_SCORE = 0.7
# Evidence each signal adds; the score is 1 - exp(-total evidence).
SIGNAL_WEIGHTS: dict[str, float] = {
    "anger": 0.55,
    "negative": 0.3,
    "insults": 0.8,
    "profanity": 0.4,
    "repeated_contact": 0.45,
    "waiting": 0.35,
    "rejection": 0.45,
    "sarcasm": 0.4,
    "caps": 0.35,
    "exclamations": 0.25,
    "questions": 0.15,
    "angry_emoji": 0.45,
}
LEXICON_SIGNALS = (
    "anger", "negative", "insults", "profanity", "repeated_contact", "waiting", "rejection",
    "sarcasm",
)
SENSITIVE_TOPICS = ("fraud", "hacked_account", "legal_threat")
# An intensifier right before a negative word adds this much more.
INTENSIFIER_BONUS = 0.2
# Negations this many words before a negative word cancel it.
NEGATION_WINDOW = 3
# Each signal counts at most this often (a rant repeating one word is still one signal).
MAX_HITS_PER_SIGNAL = 2
_NEGATABLE = frozenset({"anger", "negative"})
_REPEATED_BANG = re.compile(r"[!！]{2,}")
_REPEATED_QUESTION = re.compile(r"[?？]{2,}|[?？][!！]|[!！][?？]")
_MIN_CAPS_LETTERS = 8
# VADER (English only) adds evidence for clearly negative English text. Tuned on
# GoEmotions dev against false alarms on our own support questions: problem reports
# ("the item came broken") are negative but not frustrated, hence the high cut-off.
VADER_CUTOFF = -0.5
VADER_WEIGHT = 1.5


@dataclass(frozen=True)
class FrustrationScore:
    """How frustrated one message sounds.

    Attributes:
        score: 0..1.
        signals: the signals found, e.g. {"waiting": ["still waiting"], "caps": [...]}.
        abusive: insults aimed at the bot or staff.
        sensitive: a topic a person must handle (fraud, hacked_account, legal_threat).
    """

    score: float
    signals: Mapping[str, list[str]] = field(default_factory=dict)
    abusive: bool = False
    sensitive: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The parse-result form: {"score", "signals", "abusive", "sensitive"}."""
        return {
            "score": round(self.score, 4),
            "signals": sorted(self.signals),
            "abusive": self.abusive,
            "sensitive": self.sensitive,
        }


@dataclass
class FrustrationLexicon:
    """One language's lexicon, compiled."""

    language: str
    matchers: dict[str, PhraseMatcher]
    intensifiers: frozenset[str]
    negations: PhraseMatcher
    sensitive: dict[str, PhraseMatcher]

    @classmethod
    def from_config(cls, language: str, config: Mapping[str, Any]) -> FrustrationLexicon:
        """Compiles a data/frustration/<lang>.yml document."""
        spaced = language not in UNSPACED_LANGUAGES
        matchers = {name: PhraseMatcher(config.get(name) or [], spaced) for name in LEXICON_SIGNALS}
        sensitive_config = config.get("sensitive") or {}
        return cls(
            language=language,
            matchers=matchers,
            intensifiers=frozenset(
                normalized(str(word)).lower() for word in config.get("intensifiers") or []
            ),
            negations=PhraseMatcher(config.get("negations") or [], spaced),
            sensitive={
                topic: PhraseMatcher(sensitive_config.get(topic) or [], spaced)
                for topic in SENSITIVE_TOPICS
            },
        )


class FrustrationScorer:
    """Scores messages with per-language lexicons plus language-independent signals."""

    def __init__(
        self, lexicons: Mapping[str, FrustrationLexicon], angry_emoji: frozenset[str]
    ) -> None:
        """Creates a scorer from compiled lexicons and the angry-emoji list."""
        self.lexicons = dict(lexicons)
        self.angry_emoji = angry_emoji
        self._vader = _vader()

    @classmethod
    def from_directory(cls, directory: Path) -> FrustrationScorer:
        """Loads data/frustration/*.yml (common.yml holds the language-independent signals)."""
        lexicons: dict[str, FrustrationLexicon] = {}
        angry_emoji: frozenset[str] = frozenset()
        for path in sorted(directory.glob("*.yml")):
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            language = str(content.get("language", path.stem))
            if language == "*":
                angry_emoji = frozenset(str(e) for e in content.get("angry_emoji") or [])
            else:
                lexicons[language] = FrustrationLexicon.from_config(language, content)
        return cls(lexicons, angry_emoji)

    def score(self, text: str, language: str) -> FrustrationScore:
        """How frustrated `text` (in `language`) sounds."""
        text = normalized(text[:MAX_ANALYSED_CHARS])
        signals: dict[str, list[str]] = {}
        lexicon = self.lexicons.get(language) or self.lexicons.get("en")
        evidence = 0.0
        sensitive = None
        if lexicon is not None:
            evidence += self._lexicon_evidence(text, lexicon, signals)
            sensitive = next(
                (topic for topic, matcher in lexicon.sensitive.items() if matcher.find(text)),
                None,
            )
        evidence += self._style_evidence(text, signals)
        if language == "en" and self._vader is not None:
            compound = self._vader.polarity_scores(text)["compound"]
            if compound <= VADER_CUTOFF:
                signals["vader"] = [f"{compound:.2f}"]
                evidence += VADER_WEIGHT * -compound
        score = 1.0 - math.exp(-evidence)
        return FrustrationScore(score, signals, bool(signals.get("insults")), sensitive)

    def _lexicon_evidence(
        self, text: str, lexicon: FrustrationLexicon, signals: dict[str, list[str]]
    ) -> float:
        evidence = 0.0
        spaced = lexicon.language not in UNSPACED_LANGUAGES
        tokens = words(text) if spaced else []
        for name, matcher in lexicon.matchers.items():
            found = matcher.find(text)
            if name in _NEGATABLE:
                found = [hit for hit in found if not _negated(hit, text, tokens, lexicon)]
            if not found:
                continue
            signals[name] = found
            hits = min(len(found), MAX_HITS_PER_SIGNAL)
            evidence += SIGNAL_WEIGHTS[name] * hits
            if name in _NEGATABLE and spaced and _intensified(found, tokens, lexicon):
                evidence += INTENSIFIER_BONUS
        return evidence

    def _style_evidence(self, text: str, signals: dict[str, list[str]]) -> float:
        evidence = 0.0
        cased = [char for char in text if char.isalpha() and char.lower() != char.upper()]
        upper = sum(1 for char in cased if char.isupper())
        if len(cased) >= _MIN_CAPS_LETTERS and upper / len(cased) >= 0.7:
            signals["caps"] = [text[:40]]
            evidence += SIGNAL_WEIGHTS["caps"]
        bangs = _REPEATED_BANG.findall(text)
        if bangs:
            signals["exclamations"] = bangs
            evidence += SIGNAL_WEIGHTS["exclamations"] * (2 if max(map(len, bangs)) >= 3 else 1)
        questions = _REPEATED_QUESTION.findall(text)
        if questions:
            signals["questions"] = questions
            evidence += SIGNAL_WEIGHTS["questions"]
        emoji = [e for e in self.angry_emoji if e in text]
        if emoji:
            signals["angry_emoji"] = emoji
            evidence += SIGNAL_WEIGHTS["angry_emoji"] * min(len(emoji), MAX_HITS_PER_SIGNAL)
        return evidence


def _vader() -> Any:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    return SentimentIntensityAnalyzer()


def _negated(hit: str, text: str, tokens: list[str], lexicon: FrustrationLexicon) -> bool:
    """Whether a negation comes shortly before `hit` ("not bad", "没有问题")."""
    if lexicon.language == "ja":
        return False  # Japanese negates after the word; the lexicon lists negated forms.
    if lexicon.language in UNSPACED_LANGUAGES:
        start = text.lower().find(hit)
        return start > 0 and bool(lexicon.negations.find(text[max(0, start - 2):start]))
    first = words(hit)[0] if words(hit) else ""
    for index, token in enumerate(tokens):
        if token.startswith(first.rstrip("*")):
            window = " ".join(tokens[max(0, index - NEGATION_WINDOW):index])
            if window and lexicon.negations.find(window) and not _part_of_hit(hit, lexicon):
                return True
    return False


def _part_of_hit(hit: str, lexicon: FrustrationLexicon) -> bool:
    """Entries like "doesn't work" already contain their negation."""
    return bool(lexicon.negations.find(hit))


def _intensified(found: list[str], tokens: list[str], lexicon: FrustrationLexicon) -> bool:
    starts = {words(hit)[0] for hit in found if words(hit)}
    return any(
        token in starts and index > 0 and tokens[index - 1] in lexicon.intensifiers
        for index, token in enumerate(tokens)
    )
