"""Fills the conversation slots (language, formality) after every customer message."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from bot.culture.catalog import DEFAULT_REGISTER
from bot.culture.conversation_language import conversation_language
from bot.culture.resources import language_names


class ValidateSlotMappings(ValidationAction):
    """Global slot extraction (`action_validate_slot_mappings`)."""

    def name(self) -> str:
        """Unique identifier of this action."""
        return "action_validate_slot_mappings"

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Keeps or switches the conversation language (see conversation_language)."""
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
        return {"language": conversation_language(detections, current, requested)}

    async def extract_formality(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Uses the default register until something says otherwise."""
        return {"formality": tracker.get_slot("formality") or DEFAULT_REGISTER}
