"""Starts the real assistant (Rasa, actions, helpdesk; trained model) on free localhost ports.

One stack serves the whole session, with every messaging channel on (tests/integration/channels).
"""

from __future__ import annotations

import os
import re
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.config import PROJECT_ROOT
from bot.culture.catalog import ResponseCatalog
from bot.topology import AssistantStack
from bot.training import latest_model
from tests.fakes.libretranslate import FakeLibreTranslate
from tests.integration.channels.platform_api import (
    TELEGRAM_USERNAME,
    PlatformAPI,
    channel_environment,
)

TOKEN = "integration-test-token"
HELPDESK_TOKEN = "integration-helpdesk-token"
# Short, so that the honest "nobody has picked it up yet" update can be tested.
UNCLAIMED_SECONDS = 15


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def model() -> Path:
    found = latest_model(PROJECT_ROOT / "models")
    if found is None:
        pytest.fail("No trained model: `make test` trains one before running the tests.")
    return found


@pytest.fixture(scope="session")
def translation_provider() -> Iterator[FakeLibreTranslate]:
    """A local LibreTranslate stand-in that the assistant's translator is pointed at."""
    fake = FakeLibreTranslate().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def platform_api() -> Iterator[PlatformAPI]:
    """Telegram, Slack, Facebook and Twilio APIs, played on 127.0.0.1; records what they get."""
    api = PlatformAPI(telegram_username=TELEGRAM_USERNAME).start()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory, model: Path,
    translation_provider: FakeLibreTranslate, platform_api: PlatformAPI,
) -> Iterator[AssistantStack]:
    var_dir = tmp_path_factory.mktemp("var")
    assistant = AssistantStack(
        free_port(), free_port(), var_dir, TOKEN, model,
        helpdesk_port=free_port(), helpdesk_token=HELPDESK_TOKEN,
    )
    environment = {
        # `make test` provides a PostgreSQL server: the helpdesk then runs on it here,
        # while tests/helpdesk cover SQLite and PostgreSQL at the store and API level.
        "HELPDESK_DATABASE_URL": os.environ.get(
            "HELPDESK_IT_POSTGRES_URL", f"sqlite:///{var_dir / 'helpdesk.db'}"
        ),
        "HELPDESK_UNCLAIMED_SECONDS": str(UNCLAIMED_SECONDS),
        "TRANSLATION_PROVIDER": "libre",
        "TRANSLATION_URL": translation_provider.url,
        "TRANSLATION_TIMEOUT": "0.8",
        "TRANSLATION_COOLDOWN": "1",
        # Every messaging channel on, talking to the local stand-ins of the platforms.
        **channel_environment(platform_api.url),
    }
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in environment.items():
                patch.setenv(name, value)
            assistant.start()
    except RuntimeError:
        assistant.stop()
        for log in (var_dir / "logs").glob("*.log"):
            print(f"--- {log.name} ---\n{log.read_text(errors='replace')[-5000:]}")
        raise
    yield assistant
    assistant.stop()


class Customer:
    """One customer talking to the REST channel."""

    def __init__(self, stack: AssistantStack, metadata: dict[str, Any] | None = None) -> None:
        self.stack = stack
        self.sender = f"test-{uuid.uuid4().hex[:12]}"
        self.metadata = metadata or {}

    def say(self, text: str, timeout: float = 30) -> list[dict[str, Any]]:
        reply = requests.post(
            f"{self.stack.rasa_url}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": text, "metadata": self.metadata},
            timeout=timeout,
        )
        assert reply.status_code == 200, reply.text
        return reply.json()

    def slots(self) -> dict[str, Any]:
        reply = requests.get(
            f"{self.stack.rasa_url}/conversations/{self.sender}/tracker",
            params={"token": TOKEN}, timeout=10,
        )
        assert reply.status_code == 200
        return reply.json()["slots"]


@pytest.fixture
def customer(stack: AssistantStack) -> Customer:
    return Customer(stack)


def response_pattern(catalog: ResponseCatalog, key: str, language: str, register: str) -> re.Pattern[str]:
    """Matches any variant of a response, with any value in its placeholders."""
    alternatives = []
    for variant in catalog.variants(key, language, register):
        parts = re.split(r"\{[A-Za-z_]+\}", variant["text"])
        alternatives.append(".+?".join(re.escape(part) for part in parts))
    return re.compile("^(?:" + "|".join(alternatives) + ")$", re.DOTALL)


def assert_reply(
    catalog: ResponseCatalog, message: dict[str, Any], key: str, language: str,
    register: str = "formal",
) -> None:
    pattern = response_pattern(catalog, key, language, register)
    assert pattern.match(message.get("text", "")), (
        f"expected {key} in {language}/{register}, got {message.get('text')!r}"
    )


ACKNOWLEDGEMENTS = (
    "utter_acknowledge_frustration",
    "utter_acknowledge_frustration_strong",
    "utter_acknowledge_frustration_waiting",
    "utter_acknowledge_abuse",
)


def is_reply(catalog: ResponseCatalog, message: dict[str, Any], key: str, language: str) -> bool:
    """Whether `message` is a variant of `key` in either register."""
    return any(
        response_pattern(catalog, key, language, register).match(message.get("text", ""))
        for register in ("formal", "informal")
    )


def is_acknowledgement(catalog: ResponseCatalog, message: dict[str, Any], language: str) -> bool:
    """Whether `message` is one of the empathy replies sent before an answer."""
    return any(is_reply(catalog, message, key, language) for key in ACKNOWLEDGEMENTS)


def is_before_the_answer(
    catalog: ResponseCatalog, message: dict[str, Any], language: str
) -> bool:
    """Empathy, or the offer of a person that abuse or persistent frustration brings."""
    return is_acknowledgement(catalog, message, language) or is_reply(
        catalog, message, "utter_offer_human", language)
