"""Trains the model unless the newest one in models/ already matches data and config."""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from pathlib import Path

from bot.config import PROJECT_ROOT

# Rasa reads only these folders; data/responses and data/culture are ours.
TRAINING_DATA_DIRS: tuple[str, ...] = ("data/nlu", "data/rules", "data/stories")
KEEP_MODELS = 3
# Our IntentTopicClassifier selects the FAQ topic itself (bot/nlu/intent_classifier.py);
# Rasa only knows its own ResponseSelector and would warn about unused data on every run.
_RESPONSE_SELECTOR_WARNING = "You have defined training data with examples for training a response"


def train(project_root: Path = PROJECT_ROOT, force: bool = False) -> Path:
    """Trains (or reuses) the model and returns its path.

    Args:
        project_root: folder with config.yml, domain.yml and data/.
        force: train even when nothing changed.

    Returns:
        Path of the model to serve.
    """
    from rasa.api import train as rasa_train

    warnings.filterwarnings("ignore", message=_RESPONSE_SELECTOR_WARNING)
    result = rasa_train(
        domain=str(project_root / "domain.yml"),
        config=str(project_root / "config.yml"),
        training_files=[str(project_root / d) for d in TRAINING_DATA_DIRS],
        output=str(project_root / "models"),
        force_training=force,
    )
    if result.code != 0 or not result.model:
        raise SystemExit(f"Training failed (exit code {result.code}); see the output above.")
    prune_models(project_root / "models")
    return Path(result.model)


def prune_models(models_dir: Path, keep: int = KEEP_MODELS) -> None:
    """Deletes all but the newest `keep` models."""
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[keep:]:
        old.unlink()


def latest_model(models_dir: Path) -> Path | None:
    """The newest model file, or None."""
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def main() -> None:
    """CLI: `python -m bot.training [--force]`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--force", action="store_true", help="train even if nothing changed")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    model = train(force=args.force)
    print(f"Model ready: {model.relative_to(PROJECT_ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
