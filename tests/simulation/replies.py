"""Recognises a bot message as a catalog reply: which response, language and register.

Every customer-facing text comes from the catalog (domain.yml, data/responses/), with
values in its {placeholders}; the renderer may drop emoji. A message is matched against
every variant, placeholders standing for any text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from bot.culture.catalog import REGISTERS, ResponseCatalog

_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+ ?")
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


@dataclass(frozen=True)
class Match:
    """A catalog reply a message can be."""

    key: str
    language: str
    register: str


@dataclass
class ReplyIndex:
    """All catalog texts as patterns, indexed by their first literal word for speed."""

    patterns: list[tuple[re.Pattern[str], Match]] = field(default_factory=list)
    _by_prefix: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    _generic: list[int] = field(default_factory=list)

    @classmethod
    def from_catalog(cls, catalog: ResponseCatalog) -> ReplyIndex:
        """Builds the index over every language, register and variant."""
        index = cls()
        for language, responses in catalog.texts.items():
            for key, by_register in responses.items():
                for register in REGISTERS:
                    for variant in by_register.get(register) or []:
                        text = _normal(str(variant.get("text") or ""))
                        if text:
                            index._add(text, Match(key, language, register))
        return index

    def matches(self, text: str) -> set[Match]:
        """Every catalog reply `text` can be (empty when it is none)."""
        text = _normal(text)
        candidates = self._by_prefix.get(text[:4], []) + self._generic
        return {self.patterns[i][1] for i in candidates if self.patterns[i][0].fullmatch(text)}

    def _add(self, text: str, match: Match) -> None:
        parts = _PLACEHOLDER.split(text)
        pattern = re.compile(".+?".join(re.escape(part) for part in parts), re.DOTALL)
        self.patterns.append((pattern, match))
        position = len(self.patterns) - 1
        if len(parts[0]) >= 4:
            self._by_prefix[parts[0][:4]].append(position)
        else:
            self._generic.append(position)


def _normal(text: str) -> str:
    return " ".join(_EMOJI.sub("", text).split())
