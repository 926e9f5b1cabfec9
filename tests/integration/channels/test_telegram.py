"""Telegram: real updates in, replies recorded at the fake Bot API."""

from __future__ import annotations

import json
import random
import time
from typing import Any

import pytest
import requests

from bot.culture.catalog import ResponseCatalog
from bot.culture.resources import topic_catalog
from bot.topology import AssistantStack
from tests.integration.channels.conftest import (
    HELPDESK_TOKEN,
    TELEGRAM_TOKEN,
    button_titles,
    reply_pattern,
    tracker_events,
    user_metadata,
    webhook,
)
from tests.integration.channels.platform_api import PlatformAPI, RecordedCall

pytestmark = pytest.mark.integration


def secret_token(platform_api: PlatformAPI) -> str:
    """The secret the assistant registered with setWebhook, as Telegram echoes it back."""
    calls = platform_api.recorded(lambda call: call.api_method == "setWebhook")
    assert calls, "the assistant never called setWebhook"
    return calls[-1].body["secret_token"]


def update(chat_id: int, text: str, language_code: str = "de") -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Jonas", "language_code": language_code}
    return {
        "update_id": random.randrange(10**8),
        "message": {
            "message_id": random.randrange(10**6), "from": user,
            "chat": {"id": chat_id, "first_name": "Jonas", "type": "private"},
            "date": int(time.time()), "text": text,
        },
    }


def button_press(chat_id: int, data: str, language_code: str = "de") -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Jonas", "language_code": language_code}
    bot = {"id": 7000000001, "is_bot": True, "first_name": "Kestrel Shop"}
    return {
        "update_id": random.randrange(10**8),
        "callback_query": {
            "id": str(random.randrange(10**12)), "from": user, "chat_instance": "-42",
            "data": data,
            "message": {"message_id": 5, "from": bot, "date": int(time.time()),
                        "chat": {"id": chat_id, "type": "private"}, "text": "?"},
        },
    }


def post(stack: AssistantStack, payload: Any, secret: str | None) -> requests.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return requests.post(webhook(stack, "telegram"), json=payload, headers=headers, timeout=60)


def sent_to(platform_api: PlatformAPI, chat_id: int) -> list[RecordedCall]:
    return platform_api.recorded(
        lambda call: call.api_method == "sendMessage" and call.body.get("chat_id") == str(chat_id)
    )


def test_the_webhook_is_registered_with_a_secret_token(
    stack: AssistantStack, platform_api: PlatformAPI
) -> None:
    calls = platform_api.recorded(lambda call: call.api_method == "setWebhook")
    assert calls[-1].path == f"/telegram/bot{TELEGRAM_TOKEN}/setWebhook"
    assert calls[-1].body["url"] == "https://bot.example.test/webhooks/telegram/webhook"
    assert len(calls[-1].body["secret_token"]) >= 32
    assert TELEGRAM_TOKEN not in calls[-1].body["secret_token"]


def test_set_webhook_route_registers_with_the_secret_token(
    stack: AssistantStack, platform_api: PlatformAPI
) -> None:
    secret = secret_token(platform_api)
    answer = requests.get(f"{stack.rasa_url}/webhooks/telegram/set_webhook", timeout=30)
    assert (answer.status_code, answer.text) == (200, "Webhook setup successful")
    latest = platform_api.recorded(lambda call: call.api_method == "setWebhook")[-1]
    assert latest.body["secret_token"] == secret


def test_german_user_gets_german_answer_and_inline_keyboard(
    stack: AssistantStack, platform_api: PlatformAPI, catalog: ResponseCatalog
) -> None:
    chat_id = random.randrange(10**9, 2 * 10**9)
    answer = post(stack, update(chat_id, "Wie lange dauert der Versand?"), secret_token(platform_api))
    assert answer.status_code == 200

    assert user_metadata(stack, str(chat_id))[-1]["locale"] == "de"
    messages = sent_to(platform_api, chat_id)
    assert len(messages) == 2
    assert reply_pattern(catalog, "utter_faq/shipping_time", "de").match(messages[0].body["text"])
    assert "reply_markup" not in messages[0].body
    question = messages[1].body
    assert reply_pattern(catalog, "utter_did_that_help", "de").match(question["text"])
    keyboard = json.loads(question["reply_markup"])["inline_keyboard"]
    assert [(b["text"], b["callback_data"]) for b in keyboard[0]] == list(
        zip(button_titles(catalog, "utter_did_that_help", "de"), ["/affirm", "/deny"], strict=True)
    )

    pressed = post(stack, button_press(chat_id, "/deny"), secret_token(platform_api))
    assert pressed.status_code == 200
    after = sent_to(platform_api, chat_id)[2:]
    assert after and reply_pattern(catalog, "utter_faq_not_helpful", "de").match(after[0].body["text"])


