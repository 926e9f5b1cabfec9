"""Reads our NLU YAML files (training and held-out) and checks them as a whole.

Shared by the workspace (which refuses an edit that would break these checks), the content
tests (tests/test_content.py) and the benchmarks (through tests/nlu_data.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT

_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]+\)")


def nlu_dir(project_dir: Path = PROJECT_ROOT) -> Path:
    """data/nlu: one folder of training files per language."""
    return project_dir / "data" / "nlu"


def heldout_dir(project_dir: Path = PROJECT_ROOT) -> Path:
    """tests/nlu/heldout: one evaluation file per language, never trained on."""
    return project_dir / "tests" / "nlu" / "heldout"


def plain_text(example: str) -> str:
    """Removes entity annotations: "order [482913](order_id)" -> "order 482913"."""
    return _ANNOTATION.sub(r"\1", example)


def examples_in(content: object) -> list[tuple[str, str, str | None]]:
    """(intent, plain text, declared language) for every example of parsed NLU YAML."""
    rows: list[tuple[str, str, str | None]] = []
    blocks = content.get("nlu", []) if isinstance(content, dict) else []
    for block in blocks or []:
        if not isinstance(block, dict) or "intent" not in block:
            continue
        language = (block.get("metadata") or {}).get("language")
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                rows.append((str(block["intent"]), plain_text(line[2:].strip()), language))
    return rows


def read_examples(path: Path) -> list[tuple[str, str, str | None]]:
    """(intent, plain text, declared language) for every example in one NLU file."""
    return examples_in(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def training_examples(
    language: str, project_dir: Path = PROJECT_ROOT
) -> list[tuple[str, str, str | None]]:
    """All training examples of one language."""
    rows = []
    for path in sorted((nlu_dir(project_dir) / language).glob("*.yml")):
        rows.extend(read_examples(path))
    return rows


def heldout_examples(
    language: str, project_dir: Path = PROJECT_ROOT
) -> list[tuple[str, str, str | None]]:
    """The held-out examples of one language."""
    path = heldout_dir(project_dir) / f"{language}.yml"
    return read_examples(path) if path.exists() else []


def texts_in_several_intents(
    rows: Iterable[tuple[str, str, str | None]],
) -> dict[str, set[str]]:
    """Example texts that appear under more than one intent (they confuse the classifier)."""
    intents_by_text: dict[str, set[str]] = {}
    for intent, text, _ in rows:
        intents_by_text.setdefault(text.strip(), set()).add(intent)
    return {text: intents for text, intents in intents_by_text.items() if len(intents) > 1}


def heldout_overlap(
    training: Iterable[tuple[str, str, str | None]],
    heldout: Iterable[tuple[str, str, str | None]],
) -> list[str]:
    """Held-out texts that are also training texts (case-insensitive): they inflate scores."""
    trained = {text.lower() for _, text, _ in training}
    return [text for _, text, _ in heldout if text.lower() in trained]
