"""Finds which language a customer asks for ("can we speak French?", "हिंदी में बात करें")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.languages import SUPPORTED_LANGUAGES


@dataclass(frozen=True)
class LanguageNames:
    """Names of the supported languages as customers write them, in every language."""

    patterns: tuple[tuple[re.Pattern[str], str], ...]

    @classmethod
    def load(cls, culture_dir: Path) -> LanguageNames:
        """Reads `language_names` from every data/culture/<lang>.yml."""
        names: dict[str, str] = {}
        for path in sorted(culture_dir.glob("*.yml")):
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for tag, spellings in (content.get("language_names") or {}).items():
                if tag in SUPPORTED_LANGUAGES:
                    for spelling in spellings or []:
                        names.setdefault(str(spelling).lower(), tag)
        # Longest names first, so "roman hindi" wins over "hindi".
        ordered = sorted(names.items(), key=lambda item: -len(item[0]))
        return cls(tuple((_name_pattern(name), tag) for name, tag in ordered))

    def requested_language(self, text: str, current: str | None = None) -> str | None:
        """The language named in `text`, preferring one other than `current`.

        Returns:
            A supported tag, or None when no language is named.
        """
        lowered = text.lower()
        found: list[tuple[int, str]] = []
        taken: list[tuple[int, int]] = []
        for pattern, tag in self.patterns:
            for match in pattern.finditer(lowered):
                span = match.span()
                if any(start < span[1] and span[0] < end for start, end in taken):
                    continue
                taken.append(span)
                found.append((span[0], tag))
        found.sort()
        tags = {tag for _, tag in found}
        if "hi-Latn" in tags and tags <= {"hi-Latn", "hi", "en", current}:
            # "Hindi in English letters, i.e. Hinglish": the names describe one language.
            return "hi-Latn"
        others = [tag for _, tag in found if tag != current]
        if others:
            return others[0]
        return found[0][1] if found else None


def _name_pattern(name: str) -> re.Pattern[str]:
    """Whole-word match for alphabetic scripts; plain substring for CJK."""
    escaped = re.escape(name)
    if re.search(r"[\u3040-\u30ff\u3400-\u9fff]", name):
        return re.compile(escaped)
    return re.compile(rf"(?<!\w){escaped}(?!\w)")
