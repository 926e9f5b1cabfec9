"""Retrain and check on a copy of the project with one small data change (CLI, real Rasa).

Validation, training into models/candidates/, the test stories, the held-out evaluation of
both models and the per-language comparison all run for real; the serving model of the copy
changes only if the candidate passed, and only then is Rasa told to load it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.languages import SUPPORTED_LANGUAGES
from bot.training import latest_model
from bot.workspace.nlu_edits import add_example
from tests.workspace.helpers import copy_project
from tests.workspace.retrain_support import (
    CORRECT_INTENT,
    FRUSTRATED_GIBBERISH_HI,
    ModelLoadRecorder,
)

pytestmark = pytest.mark.integration
RASA_TOKEN = "retrain-test-token"


def test_retrain_and_check_compares_per_language_before_activating(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", with_model=True, quick=True)
    serving_before = latest_model(project / "models")
    real_models = sorted(p.name for p in (PROJECT_ROOT / "models").iterdir())
    add_example(project, "hi", CORRECT_INTENT, FRUSTRATED_GIBBERISH_HI)
    recorder = ModelLoadRecorder(RASA_TOKEN).start()
    result_file = tmp_path / "result.json"
    try:
        run = subprocess.run(
            [sys.executable, "-m", "bot.workspace", "retrain", "--result", str(result_file)],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=1500, check=False,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT),
                 "WORKSPACE_PROJECT_DIR": str(project), "WORKSPACE_WORK_DIR": str(tmp_path / "work"),
                 "RASA_URL": recorder.url, "RASA_API_TOKEN": RASA_TOKEN},
        )
    finally:
        recorder.stop()
    output = run.stdout + run.stderr
    result = json.loads(result_file.read_text(encoding="utf-8"))
    steps = {step["name"]: step for step in result["steps"]}
    # Progress is shown step by step.
    for heading in ("1/5 validating", "2/5 training", "3/5 running the test stories",
                    "4/5 held-out NLU evaluation", "5/5 activation"):
        assert heading in output, output[-3000:]
    assert steps["validate"]["ok"] and steps["train"]["ok"], output[-3000:]
    assert "test stories" in steps and "held-out evaluation" in steps
    # Side by side, per language, against the previous model (whose result is now stored).
    assert set(result["comparison"]) == set(SUPPORTED_LANGUAGES)
    for row in result["comparison"].values():
        assert 0 <= row["previous"] <= 1 and 0 <= row["candidate"] <= 1
        assert row["delta"] == pytest.approx(row["candidate"] - row["previous"], abs=1e-3)
    assert serving_before is not None
    assert (project / "models" / (serving_before.name.removesuffix(".tar.gz") + ".eval.json")).exists()

    passed = steps["test stories"]["ok"] and all(r["ok"] for r in result["comparison"].values())
    assert result["activated"] is passed
    assert result["status"] == ("passed" if passed else "failed")
    if passed:
        served = latest_model(project / "models")
        assert served is not None and served.name == result["candidate_model"]
        assert served != serving_before
        assert recorder.calls == [{"path": "/model", "query": {"token": [RASA_TOKEN]},
                                   "body": {"model_file": str(served)}}]
        assert result["rasa_notified"] is True
    else:
        # The old model keeps serving; the candidate waits in models/candidates/.
        assert latest_model(project / "models") == serving_before
        assert (project / "models" / "candidates" / f"{result['candidate_model']}").exists()
        assert recorder.calls == []
    # Nothing was written into the real project's models/.
    assert sorted(p.name for p in (PROJECT_ROOT / "models").iterdir()) == real_models
