"""Where the workspace reads and writes: project files, the tracker store, Rasa."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.config import PROJECT_ROOT


@dataclass(frozen=True)
class WorkspaceSettings:
    """Paths and endpoints of one workspace.

    Attributes:
        project_dir: the project whose data/ and tests/ are edited and retrained (a copy in
            tests, so that tests never write into the real data/ or models/).
        endpoints_file: the endpoints YAML naming the tracker store Rasa writes to.
        rasa_url: the running Rasa server, told to load a model once it passed; None = nobody.
        rasa_token: Rasa's `--auth-token`.
        work_dir: job logs and state of the retrain runs.
    """

    project_dir: Path
    endpoints_file: Path
    rasa_url: str | None
    rasa_token: str
    work_dir: Path

    @property
    def models_dir(self) -> Path:
        """Served models; the newest is the one Rasa runs."""
        return self.project_dir / "models"

    @property
    def candidates_dir(self) -> Path:
        """Freshly trained models waiting for their checks (never served from here)."""
        return self.models_dir / "candidates"

    @classmethod
    def from_environment(
        cls, rasa_url: str | None = None, rasa_token: str | None = None
    ) -> WorkspaceSettings:
        """Reads the environment the launcher gives every process.

        WORKSPACE_PROJECT_DIR (default: this checkout); RASA_ENDPOINTS, else
        `$KESTREL_VAR_DIR/endpoints.runtime.yml` (what the launcher hands Rasa), else
        endpoints.yml; RASA_URL and RASA_API_TOKEN unless given.
        """
        project_dir = Path(os.environ.get("WORKSPACE_PROJECT_DIR") or PROJECT_ROOT)
        var_dir = Path(os.environ.get("KESTREL_VAR_DIR") or PROJECT_ROOT / "var")
        # The launcher writes the runtime file just after it starts the helpdesk, so it is
        # named here and opened later (conversations.py falls back to endpoints.yml).
        endpoints = os.environ.get("RASA_ENDPOINTS")
        endpoints_file = Path(endpoints) if endpoints else var_dir / "endpoints.runtime.yml"
        return cls(
            project_dir=project_dir,
            endpoints_file=endpoints_file,
            rasa_url=rasa_url if rasa_url is not None else os.environ.get("RASA_URL"),
            rasa_token=rasa_token if rasa_token is not None else os.environ.get(
                "RASA_API_TOKEN", ""
            ),
            work_dir=Path(os.environ.get("WORKSPACE_WORK_DIR") or var_dir / "workspace"),
        )
