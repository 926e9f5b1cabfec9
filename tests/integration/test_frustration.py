"""Empathy first, then the answer; escalation when frustration persists (real stack)."""

from __future__ import annotations

import pytest

from bot.culture.catalog import ResponseCatalog
from bot.topology import AssistantStack
from tests.integration.conftest import Customer, assert_reply, is_acknowledgement, is_reply

pytestmark = pytest.mark.integration

# (language, frustrated question, the same question asked calmly, its FAQ topic)
QUESTIONS = [
    ("de", "Das ist echt eine Frechheit!!! Wann bekomme ich endlich mein Geld zurück?",
     "Wie lange dauert die Rückerstattung?", "refund_time"),
    ("hi", "यह बहुत बेकार सर्विस है! मेरा रिफंड कितने दिनों में आएगा?",
     "मेरा रिफंड कितने दिनों में आएगा?", "refund_time"),
    ("ja", "最悪です。返金はいつになるんですか？いい加減にしてください",
     "返金はいつになりますか？", "refund_time"),
    ("es", "¡Esto es una vergüenza! ¿Cuánto tarda el reembolso?",
     "¿Cuánto tarda el reembolso?", "refund_time"),
]


@pytest.mark.parametrize(("language", "angry", "calm", "topic"), QUESTIONS)
def test_frustrated_question_gets_empathy_first_then_the_answer(
    stack: AssistantStack, catalog: ResponseCatalog, language: str, angry: str, calm: str,
    topic: str,
) -> None:
    customer = Customer(stack)
    replies = customer.say(angry)
    assert is_acknowledgement(catalog, replies[0], language), replies
    assert_reply(catalog, replies[1], f"utter_faq/{topic}", language, "formal")
    assert customer.slots()["frustration"] >= 0.35
    assert customer.slots()["formality"] == "formal"


@pytest.mark.parametrize(("language", "angry", "calm", "topic"), QUESTIONS)
def test_calm_question_gets_no_acknowledgement(
    stack: AssistantStack, catalog: ResponseCatalog, language: str, angry: str, calm: str,
    topic: str,
) -> None:
    customer = Customer(stack)
    replies = customer.say(calm)
    assert not any(is_acknowledgement(catalog, reply, language) for reply in replies)
    assert is_reply(catalog, replies[0], f"utter_faq/{topic}", language)


# (language, second frustrated message, third: a frustrated order-status question)
PERSISTENT = [
    ("de", "Das bringt mir nichts, so ein Mist! Echt ärgerlich.",
     "Ich schreibe jetzt schon zum dritten Mal! Wo ist meine Bestellung 482913?"),
    ("hi", "इससे कोई मदद नहीं हुई, बहुत बेकार सर्विस है!",
     "मैं तीसरी बार लिख रहा हूँ! मेरा ऑर्डर 482913 कहाँ है?"),
    ("ja", "全然役に立たないです。本当に最悪です",
     "もう3回目の問い合わせです！注文482913はどうなっているんですか？"),
    ("es", "No me sirve de nada, ¡qué desastre de servicio!",
     "¡Ya es la tercera vez que escribo! ¿Dónde está mi pedido 482913?"),
]
INSULTS = [
    ("de", "Du bist ein dummer Bot, echt zum Kotzen"),
    ("hi", "तुम बेवकूफ़ बॉट हो, बिल्कुल बेकार"),
    ("ja", "このポンコツ、役立たずのバカ"),
    ("es", "eres un bot inútil, qué idiota"),
]
TICKET_REPLIES = ("utter_ticket_created", "utter_ticket_created_offline")


@pytest.mark.parametrize(("language", "second", "third"), PERSISTENT)
def test_three_frustrated_turns_lead_to_an_offer_of_a_person(
    stack: AssistantStack, catalog: ResponseCatalog, language: str, second: str, third: str
) -> None:
    first = next(angry for lang, angry, _, _ in QUESTIONS if lang == language)
    customer = Customer(stack)
    customer.say(first)
    replies = customer.say(second)
    assert not any(is_reply(catalog, r, "utter_offer_human", language) for r in replies)
    replies = customer.say(third)
    assert is_acknowledgement(catalog, replies[0], language), replies
    offer = next(r for r in replies if is_reply(catalog, r, "utter_offer_human", language))
    assert [b["payload"] for b in offer["buttons"]] == ["/request_human", "/deny"]
    assert any(is_reply(catalog, r, "utter_order_status_shipped", language) for r in replies)
    [declined] = customer.say("/deny")
    assert is_reply(catalog, declined, "utter_offer_declined", language)


@pytest.mark.parametrize(("language", "insult"), INSULTS)
def test_insult_gets_a_calm_reply_and_an_offer_of_a_person(
    stack: AssistantStack, catalog: ResponseCatalog, language: str, insult: str
) -> None:
    customer = Customer(stack)
    replies = customer.say(insult)
    assert is_reply(catalog, replies[0], "utter_acknowledge_abuse", language), replies
    assert is_reply(catalog, replies[1], "utter_offer_human", language)
    [ticket] = customer.say("/request_human")
    assert any(is_reply(catalog, ticket, key, language) for key in TICKET_REPLIES)


def test_sensitive_topic_goes_to_a_person_at_once(
    stack: AssistantStack, catalog: ResponseCatalog
) -> None:
    replies = Customer(stack).say("My card was charged twice, this looks like fraud")
    assert is_reply(catalog, replies[0], "utter_sensitive_topic", "en"), replies
    assert any(is_reply(catalog, replies[1], key, "en") for key in TICKET_REPLIES)
