"""The real assistant with every messaging channel on, its platform APIs faked on 127.0.0.1.

One `PlatformAPI` server records what the assistant sends to Telegram, Slack, Facebook and
Twilio; one `AssistantStack` (free ports, temporary var/, the newest model) is started with
the channels' environment variables, their API base URLs pointing at that server.
Signatures are computed with each platform's documented algorithm.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from twilio.request_validator import RequestValidator

from bot.config import PROJECT_ROOT
from bot.culture.catalog import ResponseCatalog
from bot.launcher import AssistantStack
from bot.training import latest_model
from tests.channels.platform_api import PlatformAPI

RASA_TOKEN = "channels-test-token"
HELPDESK_TOKEN = "channels-helpdesk-token"
PUBLIC_URL = "https://bot.example.test"

TELEGRAM_TOKEN = "7000000001:AAHkestrel-test-token_0123456789"
TELEGRAM_USERNAME = "kestrel_shop_bot"
SLACK_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
FACEBOOK_SECRET = "fb-app-secret-for-tests"
FACEBOOK_VERIFY = "kestrel-fb-verify"
TWILIO_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
TWILIO_AUTH_TOKEN = "twilio-auth-token-for-tests"
TWILIO_NUMBER = "+14155550100"
TWILIO_WEBHOOK_URL = f"{PUBLIC_URL}/webhooks/twilio/webhook"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def platform_api() -> Iterator[PlatformAPI]:
    api = PlatformAPI(telegram_username=TELEGRAM_USERNAME).start()
    yield api
    api.stop()


def channel_environment(api_url: str) -> dict[str, str]:
    """Every messaging channel on, talking to the fake APIs."""
    return {
        "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_VERIFY": TELEGRAM_USERNAME,
        "TELEGRAM_WEBHOOK_URL": f"{PUBLIC_URL}/webhooks/telegram/webhook",
        "TELEGRAM_API_URL": f"{api_url}/telegram",
        "SLACK_TOKEN": "xoxb-kestrel-test-token",
        "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "SLACK_API_URL": f"{api_url}/slack/api/",
        "FACEBOOK_VERIFY": FACEBOOK_VERIFY,
        "FACEBOOK_SECRET": FACEBOOK_SECRET,
        "FACEBOOK_PAGE_ACCESS_TOKEN": "fb-page-access-token",
        "FACEBOOK_API_URL": f"{api_url}/facebook",
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TWILIO_NUMBER": TWILIO_NUMBER,
        "TWILIO_WEBHOOK_URL": TWILIO_WEBHOOK_URL,
        "TWILIO_API_URL": f"{api_url}/twilio",
    }


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory, platform_api: PlatformAPI
) -> Iterator[AssistantStack]:
    model = latest_model(PROJECT_ROOT / "models")
    if model is None:
        pytest.fail("No trained model: `make test` trains one before running the tests.")
    var_dir = tmp_path_factory.mktemp("channels-var")
    assistant = AssistantStack(
        free_port(), free_port(), var_dir, RASA_TOKEN, model,
        helpdesk_port=free_port(), helpdesk_token=HELPDESK_TOKEN,
    )
    environment = {
        **channel_environment(platform_api.url),
        "HELPDESK_DATABASE_URL": f"sqlite:///{var_dir / 'helpdesk.db'}",
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


def webhook(stack: AssistantStack, channel: str) -> str:
    return f"{stack.rasa_url}/webhooks/{channel}/webhook"


def tracker_events(stack: AssistantStack, sender: str) -> list[dict[str, Any]]:
    reply = requests.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": RASA_TOKEN}, timeout=10,
    )
    assert reply.status_code == 200, reply.text
    return reply.json()["events"]


def user_metadata(stack: AssistantStack, sender: str) -> list[dict[str, Any]]:
    """The metadata of every customer message in the conversation, oldest first."""
    return [
        event.get("metadata") or {}
        for event in tracker_events(stack, sender) if event["event"] == "user"
    ]


def reply_pattern(
    catalog: ResponseCatalog, key: str, language: str, register: str = "formal",
    channel: str | None = None,
) -> re.Pattern[str]:
    """Matches any variant of a response for that channel, with any placeholder values."""
    alternatives = []
    for variant in catalog.variants(key, language, register, channel):
        parts = re.split(r"\{[A-Za-z_]+\}", variant["text"])
        alternatives.append(".+?".join(re.escape(part) for part in parts))
    return re.compile("^(?:" + "|".join(alternatives) + ")$", re.DOTALL)


def button_titles(catalog: ResponseCatalog, key: str, language: str) -> list[str]:
    return [button["title"] for button in catalog.variants(key, language, "formal")[0]["buttons"]]


def slack_headers(body: bytes, secret: str = SLACK_SIGNING_SECRET,
                  timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature: HMAC-SHA256 of "v0:<timestamp>:<body>" with the signing secret."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


def facebook_signature(body: bytes, secret: str = FACEBOOK_SECRET) -> str:
    """Meta's X-Hub-Signature-256: "sha256=" + HMAC-SHA256 of the raw body with the app secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def twilio_signature(params: dict[str, str], token: str = TWILIO_AUTH_TOKEN) -> str:
    """X-Twilio-Signature, computed by twilio's own validator over the public URL and fields."""
    return RequestValidator(token).compute_signature(TWILIO_WEBHOOK_URL, params)


def as_json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")

