"""Coverage per language: examples per intent and FAQ topic, response texts, confusions.

Counts come from the project's files (data/nlu, tests/nlu/heldout, domain.yml and
data/responses); the confusions from the evaluation stored next to the serving model by the
last retrain check (evaluation.py).
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any

from bot.culture.catalog import ResponseCatalog
from bot.languages import SUPPORTED_LANGUAGES
from bot.training import latest_model
from bot.workspace.evaluation import read_evaluation
from bot.workspace.nlu_edits import known_intents
from bot.workspace.nlu_files import heldout_examples, training_examples

# The content tests ask for at least this many training examples per intent and language.
MIN_EXAMPLES = 12
TOP_CONFUSIONS = 10


def coverage(project_dir: Path) -> dict[str, Any]:
    """The coverage report as JSON-ready data.

    Returns:
        {"languages", "labels", "examples": {label: {lang: n}}, "heldout": {...},
        "responses": {key: {lang: texts}}, "missing": [...], "confusions": {lang: [...]},
        "evaluated_model"}.
    """
    labels = known_intents(project_dir)
    examples: dict[str, dict[str, int]] = {label: {} for label in labels}
    heldout: dict[str, dict[str, int]] = {label: {} for label in labels}
    for language in SUPPORTED_LANGUAGES:
        trained = Counter(intent for intent, _, _ in training_examples(language, project_dir))
        held = Counter(intent for intent, _, _ in heldout_examples(language, project_dir))
        for label in labels:
            examples[label][language] = trained.get(label, 0)
            heldout[label][language] = held.get(label, 0)
    catalog = ResponseCatalog.load(project_dir / "domain.yml", project_dir / "data" / "responses")
    keys = sorted(catalog.texts.get("en", {}))
    responses = {
        key: {
            language: sum(
                len(variants) for variants in catalog.texts.get(language, {}).get(key, {}).values()
            )
            for language in SUPPORTED_LANGUAGES
        }
        for key in keys
    }
    missing = []
    for label in labels:
        for language in SUPPORTED_LANGUAGES:
            if examples[label][language] < MIN_EXAMPLES:
                missing.append({
                    "kind": "examples", "name": label, "language": language,
                    "detail": f"{examples[label][language]} of {MIN_EXAMPLES} training examples",
                })
            if heldout[label][language] == 0:
                missing.append({
                    "kind": "heldout", "name": label, "language": language,
                    "detail": "no held-out example",
                })
    for key, by_language in responses.items():
        for language, count in by_language.items():
            if count == 0:
                missing.append({
                    "kind": "response", "name": key, "language": language,
                    "detail": "no text (English is shown instead)",
                })
    model = latest_model(project_dir / "models")
    evaluation = read_evaluation(model)
    confusions = {
        language: result.get("confusions", [])[:TOP_CONFUSIONS]
        for language, result in ((evaluation or {}).get("languages") or {}).items()
    }
    accuracy = {
        language: result.get("accuracy")
        for language, result in ((evaluation or {}).get("languages") or {}).items()
    }
    return {
        "languages": list(SUPPORTED_LANGUAGES),
        "labels": labels,
        "examples": examples,
        "heldout": heldout,
        "responses": responses,
        "missing": missing,
        "confusions": confusions,
        "accuracy": accuracy,
        "evaluated_model": evaluation.get("model") if evaluation else None,
    }


def coverage_plot(report: dict[str, Any]) -> bytes:
    """A PNG heat map: training examples per intent/topic (rows) and language (columns)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, languages = report["labels"], report["languages"]
    grid = [[report["examples"][label][lang] for lang in languages] for label in labels]
    figure, axes = plt.subplots(figsize=(1 + 0.7 * len(languages), 1 + 0.28 * len(labels)))
    image = axes.imshow(grid, cmap="RdYlGn", vmin=0, vmax=max(2 * MIN_EXAMPLES, 1), aspect="auto")
    axes.set_xticks(range(len(languages)), languages)
    axes.set_yticks(range(len(labels)), labels, fontsize=7)
    for row, values in enumerate(grid):
        for column, value in enumerate(values):
            axes.text(column, row, str(value), ha="center", va="center", fontsize=6)
    axes.set_title(f"Training examples per language (red: fewer than {MIN_EXAMPLES})")
    figure.colorbar(image, ax=axes, shrink=0.5)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return buffer.getvalue()
