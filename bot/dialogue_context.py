"""What the bot's last turn left open, so that "ok", "no" or "2" are read in context.

The same short message means different things after different bot turns: "ok" after an
order status closes the topic, after "Did that help?" it means yes, after the offer of a
person it accepts the offer, and "2" after the rating question is a rating. The slot
`pending_question` carries this state into the rules (data/rules/context.yml); the NLU
component bot/nlu/dialogue_context_resolver.py reads it for ratings and order numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

DID_THAT_HELP = "did_that_help"
OFFER_HUMAN = "offer_human"
RATING = "rating"
ORDER_NUMBER = "order_number"
ANYTHING_ELSE = "anything_else"
ANSWER = "answer"
PENDING_QUESTIONS: tuple[str, ...] = (
    DID_THAT_HELP, OFFER_HUMAN, RATING, ORDER_NUMBER, ANYTHING_ELSE, ANSWER
)

# The response keys that leave something open, by what they leave open. The turn's last
# question decides; without one, an answer; replies not listed (empathy) are skipped.
_PENDING_BY_RESPONSE: dict[str, str] = {
    "utter_did_that_help": DID_THAT_HELP,
    "utter_offer_human": OFFER_HUMAN,
    "utter_fallback_topics": OFFER_HUMAN,
    "utter_ask_csat": RATING,
    "utter_ask_rating": RATING,
    "utter_ask_order_id": ORDER_NUMBER,
    "utter_order_not_found": ORDER_NUMBER,
    "utter_greet": ANYTHING_ELSE,
    "utter_glad_to_help": ANYTHING_ELSE,
    "utter_you_are_welcome": ANYTHING_ELSE,
    "utter_anything_else": ANYTHING_ELSE,
    "utter_back_to_bot": ANYTHING_ELSE,
    "utter_offer_declined": ANYTHING_ELSE,
    "utter_nothing_to_cancel": ANYTHING_ELSE,
    "utter_handoff_cancelled": ANYTHING_ELSE,
    "utter_thanks_for_rating": ANYTHING_ELSE,
    "utter_order_status_processing": ANSWER,
    "utter_order_status_shipped": ANSWER,
    "utter_order_status_delivered": ANSWER,
    "utter_order_status_cancelled": ANSWER,
    "utter_ticket_status_open": ANSWER,
    "utter_ticket_status_assigned": ANSWER,
    "utter_ticket_status_waiting_for_customer": ANSWER,
    "utter_ticket_status_resolved": ANSWER,
    "utter_no_ticket": ANSWER,
    "utter_iamabot": ANSWER,
    "utter_language_changed": ANSWER,
    "utter_human_contact": ANSWER,
}
# Replies that settle the question before them ("please rephrase", "sorry, can't help"):
# after them nothing is pending even if an earlier reply of the turn asked something.
_CLOSES_QUESTION = frozenset(
    {"utter_default", "utter_message_unreadable", "utter_out_of_scope", "utter_closing",
     "utter_how_can_i_help", "utter_goodbye", "utter_technical_problem",
     "utter_faq_not_helpful"}
)


def pending_question(bot_responses: Sequence[str]) -> str | None:
    """What the replies of the bot's last turn left open.

    Args:
        bot_responses: the response keys of that turn's bot messages, in order.

    Returns:
        One of PENDING_QUESTIONS, or None.
    """
    answered = False
    for response in reversed(bot_responses):
        if response in _CLOSES_QUESTION:
            break
        pending = _PENDING_BY_RESPONSE.get(response)
        if pending == ANSWER:
            answered = True  # "no" after "Want a person? ... Your order is on its way."
        elif pending is not None:  # answers the question, not the answer
            return pending
    return ANSWER if answered else None


def pending_before_latest_message(events: Sequence[Mapping[str, Any]]) -> str | None:
    """What was open when the customer sent their latest message.

    Args:
        events: tracker events as dicts (rasa-sdk's `tracker.events`), oldest first.
    """
    users = [index for index, event in enumerate(events) if event.get("event") == "user"]
    if not users:
        return None
    start = users[-2] + 1 if len(users) >= 2 else 0
    return pending_question([
        str(event["metadata"]["utter_action"])
        for event in events[start:users[-1]]
        if event.get("event") == "bot"
        and isinstance((event.get("metadata") or {}).get("utter_action"), str)
    ])
