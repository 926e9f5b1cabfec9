"""Reply texts per (response key, language, register), loaded from domain.yml and data/."""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.languages import DEFAULT_LANGUAGE, REGISTER_LANGUAGES, SUPPORTED_LANGUAGES

logger = logging.getLogger(__name__)

REGISTERS: tuple[str, ...] = ("formal", "informal")
DEFAULT_REGISTER = "formal"
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

Variant = dict[str, Any]


@dataclass
class ResponseCatalog:
    """All reply variants: texts[language][response_key][register] -> variants."""

    texts: dict[str, dict[str, dict[str, list[Variant]]]] = field(default_factory=dict)

    @classmethod
    def load(cls, domain_path: Path, responses_dir: Path) -> ResponseCatalog:
        """Loads English from the domain and every other language from its own file."""
        catalog = cls()
        domain = _read_yaml(domain_path)
        catalog.texts[DEFAULT_LANGUAGE] = {
            key: _by_register(variants) for key, variants in domain.get("responses", {}).items()
        }
        for path in sorted(responses_dir.glob("*.yml")):
            content = _read_yaml(path)
            language = content.get("language", path.stem)
            if language not in SUPPORTED_LANGUAGES:
                logger.warning("Skipping %s: unknown language %r", path, language)
                continue
            catalog.texts[language] = {
                key: _by_register(entry) for key, entry in content.get("responses", {}).items()
            }
        return catalog

    def variants(
        self, key: str, language: str, register: str, channel: str | None = None
    ) -> list[Variant]:
        """The variants for a key, falling back to the other register, then to English.

        Variants may name an output `channel` (as in Rasa's domain format): for that channel
        they win over the others; every other channel gets only the channel-less variants.
        """
        for lang in (language, DEFAULT_LANGUAGE):
            by_register = self.texts.get(lang, {}).get(key)
            if not by_register:
                continue
            for reg in (register, *REGISTERS):
                suitable = for_channel(by_register.get(reg) or [], channel)
                if suitable:
                    return suitable
        return []

    def render(
        self,
        key: str,
        language: str,
        register: str,
        values: Mapping[str, Any],
        channel: str | None = None,
    ) -> Variant | None:
        """Picks one variant for the output channel and fills its {placeholders} from `values`.

        Returns:
            A message dict (text, buttons, ...) or None when the key is unknown.
        """
        variants = self.variants(key, language, register, channel)
        if not variants:
            return None
        variant = dict(random.choice(variants))
        if isinstance(variant.get("text"), str):
            variant["text"] = fill_placeholders(variant["text"], values)
        if variant.get("buttons"):
            variant["buttons"] = [
                {**button, "title": fill_placeholders(str(button.get("title", "")), values)}
                for button in variant["buttons"]
            ]
        return variant

    def problems(self) -> list[str]:
        """Everything missing or inconsistent across languages, one line each."""
        found = []
        source = self.texts.get(DEFAULT_LANGUAGE, {})
        for language in SUPPORTED_LANGUAGES:
            if language == DEFAULT_LANGUAGE:
                continue
            entries = self.texts.get(language)
            if entries is None:
                found.append(f"{language}: no data/responses/{language}.yml")
                continue
            required = REGISTERS if language in REGISTER_LANGUAGES else (DEFAULT_REGISTER,)
            for key, english in source.items():
                wanted = placeholders(english)
                channels = variant_channels(english)
                for register in required:
                    variants = entries.get(key, {}).get(register)
                    if not variants:
                        found.append(f"{language}: {key}: missing {register} text")
                        continue
                    for variant in variants:
                        missing = wanted - placeholders({register: [variant]})
                        if missing:
                            found.append(f"{language}: {key} ({register}): lacks {sorted(missing)}")
                        if len(variant.get("buttons") or []) != _button_count(english):
                            found.append(f"{language}: {key} ({register}): buttons differ")
                    for channel in sorted(channels - variant_channels({register: variants})):
                        found.append(f"{language}: {key} ({register}): no {channel} variant")
            for key in entries.keys() - source.keys():
                found.append(f"{language}: {key}: not a response in domain.yml")
        return found


def fill_placeholders(text: str, values: Mapping[str, Any]) -> str:
    """Replaces {name} with values[name]; unknown placeholders stay as they are."""

    def replace(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        return match.group(0) if value is None else str(value)

    return _PLACEHOLDER.sub(replace, text)


def for_channel(variants: list[Variant], channel: str | None) -> list[Variant]:
    """The variants written for `channel` if there are any, else the channel-less ones."""
    if channel:
        specific = [variant for variant in variants if variant.get("channel") == channel]
        if specific:
            return specific
    return [variant for variant in variants if not variant.get("channel")]


def variant_channels(by_register: Mapping[str, list[Variant]]) -> set[str]:
    """The output channels that have variants of their own."""
    return {
        str(variant["channel"])
        for variants in by_register.values()
        for variant in variants
        if variant.get("channel")
    }


def placeholders(by_register: Mapping[str, list[Variant]]) -> set[str]:
    """The placeholder names used in any variant's text."""
    names: set[str] = set()
    for variants in by_register.values():
        for variant in variants:
            names.update(_PLACEHOLDER.findall(str(variant.get("text", ""))))
    return names


def _button_count(by_register: Mapping[str, list[Variant]]) -> int:
    variants = next(iter(by_register.values()), [])
    return len(variants[0].get("buttons") or []) if variants else 0


def _by_register(entry: Any) -> dict[str, list[Variant]]:
    """Normalises a file entry: a plain variant list serves every register."""
    if isinstance(entry, list):
        return {register: entry for register in REGISTERS}
    if isinstance(entry, dict):
        return {register: list(entry[register]) for register in REGISTERS if entry.get(register)}
    return {}


def _read_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}
