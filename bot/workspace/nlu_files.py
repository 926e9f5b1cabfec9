"""Reads our NLU YAML files (training and held-out) and checks them as a whole.

Shared by the workspace (which refuses an edit that would break these checks), the content
tests (tests/test_content.py) and the benchmarks (through tests/nlu_data.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import yaml

from bot.config import PROJECT_ROOT

_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]+\)")


def nlu_dir(project_dir: Path = PROJECT_ROOT) -> Path:
    """data/nlu: one folder of training files per language."""
    return project_dir / "data" / "nlu"


HeldoutSplit = Literal["dev", "test", "all"]
HELDOUT_SPLITS: tuple[str, ...] = ("dev", "test")


def heldout_dir(project_dir: Path = PROJECT_ROOT) -> Path:
    """tests/nlu/heldout: evaluation files, never trained on.

    `dev/` is for tuning, model choice and the workspace's retrain gate; `test/` is only
    scored for reports. Each holds `<lang>.yml` and optional `<lang>.<part>.yml` files.
    """
    return project_dir / "tests" / "nlu" / "heldout"


def heldout_files(
    language: str, split: HeldoutSplit = "all", project_dir: Path = PROJECT_ROOT
) -> list[Path]:
    """The held-out files of one language in `split` ("all": dev and test)."""
    splits = HELDOUT_SPLITS if split == "all" else (split,)
    files: list[Path] = []
    for name in splits:
        folder = heldout_dir(project_dir) / name
        files += sorted(folder.glob(f"{language}.yml")) + sorted(folder.glob(f"{language}.*.yml"))
    return files


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
    language: str, project_dir: Path = PROJECT_ROOT, split: HeldoutSplit = "all"
) -> list[tuple[str, str, str | None]]:
    """The held-out examples of one language in `split`."""
    rows = []
    for path in heldout_files(language, split, project_dir):
        rows.extend(read_examples(path))
    return rows


def texts_in_several_intents(
    rows: Iterable[tuple[str, str, str | None]],
) -> dict[str, set[str]]:
    """Example texts under more than one intent (they confuse the classifier).

    Texts are compared with `comparable_text`.
    """
    intents_by_text: dict[str, set[str]] = {}
    for intent, text, _ in rows:
        intents_by_text.setdefault(comparable_text(text), set()).add(intent)
    return {text: intents for text, intents in intents_by_text.items() if len(intents) > 1}


def comparable_text(text: str) -> str:
    """Text with case, accents, punctuation and spacing removed: "Sí, por favor!" -> "si por favor".

    Two examples that differ only in these are the same example for a classifier.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept: list[str] = []
    base = ""
    for char in decomposed:
        category = unicodedata.category(char)
        if category == "Mn" and _marks_are_optional(base):
            continue
        if category != "Mn":
            base = char
        # Punctuation, spaces and controls separate words; emoji (So) stay: "👍" is a word here.
        kept.append(" " if category[0] in "PZC" or category in ("Sk", "Sm", "Sc") else char)
    return " ".join("".join(kept).split())


def _marks_are_optional(base: str) -> bool:
    """Whether combining marks on `base` can be dropped.

    Accents on Latin letters and Arabic vowel marks are optional; Devanagari vowel signs
    and Japanese voicing marks are not (they make another word).
    """
    return bool(base) and (ord(base) < 0x0250 or 0x0600 <= ord(base) <= 0x06FF)


def heldout_overlap(
    training: Iterable[tuple[str, str, str | None]],
    heldout: Iterable[tuple[str, str, str | None]],
) -> list[str]:
    """Held-out texts that are also training texts once compared with `comparable_text`."""
    trained = {comparable_text(text) for _, text, _ in training}
    return [text for _, text, _ in heldout if comparable_text(text) in trained]
