"""Frustration over a whole conversation, and how the bot answers it (empathy first).

The NLU component scores each message (bot/nlu/frustration_scorer.py); this module turns
those scores and the conversation's course into the `frustration` slot level and into
the replies that must come before the answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.nlu.frustration_scorer import FRUSTRATED_SCORE, STRONG_SCORE

# Intents and FAQ topics where frustration is about waiting.
_WAITING_TOPICS = frozenset({"order_status", "faq/order_tracking", "faq/shipping_time",
                             "faq/refund_time", "ticket_status"})
# Intents that do not count as "asking the same question again".
_NOT_QUESTIONS = frozenset({"affirm", "deny", "greet", "goodbye", "thank", "nlu_fallback"})


@dataclass(frozen=True)
class FrustrationSettings:
    """The numbers in data/frustration/common.yml (`conversation`, `ladder`)."""

    decay: float = 0.8
    sustained_bonus: float = 0.15
    fallback_streak_bonus: float = 0.25
    repeated_question_bonus: float = 0.2
    rejected_answer_bonus: float = 0.25
    offer_human_after: int = 3

    @classmethod
    def load(cls, path: Path) -> FrustrationSettings:
        """Reads the settings; missing values keep their defaults."""
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        values = {**(content.get("conversation") or {}), **(content.get("ladder") or {})}
        known = {key: values[key] for key in cls.__dataclass_fields__ if key in values}
        return cls(**known)


@dataclass(frozen=True)
class Turn:
    """What one customer message said and how the bot had just behaved."""

    intent: str
    score: float
    signals: tuple[str, ...] = ()
    abusive: bool = False
    sensitive: str | None = None
    previous_intent: str | None = None
    after_did_that_help: bool = False

    @classmethod
    def from_events(cls, events: Sequence[Mapping[str, Any]]) -> Turn:
        """The latest customer turn, from tracker events (as dicts)."""
        users = [event for event in events if event.get("event") == "user"]
        if not users:
            return cls(intent="", score=0.0)
        latest = users[-1]
        last_action = None
        for event in reversed(events[: _index_of(events, latest)]):
            if event.get("event") == "action" and event.get("name") != "action_listen":
                last_action = event.get("name")
                break
        frustration = (latest.get("parse_data") or {}).get("frustration") or {}
        return cls(
            intent=full_intent(latest),
            score=_score(frustration),
            signals=tuple(frustration.get("signals") or ()),
            abusive=bool(frustration.get("abusive")),
            sensitive=frustration.get("sensitive"),
            previous_intent=full_intent(users[-2]) if len(users) >= 2 else None,
            after_did_that_help=last_action == "utter_did_that_help",
        )

    @property
    def frustrated(self) -> bool:
        """Whether the message itself sounds frustrated."""
        return self.score >= FRUSTRATED_SCORE or self.abusive


def conversation_level(previous: float, turn: Turn, settings: FrustrationSettings) -> float:
    """The conversation's frustration after `turn`: rises fast, decays slowly."""
    level = max(turn.score, previous * settings.decay)
    if turn.frustrated and previous >= FRUSTRATED_SCORE:
        level += settings.sustained_bonus
    if turn.intent == "nlu_fallback" and turn.previous_intent == "nlu_fallback":
        level += settings.fallback_streak_bonus
    if turn.intent not in _NOT_QUESTIONS and turn.intent == turn.previous_intent:
        level += settings.repeated_question_bonus
    if turn.intent == "deny" and turn.after_did_that_help:
        level += settings.rejected_answer_bonus
    return round(min(1.0, max(0.0, level)), 4)


def replies_before_answer(
    turn: Turn,
    level: float,
    frustrated_turns: int,
    human_offered: bool,
    settings: FrustrationSettings,
) -> list[str]:
    """The responses the bot sends before it answers what was asked.

    Sensitive topics go to a person at once (the caller creates the ticket), abuse gets a
    calm reply and an offer of a person; otherwise a frustrated message gets an
    acknowledgement (about the wait, strong, or plain), and persistent frustration an
    offer of a person.
    """
    if turn.sensitive:
        return ["utter_sensitive_topic"]  # the caller escalates right after
    if turn.abusive:
        return ["utter_acknowledge_abuse", *([] if human_offered else ["utter_offer_human"])]
    if not turn.frustrated:
        return []
    if "waiting" in turn.signals or turn.intent in _WAITING_TOPICS:
        replies = ["utter_acknowledge_frustration_waiting"]
    elif max(turn.score, level) >= STRONG_SCORE:
        replies = ["utter_acknowledge_frustration_strong"]
    else:
        replies = ["utter_acknowledge_frustration"]
    asks_for_person = turn.intent == "request_human"
    if frustrated_turns >= settings.offer_human_after and not human_offered and not asks_for_person:
        replies.append("utter_offer_human")
    return replies


def frustrated_turn_count(events: Sequence[Mapping[str, Any]]) -> int:
    """How many customer messages of the conversation sounded frustrated."""
    count = 0
    for event in events:
        if event.get("event") != "user":
            continue
        frustration = (event.get("parse_data") or {}).get("frustration") or {}
        if _score(frustration) >= FRUSTRATED_SCORE or frustration.get("abusive"):
            count += 1
    return count


def full_intent(user_event: Mapping[str, Any]) -> str:
    """The intent of a user event, with the FAQ topic: "faq/shipping_cost"."""
    parse = user_event.get("parse_data") or {}
    intent = str((parse.get("intent") or {}).get("name") or "")
    selector = (parse.get("response_selector") or {}).get(intent) or {}
    key = (selector.get("response") or {}).get("intent_response_key")
    return str(key) if key else intent


def _score(frustration: Mapping[str, Any]) -> float:
    try:
        return float(frustration.get("score") or 0.0)
    except (TypeError, ValueError):
        return 0.0


def _index_of(events: Sequence[Mapping[str, Any]], target: Mapping[str, Any]) -> int:
    for index, event in enumerate(events):
        if event is target:
            return index
    return len(events)
