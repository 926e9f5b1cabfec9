"""A project copy and a real SQLite tracker store with known conversations."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.workspace.helpers import (
    copy_project,
    demo_conversations,
    save_conversations,
    write_endpoints,
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture
def endpoints(tmp_path: Path) -> Path:
    database = tmp_path / "tracker.db"
    save_conversations(database, demo_conversations())
    return write_endpoints(tmp_path / "endpoints.yml", database)
