"""Retrain and check from the command line, on a copy of the project (real Rasa).

The full flow (a small data change, training, test stories, held-out evaluation, the
per-language comparison and activation) runs in the browser test
tests/integration/test_workspace_live.py; this one checks that a broken change stops at
validation and the old model keeps serving.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.training import latest_model
from tests.workspace.helpers import copy_project

pytestmark = pytest.mark.integration
RASA_TOKEN = "retrain-test-token"


def test_a_change_that_breaks_validation_is_refused_before_training(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", with_model=True, quick=True)
    serving_before = latest_model(project / "models")
    # A hand edit the workspace itself would refuse: a story file that is not valid YAML.
    (project / "data" / "stories" / "broken.yml").write_text(
        'version: "3.1"\nstories:\n  - story: broken\n    steps: [utter_nobody_wrote_this\n',
        encoding="utf-8",
    )
    result_file = tmp_path / "result.json"
    run = subprocess.run(
        [sys.executable, "-m", "bot.workspace", "retrain", "--result", str(result_file)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "WORKSPACE_PROJECT_DIR": str(project),
             "WORKSPACE_WORK_DIR": str(tmp_path / "work"), "RASA_URL": "http://127.0.0.1:9",
             "RASA_API_TOKEN": RASA_TOKEN},
    )
    output = run.stdout + run.stderr
    result = json.loads(result_file.read_text(encoding="utf-8"))
    assert "1/5 validating" in output and "2/5 training" not in output, output[-3000:]
    assert [step["name"] for step in result["steps"]] == ["validate"]
    assert result["steps"][0]["ok"] is False and "broken.yml" in output
    assert result["status"] == "failed" and result["activated"] is False
    assert latest_model(project / "models") == serving_before
