"""What the assistant says when it did not understand: a two-stage fallback.

The first message in a row that it does not understand gets one request to rephrase; the
next one gets the topics the messages most likely meant, as buttons, and the offer of a
person. A frustrated message it does not understand is a complaint: the empathy reply has
already been sent (bot/frustration.py), and the customer is offered a person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from bot.culture.topics import TopicCatalog
from bot.nlu.frustration_scorer import FRUSTRATED_SCORE

FALLBACK_ACTION = "action_fallback"
MAX_TOPICS = 3
# A topic is offered when the messages give it at least this probability.
MIN_TOPIC_SCORE = 0.05
# Intents that stand for a topic of their own (the rest are small talk).
_TOPIC_INTENTS = ("order_status", "ticket_status")

Reply = tuple[str, dict[str, Any]]


def fallback_replies(
    events: Sequence[Mapping[str, Any]], topics: TopicCatalog
) -> list[Reply]:
    """The replies to the latest customer message, which was not understood.

    Args:
        events: the conversation's tracker events as dicts, oldest first.
        topics: the topics that can be offered.
    """
    users = [index for index, event in enumerate(events) if event.get("event") == "user"]
    if not users:
        return [("utter_default", {})]
    latest = events[users[-1]]
    sent_this_turn = {
        (event.get("metadata") or {}).get("utter_action")
        for event in events[users[-1]:] if event.get("event") == "bot"
    }
    if not any(char.isalnum() for char in str(latest.get("text") or "")):
        return [("utter_message_unreadable", {})]  # no words: empty, emoji, binary
    if _frustrated(latest):
        return [] if "utter_offer_human" in sent_this_turn else [("utter_offer_human", {})]
    misunderstood = _misunderstood_streak(events, users)
    if misunderstood == 0:
        return [("utter_default", {})]
    recent = [events[index] for index in users[-2:]]
    return [("utter_fallback_topics", {"topics": likely_topics(recent, topics)})]


def likely_topics(messages: Sequence[Mapping[str, Any]], topics: TopicCatalog) -> list[str]:
    """The topics the messages most likely meant, best first, else the default list."""
    scores: dict[str, float] = defaultdict(float)
    for message in messages:
        for topic, score in _topic_scores(message.get("parse_data") or {}).items():
            scores[topic] += score / len(messages)
    ranked = [
        topic for topic, score in sorted(scores.items(), key=lambda item: -item[1])
        if score >= MIN_TOPIC_SCORE and topics.known(topic)
    ]
    return ranked[:MAX_TOPICS] or list(topics.fallback)[:MAX_TOPICS]


def _topic_scores(parse: Mapping[str, Any]) -> dict[str, float]:
    ranking = {
        str(entry.get("name")): float(entry.get("confidence") or 0.0)
        for entry in parse.get("intent_ranking") or []
    }
    scores = {intent: ranking.get(intent, 0.0) for intent in _TOPIC_INTENTS}
    faq = (parse.get("response_selector") or {}).get("faq") or {}
    for entry in faq.get("ranking") or []:
        key = str(entry.get("intent_response_key") or "")
        if key.startswith("faq/"):
            scores[key[len("faq/"):]] = ranking.get("faq", 0.0) * float(
                entry.get("confidence") or 0.0
            )
    return scores


def _frustrated(user_event: Mapping[str, Any]) -> bool:
    frustration = (user_event.get("parse_data") or {}).get("frustration") or {}
    try:
        score = float(frustration.get("score") or 0.0)
    except (TypeError, ValueError):
        score = 0.0
    return score >= FRUSTRATED_SCORE or bool(frustration.get("abusive"))


def _misunderstood_streak(events: Sequence[Mapping[str, Any]], users: list[int]) -> int:
    """How many customer messages right before the latest one the bot did not understand."""
    streak = 0
    for start, end in zip(reversed(users[:-1]), reversed(users[1:]), strict=True):
        if not any(
            event.get("event") == "action" and event.get("name") == FALLBACK_ACTION
            for event in events[start:end]
        ):
            break
        streak += 1
    return streak
