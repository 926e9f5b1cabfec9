from __future__ import annotations

from typing import Any

import pytest

from bot.dialogue_context import (
    ANSWER,
    ANYTHING_ELSE,
    DID_THAT_HELP,
    OFFER_HUMAN,
    ORDER_NUMBER,
    RATING,
    pending_before_latest_message,
    pending_question,
)


def user(text: str = "hi") -> dict[str, Any]:
    return {"event": "user", "text": text}


def bot(key: str | None, text: str = "…") -> dict[str, Any]:
    return {"event": "bot", "text": text, "metadata": {"utter_action": key} if key else {}}


@pytest.mark.parametrize("responses, expected", [
    (["utter_faq/shipping_cost", "utter_did_that_help"], DID_THAT_HELP),
    (["utter_acknowledge_frustration", "utter_offer_human", "utter_faq/refund_time",
      "utter_did_that_help"], DID_THAT_HELP),  # the last question asked is what "yes" answers
    (["utter_acknowledge_abuse", "utter_offer_human"], OFFER_HUMAN),
    (["utter_fallback_topics"], OFFER_HUMAN),
    (["utter_glad_to_help", "utter_ask_rating"], RATING),
    (["utter_ask_csat"], RATING),
    (["utter_ask_order_id"], ORDER_NUMBER),
    (["utter_order_not_found"], ORDER_NUMBER),
    (["utter_order_status_shipped"], ANSWER),
    (["utter_acknowledge_frustration", "utter_offer_human", "utter_order_status_shipped"],
     OFFER_HUMAN),  # "no" after an offer and an answer declines the offer
    (["utter_greet"], ANYTHING_ELSE),
    (["utter_offer_human", "utter_default"], None),  # "please rephrase" settles it
    (["utter_acknowledge_frustration"], None),
    ([], None),
])
def test_the_last_open_question_of_the_turn_counts(
    responses: list[str], expected: str | None
) -> None:
    assert pending_question(responses) == expected


def test_pending_is_read_from_the_turn_before_the_latest_message() -> None:
    events = [
        user("where is my order"), bot("utter_ask_order_id"),
        user("482913"), bot("utter_order_status_shipped"), bot(None, "agent text"),
        user("ok"),
    ]
    assert pending_before_latest_message(events) == ANSWER
    assert pending_before_latest_message(events[:3]) == ORDER_NUMBER
    assert pending_before_latest_message(events[:1]) is None
    assert pending_before_latest_message([]) is None
