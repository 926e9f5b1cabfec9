"""Recognises the customer's own register (du/Sie, tu/vous, tum/aap, plain/です・ます ...).

The markers per language live in data/culture/<lang>.yml (`register_markers`), where
support leads extend them: words and phrases match in any case, patterns are
case-sensitive regular expressions (German "Sie" is formal, "sie" is "she").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.nlu import MAX_ANALYSED_CHARS
from bot.text_match import UNSPACED_LANGUAGES, PhraseMatcher, normalized

logger = logging.getLogger(__name__)

FORMAL = "formal"
INFORMAL = "informal"
# With no marker at all the register is undecided.
UNDECIDED_CONFIDENCE = 0.5


@dataclass(frozen=True)
class RegisterGuess:
    """The customer's register in one message.

    Attributes:
        name: "formal" or "informal".
        confidence: 0.5 when nothing marks either register, up to 1.0.
        formal_hits: how many formal markers matched.
        informal_hits: how many informal markers matched.
    """

    name: str
    confidence: float
    formal_hits: int = 0
    informal_hits: int = 0

    def as_dict(self) -> dict[str, object]:
        """The parse-result form {"name", "confidence"}."""
        return {"name": self.name, "confidence": round(self.confidence, 4)}


@dataclass(frozen=True)
class RegisterMarkers:
    """One language's markers of each register."""

    words: Mapping[str, PhraseMatcher]
    patterns: Mapping[str, list[re.Pattern[str]]]

    @classmethod
    def from_config(cls, language: str, config: Mapping[str, Any]) -> RegisterMarkers:
        """Builds the markers from a `register_markers` section."""
        spaced = language not in UNSPACED_LANGUAGES
        words = {
            register: PhraseMatcher(config.get(f"{register}_words") or [], spaced=spaced)
            for register in (FORMAL, INFORMAL)
        }
        patterns = {
            register: [
                re.compile(normalized(p)) for p in config.get(f"{register}_patterns") or []
            ]
            for register in (FORMAL, INFORMAL)
        }
        return cls(words, patterns)

    def hits(self, text: str, register: str) -> list[str]:
        """The markers of `register` found in `text`."""
        found = self.words[register].find(text)
        for pattern in self.patterns[register]:
            found.extend(match.group(0) for match in pattern.finditer(text))
        return found


class RegisterIdentifier:
    """Counts register markers and weighs them against each other."""

    def __init__(
        self, markers: Mapping[str, RegisterMarkers], defaults: Mapping[str, str] | None = None
    ) -> None:
        """Creates an identifier.

        Args:
            markers: per language tag.
            defaults: the register to report per language when nothing marks one.
        """
        self.markers = dict(markers)
        self.defaults = dict(defaults or {})

    @classmethod
    def from_culture_dir(cls, culture_dir: Path) -> RegisterIdentifier:
        """Loads every data/culture/<lang>.yml's `register_markers`."""
        markers, defaults = {}, {}
        for path in sorted(culture_dir.glob("*.yml")):
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            language = content.get("language", path.stem)
            try:
                markers[language] = RegisterMarkers.from_config(
                    language, content.get("register_markers") or {}
                )
            except re.error as error:
                raise ValueError(f"{path}: bad register_markers pattern: {error}") from error
            defaults[language] = (content.get("profile") or {}).get("default_register", FORMAL)
        return cls(markers, defaults)

    def identify(self, text: str, language: str) -> RegisterGuess:
        """The register `text` is written in, for a text in `language`."""
        default = self.defaults.get(language, FORMAL)
        markers = self.markers.get(language)
        if markers is None or not text:
            return RegisterGuess(default, UNDECIDED_CONFIDENCE)
        text = normalized(text[:MAX_ANALYSED_CHARS])
        formal = len(markers.hits(text, FORMAL))
        informal = len(markers.hits(text, INFORMAL))
        if formal == informal:
            return RegisterGuess(default, UNDECIDED_CONFIDENCE, formal, informal)
        total = formal + informal
        margin = abs(formal - informal) / total
        # One marker alone gives 0.75; two agreeing markers full confidence.
        confidence = UNDECIDED_CONFIDENCE + 0.5 * margin * min(1.0, total / 2)
        name = FORMAL if formal > informal else INFORMAL
        return RegisterGuess(name, confidence, formal, informal)
