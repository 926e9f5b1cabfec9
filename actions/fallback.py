"""What the assistant says when it did not understand."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict


class ActionFallback(Action):
    """Asks to rephrase; a message with no words at all is called unreadable instead."""

    def name(self) -> str:
        """Unique identifier of this action."""
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """See parent class for full docstring."""
        text = tracker.latest_message.get("text") or ""
        has_words = any(char.isalnum() for char in text)
        response = "utter_default" if has_words else "utter_message_unreadable"
        dispatcher.utter_message(response=response)
        return []
