"""Held-out NLU evaluation of one model, per language, with the confusions.

Run in its own process (`python -m bot.workspace evaluate`) so that loading a model never
weighs on the web service. The result is stored next to the model as <model>.eval.json,
which is what the retrain check compares against and the coverage page reads.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any

from bot.languages import SUPPORTED_LANGUAGES
from bot.workspace.conversations import full_intent
from bot.workspace.nlu_files import heldout_examples


def eval_file(model: Path) -> Path:
    """models/<name>.tar.gz -> models/<name>.eval.json."""
    return model.with_name(model.name.removesuffix(".tar.gz") + ".eval.json")


def read_evaluation(model: Path | None) -> dict[str, Any] | None:
    """The stored evaluation of `model`, or None."""
    if model is None or not eval_file(model).exists():
        return None
    return json.loads(eval_file(model).read_text(encoding="utf-8"))


def evaluate_model(model: Path, project_dir: Path) -> dict[str, Any]:
    """Accuracy of intent + FAQ topic on the held-out *dev* split, per language.

    The retrain gate decides on dev, never on the test split that bench-nlu reports.

    A fallback counts as wrong. Returns {"model", "languages": {tag: {n, accuracy,
    errors, confusions}}, "macro"}.
    """
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))
    languages: dict[str, Any] = {}
    for language in SUPPORTED_LANGUAGES:
        rows = heldout_examples(language, project_dir, split="dev")
        if not rows:
            continue
        errors = []
        for intent, text, _ in rows:
            predicted = full_intent(asyncio.run(agent.parse_message(text))) or ""
            if predicted != intent:
                errors.append({"text": text, "expected": intent, "predicted": predicted})
        pairs = Counter((e["expected"], e["predicted"]) for e in errors)
        languages[language] = {
            "n": len(rows),
            "accuracy": round(1 - len(errors) / len(rows), 4),
            "errors": errors,
            "confusions": [
                {"expected": expected, "predicted": predicted, "count": count}
                for (expected, predicted), count in pairs.most_common()
            ],
        }
        print(f"    {language:8s} {languages[language]['accuracy']:.3f}", flush=True)
    accuracies = [result["accuracy"] for result in languages.values()]
    return {
        "model": model.name,
        "languages": languages,
        "macro": round(sum(accuracies) / len(accuracies), 4) if accuracies else 0.0,
    }


def store_evaluation(model: Path, result: dict[str, Any]) -> Path:
    """Writes `result` next to the model."""
    path = eval_file(model)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