@pytest.mark.parametrize(
    "text, language_code, language", [("Hallo", "de", "de"), ("Hi", "fr", "fr"), ("Hi", "es", "es")]
)
def test_the_locale_decides_a_short_ambiguous_greeting(
    stack: AssistantStack, platform_api: PlatformAPI, catalog: ResponseCatalog,
    text: str, language_code: str, language: str,
) -> None:
    # Without a locale, "Hallo" and "Hi" are too short to tell (both read as Hinglish).
    chat_id = random.randrange(10**9, 2 * 10**9)
    post(stack, update(chat_id, text, language_code), secret_token(platform_api))
    messages = sent_to(platform_api, chat_id)
    assert messages
    assert reply_pattern(catalog, "utter_greet", language).match(messages[0].body["text"])


@pytest.mark.parametrize("secret", [None, "", "wrong-secret"])
def test_an_update_without_the_secret_token_is_rejected(
    stack: AssistantStack, platform_api: PlatformAPI, secret: str | None
) -> None:
    chat_id = random.randrange(10**9, 2 * 10**9)
    answer = post(stack, update(chat_id, "Wie lange dauert der Versand?"), secret)
    assert answer.status_code == 403
    assert sent_to(platform_api, chat_id) == []
    assert user_metadata(stack, str(chat_id)) == []


@pytest.mark.parametrize(
    "payload, status",
    [
        ("not json", 400),
        ([1, 2], 400),
        ({"update_id": 1, "my_chat_member": {"chat": {"id": 1}}}, 200),
        ({"update_id": 2, "message": {"chat": {"id": 1}, "sticker": {}}}, 200),
    ],
)
def test_odd_updates_get_a_clear_answer(
    stack: AssistantStack, platform_api: PlatformAPI, payload: Any, status: int
) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret_token(platform_api)}
    data = payload if isinstance(payload, str) else json.dumps(payload)
    answer = requests.post(webhook(stack, "telegram"), data=data, headers=headers, timeout=30)
    assert answer.status_code == status


def test_an_agents_reply_during_a_handoff_reaches_the_telegram_chat(
    stack: AssistantStack, platform_api: PlatformAPI
) -> None:
    chat_id = random.randrange(10**9, 2 * 10**9)
    escalate = update(chat_id, "Ich möchte bitte mit einem Mitarbeiter sprechen")
    assert post(stack, escalate, secret_token(platform_api)).status_code == 200
    auth = {"Authorization": f"Bearer {HELPDESK_TOKEN}"}
    [ticket] = requests.get(f"{stack.helpdesk_url}/api/tickets", headers=auth, timeout=10,
                            params={"conversation_id": str(chat_id)}).json()
    assert ticket["channel"] == "telegram"

    answer = "Guten Tag, hier ist Jonas vom Kundenservice. Ich sehe mir Ihre Bestellung an."
    reply = requests.post(f"{stack.helpdesk_url}/api/tickets/{ticket['id']}/reply", headers=auth,
                          json={"agent": "Jonas", "text": answer}, timeout=30)
    assert reply.status_code == 200 and reply.json()["delivered"] is True
    sent = platform_api.wait_for(
        lambda call: call.api_method == "sendMessage" and call.body.get("chat_id") == str(chat_id)
        and call.body.get("text") == answer
    )
    assert sent, [call.body.get("text") for call in sent_to(platform_api, chat_id)]


def test_suggested_questions_too_long_for_telegram_travel_as_button_numbers(
    stack: AssistantStack, platform_api: PlatformAPI, catalog: ResponseCatalog
) -> None:
    # Hindi questions are over the 64 bytes Telegram allows as callback data.
    chat_id = random.randrange(10**9, 2 * 10**9)
    post(stack, update(chat_id, "नमस्ते", "hi"), secret_token(platform_api))
    [greeting] = sent_to(platform_api, chat_id)
    assert reply_pattern(catalog, "utter_greet", "hi").match(greeting.body["text"])
    keyboard = json.loads(greeting.body["reply_markup"])["inline_keyboard"][0]
    assert [b["callback_data"] for b in keyboard] == ["#1", "#2", "#3", "#4"]
    topics = topic_catalog()
    second = topics.suggestions["utter_greet"][1]  # return_policy
    assert keyboard[1]["text"] == topics.topics["hi"][second]["title"]

    post(stack, button_press(chat_id, "#2", "hi"), secret_token(platform_api))
    answer = sent_to(platform_api, chat_id)[1]
    assert reply_pattern(catalog, f"utter_faq/{second}", "hi").match(answer.body["text"])
    users = [e for e in tracker_events(stack, str(chat_id)) if e["event"] == "user"]
    assert users[-1]["text"] == topics.topics["hi"][second]["question"]
