"""The simulator's messages per language (tests/simulation/pool/<lang>.yml).

Native-level writers wrote them for the simulator; they are neither training data nor taken
from evaluation sets (tests/simulation/test_pool.py checks the first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

POOL_DIR = Path(__file__).parent / "pool"
# Categories whose messages are plain lists.
LIST_CATEGORIES = (
    "order_with_number", "order_number", "acknowledgements", "thanks", "closings", "greetings",
    "denials", "insults", "human_requests", "complaints", "cancel_requests", "off_topic", "noise",
)


@dataclass(frozen=True)
class LanguagePool:
    """Every message of one language, by category; `informal` holds the informal ones."""

    language: str
    questions: dict[str, list[str]]
    lists: dict[str, list[str]]
    ratings: dict[int, list[str]]
    language_switch: dict[str, str]
    informal: dict[str, Any] = field(default_factory=dict)

    def texts(self) -> list[str]:
        """Every message text, for the overlap checks."""
        found = [text for texts in self.questions.values() for text in texts]
        found += [text for texts in self.lists.values() for text in texts]
        found += [text for texts in self.ratings.values() for text in texts]
        found += list(self.language_switch.values())
        for key, value in self.informal.items():
            if key == "questions":
                found += [text for texts in value.values() for text in texts]
            else:
                found += list(value)
        return found


@cache
def language_pool(language: str) -> LanguagePool:
    """The pool of one language tag."""
    content = yaml.safe_load((POOL_DIR / f"{language}.yml").read_text(encoding="utf-8"))
    return LanguagePool(
        language=language,
        questions={str(k): [str(t) for t in v] for k, v in content["questions"].items()},
        lists={name: [str(t) for t in content.get(name) or []] for name in LIST_CATEGORIES},
        ratings={int(k): [str(t) for t in v] for k, v in content["ratings"].items()},
        language_switch={str(k): str(v) for k, v in content["language_switch"].items()},
        informal=content.get("informal") or {},
    )
