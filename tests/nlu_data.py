"""Reads our NLU YAML files (training and held-out) for tests and benchmarks."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT

NLU_DIR = PROJECT_ROOT / "data" / "nlu"
HELDOUT_DIR = PROJECT_ROOT / "tests" / "nlu" / "heldout"
_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]+\)")


def plain_text(example: str) -> str:
    """Removes entity annotations: "order [482913](order_id)" -> "order 482913"."""
    return _ANNOTATION.sub(r"\1", example)


def read_examples(path: Path) -> list[tuple[str, str, str | None]]:
    """(intent, plain text, declared language) for every example in one NLU file."""
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rows = []
    for block in content.get("nlu", []):
        if "intent" not in block:
            continue
        language = (block.get("metadata") or {}).get("language")
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                rows.append((block["intent"], plain_text(line[2:].strip()), language))
    return rows


def training_examples(language: str) -> list[tuple[str, str, str | None]]:
    """All training examples of one language."""
    rows = []
    for path in sorted((NLU_DIR / language).glob("*.yml")):
        rows.extend(read_examples(path))
    return rows


def heldout_examples(language: str) -> list[tuple[str, str, str | None]]:
    """The held-out examples of one language."""
    return read_examples(HELDOUT_DIR / f"{language}.yml")
