"""Topics the assistant suggests as quick replies, and their texts in every language.

The button label and the question a button sends live in `topics:` of
data/culture/<lang>.yml; which topics go with which reply is data/suggestions.yml.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

# Facebook cuts quick-reply labels after 20 characters.
MAX_TITLE_CHARS = 20


@dataclass(frozen=True)
class TopicCatalog:
    """topics[language][topic] = {"title", "question"}, plus the suggestion lists."""

    topics: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    suggestions: Mapping[str, list[str]] = field(default_factory=dict)
    fallback: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, culture_dir: Path, suggestions_path: Path) -> TopicCatalog:
        """Reads `topics:` of every culture file and the suggestion lists."""
        topics = {
            language: _read(culture_dir / f"{language}.yml").get("topics") or {}
            for language in SUPPORTED_LANGUAGES
        }
        suggestions = _read(suggestions_path)
        return cls(topics, suggestions.get("responses") or {}, suggestions.get("fallback") or [])

    def buttons(self, keys: Iterable[str], language: str) -> list[dict[str, str]]:
        """Quick replies for `keys` in `language` (English where a text is missing)."""
        buttons = []
        for key in keys:
            topic = self.topics.get(language, {}).get(key) or self.topics.get(
                DEFAULT_LANGUAGE, {}
            ).get(key)
            if topic:
                buttons.append({"title": str(topic["title"]), "payload": str(topic["question"])})
        return buttons

    def known(self, key: str) -> bool:
        """Whether `key` is a topic with texts."""
        return key in self.topics.get(DEFAULT_LANGUAGE, {})

    def problems(self) -> list[str]:
        """Missing or unusable topic texts, one line each (checked in tests/test_content.py)."""
        found = []
        english = self.topics.get(DEFAULT_LANGUAGE, {})
        for key in [*self.fallback, *(k for keys in self.suggestions.values() for k in keys)]:
            if key not in english:
                found.append(f"data/suggestions.yml: unknown topic {key}")
        for language in SUPPORTED_LANGUAGES:
            entries = self.topics.get(language, {})
            for key in english:
                topic = entries.get(key) or {}
                title, question = str(topic.get("title") or ""), str(topic.get("question") or "")
                if not title.strip() or not question.strip():
                    found.append(f"{language}: topic {key}: needs a title and a question")
                elif len(title) > MAX_TITLE_CHARS:
                    found.append(f"{language}: topic {key}: title over {MAX_TITLE_CHARS} chars")
            for key in set(entries) - set(english):
                found.append(f"{language}: topic {key}: not a topic in en.yml")
        return found


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}
