"""The scripted multi-turn conversations of every language, replayed over REST.

The scripts are the Rasa test stories tests/stories/scenarios_<lang>.yml (which `rasa test`
checks too): FAQ → "ok" → thanks; a complaint that escalates to a person; an order number
given in a later turn; a language switch; an informal customer; the action server killed
during the conversation; messy messages ("hi", venting around an FAQ question, a closing, a
complaint that ends in a request for a person). Every turn must give the story's replies (empathy first where the
customer is frustrated) and keep the turn invariants.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.culture.catalog import ResponseCatalog
from bot.culture.profiles import CultureProfiles
from bot.languages import SUPPORTED_LANGUAGES
from bot.topology import AssistantStack
from tests.integration.conftest import Customer
from tests.simulation.invariants import TurnCheck, check_turn
from tests.simulation.replies import ReplyIndex
from tests.simulation.scripts import Script, load_scripts, reply_problems

pytestmark = pytest.mark.integration

# The locale a widget customer of each language would send.
LOCALES = {"en": "en-GB", "hi": "hi-IN", "hi-Latn": "hi-IN", "es": "es-ES", "fr": "fr-FR",
           "de": "de-DE", "pt": "pt-BR", "it": "it-IT", "ja": "ja-JP", "zh": "zh-CN",
           "ar": "ar-EG"}


@pytest.fixture(scope="module")
def index(catalog: ResponseCatalog) -> ReplyIndex:
    return ReplyIndex.from_catalog(catalog)


def problems_of_turn(
    script: Script, number: int, replies: list[dict[str, Any]], index: ReplyIndex,
    profiles: CultureProfiles, rating_asked: bool,
) -> list[str]:
    """Everything wrong with one turn: the story's replies and the turn invariants."""
    turn = script.turns[number]
    language = script.language_of_turn(number)
    matches = [index.matches(str(reply.get("text") or "")) for reply in replies]
    found = reply_problems(turn, matches, language,
                           number in script.metadata.get("empathy_turns", []), rating_asked)
    found += [f"{v.kind}: {v.detail}" for v in check_turn(TurnCheck(
        script.name, number, "scripted", language, replies, matches,
        script.registers(number, profiles, LOCALES[script.language]), False, None,
    ))]
    return [f"{script.name}, turn {number} ({turn.text!r}): {problem}" for problem in found]


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_scripted_conversations_over_rest(
    stack: AssistantStack, index: ReplyIndex, profiles: CultureProfiles, language: str
) -> None:
    scripts = load_scripts(language)
    assert {s.scenario for s in scripts} == {
        "faq_ok_thanks", "complaint_to_ticket", "order_number_later", "language_switch",
        "informal_from_the_start", "action_server_killed", "messy_answer", "messy_handoff",
    }
    problems: list[str] = []
    for script in scripts:
        customer = Customer(stack, {"locale": LOCALES[language]})
        rating_asked = False
        for number, turn in enumerate(script.turns):
            killed = script.metadata.get("kill_actions_before_turn") == number
            if killed:
                stack.kill("actions")  # the supervisor restarts it; the customer must not notice
            replies = customer.say(turn.text)
            if killed:
                stack.wait_ready("actions")
            problems += problems_of_turn(script, number, replies, index, profiles, rating_asked)
            rating_asked = rating_asked or any(
                "utter_ask_rating" in {m.key for m in index.matches(str(r.get("text") or ""))}
                for r in replies
            )
    assert problems == [], "\n".join(problems)
