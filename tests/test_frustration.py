"""The conversation-level frustration and the empathy-first reply plan."""

from __future__ import annotations

from typing import Any

from bot.config import load_settings
from bot.frustration import (
    FrustrationSettings,
    Turn,
    conversation_level,
    frustrated_turn_count,
    replies_before_answer,
)

SETTINGS = FrustrationSettings()


def _user(intent: str, score: float = 0.0, **frustration: Any) -> dict[str, Any]:
    return {
        "event": "user",
        "parse_data": {
            "intent": {"name": intent},
            "frustration": {"score": score, "signals": [], **frustration},
        },
    }


def test_settings_load_from_data() -> None:
    settings = FrustrationSettings.load(load_settings().data_dir / "frustration" / "common.yml")
    assert settings.offer_human_after == 3


def test_level_rises_fast_and_decays_slowly() -> None:
    angry = Turn(intent="order_status", score=0.8)
    calm = Turn(intent="thank", score=0.0)
    level = conversation_level(0.0, angry, SETTINGS)
    assert level == 0.8
    level = conversation_level(level, calm, SETTINGS)
    assert level == 0.64
    assert conversation_level(0.5, Turn(intent="faq", score=0.5), SETTINGS) == 0.65


def test_conversation_signals_raise_the_level() -> None:
    fallbacks = Turn(intent="nlu_fallback", score=0.0, previous_intent="nlu_fallback")
    repeated = Turn(intent="faq/refund_time", score=0.0, previous_intent="faq/refund_time")
    rejected = Turn(intent="deny", score=0.0, after_did_that_help=True)
    assert conversation_level(0.0, fallbacks, SETTINGS) == 0.25
    assert conversation_level(0.0, repeated, SETTINGS) == 0.2
    assert conversation_level(0.0, rejected, SETTINGS) == 0.25
    assert conversation_level(0.0, Turn(intent="affirm", score=0.0, previous_intent="affirm"),
                              SETTINGS) == 0.0


def test_turn_from_events() -> None:
    events = [
        _user("faq", 0.1),
        {"event": "action", "name": "utter_faq"},
        {"event": "action", "name": "utter_did_that_help"},
        {"event": "action", "name": "action_listen"},
        _user("deny", 0.5, signals=["rejection"]),
    ]
    turn = Turn.from_events(events)
    assert turn.intent == "deny" and turn.after_did_that_help and turn.frustrated
    assert turn.previous_intent == "faq"
    assert frustrated_turn_count(events) == 1


def test_empathy_comes_first_and_matches_the_situation() -> None:
    waiting = Turn(intent="order_status", score=0.5, signals=("waiting",))
    strong = Turn(intent="faq/payment_failed", score=0.9)
    mild = Turn(intent="faq/payment_failed", score=0.4)
    calm = Turn(intent="faq/payment_failed", score=0.1)
    assert replies_before_answer(waiting, 0.5, 1, False, SETTINGS) == [
        "utter_acknowledge_frustration_waiting"
    ]
    assert replies_before_answer(strong, 0.9, 1, False, SETTINGS) == [
        "utter_acknowledge_frustration_strong"
    ]
    assert replies_before_answer(mild, 0.4, 1, False, SETTINGS) == ["utter_acknowledge_frustration"]
    assert replies_before_answer(calm, 0.1, 0, False, SETTINGS) == []


def test_ladder_offers_a_person_once_after_persistent_frustration() -> None:
    mild = Turn(intent="faq/payment_failed", score=0.4)
    assert "utter_offer_human" not in replies_before_answer(mild, 0.4, 2, False, SETTINGS)
    assert replies_before_answer(mild, 0.6, 3, False, SETTINGS)[-1] == "utter_offer_human"
    assert "utter_offer_human" not in replies_before_answer(mild, 0.6, 4, True, SETTINGS)
    asking = Turn(intent="request_human", score=0.4)
    assert "utter_offer_human" not in replies_before_answer(asking, 0.6, 3, False, SETTINGS)


def test_abuse_and_sensitive_topics_escalate_at_once() -> None:
    insult = Turn(intent="nlu_fallback", score=0.6, abusive=True)
    fraud = Turn(intent="faq/payment_failed", score=0.0, sensitive="fraud")
    assert replies_before_answer(insult, 0.6, 1, False, SETTINGS) == [
        "utter_acknowledge_abuse", "utter_offer_human",
    ]
    assert replies_before_answer(fraud, 0.0, 0, False, SETTINGS) == ["utter_sensitive_topic"]
