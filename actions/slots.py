"""Fills the conversation slots after every message: language, register, frustration, context."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions.escalation import tell
from bot.culture.conversation_language import conversation_language
from bot.culture.profiles import Customer, bot_register, local_time
from bot.culture.resources import culture_profiles, frustration_settings, language_names
from bot.dialogue_context import RATING, pending_before_latest_message
from bot.escalation import ConversationView, escalate, helpdesk_link
from bot.frustration import (
    Turn,
    conversation_level,
    frustrated_turn_count,
    replies_before_answer,
)
from bot.languages import DEFAULT_LANGUAGE, REGISTER_LANGUAGES, language_from_locale

# Above this conversation frustration, the bot never turns informal.
PROTECTIVE_FRUSTRATION = 0.4
_ESCALATION_INTENTS = frozenset({"request_human"})


class ValidateSlotMappings(ValidationAction):
    """Global slot extraction (`action_validate_slot_mappings`)."""

    def name(self) -> str:
        """Unique identifier of this action."""
        return "action_validate_slot_mappings"

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Keeps or switches the conversation language (see conversation_language)."""
        return {"language": _conversation_language(tracker)}

    async def extract_formality(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The culture's register, mirroring the customer's where the culture does."""
        language = tracker.get_slot("language")  # rasa-sdk applied extract_language already
        if language not in REGISTER_LANGUAGES:
            return {"formality": "formal"}
        profile = culture_profiles().profile(language, _metadata_or_slot(tracker, "locale"))
        current = tracker.get_slot("formality")
        if language != _previous_value(tracker, "language"):
            current = None  # a new language starts from its own culture's default
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        message_frustration = (tracker.latest_message.get("frustration") or {}).get("score")
        protected = (
            intent in _ESCALATION_INTENTS
            or bool(tracker.get_slot("handoff_active"))
            or max(float(tracker.get_slot("frustration") or 0.0), float(message_frustration or 0.0))
            >= PROTECTIVE_FRUSTRATION
        )
        customer_register = tracker.latest_message.get("formality")
        return {"formality": bot_register(profile, current, customer_register, protected)}

    async def extract_pending_question(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """What the bot's previous turn left open, for the rules in data/rules/context.yml.

        A message that carries a rating (a pressed rating button) answers the rating
        question, whenever it comes.
        """
        entities = tracker.latest_message.get("entities") or []
        if any(entity.get("entity") == "csat_score" for entity in entities):
            return {"pending_question": RATING}
        return {"pending_question": pending_before_latest_message(tracker.events)}

    async def extract_frustration(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Updates the conversation's frustration and sends empathy before the answer.

        See bot/frustration.py for the escalation ladder.
        """
        settings = frustration_settings()
        turn = Turn.from_events(tracker.events)
        level = conversation_level(float(tracker.get_slot("frustration") or 0.0), turn, settings)
        if tracker.get_slot("handoff_active"):
            return {"frustration": level}  # an agent has the conversation: the bot is silent
        already_offered = any(
            event.get("event") == "bot"
            and (event.get("metadata") or {}).get("utter_action") == "utter_offer_human"
            for event in tracker.events
        )
        replies = replies_before_answer(
            turn, level, frustrated_turn_count(tracker.events), already_offered, settings
        )
        # Rasa renders these with the slots as they were before this action's events, so
        # the language and register this message just set are passed along explicitly.
        current = {name: tracker.get_slot(name) for name in ("language", "formality")}
        for response in replies:
            dispatcher.utter_message(response=response, frustration=level, **current)
        slots: dict[str, Any] = {"frustration": level}
        if turn.sensitive:
            link = helpdesk_link()
            view = ConversationView(tracker.sender_id, tracker.events,
                                    {**tracker.current_slot_values(), "frustration": level})
            slots.update(tell(dispatcher, escalate(view, link.client, link.outbox, link.hours,
                                                   topic=turn.sensitive)))
        return slots

    async def extract_locale(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The channel's locale ("de-AT"), kept until a message brings a new one."""
        locale = _metadata(tracker).get("locale")
        valid = isinstance(locale, str) and len(locale) <= 35 and language_from_locale(locale)
        return {"locale": locale} if valid else {}

    async def extract_timezone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The customer's IANA time zone, when the channel sends a valid one."""
        timezone = _metadata(tracker).get("timezone")
        return {"timezone": timezone} if local_time(timezone) is not None else {}

    async def extract_customer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Who the customer is ({"id", "name", "title"}), when the channel says."""
        customer = Customer.from_metadata(_metadata(tracker).get("customer"))
        return {"customer": customer.__dict__} if customer else {}


def _conversation_language(tracker: Tracker) -> str:
    current = tracker.get_slot("language")
    requested = None
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent == "change_language":
        requested = language_names().requested_language(
            tracker.latest_message.get("text") or "", current
        )
    detections = [
        (event.get("parse_data") or {}).get("language") or {}
        for event in tracker.events
        if event.get("event") == "user"
    ]
    # Rasa skips NLU for a payload such as the widget's "/greet": the locale decides then.
    from_locale = language_from_locale(_metadata_or_slot(tracker, "locale"))
    return conversation_language(detections, current, requested,
                                 from_locale or DEFAULT_LANGUAGE)


def _previous_value(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest customer message."""
    users = [index for index, e in enumerate(tracker.events) if e.get("event") == "user"]
    before = tracker.events[: users[-1]] if users else tracker.events
    value = None
    for event in before:
        if event.get("event") == "slot" and event.get("name") == slot:
            value = event.get("value")
    return value


def _metadata(tracker: Tracker) -> dict[str, Any]:
    metadata = tracker.latest_message.get("metadata")
    return metadata if isinstance(metadata, dict) else {}


def _metadata_or_slot(tracker: Tracker, key: str) -> Any:
    return _metadata(tracker).get(key) or tracker.get_slot(key)
