"""What the assistant says when it did not understand (bot/fallback.py)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.culture.resources import topic_catalog
from bot.fallback import fallback_replies


class ActionFallback(Action):
    """Asks to rephrase, then offers the likely topics and a person; complaints get a person."""

    def name(self) -> str:
        """Unique identifier of this action."""
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """See parent class for full docstring."""
        for response, values in fallback_replies(tracker.events, topic_catalog()):
            dispatcher.utter_message(response=response, **values)
        return []
