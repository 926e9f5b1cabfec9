"""Escalation to the ticket queue and the live handoff, with the real helpdesk (issue 5)."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from bot.culture.catalog import ResponseCatalog
from bot.topology import AssistantStack
from tests.integration.conftest import (
    HELPDESK_TOKEN,
    TOKEN,
    UNCLAIMED_SECONDS,
    Customer,
    is_reply,
    response_pattern,
)

pytestmark = pytest.mark.integration

CREATED = ("utter_ticket_created", "utter_ticket_created_offline")


def helpdesk(stack: AssistantStack, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {HELPDESK_TOKEN}"}
    return requests.request(method, stack.helpdesk_url + path, headers=headers, timeout=10,
                            **kwargs)


def tickets_of(stack: AssistantStack, customer: Customer) -> list[dict[str, Any]]:
    reply = helpdesk(stack, "GET", "/api/tickets", params={"conversation_id": customer.sender})
    assert reply.status_code == 200, reply.text
    return reply.json()


def bot_texts(stack: AssistantStack, customer: Customer) -> list[str]:
    tracker = requests.get(f"{stack.rasa_url}/conversations/{customer.sender}/tracker",
                           params={"token": TOKEN}, timeout=10).json()
    return [e.get("text") or "" for e in tracker["events"] if e["event"] == "bot"]


def test_health_reports_every_service(stack: AssistantStack) -> None:
    reply = requests.get(f"{stack.helpdesk_url}/health", timeout=10)
    assert reply.status_code == 200
    assert reply.json() == {"rasa": "ok", "actions": "ok", "helpdesk": "ok"}


def test_ticket_api_needs_the_token(stack: AssistantStack) -> None:
    assert requests.get(f"{stack.helpdesk_url}/api/tickets", timeout=10).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert requests.get(f"{stack.helpdesk_url}/api/tickets", headers=wrong,
                        timeout=10).status_code == 401


@pytest.mark.parametrize(
    ("language", "opening", "request_human", "during_handoff"),
    [
        ("hi", "मेरा रिफंड कितने दिनों में आएगा?", "मुझे किसी इंसान से बात करनी है",
         "मेरा ऑर्डर नंबर 482913 है"),
        ("de", "Wie lange dauert die Rückerstattung?",
         "Ich möchte bitte mit einem Mitarbeiter sprechen", "Meine Bestellnummer ist 482913"),
    ],
)
def test_escalation_live_handoff_and_hand_back(
    stack: AssistantStack, catalog: ResponseCatalog, language: str, opening: str,
    request_human: str, during_handoff: str,
) -> None:
    customer = Customer(stack)
    customer.say(opening)
    replies = customer.say(request_human)
    assert any(is_reply(catalog, replies[0], key, language) for key in CREATED), replies
    [ticket] = tickets_of(stack, customer)
    assert str(ticket["id"]) in replies[0]["text"]
    assert ticket["language"] == language and ticket["status"] == "open"
    assert [m["text"] for m in ticket["transcript"] if m["role"] == "customer"] == [
        opening, request_human,
    ]
    assert customer.slots()["handoff_active"] is True

    # The bot is silent; the message reaches the ticket.
    assert customer.say(during_handoff) == []
    ticket = helpdesk(stack, "GET", f"/api/tickets/{ticket['id']}").json()
    assert ticket["transcript"][-1]["text"] == during_handoff

    # An agent claims and replies; the reply lands in the customer's conversation.
    assert helpdesk(stack, "POST", f"/api/tickets/{ticket['id']}/claim",
                    json={"agent": "Priya"}).status_code == 200
    answer = "Danke, ich sehe mir Bestellung 482913 an." if language == "de" else "धन्यवाद, मैं देख रही हूँ।"
    reply = helpdesk(stack, "POST", f"/api/tickets/{ticket['id']}/reply",
                     json={"agent": "Priya", "text": answer})
    assert reply.status_code == 200 and reply.json().get("delivered") is True
    assert answer in bot_texts(stack, customer)

    # Hand back: the bot answers again.
    assert helpdesk(stack, "POST", f"/api/tickets/{ticket['id']}/handback").status_code == 200
    assert customer.slots()["handoff_active"] is False
    replies = customer.say(opening)
    assert replies and is_reply(catalog, replies[0], "utter_faq/refund_time", language)


def test_ticket_status_in_chat_shows_only_this_conversations_ticket(
    stack: AssistantStack, catalog: ResponseCatalog
) -> None:
    other = Customer(stack)
    other.say("I want to talk to a human")
    customer = Customer(stack)
    [no_ticket] = customer.say("what's the status of my support ticket?")
    assert is_reply(catalog, no_ticket, "utter_no_ticket", "en")
    customer.say("I want to talk to a human")
    [ticket] = tickets_of(stack, customer)
    helpdesk(stack, "POST", f"/api/tickets/{ticket['id']}/handback")
    [status] = customer.say("what's the status of my support ticket?")
    assert is_reply(catalog, status, "utter_ticket_status_open", "en")
    assert str(ticket["id"]) in status["text"]


def test_sensitive_topic_opens_an_urgent_ticket(
    stack: AssistantStack, catalog: ResponseCatalog
) -> None:
    customer = Customer(stack)
    replies = customer.say("Someone hacked my account and placed orders I didn't make")
    assert is_reply(catalog, replies[0], "utter_sensitive_topic", "en"), replies
    assert any(is_reply(catalog, replies[1], key, "en") for key in CREATED)
    [ticket] = tickets_of(stack, customer)
    assert ticket["priority"] == 1


def test_escalation_while_the_helpdesk_is_down_is_delivered_once_later(
    stack: AssistantStack, catalog: ResponseCatalog
) -> None:
    customer = Customer(stack)
    customer.say("Wie lange dauert die Rückerstattung?")
    stack.stop_service("helpdesk")
    try:
        queued, contact = customer.say("Ich möchte bitte mit einem Mitarbeiter sprechen")
        assert is_reply(catalog, queued, "utter_ticket_queued", "de"), queued
        assert is_reply(catalog, contact, "utter_human_contact", "de")
    finally:
        stack.restart_service("helpdesk")
    deadline = time.monotonic() + 60
    tickets: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not tickets:
        tickets = tickets_of(stack, customer)
        time.sleep(1)
    time.sleep(6)  # one more outbox round: a second delivery would show up now
    tickets = tickets_of(stack, customer)
    assert len(tickets) == 1
    texts = [m["text"] for m in tickets[0]["transcript"]]
    assert texts[0] == "Wie lange dauert die Rückerstattung?"
    assert "Ich möchte bitte mit einem Mitarbeiter sprechen" in texts


def test_nobody_claiming_gets_the_customer_an_honest_update(
    stack: AssistantStack, catalog: ResponseCatalog
) -> None:
    customer = Customer(stack, {"locale": "ja-JP"})
    customer.say("担当者と話したいです")
    [ticket] = tickets_of(stack, customer)
    pattern = response_pattern(catalog, "utter_handoff_no_agent_yet", "ja", "formal")
    deadline = time.monotonic() + UNCLAIMED_SECONDS + 45
    updates: list[str] = []
    while time.monotonic() < deadline and not updates:
        time.sleep(2)
        updates = [text for text in bot_texts(stack, customer) if pattern.match(text)]
    assert len(updates) == 1 and str(ticket["id"]) in updates[0]
    ticket = helpdesk(stack, "GET", f"/api/tickets/{ticket['id']}").json()
    assert ticket["status"] == "open" and ticket["handoff_active"] is True


def test_resolved_ticket_asks_for_a_rating_and_stores_it(
    stack: AssistantStack, catalog: ResponseCatalog
) -> None:
    customer = Customer(stack)
    customer.say("Ich möchte bitte mit einem Mitarbeiter sprechen")
    [ticket] = tickets_of(stack, customer)
    helpdesk(stack, "POST", f"/api/tickets/{ticket['id']}/claim", json={"agent": "Jonas"})
    resolved = helpdesk(stack, "POST", f"/api/tickets/{ticket['id']}/resolve")
    assert resolved.status_code == 200 and resolved.json()["delivered"] is True
    question = response_pattern(catalog, "utter_ask_csat", "de", "formal")
    assert any(question.match(text) for text in bot_texts(stack, customer))

    [thanks] = customer.say('/affirm{"csat_score": "2"}')
    assert is_reply(catalog, thanks, "utter_thanks_for_rating", "de")
    ticket = helpdesk(stack, "GET", f"/api/tickets/{ticket['id']}").json()
    assert ticket["csat"] == 2 and ticket["flagged_for_review"] is True


@pytest.mark.parametrize(
    ("language", "request_human", "cancel", "afterwards", "answer"),
    [
        ("de", "Ich möchte bitte mit einem Mitarbeiter sprechen",
         "Hat sich erledigt, ich brauche keinen Mitarbeiter mehr. Bitte die Anfrage abbrechen.",
         "Wie lange dauert der Versand?", "utter_faq/shipping_time"),
        ("hi", "मुझे किसी इंसान से बात करनी है",
         "रहने दीजिए, अब एजेंट की ज़रूरत नहीं है, मेरी रिक्वेस्ट कैंसल कर दीजिए",
         "शिपिंग में कितने दिन लगते हैं?", "utter_faq/shipping_time"),
    ],
)
def test_customer_cancels_the_handoff(
    stack: AssistantStack, catalog: ResponseCatalog, language: str, request_human: str,
    cancel: str, afterwards: str, answer: str,
) -> None:
    customer = Customer(stack)
    customer.say(request_human)
    [ticket] = tickets_of(stack, customer)
    assert customer.slots()["handoff_active"] is True

    replies = customer.say(cancel)
    assert replies and is_reply(catalog, replies[0], "utter_handoff_cancelled", language), replies
    assert str(ticket["id"]) in replies[0]["text"]
    assert customer.slots()["handoff_active"] is False
    ticket = helpdesk(stack, "GET", f"/api/tickets/{ticket['id']}").json()
    assert ticket["status"] == "resolved" and ticket["handoff_active"] is False
    assert ticket["transcript"][-1] == {**ticket["transcript"][-1], "role": "customer", "text": cancel}
    assert any("cancelled" in note["text"] for note in ticket["notes"])

    # The bot answers again; nothing more goes to the closed ticket.
    replies = customer.say(afterwards)
    assert is_reply(catalog, replies[0], answer, language), replies
    assert len(helpdesk(stack, "GET", f"/api/tickets/{ticket['id']}").json()["transcript"]) == len(
        ticket["transcript"]
    )


def test_cancel_without_a_handoff_says_there_is_nothing_to_cancel(
    stack: AssistantStack, catalog: ResponseCatalog
) -> None:
    customer = Customer(stack)
    replies = customer.say("forget it, I don't need an agent anymore, cancel my request")
    assert is_reply(catalog, replies[0], "utter_nothing_to_cancel", "en"), replies
    assert tickets_of(stack, customer) == []


def test_solved_question_asks_for_a_rating_once_and_stores_it(
    stack: AssistantStack, catalog: ResponseCatalog
) -> None:
    customer = Customer(stack)
    customer.say("¿Cuánto tarda en llegar mi reembolso?")
    replies = customer.say("sí")
    assert is_reply(catalog, replies[0], "utter_glad_to_help", "es"), replies
    # The rating question of a chat without a ticket names no ticket.
    assert is_reply(catalog, replies[-1], "utter_ask_rating", "es"), replies
    assert "{" not in replies[-1]["text"]
    assert len(replies[-1].get("buttons") or []) == 5

    [thanks] = customer.say('/affirm{"csat_score": "1"}')
    assert is_reply(catalog, thanks, "utter_thanks_for_rating", "es")
    ratings = helpdesk(stack, "GET", "/api/ratings",
                       params={"conversation_id": customer.sender}).json()["ratings"]
    assert [(r["score"], r["language"], r["flagged_for_review"]) for r in ratings] == [(1, "es", True)]

    # A second solved question in the same conversation is not followed by a second survey.
    customer.say("¿Qué métodos de pago aceptan?")
    replies = customer.say("sí")
    assert not any(is_reply(catalog, reply, "utter_ask_rating", "es") for reply in replies), replies
