"""Crashes the customer never meets as silence: the action server down, Rasa killed.

The processes come back before each test ends, so the session's stack serves the other
tests. The customers' texts come from tests/stories/scenarios_<lang>.yml.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from bot.culture.catalog import ResponseCatalog
from bot.languages import SUPPORTED_LANGUAGES
from bot.topology import AssistantStack
from tests.integration.conftest import HELPDESK_TOKEN, Customer
from tests.integration.test_scripted_conversations import LOCALES
from tests.simulation.replies import ReplyIndex
from tests.simulation.scripts import load_scripts

pytestmark = pytest.mark.integration


def keys(index: ReplyIndex, replies: list[dict[str, Any]], language: str) -> list[str]:
    found = []
    for reply in replies:
        matches = {m.key for m in index.matches(str(reply.get("text") or ""))
                   if m.language == language}
        found.append(sorted(matches)[0] if matches else f"?{reply.get('text')!r}")
    return found


def texts(language: str, scenario: str, turn: int) -> str:
    [script] = [s for s in load_scripts(language) if s.scenario == scenario]
    return script.turns[turn].text


def tickets_of(stack: AssistantStack, sender: str) -> list[dict[str, Any]]:
    answer = requests.get(f"{stack.helpdesk_url}/api/tickets",
                          params={"conversation_id": sender},
                          headers={"Authorization": f"Bearer {HELPDESK_TOKEN}"}, timeout=10)
    assert answer.status_code == 200
    return answer.json()


def test_while_the_action_server_is_down_every_language_gets_an_honest_answer(
    stack: AssistantStack, catalog: ResponseCatalog
) -> None:
    index = ReplyIndex.from_catalog(catalog)
    customers = {language: Customer(stack, {"locale": LOCALES[language]})
                 for language in SUPPORTED_LANGUAGES}
    for language, customer in customers.items():
        customer.say(texts(language, "faq_ok_thanks", 0))
    stack.stop_service("actions")
    try:
        for language, customer in customers.items():
            started = time.monotonic()
            order = customer.say(texts(language, "action_server_killed", 2))
            faq = customer.say(texts(language, "faq_ok_thanks", 0))
            person = customer.say(texts(language, "complaint_to_ticket", 3))
            assert time.monotonic() - started < 30, "three replies within the action timeouts"
            assert keys(index, order, language) == ["utter_technical_problem",
                                                    "utter_human_contact"], (language, order)
            # Answers that need no custom action still come: replies render inside Rasa.
            assert keys(index, faq, language)[-1] == "utter_did_that_help", (language, faq)
            assert keys(index, person, language)[-2:] == ["utter_ticket_queued",
                                                          "utter_human_contact"], (language, person)
    finally:
        stack.restart_service("actions")
    # The requests for a person made during the outage become tickets once it is back.
    deadline = time.monotonic() + 60
    missing = set(customers)
    while missing and time.monotonic() < deadline:
        missing = {lang for lang in missing if not tickets_of(stack, customers[lang].sender)}
        time.sleep(1)
    assert missing == set()


def test_a_killed_rasa_restarts_and_the_conversation_goes_on(
    stack: AssistantStack, catalog: ResponseCatalog
) -> None:
    index = ReplyIndex.from_catalog(catalog)
    customer = Customer(stack, {"locale": "de-DE"})
    first = customer.say(texts("de", "faq_ok_thanks", 0))
    assert keys(index, first, "de")[-1] == "utter_did_that_help"
    supervisor = stack.supervisor
    assert supervisor is not None
    standby = supervisor.wait_standby("rasa", 180)
    stack.kill("rasa")
    # Sent right after the crash: it waits in the supervisor's socket, the standby Rasa
    # takes over and reads the conversation from the tracker store.
    started = time.monotonic()
    after = customer.say(texts("de", "faq_ok_thanks", 1), timeout=120)
    assert time.monotonic() - started < 10
    assert keys(index, after, "de") == ["utter_glad_to_help", "utter_ask_rating"], after
    assert supervisor.pid("rasa") == standby
    stack.wait_ready("rasa")
    health = requests.get(f"{stack.helpdesk_url}/health", timeout=10)
    assert health.status_code == 200
    assert health.json() == {"rasa": "ok", "actions": "ok", "helpdesk": "ok"}
