from __future__ import annotations

from typing import Any

import pytest

from bot.config import load_settings
from bot.culture.topics import TopicCatalog
from bot.fallback import fallback_replies, likely_topics


@pytest.fixture(scope="module")
def topics() -> TopicCatalog:
    settings = load_settings()
    return TopicCatalog.load(settings.culture_dir, settings.data_dir / "suggestions.yml")


def user(text: str, frustration: float = 0.0, ranking: dict[str, float] | None = None,
         faq: dict[str, float] | None = None) -> dict[str, Any]:
    parse = {
        "frustration": {"score": frustration},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in (ranking or {}).items()],
        "response_selector": {"faq": {"ranking": [
            {"intent_response_key": f"faq/{topic}", "confidence": c}
            for topic, c in (faq or {}).items()
        ]}},
    }
    return {"event": "user", "text": text, "parse_data": parse}


def fallback_turn() -> list[dict[str, Any]]:
    return [{"event": "action", "name": "action_fallback"},
            {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_default"}}]


def test_first_misunderstanding_asks_to_rephrase(topics: TopicCatalog) -> None:
    assert fallback_replies([user("blorp zzz")], topics) == [("utter_default", {})]


def test_second_in_a_row_offers_the_likely_topics_and_a_person(topics: TopicCatalog) -> None:
    events = [
        user("my thing with the code", ranking={"faq": 0.3, "order_status": 0.2},
             faq={"promo_code": 0.9, "invoice": 0.1}), *fallback_turn(),
        user("the discount", ranking={"faq": 0.5}, faq={"promo_code": 0.6, "loyalty_points": 0.3}),
    ]
    [(response, values)] = fallback_replies(events, topics)
    assert response == "utter_fallback_topics"
    assert values["topics"][:2] == ["promo_code", "order_status"]
    assert len(values["topics"]) <= 3


def test_an_understood_message_in_between_starts_over(topics: TopicCatalog) -> None:
    events = [user("zzz"), *fallback_turn(), user("shipping cost?"),
              {"event": "action", "name": "utter_faq"}, user("qqq")]
    assert fallback_replies(events, topics) == [("utter_default", {})]


def test_without_hints_the_default_topics_are_offered(topics: TopicCatalog) -> None:
    assert likely_topics([user("xx")], topics) == topics.fallback[:3]


def test_a_frustrated_message_not_understood_is_a_complaint(topics: TopicCatalog) -> None:
    complaint = user("third time I write and nobody answers!!!", frustration=0.6)
    assert fallback_replies([complaint], topics) == [("utter_offer_human", {})]
    offered = [complaint, {"event": "bot", "metadata": {"utter_action": "utter_offer_human"}}]
    assert fallback_replies(offered, topics) == []  # offered already in this turn


@pytest.mark.parametrize("text", ["", "🙂🙂", "¿?"])
def test_a_message_without_words_is_called_unreadable(topics: TopicCatalog, text: str) -> None:
    assert fallback_replies([user(text)], topics) == [("utter_message_unreadable", {})]
