"""Settings read from the environment, each with a default. Read on call, never at import."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Paths and ports of one running assistant."""

    project_root: Path
    var_dir: Path
    data_dir: Path
    domain_path: Path
    orders_database_url: str
    rasa_port: int
    action_port: int
    helpdesk_port: int
    rasa_standby: bool = True

    @property
    def responses_dir(self) -> Path:
        """Per-language reply catalogs."""
        return self.data_dir / "responses"

    @property
    def culture_dir(self) -> Path:
        """Per-language culture files."""
        return self.data_dir / "culture"


def load_settings() -> Settings:
    """Builds settings from the environment (KESTREL_* variables) and defaults."""
    root = Path(os.environ.get("KESTREL_PROJECT_ROOT", PROJECT_ROOT))
    var_dir = Path(os.environ.get("KESTREL_VAR_DIR", root / "var"))
    return Settings(
        project_root=root,
        var_dir=var_dir,
        data_dir=root / "data",
        domain_path=root / "domain.yml",
        orders_database_url=os.environ.get(
            "ORDERS_DATABASE_URL", f"sqlite:///{var_dir / 'orders.db'}"
        ),
        rasa_port=int(os.environ.get("RASA_PORT", "5005")),
        action_port=int(os.environ.get("ACTION_PORT", "5055")),
        helpdesk_port=int(os.environ.get("HELPDESK_PORT", "8000")),
        # A second, loaded Rasa that takes over after a crash; "0" saves its memory.
        rasa_standby=os.environ.get("KESTREL_RASA_STANDBY", "1") != "0",
    )


def ensure_secret(name: str, var_dir: Path) -> tuple[str, Path | None]:
    """Returns the secret `name` from the environment, else from var/secrets/, else new.

    Args:
        name: environment variable name, e.g. "RASA_API_TOKEN".
        var_dir: the runtime directory (git-ignored).

    Returns:
        The secret and the file it is kept in (None when it came from the environment).
    """
    value = os.environ.get(name)
    if value:
        return value, None
    path = var_dir / "secrets" / name.lower()
    if path.exists():
        return path.read_text(encoding="utf-8").strip(), path
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    path.write_text(value + "\n", encoding="utf-8")
    path.chmod(0o600)
    return value, path
