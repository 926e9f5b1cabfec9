"""The turn guard, built for real and asked to predict on real trackers and the real domain."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import load_settings
from bot.policies.turn_guard import TurnGuardPolicy


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(load_settings().domain_path))


@pytest.fixture
def guard(tmp_path: Path) -> TurnGuardPolicy:
    storage = LocalModelStorage.create(tmp_path)
    context = ExecutionContext(GraphSchema({}), uuid.uuid4().hex)
    policy = TurnGuardPolicy.create(TurnGuardPolicy.get_default_config(), storage,
                                    Resource("guard"), context)
    policy.train([], Domain.empty())
    return TurnGuardPolicy.load(TurnGuardPolicy.get_default_config(), storage,
                                Resource("guard"), context)


def prediction(guard: TurnGuardPolicy, domain: Domain, *events: Event) -> str | None:
    tracker = DialogueStateTracker.from_events(
        "c", [ActionExecuted(ACTION_LISTEN_NAME), UserUttered("hi"), *events]
    )
    result = guard.predict_action_probabilities(tracker, domain)
    if result.max_confidence == 0.0:
        return None
    return domain.action_names_or_texts[result.max_confidence_index]


def test_abstains_while_a_turn_goes_well(guard: TurnGuardPolicy, domain: Domain) -> None:
    assert prediction(guard, domain) is None
    assert prediction(guard, domain, ActionExecuted("utter_faq"), BotUttered("a"),
                      ActionExecuted("utter_did_that_help")) is None
    assert guard.priority > 6  # above RulePolicy


def test_the_fallback_ends_the_turn(guard: TurnGuardPolicy, domain: Domain) -> None:
    assert prediction(guard, domain, ActionExecuted("action_fallback")) == ACTION_LISTEN_NAME


def test_an_action_that_runs_again_ends_the_turn(guard: TurnGuardPolicy, domain: Domain) -> None:
    repeated = (ActionExecuted("utter_greet"), BotUttered("Hi"), ActionExecuted("utter_greet"))
    assert prediction(guard, domain, *repeated) == ACTION_LISTEN_NAME


def test_four_messages_end_the_turn(guard: TurnGuardPolicy, domain: Domain) -> None:
    messages = [BotUttered(str(n)) for n in range(4)]
    assert prediction(guard, domain, *messages[:3], ActionExecuted("utter_faq")) is None
    assert prediction(guard, domain, *messages) == ACTION_LISTEN_NAME


def test_six_actions_end_the_turn(guard: TurnGuardPolicy, domain: Domain) -> None:
    actions = [ActionExecuted(name) for name in (
        "utter_greet", "utter_faq", "utter_did_that_help", "action_escalate",
        "utter_iamabot", "utter_closing")]
    assert prediction(guard, domain, *actions[:5]) is None
    assert prediction(guard, domain, *actions) == ACTION_LISTEN_NAME


def test_nothing_to_guard_before_the_first_message(
    guard: TurnGuardPolicy, domain: Domain
) -> None:
    tracker = DialogueStateTracker.from_events("c", [ActionExecuted("action_session_start")])
    assert guard.predict_action_probabilities(tracker, domain).max_confidence == 0.0
