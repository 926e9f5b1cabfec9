"""Facebook Messenger: signed webhook events in, Send API calls recorded."""

from __future__ import annotations

import hashlib
import hmac
import random
import time
from typing import Any

import pytest
import requests

from bot.culture.catalog import ResponseCatalog
from bot.topology import AssistantStack
from tests.integration.channels.conftest import (
    FACEBOOK_SECRET,
    FACEBOOK_VERIFY,
    as_json,
    button_titles,
    facebook_signature,
    reply_pattern,
    user_metadata,
    webhook,
)
from tests.integration.channels.platform_api import PlatformAPI, RecordedCall

pytestmark = pytest.mark.integration

PAGE_ID = "104857600000001"


def new_sender(platform_api: PlatformAPI, locale: str) -> str:
    """A page-scoped user id whose profile has that locale."""
    psid = str(random.randrange(10**15, 10**16))
    platform_api.facebook_profiles[psid] = {"locale": locale, "first_name": "Jonas"}
    return psid


def event(psid: str, message: dict[str, Any]) -> dict[str, Any]:
    now = int(time.time() * 1000)
    return {
        "object": "page",
        "entry": [{"id": PAGE_ID, "time": now, "messaging": [{
            "sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": now,
            "message": {"mid": f"m_{random.randrange(10**12)}", **message},
        }]}],
    }


def post(stack: AssistantStack, body: bytes, signature: str | None) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return requests.post(webhook(stack, "facebook"), data=body, headers=headers, timeout=60)


def messages_to(platform_api: PlatformAPI, psid: str) -> list[RecordedCall]:
    """Send API calls with a message (not the typing indicators) for this user."""
    return platform_api.recorded(
        lambda call: call.platform == "facebook" and call.path.endswith("/me/messages")
        and (call.body.get("recipient") or {}).get("id") == psid and "message" in call.body
    )


def test_german_user_gets_german_answer_and_quick_replies(
    stack: AssistantStack, platform_api: PlatformAPI, catalog: ResponseCatalog
) -> None:
    psid = new_sender(platform_api, "de_DE")
    body = as_json(event(psid, {"text": "Wie lange dauert der Versand?"}))
    answer = post(stack, body, facebook_signature(body))
    assert answer.status_code == 200

    assert user_metadata(stack, psid)[-1]["locale"] == "de_DE"
    sent = messages_to(platform_api, psid)
    assert len(sent) == 2
    assert reply_pattern(catalog, "utter_faq/shipping_time", "de").match(
        sent[0].body["message"]["text"]
    )
    assert sent[0].query["access_token"] == "fb-page-access-token"
    question = sent[1].body["message"]
    assert reply_pattern(catalog, "utter_did_that_help", "de").match(question["text"])
    assert [(q["content_type"], q["title"], q["payload"]) for q in question["quick_replies"]] == [
        ("text", title, payload) for title, payload in zip(
            button_titles(catalog, "utter_did_that_help", "de"), ["/affirm", "/deny"], strict=True
        )
    ]
    # The profile was read once, for the locale only.
    lookups = platform_api.recorded(
        lambda call: call.method == "GET" and call.path.endswith(f"/{psid}")
    )
    assert [call.query["fields"] for call in lookups] == ["locale"]

    tapped = as_json(event(psid, {"text": question["quick_replies"][1]["title"],
                                  "quick_reply": {"payload": "/deny"}}))
    assert post(stack, tapped, facebook_signature(tapped)).status_code == 200
    after = messages_to(platform_api, psid)[2:]
    assert after and reply_pattern(catalog, "utter_faq_not_helpful", "de").match(
        after[0].body["message"]["text"]
    )


def test_the_locale_decides_a_short_ambiguous_greeting(
    stack: AssistantStack, platform_api: PlatformAPI, catalog: ResponseCatalog
) -> None:
    psid = new_sender(platform_api, "de_DE")
    body = as_json(event(psid, {"text": "Hallo"}))
    assert post(stack, body, facebook_signature(body)).status_code == 200
    sent = messages_to(platform_api, psid)
    assert sent and reply_pattern(catalog, "utter_greet", "de").match(sent[0].body["message"]["text"])


def sha1_signature(body: bytes) -> str:
    return "sha1=" + hmac.new(FACEBOOK_SECRET.encode(), body, hashlib.sha1).hexdigest()


@pytest.mark.parametrize("forgery", ["missing", "wrong secret", "old sha1 only", "body changed"])
def test_a_request_without_a_valid_sha256_signature_is_rejected(
    stack: AssistantStack, platform_api: PlatformAPI, forgery: str
) -> None:
    psid = new_sender(platform_api, "de_DE")
    body = as_json(event(psid, {"text": "Wie lange dauert der Versand?"}))
    signature = {
        "missing": None,
        "wrong secret": facebook_signature(body, secret="not-the-app-secret"),
        "old sha1 only": sha1_signature(body),
        "body changed": facebook_signature(body.replace(b"Versand", b"Vertrag")),
    }[forgery]
    answer = post(stack, body, signature)
    assert answer.status_code == 403
    assert user_metadata(stack, psid) == []
    assert platform_api.recorded(lambda call: psid in call.path or psid in str(call.body)) == []


def test_subscription_check_needs_the_verify_token(stack: AssistantStack) -> None:
    url = webhook(stack, "facebook")
    ok = requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": FACEBOOK_VERIFY,
                                   "hub.challenge": "1158201444"}, timeout=10)
    assert (ok.status_code, ok.text) == (200, "1158201444")
    wrong = requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "guess",
                                      "hub.challenge": "1158201444"}, timeout=10)
    assert wrong.status_code == 403


@pytest.mark.parametrize(
    "body",
    [b"[1]", b"{not json", b'{"object": "page", "entry": "x"}',
     b'{"object": "page", "entry": [{"messaging": [{"message": {"text": "hi"}}]}]}'],
)
def test_malformed_signed_bodies_get_400(stack: AssistantStack, body: bytes) -> None:
    assert post(stack, body, facebook_signature(body)).status_code == 400
