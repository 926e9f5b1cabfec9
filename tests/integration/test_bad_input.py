"""Hostile and odd input gets a clear answer, never a 5xx or a crash."""

from __future__ import annotations

import pytest
import requests

from bot.topology import AssistantStack
from tests.integration.conftest import TOKEN, Customer

pytestmark = pytest.mark.integration

BAD_INPUTS = {
    "empty": "",
    "whitespace": "   \n\t  ",
    "huge": "Wo ist meine Bestellung? " * 4200,
    "control characters": "\x00\x01\x02\x1b[31m\x7f",
    "emoji only": "😡😡😡👍",
    "mixed scripts": "मेरा order 注文 где 482913 ✔",
    "right to left": "\u202eأين طلبي؟ \u200fשלום",
    "html and script": "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "replacement characters": b"\xff\xfe\xfa\x80 hello".decode("utf-8", errors="replace"),
    "lone surrogate escape": "\\ud800 broken",
}


@pytest.mark.parametrize("text", BAD_INPUTS.values(), ids=list(BAD_INPUTS))
def test_rest_channel_answers_bad_input(stack: AssistantStack, text: str) -> None:
    replies = Customer(stack).say(text)
    assert replies and all(reply.get("text") for reply in replies)
    assert all("<script>" not in reply["text"] for reply in replies)


@pytest.mark.parametrize("text", BAD_INPUTS.values(), ids=list(BAD_INPUTS))
def test_parse_endpoint_answers_bad_input(stack: AssistantStack, text: str) -> None:
    reply = requests.post(
        f"{stack.rasa_url}/model/parse", params={"token": TOKEN}, json={"text": text}, timeout=30
    )
    assert reply.status_code == 200
    assert "language" in reply.json()


def test_malformed_json_is_a_client_error(stack: AssistantStack) -> None:
    reply = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", data=b"\x00{not json",
        headers={"Content-Type": "application/json"}, timeout=10,
    )
    assert 400 <= reply.status_code < 500


def test_nlg_endpoint_rejects_garbage(stack: AssistantStack) -> None:
    reply = requests.post(f"{stack.action_url}/nlg", data=b"\xff", timeout=10)
    assert reply.status_code == 400
