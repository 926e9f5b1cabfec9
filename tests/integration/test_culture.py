"""Language, register and culture in real conversations (issue: language and culture)."""

from __future__ import annotations

import time

import pytest
import requests

from bot.culture.catalog import ResponseCatalog
from bot.culture.profiles import CultureProfiles
from bot.topology import AssistantStack
from tests.fakes.libretranslate import FakeLibreTranslate
from tests.integration.conftest import TOKEN, Customer, assert_reply

pytestmark = pytest.mark.integration

BERLIN = {"locale": "de-DE", "timezone": "Europe/Berlin"}


def test_parse_result_carries_language_and_formality(stack: AssistantStack) -> None:
    reply = requests.post(
        f"{stack.rasa_url}/model/parse", params={"token": TOKEN},
        json={"text": "Kannst du mir sagen, wie lange der Versand dauert?"}, timeout=30,
    )
    assert reply.status_code == 200
    parsed = reply.json()
    assert parsed["language"]["name"] == "de"
    assert parsed["formality"]["name"] == "informal"
    assert 0.5 < parsed["formality"]["confidence"] <= 1.0


def test_german_customer_is_greeted_formally_by_title_and_surname(
    stack: AssistantStack, catalog: ResponseCatalog
) -> None:
    metadata = {**BERLIN, "customer": {"id": "c-17", "name": "Max Mustermann", "title": "Herr"}}
    customer = Customer(stack, metadata)
    [greeting] = customer.say("Guten Tag!")
    assert_reply(catalog, greeting, "utter_greet", "de", "formal")
    assert "Herr Mustermann" in greeting["text"]
    replies = customer.say("Wie lange dauert der Versand nach Österreich?")
    assert_reply(catalog, replies[0], "utter_faq/international_shipping", "de", "formal")
    assert customer.slots()["formality"] == "formal"


def test_german_customer_who_says_du_gets_du(
    stack: AssistantStack, catalog: ResponseCatalog, profiles: CultureProfiles
) -> None:
    assert profiles.profile("de", "de-DE").mirror_register
    customer = Customer(stack, BERLIN)
    replies = customer.say("Hey, kannst du mir sagen, was der Versand kostet?")
    assert_reply(catalog, replies[0], "utter_faq/shipping_cost", "de", "informal")
    assert customer.slots()["formality"] == "informal"


def test_japanese_stays_keigo_even_when_the_customer_writes_casually(
    stack: AssistantStack, catalog: ResponseCatalog
) -> None:
    customer = Customer(stack, {"locale": "ja-JP"})
    replies = customer.say("送料っていくらなの？教えてくれる？")
    assert_reply(catalog, replies[0], "utter_faq/shipping_cost", "ja", "formal")
    assert customer.slots()["formality"] == "formal"


def test_hinglish_conversation_is_answered_in_hinglish(
    stack: AssistantStack, catalog: ResponseCatalog
) -> None:
    customer = Customer(stack)
    replies = customer.say("mera order kab aayega? tracking kaise karu")
    assert customer.slots()["language"] == "hi-Latn"
    assert replies and all(reply["text"].isascii() for reply in replies if reply.get("text"))
    replies = customer.say("refund kitne din mein milega?")
    assert_reply(catalog, replies[0], "utter_faq/refund_time", "hi-Latn")


def test_ok_after_a_hindi_conversation_stays_hindi(
    stack: AssistantStack, catalog: ResponseCatalog
) -> None:
    customer = Customer(stack)
    replies = customer.say("मेरा रिफंड कितने दिनों में आएगा?")
    assert_reply(catalog, replies[0], "utter_faq/refund_time", "hi")
    replies = customer.say("ok")
    assert customer.slots()["language"] == "hi"
    assert_reply(catalog, replies[0], "utter_glad_to_help", "hi")


def test_switch_to_french_mid_conversation(
    stack: AssistantStack, catalog: ResponseCatalog
) -> None:
    customer = Customer(stack)
    replies = customer.say("How long does shipping take?")
    assert_reply(catalog, replies[0], "utter_faq/shipping_time", "en")
    [changed] = customer.say("can we speak French please?")
    assert customer.slots()["language"] == "fr"
    assert_reply(catalog, changed, "utter_language_changed", "fr")
    replies = customer.say("ok")
    assert customer.slots()["language"] == "fr"
    replies = customer.say("Combien coûte la livraison ?")
    assert_reply(catalog, replies[0], "utter_faq/shipping_cost", "fr")


def test_turkish_goes_through_the_translation_provider_and_back(
    stack: AssistantStack, translation_provider: FakeLibreTranslate
) -> None:
    translation_provider.mode = "ok"
    customer = Customer(stack)
    replies = customer.say("Merhaba, siparişim nerede? Kargo takip numarası alabilir miyim?")
    assert customer.slots()["language"] == "tr"
    sources = {(r.get("source"), r.get("target")) for r in translation_provider.requests}
    assert ("tr", "en") in sources and ("en", "tr") in sources
    assert replies
    for reply in replies:
        assert reply["text"].startswith("[tr] ")
        assert reply["text"].endswith("([tr] machine translation)")


def test_translator_down_still_answers_quickly_in_english(
    stack: AssistantStack, translation_provider: FakeLibreTranslate, profiles: CultureProfiles
) -> None:
    apology = profiles.profile("en").settings["machine_translation"]["unavailable"]
    translation_provider.mode = "slow"
    try:
        customer = Customer(stack)
        started = time.monotonic()
        replies = customer.say("İade politikanız nedir? Ürünü geri göndermek istiyorum.")
        elapsed = time.monotonic() - started
    finally:
        translation_provider.mode = "ok"
    assert replies[0]["text"].startswith(apology)
    assert elapsed < 2.0, f"reply took {elapsed:.2f}s with the translator hanging"
