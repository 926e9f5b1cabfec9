"""Conversations over the REST channel against the real, trained assistant."""

from __future__ import annotations

import re

import pytest
import requests

from bot.culture.catalog import ResponseCatalog
from bot.languages import SUPPORTED_LANGUAGES
from bot.topology import AssistantStack
from tests.integration.conftest import TOKEN, Customer, assert_reply, is_before_the_answer
from tests.nlu_data import training_examples
from tests.test_content import FAQ_TOPICS

pytestmark = pytest.mark.integration

NON_LATIN_LANGUAGES = {"hi", "ja", "zh", "ar"}
SIMPLE_INTENTS = {
    "greet": "utter_greet",
    "bot_challenge": "utter_iamabot",
    "goodbye": "utter_goodbye",
}


def longest_example(language: str, intent: str, require: str = "") -> str:
    """The longest training example of an intent that is written in its language's script.

    Training examples include code-mixed ones ("delete account" in the Chinese data); a
    new conversation that opens with pure English is rightly answered in English.
    """
    candidates = [
        text for name, text, _ in training_examples(language)
        if name == intent and re.search(require, text)
        and (language not in NON_LATIN_LANGUAGES or not text.isascii())
    ]
    return max(candidates, key=len)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_simple_intents_in_every_language(
    stack: AssistantStack, catalog: ResponseCatalog, language: str
) -> None:
    for intent, response in SIMPLE_INTENTS.items():
        customer = Customer(stack)
        replies = customer.say(longest_example(language, intent))
        assert_reply(catalog, replies[0], response, language, customer.slots()["formality"])


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_faq_topic_in_every_language(
    stack: AssistantStack, catalog: ResponseCatalog, language: str
) -> None:
    for topic in FAQ_TOPICS:
        customer = Customer(stack)
        replies = customer.say(longest_example(language, f"faq/{topic}"))
        # Some examples are informal; cultures that mirror the customer then answer so.
        # Some sound annoyed and rightly get an acknowledgement first.
        register = customer.slots()["formality"]
        replies = [r for r in replies if not is_before_the_answer(catalog, r, language)]
        assert len(replies) == 2, replies
        assert_reply(catalog, replies[0], f"utter_faq/{topic}", language, register)
        assert_reply(catalog, replies[1], "utter_did_that_help", language, register)
        assert [b["payload"] for b in replies[1]["buttons"]] == ["/affirm", "/deny"]


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_order_status_in_every_language(
    stack: AssistantStack, catalog: ResponseCatalog, language: str
) -> None:
    example = longest_example(language, "order_status", require=r"\d{6}")
    text = re.sub(r"\d{6}", "482913", example)
    replies = Customer(stack).say(text)
    assert_reply(catalog, replies[0], "utter_order_status_shipped", language)
    assert "482913" in replies[0]["text"] and "DHL" in replies[0]["text"]


def test_order_number_is_asked_for_then_unknown_number_is_explained(
    customer: Customer, catalog: ResponseCatalog
) -> None:
    replies = customer.say(longest_example("es", "order_status", require=r"^\D*$"))
    # The longest example vents a little: an empathy line may come first.
    assert_reply(catalog, replies[-1], "utter_ask_order_id", "es")
    replies = customer.say("999999")
    assert_reply(catalog, replies[0], "utter_order_not_found", "es")
    assert "999999" in replies[0]["text"]


def test_faq_answer_then_did_not_help(customer: Customer, catalog: ResponseCatalog) -> None:
    customer.say(longest_example("fr", "faq/refund_time"))
    replies = customer.say("/deny")
    assert_reply(catalog, replies[0], "utter_faq_not_helpful", "fr")


def test_short_message_keeps_the_conversation_language(
    customer: Customer, catalog: ResponseCatalog
) -> None:
    customer.say(longest_example("hi", "greet"))
    replies = customer.say("ok thanks")
    assert customer.slots()["language"] == "hi"
    assert replies and all(r.get("text") for r in replies)


def test_explicit_language_switch(customer: Customer, catalog: ResponseCatalog) -> None:
    customer.say(longest_example("de", "faq/shipping_cost"))
    replies = customer.say("Können wir bitte auf Französisch weitermachen?")
    assert_reply(catalog, replies[0], "utter_language_changed", "fr")
    assert customer.slots()["language"] == "fr"


def test_locale_metadata_is_a_prior(stack: AssistantStack, catalog: ResponseCatalog) -> None:
    customer = Customer(stack, metadata={"locale": "it-IT"})
    replies = customer.say("ok")
    assert customer.slots()["language"] == "it"
    assert replies


def test_parse_result_carries_the_language(stack: AssistantStack) -> None:
    reply = requests.post(
        f"{stack.rasa_url}/model/parse", params={"token": TOKEN},
        json={"text": "Wo bleibt meine Bestellung 482913?"}, timeout=10,
    )
    assert reply.status_code == 200
    body = reply.json()
    assert body["language"]["name"] == "de"
    assert 0 <= body["language"]["confidence"] <= 1
    assert body["intent"]["name"] == "order_status"
    assert [e["value"] for e in body["entities"]] == ["482913"]


def test_http_api_needs_the_token(stack: AssistantStack) -> None:
    reply = requests.post(f"{stack.rasa_url}/model/parse", json={"text": "hi"}, timeout=10)
    assert reply.status_code == 401
