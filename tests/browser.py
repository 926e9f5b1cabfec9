"""Headless Debian Chromium for the browser tests, driven by Playwright's sync API.

The fixtures are registered once in tests/conftest.py: one browser per test session,
shared by tests/e2e and tests/integration (two sync Playwright instances cannot coexist
in one process). Playwright's own browser download is never used.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_SCRIPT = PROJECT_ROOT / "scripts" / "install_browser.sh"
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
# The flags known to work on our machines. Playwright adds --headless itself and starts
# every browser with a fresh temporary profile (its own --user-data-dir).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Longer than one refresh period (3 s) of the console.
WAIT_MS = 8000


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The system Chromium, installed by scripts/install_browser.sh if it is missing."""
    if not CHROMIUM.exists():
        try:
            result = subprocess.run(
                ["bash", str(INSTALL_SCRIPT)], capture_output=True, text=True, timeout=900,
                check=False,
            )
            output = (result.stdout + result.stderr).strip()
        except (OSError, subprocess.TimeoutExpired) as error:
            output = f"{type(error).__name__}: {error}"
        if not CHROMIUM.exists():
            missing(
                f"{CHROMIUM} is missing and scripts/install_browser.sh could not install it: "
                f"{output[-600:]}"
            )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Any]:
    """One headless Chromium for the session (each test gets its own context)."""
    try:
        from playwright import sync_api
    except ImportError:
        missing("playwright is not installed (see requirements.txt)")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_FLAGS
        )
        yield instance
        instance.close()


def missing(reason: str) -> None:
    """Skips a browser test on a developer's machine; under CI=true a missing browser fails."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def expect(locator: Any) -> Any:
    """Playwright's expect, imported late so that collection works without playwright."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)
