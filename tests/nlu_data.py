"""Reads our NLU YAML files (training and held-out) for tests and benchmarks.

The logic lives in bot/workspace/nlu_files.py (the workspace validates edits with it).
"""

from __future__ import annotations

from bot.config import PROJECT_ROOT
from bot.workspace.nlu_files import (
    heldout_dir,
    heldout_examples,
    nlu_dir,
    plain_text,
    read_examples,
    training_examples,
)

NLU_DIR = nlu_dir(PROJECT_ROOT)
HELDOUT_DIR = heldout_dir(PROJECT_ROOT)

__all__ = [
    "HELDOUT_DIR",
    "NLU_DIR",
    "heldout_examples",
    "plain_text",
    "read_examples",
    "training_examples",
]
