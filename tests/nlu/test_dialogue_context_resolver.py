"""The resolver, run for real on real Messages and Rasa trackers."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.dialogue_context_resolver import DialogueContextResolver


@pytest.fixture
def resolver(tmp_path: Path) -> DialogueContextResolver:
    return DialogueContextResolver.create(
        DialogueContextResolver.get_default_config(), LocalModelStorage.create(tmp_path),
        Resource("resolver"), ExecutionContext(GraphSchema({}), uuid.uuid4().hex),
    )


def parsed(text: str, ranking: list[tuple[str, float]], entities: list[dict[str, Any]] = ()
           ) -> Message:
    return Message(data={
        "text": text,
        "intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
        "intent_ranking": [{"name": name, "confidence": conf} for name, conf in ranking],
        "entities": list(entities),
    })


def after(*responses: str, slots: dict[str, Any] | None = None) -> DialogueStateTracker:
    events = [UserUttered("earlier"), *(BotUttered("…", metadata={"utter_action": key})
                                        for key in responses)]
    events += [SlotSet(name, value) for name, value in (slots or {}).items()]
    return DialogueStateTracker.from_events("conversation", events)


@pytest.mark.parametrize("text, score", [("2", "2"), ("٢", "2"), ("二", "2"), ("दो", "2"),
                                          ("fünf", "5")])
def test_a_number_after_the_rating_question_is_the_rating(
    resolver: DialogueContextResolver, text: str, score: str
) -> None:
    [message] = resolver.process([parsed(text, [("goodbye", 0.9), ("affirm", 0.1)])],
                                 after("utter_glad_to_help", "utter_ask_rating"))
    assert message.get("intent") == {"name": "affirm", "confidence": 1.0}
    assert [(e["entity"], e["value"]) for e in message.get("entities")] == [("csat_score", score)]
    assert message.get("dialogue_context") == {"pending_question": "rating",
                                               "changed_from": "goodbye"}


def test_a_number_elsewhere_is_no_rating(resolver: DialogueContextResolver) -> None:
    [message] = resolver.process([parsed("2", [("goodbye", 0.9)])], after("utter_greet"))
    assert message.get("entities") == []
    assert message.get("intent")["name"] == "goodbye"


def test_an_order_number_when_asked_for_is_an_order_question(
    resolver: DialogueContextResolver,
) -> None:
    number = [{"entity": "order_id", "value": "482913", "start": 7, "end": 13}]
    asked = after("utter_ask_order_id")
    [given] = resolver.process([parsed("it's 482913 I think", [("affirm", 0.6)], number)], asked)
    [complaint] = resolver.process(
        [parsed("482913. worst service ever", [("request_human", 0.9)], number)], asked
    )
    [unasked] = resolver.process(
        [parsed("482913, let me talk to a person", [("request_human", 0.9)], number)], after()
    )
    [bare] = resolver.process([parsed("482913", [("goodbye", 0.5)], number)], after())
    assert given.get("intent")["name"] == "order_status"
    assert complaint.get("intent")["name"] == "order_status"  # the number was asked for
    assert unasked.get("intent")["name"] == "request_human"
    assert bare.get("intent")["name"] == "order_status"


def test_cancel_handoff_applies_only_during_a_handoff(resolver: DialogueContextResolver) -> None:
    text = "Serait-il possible de parler à un conseiller, s'il vous plaît ?"
    ranking = [("cancel_handoff", 0.7), ("request_human", 0.28), ("faq", 0.02)]
    [during] = resolver.process([parsed(text, ranking)], after(slots={"handoff_active": True}))
    [outside] = resolver.process([parsed(text, ranking)], after())
    assert during.get("intent")["name"] == "cancel_handoff"
    assert outside.get("intent")["name"] == "request_human"
    assert [e["name"] for e in outside.get("intent_ranking")][:2] == ["request_human",
                                                                      "cancel_handoff"]


def test_outside_a_handoff_a_frustrated_cancel_is_a_complaint(
    resolver: DialogueContextResolver,
) -> None:
    complaint = parsed("C'est la troisième fois que j'écris, personne ne répond",
                       [("cancel_handoff", 0.98), ("faq", 0.01), ("deny", 0.01)])
    complaint.set("frustration", {"score": 0.6})
    [message] = resolver.process([complaint], after())
    assert message.get("intent")["name"] == "nlu_fallback"


def test_outside_a_handoff_a_clear_calm_cancel_stays(resolver: DialogueContextResolver) -> None:
    clear = parsed("forget it, I don't need an agent anymore, cancel my request",
                   [("cancel_handoff", 0.99), ("faq", 0.01)])
    [message] = resolver.process([clear], after())
    assert message.get("intent")["name"] == "cancel_handoff"  # "there is nothing to cancel"


def test_punctuation_alone_has_no_intent(resolver: DialogueContextResolver) -> None:
    [question_mark] = resolver.process([parsed("?", [("greet", 0.8)])], after())
    [thumbs_up] = resolver.process([parsed("👍", [("affirm", 0.7)])], after())
    assert question_mark.get("intent")["name"] == "nlu_fallback"
    assert thumbs_up.get("intent")["name"] == "affirm"


def test_without_a_tracker_nothing_changes(resolver: DialogueContextResolver) -> None:
    [message] = resolver.process([parsed("2", [("goodbye", 0.9)])])
    assert message.get("intent")["name"] == "goodbye"
    assert message.get("dialogue_context") == {"pending_question": None, "changed_from": None}


def test_during_a_handoff_only_a_calm_and_clear_cancel_ends_it(
    resolver: DialogueContextResolver,
) -> None:
    ranking = [("cancel_handoff", 0.9), ("deny", 0.1)]
    handoff = after(slots={"handoff_active": True})
    calm, angry, unsure = (parsed("never mind, I sorted it out", ranking),
                           parsed("every time the same mess, I'm fed up", ranking),
                           parsed("hm, forget it maybe", [("cancel_handoff", 0.45),
                                                          ("deny", 0.4)]))
    angry.set("frustration", {"score": 0.6})
    [calm, angry, unsure] = resolver.process([calm, angry, unsure], handoff)
    assert calm.get("intent")["name"] == "cancel_handoff"
    assert angry.get("intent")["name"] != "cancel_handoff"  # it goes to the agent
    assert unsure.get("intent")["name"] != "cancel_handoff"
