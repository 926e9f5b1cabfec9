"""Answers a request to change the conversation language."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.culture.resources import language_names


class ActionChangeLanguage(Action):
    """Confirms the new language, or asks which one when none was named."""

    def name(self) -> str:
        """Unique identifier of this action."""
        return "action_change_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """See parent class for full docstring."""
        text = tracker.latest_message.get("text") or ""
        if language_names().requested_language(text) is None:
            dispatcher.utter_message(response="utter_ask_which_language")
        else:
            dispatcher.utter_message(response="utter_language_changed")
        return []
