"""Slack: signed Events API and interaction requests in, chat.postMessage calls recorded."""

from __future__ import annotations

import json
import random
import time
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from bot.culture.catalog import ResponseCatalog
from bot.topology import AssistantStack
from tests.integration.channels.conftest import (
    as_json,
    button_titles,
    reply_pattern,
    slack_headers,
    user_metadata,
    webhook,
)
from tests.integration.channels.platform_api import PlatformAPI, RecordedCall

pytestmark = pytest.mark.integration


def new_user(platform_api: PlatformAPI, locale: str, tz: str) -> tuple[str, str]:
    """A Slack user with that profile, and the id of their direct-message channel."""
    user_id = f"U{random.randrange(10**9):09d}"
    platform_api.slack_users[user_id] = {"locale": locale, "tz": tz}
    return user_id, f"D{random.randrange(10**9):09d}"


def message_event(user_id: str, channel: str, text: str) -> dict[str, Any]:
    ts = f"{time.time():.6f}"
    return {
        "token": "verification-token-unused", "team_id": "T0KESTREL", "api_app_id": "A0KESTREL",
        "event": {
            "type": "message", "channel": channel, "user": user_id, "text": text,
            "ts": ts, "event_ts": ts, "channel_type": "im",
        },
        "type": "event_callback", "event_id": f"Ev{random.randrange(10**9)}",
        "event_time": int(time.time()),
        "authorizations": [{"user_id": "U0KESTRELBOT", "is_bot": True}],
    }


def button_click(user_id: str, channel: str, value: str) -> bytes:
    payload = {
        "type": "block_actions", "user": {"id": user_id, "username": "jonas"},
        "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "ts": f"{time.time():.6f}"},
        "actions": [{"type": "button", "action_id": "a1", "block_id": "b1", "value": value,
                     "text": {"type": "plain_text", "text": "?"}}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def post_event(stack: AssistantStack, body: bytes, headers: dict[str, str],
               content_type: str = "application/json") -> requests.Response:
    return requests.post(
        webhook(stack, "slack"), data=body,
        headers={**headers, "Content-Type": content_type}, timeout=30,
    )


def posted(channel: str) -> Any:
    return lambda call: call.api_method == "chat.postMessage" and call.body.get("channel") == channel


def test_german_user_gets_german_answer_and_button_blocks(
    stack: AssistantStack, platform_api: PlatformAPI, catalog: ResponseCatalog
) -> None:
    user_id, channel = new_user(platform_api, "de-DE", "Europe/Berlin")
    body = as_json(message_event(user_id, channel, "Wie lange dauert der Versand?"))
    answer = post_event(stack, body, slack_headers(body))
    assert answer.status_code == 200

    messages: list[RecordedCall] = platform_api.wait_for(posted(channel), count=2)
    assert len(messages) == 2
    assert reply_pattern(catalog, "utter_faq/shipping_time", "de").match(messages[0].body["text"])
    assert "blocks" not in messages[0].body
    question = messages[1].body
    assert reply_pattern(catalog, "utter_did_that_help", "de").match(question["text"])
    section, actions = question["blocks"]
    assert section["text"]["text"] == question["text"]
    assert [(b["text"]["text"], b["value"]) for b in actions["elements"]] == list(
        zip(button_titles(catalog, "utter_did_that_help", "de"), ["/affirm", "/deny"], strict=True)
    )
    lookups = platform_api.recorded(
        lambda call: call.api_method == "users.info" and call.query.get("user") == user_id
    )
    assert lookups and lookups[0].query.get("include_locale") in ("1", "true", "True")
    metadata = user_metadata(stack, user_id)[-1]
    assert (metadata["locale"], metadata["timezone"]) == ("de-DE", "Europe/Berlin")

    click = button_click(user_id, channel, "/deny")
    answer = post_event(stack, click, slack_headers(click), "application/x-www-form-urlencoded")
    assert answer.status_code == 200
    after = platform_api.wait_for(posted(channel), count=3)[2:]
    assert after and reply_pattern(catalog, "utter_faq_not_helpful", "de").match(
        after[0].body["text"]
    )


def test_the_locale_decides_a_short_ambiguous_greeting(
    stack: AssistantStack, platform_api: PlatformAPI, catalog: ResponseCatalog
) -> None:
    user_id, channel = new_user(platform_api, "de-AT", "Europe/Vienna")
    body = as_json(message_event(user_id, channel, "Hallo"))
    assert post_event(stack, body, slack_headers(body)).status_code == 200
    messages = platform_api.wait_for(posted(channel))
    assert messages
    assert reply_pattern(catalog, "utter_greet", "de").match(messages[0].body["text"])


def test_url_verification_challenge_is_answered(stack: AssistantStack) -> None:
    body = as_json({"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                    "type": "url_verification"})
    answer = post_event(stack, body, slack_headers(body))
    assert answer.status_code == 200
    assert answer.json() == "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"


@pytest.mark.parametrize("forgery", ["wrong secret", "no headers", "five minutes old", "body changed"])
def test_a_request_without_a_valid_signature_is_rejected(
    stack: AssistantStack, platform_api: PlatformAPI, forgery: str
) -> None:
    user_id, channel = new_user(platform_api, "de-DE", "Europe/Berlin")
    body = as_json(message_event(user_id, channel, "Wie lange dauert der Versand?"))
    headers = {
        "wrong secret": slack_headers(body, secret="not-the-signing-secret"),
        "no headers": {},
        "five minutes old": slack_headers(body, timestamp=int(time.time()) - 301),
        "body changed": slack_headers(body.replace(b"Versand", b"Vertrag")),
    }[forgery]
    answer = post_event(stack, body, headers)
    assert answer.status_code == 403
    # Nothing was processed: no conversation, no profile lookup, nothing posted.
    assert user_metadata(stack, user_id) == []
    assert platform_api.recorded(lambda call: call.query.get("user") == user_id) == []
    assert platform_api.recorded(posted(channel)) == []


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"[1, 2]", "application/json"),
        (b"{not json", "application/json"),
        (b'{"type": "event_callback", "event": "text"}', "application/json"),
        (b"payload=%7Bbroken", "application/x-www-form-urlencoded"),
        (b"nothing=here", "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_signed_bodies_get_400(
    stack: AssistantStack, body: bytes, content_type: str
) -> None:
    answer = post_event(stack, body, slack_headers(body), content_type)
    assert answer.status_code == 400
