"""Rasa's own checks: data validation and end-to-end test stories on the trained model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.training import TRAINING_DATA_DIRS

pytestmark = pytest.mark.integration
RASA = str(Path(sys.executable).parent / "rasa")


def run_rasa(*args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [RASA, *args], cwd=cwd, capture_output=True, text=True, timeout=900, check=False
    )


def test_training_data_is_valid() -> None:
    result = run_rasa("data", "validate", "--fail-on-warnings", "--data", *TRAINING_DATA_DIRS)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_end_to_end_stories_pass(model: Path, tmp_path: Path) -> None:
    result = run_rasa(
        "test", "core", "--model", str(model), "--stories", "tests/stories",
        "--fail-on-prediction-errors", "--out", str(tmp_path), "--no-plot",
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
