"""Helpers for the messaging-channel tests: webhooks, signatures, what the bot sent.

The session stack (tests/integration/conftest.py) runs with every messaging channel on; one
`PlatformAPI` server records what the assistant sends to Telegram, Slack, Facebook and
Twilio. Signatures are computed with each platform's documented algorithm.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from typing import Any

import requests
from twilio.request_validator import RequestValidator

from bot.culture.catalog import ResponseCatalog
from bot.topology import AssistantStack
from tests.integration.channels.platform_api import (  # noqa: F401 (used by the tests)
    FACEBOOK_SECRET,
    FACEBOOK_VERIFY,
    PUBLIC_URL,
    SLACK_SIGNING_SECRET,
    TELEGRAM_TOKEN,
    TELEGRAM_USERNAME,
    TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN,
    TWILIO_NUMBER,
    TWILIO_WEBHOOK_URL,
    channel_environment,
)
from tests.integration.conftest import HELPDESK_TOKEN as INTEGRATION_HELPDESK_TOKEN
from tests.integration.conftest import TOKEN

# One session stack serves every integration test; its fixture (tests/integration/conftest.py)
# turns all four channels on against the fake platform APIs of platform_api.py.
RASA_TOKEN = TOKEN
HELPDESK_TOKEN = INTEGRATION_HELPDESK_TOKEN


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

