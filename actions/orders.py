"""Order status lookups against the demo order store."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.languages import DEFAULT_LANGUAGE
from bot.orders import OrderStore, normalize_order_id, status_reply


class ActionCheckOrderStatus(Action):
    """Tells the customer where their order is, or asks for the order number first."""

    def __init__(self, store: OrderStore | None = None) -> None:
        """Uses `store`, or the configured order store on first use."""
        self._store = store

    def name(self) -> str:
        """Unique identifier of this action."""
        return "action_check_order_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """See parent class for full docstring."""
        if self._store is None:
            self._store = OrderStore.from_settings()
        order_id = normalize_order_id(tracker.get_slot("order_id") or "")
        if not order_id:
            # The reply that brings the number is read as an order question (NLU context).
            dispatcher.utter_message(response="utter_ask_order_id")
            return []
        order = self._store.find(order_id)
        if order is None:
            dispatcher.utter_message(response="utter_order_not_found", order_id=order_id)
            return [SlotSet("order_id", None)]
        language = tracker.get_slot("language") or DEFAULT_LANGUAGE
        response, values = status_reply(order, language, tracker.get_slot("locale"))
        dispatcher.utter_message(response=response, **values)
        return [SlotSet("order_id", None)]
