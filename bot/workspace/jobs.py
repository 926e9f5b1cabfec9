"""Retrain runs started from the page: a separate process per run, status read from files.

The web service only starts `python -m bot.workspace retrain` and reads what it writes
(progress log, result JSON), so training never blocks or bloats it. A project-wide file lock
allows one run at a time, across browser sessions and service processes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from bot.config import PROJECT_ROOT
from bot.workspace.retrain import _environment
from bot.workspace.settings import WorkspaceSettings

LOG_TAIL_CHARS = 6000
# The run takes the lock as soon as it has imported its modules.
STARTUP_GRACE_SECONDS = 60


class RetrainBusy(RuntimeError):
    """Another retrain run holds the lock."""


@dataclass
class RetrainJobs:
    """Starts runs and reports on them."""

    settings: WorkspaceSettings

    @property
    def jobs_dir(self) -> Path:
        """One folder per run: log.txt, result.json, exit_code."""
        return self.settings.work_dir / "jobs"

    def lock(self) -> FileLock:
        """Held by the running retrain process for its whole run."""
        self.settings.work_dir.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.settings.work_dir / "retrain.lock"), timeout=0)

    def start(self, tolerance: float) -> str:
        """Starts a run in the background and returns its id.

        Raises:
            RetrainBusy: a run is already going.
        """
        try:
            with self.lock():
                pass
        except Timeout:
            raise RetrainBusy("a retrain run is already in progress") from None
        job_id = uuid.uuid4().hex[:12]
        folder = self.jobs_dir / job_id
        folder.mkdir(parents=True)
        env = _environment()
        env["WORKSPACE_PROJECT_DIR"] = str(self.settings.project_dir)
        env["WORKSPACE_WORK_DIR"] = str(self.settings.work_dir)
        if self.settings.rasa_url:
            env["RASA_URL"] = self.settings.rasa_url
        env["RASA_API_TOKEN"] = self.settings.rasa_token
        with (folder / "log.txt").open("wb") as log:
            subprocess.Popen(
                [sys.executable, "-m", "bot.workspace", "retrain",
                 "--tolerance", str(tolerance), "--result", str(folder / "result.json"),
                 "--hold-lock"],
                cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return job_id

    def status(self, job_id: str) -> dict[str, Any] | None:
        """{"id", "state": running|passed|failed|error|lost, "log", "result"}, or None."""
        if not job_id.isalnum():
            return None
        folder = self.jobs_dir / job_id
        if not folder.is_dir():
            return None
        log = (folder / "log.txt").read_text(encoding="utf-8", errors="replace")
        result_file = folder / "result.json"
        result = (
            json.loads(result_file.read_text(encoding="utf-8")) if result_file.exists() else None
        )
        state = result["status"] if result else "running"
        if result is None and time.time() - folder.stat().st_mtime > STARTUP_GRACE_SECONDS:
            try:
                with self.lock():
                    state = "lost"  # nobody holds the lock: the run died without a result
            except Timeout:
                pass
        return {
            "id": job_id,
            "state": state,
            "log": log[-LOG_TAIL_CHARS:],
            "result": result,
        }

    def latest(self) -> dict[str, Any] | None:
        """The most recently started run."""
        if not self.jobs_dir.is_dir():
            return None
        folders = sorted(self.jobs_dir.iterdir(), key=lambda p: p.stat().st_mtime)
        return self.status(folders[-1].name) if folders else None
